/*
 * vssapi.dll: the methods of the backup components object that work on
 * snapshots that exist already, rather than on the object's own backup or
 * restore: Query, GetSnapshotProperties, DeleteSnapshots, IsVolumeSupported,
 * BreakSnapshotSet(Ex), ExposeSnapshot, UnexposeSnapshot, RevertToSnapshot,
 * QueryRevertStatus, ImportSnapshots, GetRootAndLogicalPrefixPaths.
 *
 * They reach the object only through the backup_components_* services of
 * backup.c (state checks, the agent session, the context).  Most of them do
 * not depend on the object's state at all (docs/decisions.md).
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* Volume names as AddToSnapshotSet, IsVolumeSupported and
 * QueryRevertStatus take them: "C:\", "\\?\Volume{GUID}\", a mount folder,
 * or "\\server\share\" from Windows 8; always with the trailing backslash.
 * The agent decides whether the volume exists. */
HRESULT snapshots_check_volume_name(const WCHAR *name, BOOL unc_allowed)
{
    size_t len = wcslen(name);

    if (!len || name[len - 1] != '\\')
    {
        WARN("%s: no trailing backslash.\n", debugstr_w(name));
        return VSS_E_OBJECT_NOT_FOUND;
    }
    if (name[0] == '\\' && name[1] == '\\' && name[2] != '?' && name[2] != '.'
            && (!unc_allowed || !policy_unc_volumes()))
    {
        WARN("%s: shares are not volumes in this version.\n", debugstr_w(name));
        return VSS_E_OBJECT_NOT_FOUND;
    }
    return S_OK;
}

/* "X:" or "X:\": an exposure as a drive letter rather than in a folder. */
static BOOL is_drive_target(const WCHAR *target)
{
    return target && ((target[0] >= 'A' && target[0] <= 'Z') || (target[0] >= 'a' && target[0] <= 'z'))
            && target[1] == ':' && (!target[2] || (target[2] == '\\' && !target[3]));
}

/* A deleted snapshot's drive letter is the mount manager's to forget;
 * the agent undoes folder exposures itself. */
static void remove_exposed_drives(struct agent_session *session, const VSS_ID *id, VSS_OBJECT_TYPE type,
        LONG context)
{
    VSS_SNAPSHOT_PROP *props;
    ULONG count, i;

    if (agent_query_snapshots(session, context, &props, &count) != S_OK)
        return;
    for (i = 0; i < count; ++i)
    {
        const VSS_ID *key = type == VSS_OBJECT_SNAPSHOT ? &props[i].m_SnapshotId : &props[i].m_SnapshotSetId;

        if (IsEqualGUID(key, id) && is_drive_target(props[i].m_pwszExposedName))
            drive_remove(props[i].m_pwszExposedName[0]);
        VssFreeSnapshotPropertiesInternal(&props[i]);
    }
    free(props);
}

HRESULT WINAPI backup_components_DeleteSnapshots(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_OBJECT_TYPE type, BOOL force, LONG *deleted, VSS_ID *nondeleted)
{
    struct agent_session *session;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %d, %d, %p, %p.\n", iface, debugstr_guid(&id), type, force, deleted, nondeleted);

    if (!deleted || !nondeleted)
        return E_INVALIDARG;
    *deleted = 0;
    *nondeleted = GUID_NULL;
    if ((type != VSS_OBJECT_SNAPSHOT && type != VSS_OBJECT_SNAPSHOT_SET) || IsEqualGUID(&id, &GUID_NULL))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    /* It works on existing snapshots, whatever the object's state. */
    if ((hr = backup_components_agent(iface, FALSE, &session, &context)) == S_OK)
    {
        remove_exposed_drives(session, &id, type, context);
        hr = agent_delete_snapshots(session, &id, type, context, force, deleted, nondeleted);
    }
    return policy_result(policy_documented(SLOT_DELETE_SNAPSHOTS, hr));
}

/* Registers in this prefix the transportable set that the loaded document
 * describes (made in another prefix of this host); all or nothing. */
