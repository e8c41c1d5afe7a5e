/*
 * vssapi.dll: snapshot management.
 *
 * IVssSnapshotMgmt (and IVssSnapshotMgmt2) is what Windows programs get
 * from CoCreateInstance(CLSID_VssSnapshotMgmt): the volumes that can be
 * snapshotted, the snapshots of a volume, and the providers' management
 * interfaces.  Windows serves the class from the VSS service; here
 * DllGetClassObject serves it and `winevss install` registers it.
 *
 * IVssDifferentialSoftwareSnapshotMgmt(2, 3) administers a software
 * provider's shadow copy storage ("diff area").  winevss's snapshots take
 * none: the host file system does the copy-on-write, or the snapshot is a
 * full copy.  So there is never a diff area to list, add, resize or
 * migrate, and every method says so with the code its page documents
 * (docs/decisions.md lists the choices).
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* The smallest diff area AddDiffArea accepts, and the minimum Windows uses
 * when MinDiffAreaFileSize is not set. */
#define MIN_DIFF_AREA_SIZE (320 * (LONGLONG)1024 * 1024)

static HRESULT empty_mgmt_enum(IVssEnumMgmtObject **out)
{
    return enum_mgmt_object_create(NULL, 0, out);
}

/* S_OK when name is a volume: "C:\", "\\?\Volume{GUID}\" or a mount folder. */
static HRESULT check_volume(const WCHAR *name)
{
    WCHAR guid_name[VOLUME_NAME_SIZE], root[MAX_PATH];

    if (FAILED(volume_from_name(name, guid_name, root)))
    {
        WARN("%s is not a volume.\n", debugstr_w(name));
        return VSS_E_OBJECT_NOT_FOUND;
    }
    return S_OK;
}

/* S_OK when the agent lists the provider. */
static HRESULT check_provider(struct agent_session *session, const VSS_ID *provider)
{
    VSS_PROVIDER_PROP *props;
    HRESULT hr = VSS_E_PROVIDER_NOT_REGISTERED;
    ULONG count, i;

    if (FAILED(agent_query_providers(session, &props, &count)))
        return VSS_E_UNEXPECTED;
    for (i = 0; i < count; ++i)
    {
        if (IsEqualGUID(&props[i].m_ProviderId, provider))
            hr = S_OK;
        CoTaskMemFree(props[i].m_pwszProviderName);
        CoTaskMemFree(props[i].m_pwszProviderVersion);
    }
    free(props);
    if (hr != S_OK)
        WARN("no provider %s.\n", debugstr_guid(provider));
    return hr;
}

static WCHAR *strdup_task(const WCHAR *src)
{
    size_t size = (wcslen(src) + 1) * sizeof(WCHAR);
    WCHAR *dst;

    if ((dst = CoTaskMemAlloc(size)))
        memcpy(dst, src, size);
    return dst;
}

struct diff_mgmt
{
    IVssDifferentialSoftwareSnapshotMgmt3 IVssDifferentialSoftwareSnapshotMgmt3_iface;
    LONG refcount;

    VSS_ID provider;
};

static inline struct diff_mgmt *impl_from_IVssDifferentialSoftwareSnapshotMgmt3(
        IVssDifferentialSoftwareSnapshotMgmt3 *iface)
{
    return CONTAINING_RECORD(iface, struct diff_mgmt, IVssDifferentialSoftwareSnapshotMgmt3_iface);
}

/* The diff-area interfaces the emulated version has. */
static BOOL is_diff_mgmt_iid(REFIID riid)
{
    return (IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt)
            || IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt2)
            || IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt3))
            && policy_interface_offered(riid);
}

