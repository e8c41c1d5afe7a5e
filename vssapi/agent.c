/*
 * vssapi.dll: the client side of winevssd.
 *
 * The agent does not exist yet: every call fails honestly, as a system
 * without any usable snapshot provider would answer.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

struct agent_session
{
    LONG unused;
};

HRESULT agent_session_open(struct agent_session **session)
{
    if (!(*session = calloc(1, sizeof(**session))))
        return E_OUTOFMEMORY;
    return S_OK;
}

void agent_session_close(struct agent_session *session)
{
    free(session);
}

HRESULT agent_resolve_volume(struct agent_session *session, const WCHAR *name, struct agent_volume *volume)
{
    FIXME("%s: no snapshot agent yet.\n", debugstr_w(name));
    return VSS_E_OBJECT_NOT_FOUND;
}

HRESULT agent_is_volume_supported(struct agent_session *session, const VSS_ID *provider,
        const WCHAR *name, BOOL *supported)
{
    FIXME("%s, %s: no snapshot agent yet.\n", debugstr_guid(provider), debugstr_w(name));
    return VSS_E_OBJECT_NOT_FOUND;
}

HRESULT agent_begin_set(struct agent_session *session, const VSS_ID *set_id, LONG context)
{
    return S_OK;
}

HRESULT agent_add_volume(struct agent_session *session, const VSS_ID *set_id, const WCHAR *name,
        const VSS_ID *provider, const VSS_ID *snapshot_id)
{
    FIXME("%s: no snapshot agent yet.\n", debugstr_w(name));
    return VSS_E_OBJECT_NOT_FOUND;
}

HRESULT agent_commit_set(struct agent_session *session, const VSS_ID *set_id)
{
    FIXME("%s: no snapshot agent yet.\n", debugstr_guid(set_id));
    return VSS_E_UNEXPECTED_PROVIDER_ERROR;
}

HRESULT agent_abort_set(struct agent_session *session, const VSS_ID *set_id, BOOL delete_created)
{
    return S_OK;
}

HRESULT agent_get_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        VSS_SNAPSHOT_PROP *prop)
{
    return VSS_E_OBJECT_NOT_FOUND;
}

HRESULT agent_query_snapshots(struct agent_session *session, LONG context, VSS_SNAPSHOT_PROP **props,
        ULONG *count)
{
    *props = NULL;
    *count = 0;
    return S_OK;
}

HRESULT agent_query_providers(struct agent_session *session, VSS_PROVIDER_PROP **props, ULONG *count)
{
    *props = NULL;
    *count = 0;
    return S_OK;
}

HRESULT agent_delete_snapshots(struct agent_session *session, const VSS_ID *id, VSS_OBJECT_TYPE type,
        LONG context, BOOL force, LONG *deleted, VSS_ID *nondeleted)
{
    *deleted = 0;
    *nondeleted = *id;
    return VSS_E_OBJECT_NOT_FOUND;
}