static HRESULT import_set(struct agent_session *session, LONG context, const VSS_ID *set_id,
        const struct bcd_snapshot *snapshots, unsigned int count)
{
    struct agent_import *items;
    ULONG imported = 0;
    unsigned int i;
    HRESULT hr;

    if (!(items = calloc(max(count, 1), sizeof(*items))))
        return E_OUTOFMEMORY;
    for (i = 0; i < count; ++i)
    {
        items[i].id = snapshots[i].id;
        items[i].provider_id = snapshots[i].provider_id;
        items[i].attributes = snapshots[i].attributes;
        items[i].original_volume = snapshots[i].original_volume;
        items[i].originating_machine = snapshots[i].originating_machine;
        items[i].locator = snapshots[i].locator;
    }
    hr = agent_import_snapshots(session, set_id, context, items, count, &imported);
    free(items);
    TRACE("%s: %lu of %u snapshots imported, hr %#lx.\n", debugstr_guid(set_id), imported, count, hr);
    /* Nothing is imported unless everything is. */
    if (hr != S_OK && hr != E_OUTOFMEMORY && hr != VSS_E_UNEXPECTED)
        hr = VSS_E_NO_SNAPSHOTS_IMPORTED;
    return hr;
}

HRESULT WINAPI backup_components_ImportSnapshots(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct agent_session *session = NULL;
    struct bcd_snapshot *snapshots;
    unsigned int count;
    LONG context, set_context;
    VSS_ID set_id;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, async);

    if (!async)
        return E_INVALIDARG;
    *async = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    hr = backup_components_import_description(iface, &set_id, &set_context, &snapshots, &count);
    if (hr != S_OK && hr != VSS_E_OBJECT_NOT_FOUND && hr != VSS_E_INVALID_XML_DOCUMENT)
        return policy_result(hr);

    /* Only servers import, and only a document that describes a
     * transportable set can be imported. */
    if (!policy_is_server())
    {
        WARN("%p: client versions cannot import snapshots.\n", iface);
        hr = VSS_E_BAD_STATE;
    }
    else if (hr != S_OK || !count)
    {
        WARN("%p: the document describes no importable set, hr %#lx.\n", iface, hr);
        hr = VSS_E_BAD_STATE;
    }
    else if ((hr = backup_components_agent(iface, TRUE, &session, &context)) == S_OK)
    {
        /* Done at once (claims and records); the result is the
         * operation's status, which no Cancel can undo any more. */
        hr = backup_components_start_result(iface, import_set(session, context, &set_id, snapshots, count),
                FALSE, async);
    }
    bcd_free_snapshots(snapshots, count);
    return policy_result(hr);
}

HRESULT WINAPI backup_components_BreakSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID set_id)
{
    struct agent_session *session;
    ULONG broken = 0;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s.\n", iface, debugstr_guid(&set_id));

    if (IsEqualGUID(&set_id, &GUID_NULL))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    /* Only imported sets can be broken (the agent vetoes the others, made
     * by a software provider here).  The broken snapshots keep any drive
     * letter or folder they were exposed at. */
    if ((hr = backup_components_agent(iface, FALSE, &session, &context)) == S_OK)
        hr = agent_break_set(session, &set_id, context, 0, &broken);
    TRACE("%p: %lu snapshots broken.\n", iface, broken);
    return policy_result(policy_documented(SLOT_BREAK_SNAPSHOT_SET, hr));
}

HRESULT WINAPI backup_components_GetSnapshotProperties(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_SNAPSHOT_PROP *prop)
{
    struct agent_session *session = NULL;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(&id), prop);

    if (!prop || IsEqualGUID(&id, &GUID_NULL))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    /* The snapshots of this object's own set appear once it is created. */
    if ((hr = backup_components_agent(iface, TRUE, &session, &context)) == S_OK
            && backup_components_creating(iface, &id))
    {
        WARN("%p: %s is not created yet.\n", iface, debugstr_guid(&id));
        hr = VSS_E_OBJECT_NOT_FOUND;
    }

    if (hr == S_OK)
    {
        memset(prop, 0, sizeof(*prop));
        hr = agent_get_snapshot(session, &id, context, prop);
    }
    return policy_result(policy_documented(SLOT_GET_SNAPSHOT_PROPERTIES, hr));
}