static HRESULT WINAPI diff_mgmt_QueryInterface(IVssDifferentialSoftwareSnapshotMgmt3 *iface, REFIID riid,
        void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || is_diff_mgmt_iid(riid))
    {
        *out = iface;
        IVssDifferentialSoftwareSnapshotMgmt3_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI diff_mgmt_AddRef(IVssDifferentialSoftwareSnapshotMgmt3 *iface)
{
    struct diff_mgmt *mgmt = impl_from_IVssDifferentialSoftwareSnapshotMgmt3(iface);
    ULONG refcount = InterlockedIncrement(&mgmt->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI diff_mgmt_Release(IVssDifferentialSoftwareSnapshotMgmt3 *iface)
{
    struct diff_mgmt *mgmt = impl_from_IVssDifferentialSoftwareSnapshotMgmt3(iface);
    ULONG refcount = InterlockedDecrement(&mgmt->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        free(mgmt);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT WINAPI diff_mgmt_AddDiffArea(IVssDifferentialSoftwareSnapshotMgmt3 *iface, VSS_PWSZ volume,
        VSS_PWSZ diff_volume, LONGLONG max_space)
{
    HRESULT hr;

    TRACE("%p, %s, %s, %s.\n", iface, debugstr_w(volume), debugstr_w(diff_volume), wine_dbgstr_longlong(max_space));

    if ((hr = policy_mgmt_method_available(MGMT_ADD_DIFF_AREA)) != S_OK)
        return hr;
    if (!volume || !diff_volume)
        return E_INVALIDARG;
    if (max_space != VSS_ASSOC_NO_MAX_SPACE && max_space < MIN_DIFF_AREA_SIZE)
    {
        WARN("maximum size %s is below the minimum.\n", wine_dbgstr_longlong(max_space));
        return E_INVALIDARG;
    }
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    /* The page has no code for a name that is no volume. */
    if (check_volume(volume) != S_OK || check_volume(diff_volume) != S_OK)
        return E_INVALIDARG;
    WARN("winevss snapshots take no diff area; %s cannot hold one.\n", debugstr_w(diff_volume));
    return VSS_E_VOLUME_NOT_SUPPORTED;
}

static HRESULT change_maximum_size(const WCHAR *volume, const WCHAR *diff_volume, LONGLONG max_space,
        BOOL is_volatile)
{
    HRESULT hr;

    if (!volume || !diff_volume)
        return E_INVALIDARG;
    if (max_space < VSS_ASSOC_NO_MAX_SPACE || (is_volatile && max_space == VSS_ASSOC_REMOVE))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    WARN("no diff area is associated with %s.\n", debugstr_w(volume));
    return VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT WINAPI diff_mgmt_ChangeDiffAreaMaximumSize(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, VSS_PWSZ diff_volume, LONGLONG max_space)
{
    TRACE("%p, %s, %s, %s.\n", iface, debugstr_w(volume), debugstr_w(diff_volume), wine_dbgstr_longlong(max_space));

    return change_maximum_size(volume, diff_volume, max_space, FALSE);
}

/* The queries of the diff areas: winevss has none to list. */
static HRESULT query_diff_objects(const WCHAR *volume, BOOL need_volume, IVssEnumMgmtObject **out)
{
    HRESULT hr;

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (need_volume && !volume)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    /* The pages have no code for a name that is no volume. */
    if (need_volume && check_volume(volume) != S_OK)
        return E_INVALIDARG;
    return policy_result(empty_mgmt_enum(out));
}

static HRESULT WINAPI diff_mgmt_QueryVolumesSupportedForDiffAreas(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_w(volume), out);

    return query_diff_objects(volume, TRUE, out);
}

static HRESULT WINAPI diff_mgmt_QueryDiffAreasForVolume(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_w(volume), out);

    return query_diff_objects(volume, TRUE, out);
}

static HRESULT WINAPI diff_mgmt_QueryDiffAreasOnVolume(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_w(volume), out);

    return query_diff_objects(volume, TRUE, out);
}

static HRESULT WINAPI diff_mgmt_QueryDiffAreasForSnapshot(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_ID snapshot_id, IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(&snapshot_id), out);

    return query_diff_objects(NULL, FALSE, out);
}

static HRESULT WINAPI diff_mgmt_ChangeDiffAreaMaximumSizeEx(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, VSS_PWSZ diff_volume, LONGLONG max_space, BOOL is_volatile)
{
    TRACE("%p, %s, %s, %s, %d.\n", iface, debugstr_w(volume), debugstr_w(diff_volume),
            wine_dbgstr_longlong(max_space), is_volatile);

    return change_maximum_size(volume, diff_volume, max_space, is_volatile);
}

/* MigrateDiffAreas, QueryMigrationStatus, SetSnapshotPriority and
 * QuerySnapshotDeltaBitmap are "not supported, reserved for future use". */
static HRESULT WINAPI diff_mgmt_MigrateDiffAreas(IVssDifferentialSoftwareSnapshotMgmt3 *iface, VSS_PWSZ volume,
        VSS_PWSZ diff_volume, VSS_PWSZ new_diff_volume)
{
    TRACE("%p, %s, %s, %s: reserved, not supported.\n", iface, debugstr_w(volume), debugstr_w(diff_volume),
            debugstr_w(new_diff_volume));

    return E_NOTIMPL;
}

static HRESULT WINAPI diff_mgmt_QueryMigrationStatus(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, VSS_PWSZ diff_volume, IVssAsync **async)
{
    TRACE("%p, %s, %s, %p: reserved, not supported.\n", iface, debugstr_w(volume), debugstr_w(diff_volume), async);

    if (async)
        *async = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI diff_mgmt_SetSnapshotPriority(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_ID snapshot_id, BYTE priority)
{
    TRACE("%p, %s, %u: reserved, not supported.\n", iface, debugstr_guid(&snapshot_id), priority);

    return E_NOTIMPL;
}

/* The shadow copy protection methods: the argument checks, then E_NOTIMPL
 * for a volume, the page's code for a provider without shadow copy
 * protection. */
static HRESULT protection_method(enum mgmt_method method, const WCHAR *volume)
{
    HRESULT hr;

    if ((hr = policy_mgmt_method_available(method)) != S_OK)
        return hr;
    if (!volume)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if ((hr = check_volume(volume)) != S_OK)
        return hr;
    return E_NOTIMPL;
}

static HRESULT WINAPI diff_mgmt_SetVolumeProtectLevel(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, VSS_PROTECTION_LEVEL level)
{
    HRESULT hr;

    TRACE("%p, %s, %d.\n", iface, debugstr_w(volume), level);

    if ((hr = policy_mgmt_method_available(MGMT_SET_VOLUME_PROTECT_LEVEL)) != S_OK)
        return hr;
    if (level != VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME && level != VSS_PROTECTION_LEVEL_SNAPSHOT)
        return E_INVALIDARG;
    if ((hr = protection_method(MGMT_SET_VOLUME_PROTECT_LEVEL, volume)) == E_NOTIMPL)
        WARN("winevss's providers have no shadow copy protection.\n");
    return hr;
}

static HRESULT WINAPI diff_mgmt_GetVolumeProtectLevel(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume, VSS_VOLUME_PROTECTION_INFO *info)
{
    HRESULT hr;

    TRACE("%p, %s, %p.\n", iface, debugstr_w(volume), info);

    if ((hr = policy_mgmt_method_available(MGMT_GET_VOLUME_PROTECT_LEVEL)) != S_OK)
        return hr;
    if (!info)
        return E_INVALIDARG;
    memset(info, 0, sizeof(*info));
    if ((hr = protection_method(MGMT_GET_VOLUME_PROTECT_LEVEL, volume)) == E_NOTIMPL)
        WARN("winevss's providers have no shadow copy protection.\n");
    return hr;
}

static HRESULT WINAPI diff_mgmt_ClearVolumeProtectFault(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ volume)
{
    HRESULT hr;

    TRACE("%p, %s.\n", iface, debugstr_w(volume));

    if ((hr = protection_method(MGMT_CLEAR_VOLUME_PROTECT_FAULT, volume)) == E_NOTIMPL)
        WARN("winevss's providers have no shadow copy protection.\n");
    return hr;
}

static HRESULT WINAPI diff_mgmt_DeleteUnusedDiffAreas(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_PWSZ diff_volume)
{
    HRESULT hr;

    TRACE("%p, %s.\n", iface, debugstr_w(diff_volume));

    if ((hr = policy_mgmt_method_available(MGMT_DELETE_UNUSED_DIFF_AREAS)) != S_OK)
        return hr;
    /* A volume holds no diff area, so none is unused: nothing to delete. */
    if ((hr = protection_method(MGMT_DELETE_UNUSED_DIFF_AREAS, diff_volume)) == E_NOTIMPL)
        hr = S_OK;
    return hr;
}

static HRESULT WINAPI diff_mgmt_QuerySnapshotDeltaBitmap(IVssDifferentialSoftwareSnapshotMgmt3 *iface,
        VSS_ID older, VSS_ID younger, ULONG *block_size, ULONG *length, BYTE **bitmap)
{
    TRACE("%p, %s, %s, %p, %p, %p: reserved, not supported.\n", iface, debugstr_guid(&older),
            debugstr_guid(&younger), block_size, length, bitmap);

    if (block_size)
        *block_size = 0;
    if (length)
        *length = 0;
    if (bitmap)
        *bitmap = NULL;
    return E_NOTIMPL;
}

static const IVssDifferentialSoftwareSnapshotMgmt3Vtbl diff_mgmt_vtbl =
{
    diff_mgmt_QueryInterface,
    diff_mgmt_AddRef,
    diff_mgmt_Release,
    diff_mgmt_AddDiffArea,
    diff_mgmt_ChangeDiffAreaMaximumSize,
    diff_mgmt_QueryVolumesSupportedForDiffAreas,
    diff_mgmt_QueryDiffAreasForVolume,
    diff_mgmt_QueryDiffAreasOnVolume,
    diff_mgmt_QueryDiffAreasForSnapshot,
    diff_mgmt_ChangeDiffAreaMaximumSizeEx,
    diff_mgmt_MigrateDiffAreas,
    diff_mgmt_QueryMigrationStatus,
    diff_mgmt_SetSnapshotPriority,
    diff_mgmt_SetVolumeProtectLevel,
    diff_mgmt_GetVolumeProtectLevel,
    diff_mgmt_ClearVolumeProtectFault,
    diff_mgmt_DeleteUnusedDiffAreas,
    diff_mgmt_QuerySnapshotDeltaBitmap,
};

/* Also the exported GetProviderMgmtInterface.  The interface is checked
 * before the provider, which takes the agent. */
HRESULT mgmt_provider_interface(const VSS_ID *provider, REFIID riid, IUnknown **out)
{
    struct agent_session *session;
    struct diff_mgmt *mgmt;
    HRESULT hr;

    if (!out || !riid)
        return E_INVALIDARG;
    *out = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if (!is_diff_mgmt_iid(riid))
    {
        WARN("providers offer no interface %s.\n", debugstr_guid(riid));
        return E_NOINTERFACE;
    }

    if (FAILED(hr = agent_session_open(&session)))
        return policy_result(hr);
    hr = check_provider(session, provider);
    agent_session_close(session);
    if (hr != S_OK)
        return policy_result(hr);

    if (!(mgmt = calloc(1, sizeof(*mgmt))))
        return E_OUTOFMEMORY;
    mgmt->IVssDifferentialSoftwareSnapshotMgmt3_iface.lpVtbl = &diff_mgmt_vtbl;
    mgmt->refcount = 1;
    mgmt->provider = *provider;
    vssapi_lock_module();
    TRACE("created %p for provider %s.\n", mgmt, debugstr_guid(provider));
    *out = (IUnknown *)&mgmt->IVssDifferentialSoftwareSnapshotMgmt3_iface;
    return S_OK;
}

struct snapshot_mgmt
{
    IVssSnapshotMgmt IVssSnapshotMgmt_iface;
    IVssSnapshotMgmt2 IVssSnapshotMgmt2_iface;
    LONG refcount;
};

static inline struct snapshot_mgmt *impl_from_IVssSnapshotMgmt(IVssSnapshotMgmt *iface)
{
    return CONTAINING_RECORD(iface, struct snapshot_mgmt, IVssSnapshotMgmt_iface);
}

static inline struct snapshot_mgmt *impl_from_IVssSnapshotMgmt2(IVssSnapshotMgmt2 *iface)
{
    return CONTAINING_RECORD(iface, struct snapshot_mgmt, IVssSnapshotMgmt2_iface);
}

static HRESULT WINAPI snapshot_mgmt_QueryInterface(IVssSnapshotMgmt *iface, REFIID riid, void **out)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssSnapshotMgmt))
    {
        *out = &mgmt->IVssSnapshotMgmt_iface;
    }
    else if (IsEqualIID(riid, &IID_IVssSnapshotMgmt2) && policy_interface_offered(riid))
    {
        *out = &mgmt->IVssSnapshotMgmt2_iface;
    }
    else
    {
        *out = NULL;
        WARN("interface %s not supported.\n", debugstr_guid(riid));
        return E_NOINTERFACE;
    }
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG WINAPI snapshot_mgmt_AddRef(IVssSnapshotMgmt *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = InterlockedIncrement(&mgmt->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI snapshot_mgmt_Release(IVssSnapshotMgmt *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = InterlockedDecrement(&mgmt->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        free(mgmt);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT WINAPI snapshot_mgmt_GetProviderMgmtInterface(IVssSnapshotMgmt *iface, VSS_ID provider,
        REFIID riid, IUnknown **out)
{
    TRACE("%p, %s, %s, %p.\n", iface, debugstr_guid(&provider), debugstr_guid(riid), out);

    return mgmt_provider_interface(&provider, riid, out);
}

static HRESULT volume_props(const struct supported_volume *volumes, ULONG count, VSS_MGMT_OBJECT_PROP **out)
{
    VSS_MGMT_OBJECT_PROP *props;
    ULONG i;

    if (!(props = calloc(max(count, 1), sizeof(*props))))
        return E_OUTOFMEMORY;
    for (i = 0; i < count; ++i)
    {
        props[i].Type = VSS_MGMT_OBJECT_VOLUME;
        props[i].Obj.Vol.m_pwszVolumeName = strdup_task(volumes[i].name);
        props[i].Obj.Vol.m_pwszVolumeDisplayName = strdup_task(volumes[i].root);
        if (!props[i].Obj.Vol.m_pwszVolumeName || !props[i].Obj.Vol.m_pwszVolumeDisplayName)
        {
            do
            {
                CoTaskMemFree(props[i].Obj.Vol.m_pwszVolumeName);
                CoTaskMemFree(props[i].Obj.Vol.m_pwszVolumeDisplayName);
            } while (i--);
            free(props);
            return E_OUTOFMEMORY;
        }
    }
    *out = props;
    return S_OK;
}

static HRESULT WINAPI snapshot_mgmt_QueryVolumesSupportedForSnapshots(IVssSnapshotMgmt *iface, VSS_ID provider,
        LONG context, IVssEnumMgmtObject **out)
{
    struct supported_volume *volumes = NULL;
    struct agent_session *session;
    VSS_MGMT_OBJECT_PROP *props;
    ULONG count = 0;
    HRESULT hr;

    TRACE("%p, %s, %#lx, %p.\n", iface, debugstr_guid(&provider), context, out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if ((hr = policy_context_supported(context)) != S_OK)
        return hr;

    if (FAILED(hr = agent_session_open(&session)))
        return policy_result(hr);
    if (IsEqualGUID(&provider, &GUID_NULL) || (hr = check_provider(session, &provider)) == S_OK)
        hr = volume_list_supported(session, &provider, &volumes, &count);
    agent_session_close(session);
    if (FAILED(hr))
        return policy_result(hr);

    hr = volume_props(volumes, count, &props);
    free(volumes);
    if (FAILED(hr))
        return hr;
    TRACE("%lu volumes.\n", count);
    return policy_result(enum_mgmt_object_create(props, count, out));
}

static HRESULT WINAPI snapshot_mgmt_QuerySnapshotsByVolume(IVssSnapshotMgmt *iface, VSS_PWSZ volume,
        VSS_ID provider, IVssEnumObject **out)
{
    struct agent_session *session;
    struct agent_volume resolved;
    VSS_SNAPSHOT_PROP *snapshots = NULL;
    VSS_OBJECT_PROP *props;
    ULONG count = 0, found = 0, i;
    HRESULT hr;

    TRACE("%p, %s, %s, %p.\n", iface, debugstr_w(volume), debugstr_guid(&provider), out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!volume)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if ((hr = snapshots_check_volume_name(volume, FALSE)) != S_OK)
        return hr;

    if (FAILED(hr = agent_session_open(&session)))
        return policy_result(hr);
    if (IsEqualGUID(&provider, &GUID_NULL) || (hr = check_provider(session, &provider)) == S_OK)
    {
        if (SUCCEEDED(hr = agent_resolve_volume(session, volume, &resolved)))
            hr = agent_query_snapshots(session, VSS_CONTEXT_ALL, &snapshots, &count);
    }
    agent_session_close(session);
    if (FAILED(hr))
        return policy_result(hr);

    if (!(props = calloc(max(count, 1), sizeof(*props))))
        hr = E_OUTOFMEMORY;
    for (i = 0; i < count; ++i)
    {
        if (props && !wcsicmp(snapshots[i].m_pwszOriginalVolumeName, resolved.name)
                && (IsEqualGUID(&provider, &GUID_NULL) || IsEqualGUID(&provider, &snapshots[i].m_ProviderId)))
        {
            props[found].Type = VSS_OBJECT_SNAPSHOT;
            props[found++].Obj.Snap = snapshots[i];
        }
        else
        {
            VssFreeSnapshotPropertiesInternal(&snapshots[i]);
        }
    }
    free(snapshots);
    if (FAILED(hr))
        return hr;
    TRACE("%s: %lu snapshots.\n", debugstr_w(resolved.name), found);
    return policy_result(enum_object_create(props, found, out));
}

static const IVssSnapshotMgmtVtbl snapshot_mgmt_vtbl =
{
    snapshot_mgmt_QueryInterface,
    snapshot_mgmt_AddRef,
    snapshot_mgmt_Release,
    snapshot_mgmt_GetProviderMgmtInterface,
    snapshot_mgmt_QueryVolumesSupportedForSnapshots,
    snapshot_mgmt_QuerySnapshotsByVolume,
};

static HRESULT WINAPI snapshot_mgmt2_QueryInterface(IVssSnapshotMgmt2 *iface, REFIID riid, void **out)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt2(iface);

    return IVssSnapshotMgmt_QueryInterface(&mgmt->IVssSnapshotMgmt_iface, riid, out);
}

static ULONG WINAPI snapshot_mgmt2_AddRef(IVssSnapshotMgmt2 *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt2(iface);

    return IVssSnapshotMgmt_AddRef(&mgmt->IVssSnapshotMgmt_iface);
}

static ULONG WINAPI snapshot_mgmt2_Release(IVssSnapshotMgmt2 *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt2(iface);

    return IVssSnapshotMgmt_Release(&mgmt->IVssSnapshotMgmt_iface);
}

/* MinDiffAreaFileSize (megabytes) under the VolSnap service's key, else
 * Windows' default. */
static HRESULT WINAPI snapshot_mgmt2_GetMinDiffAreaSize(IVssSnapshotMgmt2 *iface, LONGLONG *size)
{
    DWORD megabytes, type, length = sizeof(megabytes);

    TRACE("%p, %p.\n", iface, size);

    if (!size)
        return E_INVALIDARG;
    if (!RegGetValueW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\VolSnap", L"MinDiffAreaFileSize",
            RRF_RT_REG_DWORD, &type, &megabytes, &length))
        *size = (LONGLONG)megabytes * 1024 * 1024;
    else
        *size = MIN_DIFF_AREA_SIZE;
    TRACE("minimum %s bytes.\n", wine_dbgstr_longlong(*size));
    return S_OK;
}

static const IVssSnapshotMgmt2Vtbl snapshot_mgmt2_vtbl =
{
    snapshot_mgmt2_QueryInterface,
    snapshot_mgmt2_AddRef,
    snapshot_mgmt2_Release,
    snapshot_mgmt2_GetMinDiffAreaSize,
};

static HRESULT snapshot_mgmt_create(REFIID riid, void **out)
{
    struct snapshot_mgmt *mgmt;
    HRESULT hr;

    if (!(mgmt = calloc(1, sizeof(*mgmt))))
        return E_OUTOFMEMORY;
    mgmt->IVssSnapshotMgmt_iface.lpVtbl = &snapshot_mgmt_vtbl;
    mgmt->IVssSnapshotMgmt2_iface.lpVtbl = &snapshot_mgmt2_vtbl;
    mgmt->refcount = 1;
    vssapi_lock_module();
    TRACE("created %p.\n", mgmt);

    hr = IVssSnapshotMgmt_QueryInterface(&mgmt->IVssSnapshotMgmt_iface, riid, out);
    IVssSnapshotMgmt_Release(&mgmt->IVssSnapshotMgmt_iface);
    return hr;
}

/* The class factory of CLSID_VssSnapshotMgmt: one static object. */
struct class_factory
{
    IClassFactory IClassFactory_iface;
};

static HRESULT WINAPI class_factory_QueryInterface(IClassFactory *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))
    {
        *out = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI class_factory_AddRef(IClassFactory *iface)
{
    return 2;
}

static ULONG WINAPI class_factory_Release(IClassFactory *iface)
{
    return 1;
}

static HRESULT WINAPI class_factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **out)
{
    TRACE("%p, %p, %s, %p.\n", iface, outer, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    *out = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    return snapshot_mgmt_create(riid, out);
}

static HRESULT WINAPI class_factory_LockServer(IClassFactory *iface, BOOL lock)
{
    TRACE("%p, %d.\n", iface, lock);

    if (lock)
        vssapi_lock_module();
    else
        vssapi_unlock_module();
    return S_OK;
}

static const IClassFactoryVtbl class_factory_vtbl =
{
    class_factory_QueryInterface,
    class_factory_AddRef,
    class_factory_Release,
    class_factory_CreateInstance,
    class_factory_LockServer,
};

static struct class_factory snapshot_mgmt_factory = {{&class_factory_vtbl}};

/* Versions without IVssSnapshotMgmt (XP) have no such class. */
HRESULT mgmt_get_class_object(REFCLSID clsid, REFIID riid, void **out)
{
    if (!IsEqualCLSID(clsid, &CLSID_VssSnapshotMgmt) || !policy_interface_offered(&IID_IVssSnapshotMgmt))
    {
        WARN("class %s not available.\n", debugstr_guid(clsid));
        return CLASS_E_CLASSNOTAVAILABLE;
    }
    return IClassFactory_QueryInterface(&snapshot_mgmt_factory.IClassFactory_iface, riid, out);
}
