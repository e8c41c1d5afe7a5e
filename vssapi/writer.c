/*
 * vssapi.dll: the writer-side exports (CVssWriter, CVssJetWriter and the
 * writer factories).
 *
 * winevss has no writer infrastructure yet: nothing ever delivers a VSS event
 * to a writer.  The entry points therefore exist so that writer programs load
 * and run, and answer as a writer outside any event would: the accessors that
 * are only meaningful during an event return their "undefined" values,
 * SetWriterFailure reports VSS_E_BAD_STATE, and registering a writer
 * (Initialize, Subscribe) fails with E_NOTIMPL.
 *
 * Calling conventions: on i386 the member functions are __stdcall with "this"
 * as first argument, the constructors and destructors __thiscall.  A member
 * function that returns a GUID returns it through a hidden pointer passed
 * after "this", which is spelled out here.
 */

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

#ifdef __i386__
#define VSS_THISCALL __thiscall
#else
#define VSS_THISCALL
#endif

/* Layout of the SDK classes: a vtable pointer, then one private pointer. */
struct vss_writer_object
{
    const void *vtable;
    void *wrapper;
};

void * VSS_THISCALL vss_writer_ctor(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    this->wrapper = NULL;
    return this;
}

void VSS_THISCALL vss_writer_dtor(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
}

void * VSS_THISCALL vss_jet_writer_ctor(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    this->wrapper = NULL;
    return this;
}

void VSS_THISCALL vss_jet_writer_dtor(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
}

HRESULT WINAPI vss_writer_Initialize(struct vss_writer_object *this, VSS_ID writer_id, LPCWSTR name,
        VSS_USAGE_TYPE usage, VSS_SOURCE_TYPE source, VSS_APPLICATION_LEVEL level, DWORD freeze_timeout,
        VSS_ALTERNATE_WRITER_STATE alternate, boolean throttling_only, LPCWSTR instance_name)
{
    FIXME("%p, %s, %s, %d, %d, %d, %lu, %d, %d, %s: writers are not supported.\n", this,
            debugstr_guid(&writer_id), debugstr_w(name), usage, source, level, freeze_timeout,
            alternate, throttling_only, debugstr_w(instance_name));
    return E_NOTIMPL;
}

HRESULT WINAPI vss_jet_writer_Initialize(struct vss_writer_object *this, VSS_ID writer_id, LPCWSTR name,
        boolean system_service, boolean bootable_state, LPCWSTR include, LPCWSTR exclude, DWORD flags)
{
    FIXME("%p, %s, %s, %d, %d, %s, %s, %#lx: writers are not supported.\n", this,
            debugstr_guid(&writer_id), debugstr_w(name), system_service, bootable_state,
            debugstr_w(include), debugstr_w(exclude), flags);
    return E_NOTIMPL;
}

void WINAPI vss_jet_writer_Uninitialize(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
}

HRESULT WINAPI vss_writer_InstallAlternateWriter(struct vss_writer_object *this, VSS_ID writer_id, CLSID clsid)
{
    FIXME("%p, %s, %s: writers are not supported.\n", this, debugstr_guid(&writer_id), debugstr_guid(&clsid));
    return E_NOTIMPL;
}

HRESULT WINAPI vss_writer_Subscribe(struct vss_writer_object *this, DWORD flags)
{
    FIXME("%p, %#lx: writers are not supported.\n", this, flags);
    return E_NOTIMPL;
}

HRESULT WINAPI vss_writer_Unsubscribe(struct vss_writer_object *this)
{
    FIXME("%p: writers are not supported.\n", this);
    return E_NOTIMPL;
}

boolean WINAPI vss_writer_AreComponentsSelected(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return FALSE;
}

VSS_BACKUP_TYPE WINAPI vss_writer_GetBackupType(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return VSS_BT_UNDEFINED;
}

LONG WINAPI vss_writer_GetContext(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return VSS_CTX_BACKUP;
}

VSS_APPLICATION_LEVEL WINAPI vss_writer_GetCurrentLevel(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return VSS_APP_UNKNOWN;
}