HRESULT WINAPI backup_components_Query(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_OBJECT_TYPE queried_type,
        VSS_OBJECT_TYPE returned_type, IVssEnumObject **enumerator)
{
    VSS_SNAPSHOT_PROP *snapshots = NULL;
    VSS_PROVIDER_PROP *providers = NULL;
    struct agent_session *session = NULL;
    VSS_OBJECT_PROP *props;
    ULONG count = 0, i;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %d, %d, %p.\n", iface, debugstr_guid(&id), queried_type, returned_type, enumerator);

    if (!enumerator)
        return E_INVALIDARG;
    *enumerator = NULL;
    /* The only combination Windows supports. */
    if (!IsEqualGUID(&id, &GUID_NULL) || queried_type != VSS_OBJECT_NONE
            || (returned_type != VSS_OBJECT_SNAPSHOT && returned_type != VSS_OBJECT_PROVIDER))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    if ((hr = backup_components_agent(iface, TRUE, &session, &context)) != S_OK)
        return policy_result(policy_documented(SLOT_QUERY, hr));

    if (returned_type == VSS_OBJECT_SNAPSHOT)
        hr = agent_query_snapshots(session, context, &snapshots, &count);
    else
        hr = agent_query_providers(session, &providers, &count);
    if (hr != S_OK)
        return policy_result(policy_documented(SLOT_QUERY, hr));

    if (!(props = calloc(max(count, 1), sizeof(*props))))
    {
        for (i = 0; i < count; ++i)
        {
            if (snapshots)
                VssFreeSnapshotPropertiesInternal(&snapshots[i]);
            else
            {
                CoTaskMemFree(providers[i].m_pwszProviderName);
                CoTaskMemFree(providers[i].m_pwszProviderVersion);
            }
        }
        free(snapshots);
        free(providers);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < count; ++i)
    {
        props[i].Type = returned_type;
        if (snapshots)
            props[i].Obj.Snap = snapshots[i];
        else
            props[i].Obj.Prov = providers[i];
    }
    free(snapshots);
    free(providers);

    if ((hr = enum_object_create(props, count, enumerator)) != S_OK)
        return hr;
    TRACE("%p: %lu objects.\n", iface, count);
    /* Nothing found: S_FALSE, and still an enumerator (vshadow relies on
     * the former, careless callers on the latter). */
    return count ? S_OK : S_FALSE;
}

HRESULT WINAPI backup_components_IsVolumeSupported(IVssBackupComponentsEx4 *iface, VSS_ID provider,
        VSS_PWSZ volume, BOOL *supported)
{
    struct agent_session *session = NULL;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %s, %p.\n", iface, debugstr_guid(&provider), debugstr_w(volume), supported);

    if (!volume || !supported)
        return E_INVALIDARG;
    *supported = FALSE;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    hr = backup_components_agent(iface, TRUE, &session, &context);
    if (hr == S_OK && (hr = snapshots_check_volume_name(volume, TRUE)) == S_OK)
        hr = agent_is_volume_supported(session, &provider, volume, supported);
    /* A provider that does not exist, or a volume no provider takes, is
     * simply not supported. */
    if (hr == VSS_E_PROVIDER_NOT_REGISTERED || hr == VSS_E_VOLUME_NOT_SUPPORTED
            || hr == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER)
    {
        *supported = FALSE;
        hr = S_OK;
    }
    return policy_result(policy_documented(SLOT_IS_VOLUME_SUPPORTED, hr));
}

/* The properties of an existing snapshot, for ExposeSnapshot,
 * UnexposeSnapshot and RevertToSnapshot; the caller frees them. */
static HRESULT existing_snapshot(IVssBackupComponentsEx4 *iface, BOOL need_backup_mode,
        const VSS_ID *id, BOOL any_context, VSS_SNAPSHOT_PROP *prop)
{
    struct agent_session *session = NULL;
    LONG context;
    HRESULT hr;

    hr = backup_components_agent(iface, need_backup_mode, &session, &context);
    memset(prop, 0, sizeof(*prop));
    if (hr == S_OK)
        hr = agent_get_snapshot(session, id, any_context ? VSS_CONTEXT_ALL : context, prop);
    return hr;
}

/* Whether a snapshot may be exposed at all, and how. */
static HRESULT check_exposable(IVssBackupComponentsEx4 *iface, const VSS_SNAPSHOT_PROP *prop, LONG attributes)
{
    /* Wine has no file server to share through. */
    if (attributes == VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY)
    {
        WARN("%p: snapshots cannot be shared remotely.\n", iface);
        return VSS_E_PROVIDER_VETO;
    }
    /* Only persistent snapshots, and no client-accessible ones (the pages'
     * rules, section 5.2). */
    if (!(prop->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT)
            || (prop->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE))
    {
        WARN("%p: attributes %#lx cannot be exposed locally.\n", iface, prop->m_lSnapshotAttributes);
        return VSS_E_PROVIDER_VETO;
    }
    if (prop->m_pwszExposedName)
    {
        WARN("%p: exposed as %s already.\n", iface, debugstr_w(prop->m_pwszExposedName));
        return VSS_E_PROVIDER_VETO;
    }
    return S_OK;
}

