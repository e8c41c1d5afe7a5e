/*
 * vssapi.dll: module entry points and the exported requester functions.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

static LONG module_refcount;

void vssapi_lock_module(void)
{
    InterlockedIncrement(&module_refcount);
}

void vssapi_unlock_module(void)
{
    InterlockedDecrement(&module_refcount);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    TRACE("%p, %lu, %p.\n", instance, reason, reserved);

    if (reason == DLL_PROCESS_ATTACH)
        DisableThreadLibraryCalls(instance);
    return TRUE;
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    TRACE("%ld live objects.\n", module_refcount);

    return module_refcount ? S_FALSE : S_OK;
}

/* The one class vssapi serves is CLSID_VssSnapshotMgmt (mgmt.c), which
 * `winevss install` registers; requesters get the other objects from the
 * exported factory functions. */
HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
    TRACE("%s, %s, %p.\n", debugstr_guid(clsid), debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    *out = NULL;
    if (!clsid || !riid)
        return E_INVALIDARG;
    return mgmt_get_class_object(clsid, riid, out);
}

/* Also exported as the mangled C++ CreateVssBackupComponents. */
HRESULT WINAPI CreateVssBackupComponentsInternal(IVssBackupComponents **backup)
{
    TRACE("%p.\n", backup);

    if (!backup)
        return E_INVALIDARG;
    return backup_components_create(backup);
}

/* Also exported as VssFreeSnapshotProperties.  Callers use it to initialise a
 * structure as well as to free one, so every field is left NULL. */
void WINAPI VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP *prop)
{
    TRACE("%p.\n", prop);

    if (!prop)
        return;
    CoTaskMemFree(prop->m_pwszSnapshotDeviceObject);
    CoTaskMemFree(prop->m_pwszOriginalVolumeName);
    CoTaskMemFree(prop->m_pwszOriginatingMachine);
    CoTaskMemFree(prop->m_pwszServiceMachine);
    CoTaskMemFree(prop->m_pwszExposedName);
    CoTaskMemFree(prop->m_pwszExposedPath);
    prop->m_pwszSnapshotDeviceObject = NULL;
    prop->m_pwszOriginalVolumeName = NULL;
    prop->m_pwszOriginatingMachine = NULL;
    prop->m_pwszServiceMachine = NULL;
    prop->m_pwszExposedName = NULL;
    prop->m_pwszExposedPath = NULL;
}

/* The codes IsVolumeSnapshotted's page lists; anything else is unexpected. */
static HRESULT documented_is_volume_snapshotted(HRESULT hr)
{
    switch (hr)
    {
    case E_ACCESSDENIED:
    case E_OUTOFMEMORY:
    case VSS_E_PROVIDER_VETO:
    case VSS_E_OBJECT_NOT_FOUND:
    case VSS_E_UNEXPECTED_PROVIDER_ERROR:
        return hr;
    default:
        return VSS_E_UNEXPECTED;
    }
}

/* Also exported as IsVolumeSnapshotted. */
HRESULT WINAPI IsVolumeSnapshottedInternal(VSS_PWSZ volume, BOOL *present, LONG *capability)
{
    struct agent_session *session;
    struct agent_volume resolved;
    VSS_SNAPSHOT_PROP *props = NULL;
    ULONG count = 0, i;
    HRESULT hr;

    TRACE("%s, %p, %p.\n", debugstr_w(volume), present, capability);

    if (!volume || !present || !capability)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    *present = FALSE;
    /* winevss's snapshots never disable defragmentation or indexing. */
    *capability = 0;

    if (FAILED(hr = agent_session_open(&session)))
        return policy_result(hr);
    if (SUCCEEDED(hr = agent_resolve_volume(session, volume, &resolved)))
        hr = agent_query_snapshots(session, VSS_CTX_ALL, &props, &count);
    agent_session_close(session);
    if (FAILED(hr))
        return policy_result(documented_is_volume_snapshotted(hr));

    for (i = 0; i < count; ++i)
    {
        if (!wcsicmp(props[i].m_pwszOriginalVolumeName, resolved.name))
            *present = TRUE;
        VssFreeSnapshotPropertiesInternal(&props[i]);
    }
    free(props);
    TRACE("%s: snapshots %s.\n", debugstr_w(volume), *present ? "present" : "absent");
    return S_OK;
}

/* Also exported as ShouldBlockRevert.  A volume blocks revert when it
 * holds components of a writer listed under WritersBlockingRevert; no
 * writer runs under winevss, so none does, but the name must be a volume's. */
HRESULT WINAPI ShouldBlockRevertInternal(LPCWSTR volume, boolean *block)
{
    struct agent_session *session;
    struct agent_volume resolved;
    HRESULT hr;

    TRACE("%s, %p.\n", debugstr_w(volume), block);

    if (!volume || !block)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    *block = FALSE;

    if (FAILED(hr = agent_session_open(&session)))
        return policy_result(hr);
    hr = agent_resolve_volume(session, volume, &resolved);
    agent_session_close(session);
    /* The page lists no VSS_E_OBJECT_NOT_FOUND: a name that is no volume
     * is a parameter that is not valid. */
    if (hr == VSS_E_OBJECT_NOT_FOUND)
        hr = E_INVALIDARG;
    else if (FAILED(hr) && hr != E_OUTOFMEMORY && hr != E_ACCESSDENIED)
        hr = VSS_E_UNEXPECTED;
    return policy_result(hr);
}

/* Also exported as GetProviderMgmtInterface: what
 * IVssSnapshotMgmt::GetProviderMgmtInterface answers. */
HRESULT WINAPI GetProviderMgmtInterfaceInternal(VSS_ID provider, IID iid, IUnknown **out)
{
    TRACE("%s, %s, %p.\n", debugstr_guid(&provider), debugstr_guid(&iid), out);

    return mgmt_provider_interface(&provider, &iid, out);
}

/* Also exported as the mangled C++ CreateVssExamineWriterMetadata. */
HRESULT WINAPI CreateVssExamineWriterMetadataInternal(BSTR xml, IVssExamineWriterMetadata **metadata)
{
    HRESULT hr;

    TRACE("%s, %p.\n", debugstr_w(xml), metadata);

    if (!xml || !metadata)
        return E_INVALIDARG;
    *metadata = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    return examine_metadata_create(xml, metadata);
}

/* The snapshot set description interface is undocumented. */
HRESULT WINAPI vssapi_CreateVssSnapshotSetDescription(VSS_ID set_id, LONG context, void **description)
{
    FIXME("%s, %#lx, %p: not implemented.\n", debugstr_guid(&set_id), context, description);

    if (description)
        *description = NULL;
    return E_NOTIMPL;
}

HRESULT WINAPI vssapi_LoadVssSnapshotSetDescription(LPCWSTR xml, void **description, VSS_ID set_id)
{
    FIXME("%s, %p, %s: not implemented.\n", debugstr_w(xml), description, debugstr_guid(&set_id));

    if (description)
        *description = NULL;
    return E_NOTIMPL;
}