GUID * WINAPI vss_writer_GetCurrentSnapshotSetId(struct vss_writer_object *this, GUID *ret)
{
    TRACE("%p, %p.\n", this, ret);
    *ret = GUID_NULL;
    return ret;
}

LPCWSTR * WINAPI vss_writer_GetCurrentVolumeArray(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return NULL;
}

UINT WINAPI vss_writer_GetCurrentVolumeCount(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return 0;
}

VSS_RESTORE_TYPE WINAPI vss_writer_GetRestoreType(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return VSS_RTYPE_UNDEFINED;
}

HRESULT WINAPI vss_writer_GetSnapshotDeviceName(struct vss_writer_object *this, LPCWSTR volume, LPCWSTR *device)
{
    TRACE("%p, %s, %p.\n", this, debugstr_w(volume), device);

    if (!volume || !device)
        return E_INVALIDARG;
    *device = NULL;
    /* Outside a snapshot event no volume of the set is known. */
    return VSS_E_OBJECT_NOT_FOUND;
}

boolean WINAPI vss_writer_IsBootableSystemStateBackedUp(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return FALSE;
}

boolean WINAPI vss_writer_IsPartialFileSupportEnabled(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return FALSE;
}

boolean WINAPI vss_writer_IsPathAffected(struct vss_writer_object *this, LPCWSTR path)
{
    TRACE("%p, %s.\n", this, debugstr_w(path));
    return FALSE;
}

HRESULT WINAPI vss_writer_SetWriterFailure(struct vss_writer_object *this, HRESULT failure)
{
    TRACE("%p, %#lx.\n", this, failure);
    /* Only valid while the writer handles an event, and none ever arrives. */
    return VSS_E_BAD_STATE;
}

/* The base class's event handlers succeed by default (OnIdentify,
 * OnPrepareBackup, OnPostSnapshot, OnBackupComplete, OnPreRestore,
 * OnPostRestore and CVssJetWriter's *Begin handlers). */
boolean WINAPI vss_writer_event_default(struct vss_writer_object *this, void *components)
{
    TRACE("%p, %p.\n", this, components);
    return TRUE;
}

boolean WINAPI vss_writer_notify_default(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
    return TRUE;
}

boolean WINAPI vss_writer_OnBackupShutdown(struct vss_writer_object *this, VSS_ID set_id)
{
    TRACE("%p, %s.\n", this, debugstr_guid(&set_id));
    return TRUE;
}

boolean WINAPI vss_writer_OnIOOnVolume(struct vss_writer_object *this, VSS_PWSZ volume, VSS_ID snapshot_id,
        VSS_ID provider_id)
{
    TRACE("%p, %s, %s, %s.\n", this, debugstr_w(volume), debugstr_guid(&snapshot_id), debugstr_guid(&provider_id));
    return TRUE;
}

boolean WINAPI vss_jet_writer_event_end_default(struct vss_writer_object *this, void *components, boolean succeeded)
{
    TRACE("%p, %p, %d.\n", this, components, succeeded);
    return TRUE;
}

boolean WINAPI vss_jet_writer_notify_end_default(struct vss_writer_object *this, boolean succeeded)
{
    TRACE("%p, %d.\n", this, succeeded);
    return TRUE;
}

void WINAPI vss_jet_writer_abort_default(struct vss_writer_object *this)
{
    TRACE("%p.\n", this);
}

HRESULT WINAPI CreateVssExpressWriterInternal(void **writer)
{
    FIXME("%p: express writers are not supported.\n", writer);

    if (!writer)
        return E_INVALIDARG;
    *writer = NULL;
    return E_NOTIMPL;
}

/* CreateWriter and CreateWriterEx are undocumented; both take two pointers. */
HRESULT WINAPI CreateWriter(void *arg1, void *arg2)
{
    FIXME("%p, %p: not implemented.\n", arg1, arg2);
    return E_NOTIMPL;
}

HRESULT WINAPI CreateWriterEx(void *arg1, void *arg2)
{
    FIXME("%p, %p: not implemented.\n", arg1, arg2);
    return E_NOTIMPL;
}