/* "X:", "X:\" or a folder "X:\dir[\]": anything else is not a place to
 * expose at. */
static BOOL is_valid_target(const WCHAR *target)
{
    size_t len = wcslen(target);

    if (is_drive_target(target))
        return TRUE;
    return len > 3 && len < MAX_PATH && is_drive_target((WCHAR[]){target[0], target[1], 0})
            && target[2] == '\\' && !wcspbrk(target, L"*?\"<>|/") && !wcsstr(target, L"\\\\");
}

static HRESULT expose_locally(struct agent_session *session, LONG context, const VSS_ID *id,
        const WCHAR *target, WCHAR **exposed)
{
    char *host_dir;
    HRESULT hr;

    if (is_drive_target(target) && drive_in_use(target[0]))
    {
        WARN("drive %c: is in use.\n", (char)target[0]);
        return E_INVALIDARG;
    }
    if ((hr = agent_expose_snapshot(session, id, context, target, exposed, &host_dir)) != S_OK)
        return hr;
    if (is_drive_target(target) && (hr = drive_define(target[0], host_dir)) != S_OK)
    {
        agent_unexpose_snapshot(session, id, context);
        CoTaskMemFree(*exposed);
        *exposed = NULL;
    }
    free(host_dir);
    return hr;
}

HRESULT WINAPI backup_components_ExposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_PWSZ path_from_root, LONG attributes, VSS_PWSZ expose, VSS_PWSZ *exposed)
{
    struct agent_session *session = NULL;
    VSS_SNAPSHOT_PROP prop;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %s, %#lx, %s, %p.\n", iface, debugstr_guid(&id), debugstr_w(path_from_root), attributes,
            debugstr_w(expose), exposed);

    if ((hr = policy_method_available(SLOT_EXPOSE_SNAPSHOT)) != S_OK)
        return hr;
    if (!exposed)
        return E_INVALIDARG;
    *exposed = NULL;
    /* Locally: as a drive letter or an empty folder, never a subtree.
     * Remotely: a share, whose name VSS may choose. */
    if (IsEqualGUID(&id, &GUID_NULL))
        return E_INVALIDARG;
    if (attributes == VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY)
    {
        if (path_from_root || !expose || !is_valid_target(expose))
            return E_INVALIDARG;
    }
    else if (attributes != VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY)
    {
        return E_INVALIDARG;
    }
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    if ((hr = backup_components_agent(iface, TRUE, &session, &context)) == S_OK)
    {
        memset(&prop, 0, sizeof(prop));
        if ((hr = agent_get_snapshot(session, &id, context, &prop)) == S_OK)
        {
            if ((hr = check_exposable(iface, &prop, attributes)) == S_OK)
                hr = expose_locally(session, context, &id, expose, exposed);
            VssFreeSnapshotPropertiesInternal(&prop);
        }
    }
    if (hr == S_OK)
        TRACE("%p: exposed as %s.\n", iface, debugstr_w(*exposed));
    return policy_result(policy_documented(SLOT_EXPOSE_SNAPSHOT, hr));
}

HRESULT WINAPI backup_components_RevertToSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id, BOOL force)
{
    struct agent_session *session;
    VSS_SNAPSHOT_PROP prop;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %d.\n", iface, debugstr_guid(&id), force);

    /* Servers only; a client answers E_NOTIMPL, as a provider without
     * revert does. */
    if ((hr = policy_method_available(SLOT_REVERT_TO_SNAPSHOT)) != S_OK)
        return hr;
    if (IsEqualGUID(&id, &GUID_NULL))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    if ((hr = existing_snapshot(iface, FALSE, &id, TRUE, &prop)) == S_OK)
    {
        if (!(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT))
        {
            WARN("%p: %s is not persistent.\n", iface, debugstr_guid(&id));
            hr = VSS_E_UNSUPPORTED_CONTEXT;
        }
        else if ((hr = backup_components_agent(iface, FALSE, &session, &context)) == S_OK)
        {
            /* The agent swaps the volume's tree for the snapshot's and
             * returns when it is done; only the btrfs provider can
             * (E_NOTIMPL from the others). */
            if ((hr = agent_revert(session, &id, force)) != S_OK)
                WARN("%p: revert to %s failed, hr %#lx.\n", iface, debugstr_guid(&id), hr);
        }
        VssFreeSnapshotPropertiesInternal(&prop);
    }
    return policy_result(policy_documented(SLOT_REVERT_TO_SNAPSHOT, hr));
}

/* QueryRevertStatus's operation: it asks the agent until no revert of the
 * volume runs any more. */
struct revert_status
{
    struct agent_session *session;  /* the owner's; the worker keeps the owner alive */
    WCHAR volume[];
};

#define REVERT_POLL_MS 100

static HRESULT revert_status_run(struct vss_async *async, void *context)
{
    struct revert_status *status = context;
    BOOL in_progress;
    HRESULT hr;

    while ((hr = agent_revert_status(status->session, status->volume, &in_progress)) == S_OK && in_progress)
        Sleep(REVERT_POLL_MS);
    return policy_documented(SLOT_QUERY_REVERT_STATUS, hr);
}

static void revert_status_complete(void *context, HRESULT hr)
{
    free(context);
}

/* A revert cannot be cancelled (page), and neither can waiting for it. */
static const struct async_operation revert_status_operation =
{
    revert_status_run,
    revert_status_complete,
    FALSE,
};

HRESULT WINAPI backup_components_QueryRevertStatus(IVssBackupComponentsEx4 *iface, VSS_PWSZ volume,
        IVssAsync **async)
{
    struct agent_session *session;
    struct revert_status *status;
    BOOL in_progress;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %p.\n", iface, debugstr_w(volume), async);

    if ((hr = policy_method_available(SLOT_QUERY_REVERT_STATUS)) != S_OK)
        return hr;
    if (!volume || !async)
        return E_POINTER;
    *async = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if ((hr = snapshots_check_volume_name(volume, FALSE)) != S_OK)
        return policy_result(policy_documented(SLOT_QUERY_REVERT_STATUS, hr));

    /* A volume that does not exist or cannot be reverted fails here; the
     * status then follows the revert, if one runs. */
    if ((hr = backup_components_agent(iface, FALSE, &session, &context)) == S_OK
            && (hr = agent_revert_status(session, volume, &in_progress)) == S_OK)
    {
        TRACE("%p: %s, revert in progress %d.\n", iface, debugstr_w(volume), in_progress);
        if (!(status = malloc(offsetof(struct revert_status, volume[wcslen(volume) + 1]))))
            return E_OUTOFMEMORY;
        status->session = session;
        wcscpy(status->volume, volume);
        if ((hr = async_start(&revert_status_operation, status, (IUnknown *)iface, async)) != S_OK)
            free(status);
    }
    return policy_result(policy_documented(SLOT_QUERY_REVERT_STATUS, hr));
}

HRESULT WINAPI backup_components_UnexposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id)
{
    struct agent_session *session = NULL;
    VSS_SNAPSHOT_PROP prop;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s.\n", iface, debugstr_guid(&id));

    if ((hr = policy_method_available(SLOT_UNEXPOSE_SNAPSHOT)) != S_OK)
        return hr;
    if (IsEqualGUID(&id, &GUID_NULL))
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    if ((hr = backup_components_agent(iface, TRUE, &session, &context)) != S_OK)
        return policy_result(policy_documented(SLOT_UNEXPOSE_SNAPSHOT, hr));
    memset(&prop, 0, sizeof(prop));
    if ((hr = agent_get_snapshot(session, &id, context, &prop)) == S_OK)
    {
        if (!prop.m_pwszExposedName)
        {
            WARN("%p: %s is not exposed.\n", iface, debugstr_guid(&id));
            hr = VSS_E_OBJECT_NOT_FOUND;
        }
        else
        {
            /* The mount manager forgets the letter first, so that no drive
             * outlives its record. */
            if (is_drive_target(prop.m_pwszExposedName))
                drive_remove(prop.m_pwszExposedName[0]);
            hr = agent_unexpose_snapshot(session, &id, context);
        }
        VssFreeSnapshotPropertiesInternal(&prop);
    }
    return policy_result(policy_documented(SLOT_UNEXPOSE_SNAPSHOT, hr));
}

HRESULT WINAPI backup_components_BreakSnapshotSetEx(IVssBackupComponentsEx4 *iface, VSS_ID set_id,
        DWORD flags, IVssAsync **async)
{
    static const DWORD identity = VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL | VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE;
    struct agent_session *session;
    ULONG broken = 0;
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %#lx, %p.\n", iface, debugstr_guid(&set_id), flags, async);

    if ((hr = policy_method_available(SLOT_BREAK_SNAPSHOT_SET_EX)) != S_OK)
        return hr;
    if (!async)
        return E_INVALIDARG;
    *async = NULL;
    if (IsEqualGUID(&set_id, &GUID_NULL) || (flags & ~(VSS_BREAKEX_FLAG_MASK_LUNS
            | VSS_BREAKEX_FLAG_MAKE_READ_WRITE | identity)) || (flags & identity) == identity)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    /* As BreakSnapshotSet, done at once (it only forgets records); an
     * unknown set fails the call, anything else is the operation's status.
     * Identity flags concern LUNs, which have no counterpart here. */
    if ((hr = backup_components_agent(iface, FALSE, &session, &context)) == S_OK)
    {
        hr = agent_break_set(session, &set_id, context, flags, &broken);
        TRACE("%p: %s, %lu snapshots broken.\n", iface, debugstr_guid(&set_id), broken);
        if (hr != VSS_E_OBJECT_NOT_FOUND)
            hr = backup_components_start_result(iface, hr, FALSE, async);
    }
    return policy_result(policy_documented(SLOT_BREAK_SNAPSHOT_SET_EX, hr));
}

static WCHAR *task_strdup(const WCHAR *str, size_t len)
{
    WCHAR *ret;

    if ((ret = CoTaskMemAlloc((len + 1) * sizeof(WCHAR))))
    {
        memcpy(ret, str, len * sizeof(WCHAR));
        ret[len] = 0;
    }
    return ret;
}

HRESULT WINAPI backup_components_GetRootAndLogicalPrefixPaths(IVssBackupComponentsEx4 *iface,
        VSS_PWSZ path, VSS_PWSZ *root, VSS_PWSZ *prefix, BOOL fqdn)
{
    WCHAR root_path[MAX_PATH], volume_name[MAX_PATH];
    const WCHAR *share;
    size_t len;
    HRESULT hr;

    TRACE("%p, %s, %p, %p, %d.\n", iface, debugstr_w(path), root, prefix, fqdn);

    if ((hr = policy_method_available(SLOT_GET_ROOT_AND_LOGICAL_PREFIX_PATHS)) != S_OK)
        return hr;
    if (!path || !root || !prefix)
        return E_INVALIDARG;
    *root = *prefix = NULL;

    if (path[0] == '\\' && path[1] == '\\' && path[2] != '?' && path[2] != '.')
    {
        /* \\server\share\...: the share is its own root, and Wine knows no
         * DFS or cluster indirection to resolve. */
        if (fqdn)
            FIXME("host names are not turned into FQDNs.\n");
        if (!(share = wcschr(path + 2, '\\')) || share == path + 2 || !share[1] || share[1] == '\\')
            return VSS_E_OBJECT_NOT_FOUND;
        len = (share = wcschr(share + 1, '\\')) ? (size_t)(share - path) : wcslen(path);
        if (!(*root = task_strdup(path, len + 1)) || !(*prefix = task_strdup(path, len + 1)))
            goto oom;
        (*root)[len] = (*prefix)[len] = '\\';
        return S_OK;
    }

    /* A local path: its volume's mount point and the volume's GUID name. */
    if (!GetVolumePathNameW(path, root_path, ARRAY_SIZE(root_path))
            || !GetVolumeNameForVolumeMountPointW(root_path, volume_name, ARRAY_SIZE(volume_name)))
    {
        WARN("%s: no volume, error %lu.\n", debugstr_w(path), GetLastError());
        return VSS_E_OBJECT_NOT_FOUND;
    }
    if (!(*root = task_strdup(root_path, wcslen(root_path)))
            || !(*prefix = task_strdup(volume_name, wcslen(volume_name))))
        goto oom;
    return S_OK;

oom:
    CoTaskMemFree(*root);
    CoTaskMemFree(*prefix);
    *root = *prefix = NULL;
    return E_OUTOFMEMORY;
}
