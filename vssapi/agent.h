/*
 * vssapi.dll: the interface between the requester objects and winevssd, the
 * host agent that owns volumes, snapshot sets and snapshots.
 *
 * Only agent.c talks to the agent.  Every function returns an HRESULT that
 * is already a documented VSS code in its Windows 7+ form (VSS_E_UNEXPECTED
 * rather than E_UNEXPECTED, ...); callers pass results through the version
 * policy (policy.c) before handing them to applications.
 *
 * Session model: each backup components object opens one session.  What the
 * session holds on the host (the system-wide "set in creation" lock,
 * auto-release snapshots) ends with agent_session_close() and also when the
 * requester process dies.  Functions may block for as long as the host
 * operation takes (agent_commit_set() copies data for the copy provider), so
 * asynchronous methods call them from their worker thread; none of them
 * blocks forever: an unreachable or dead agent gives an error in bounded
 * time.
 */

#ifndef __VSSAPI_AGENT_H
#define __VSSAPI_AGENT_H

struct agent_session;

/* "\\?\Volume{GUID}\" and its terminating NUL. */
#define VOLUME_NAME_SIZE 50

/* volume.c: checks a requester's volume name and returns the mount
 * manager's name for it and its root ("C:\\"): S_OK.  For a mount folder
 * ("C:\\mnt\\data\\") the root is the folder and the name is left empty
 * for the agent to give: S_FALSE.  VSS_E_OBJECT_NOT_FOUND for anything that
 * is not a volume, a missing trailing backslash included. */
HRESULT volume_from_name(const WCHAR *name, WCHAR guid_name[VOLUME_NAME_SIZE], WCHAR root[MAX_PATH]);

/* A volume as the agent resolved it from a requester's name. */
struct agent_volume
{
    WCHAR name[64];       /* canonical "\\?\Volume{GUID}\" */
    VSS_ID provider_id;   /* provider the agent would use with GUID_NULL */
    BOOL supported;       /* some provider can snapshot it */
};

/* Returns S_OK and a session, or VSS_E_UNEXPECTED when the agent cannot be
 * started or reached.  The session is used by one object; calls on it are
 * serialised internally, so worker threads may share it. */
HRESULT agent_session_open(struct agent_session **session);
/* Ends the session: an uncommitted set is aborted, the creation lock is
 * released and the session's auto-release snapshots are deleted. */
void agent_session_close(struct agent_session *session);

/* Resolves "C:\", "c:\", "\\?\Volume{GUID}\" or a mount folder (trailing
 * backslash required).  VSS_E_OBJECT_NOT_FOUND when no such volume exists. */
HRESULT agent_resolve_volume(struct agent_session *session, const WCHAR *name, struct agent_volume *volume);

/* Whether the provider (GUID_NULL: any provider) can snapshot the volume.
 * VSS_E_OBJECT_NOT_FOUND for an unknown volume, VSS_E_PROVIDER_NOT_REGISTERED
 * for an unknown provider. */
HRESULT agent_is_volume_supported(struct agent_session *session, const VSS_ID *provider,
        const WCHAR *name, BOOL *supported);

/* Takes the system-wide creation lock for a new set; VSS_E_SNAPSHOT_SET_IN_PROGRESS
 * while another session holds it. */
HRESULT agent_begin_set(struct agent_session *session, const VSS_ID *set_id, LONG context);

/* Records one volume of the set being built.  Limits are checked here:
 * VSS_E_OBJECT_ALREADY_EXISTS, VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
 * VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, VSS_E_VOLUME_NOT_SUPPORTED(_BY_PROVIDER),
 * VSS_E_PROVIDER_NOT_REGISTERED, VSS_E_OBJECT_NOT_FOUND. */
HRESULT agent_add_volume(struct agent_session *session, const VSS_ID *set_id, const WCHAR *name,
        const VSS_ID *provider, const VSS_ID *snapshot_id);

/* Creates every snapshot of the set or none, then releases the creation
 * lock.  Failures: VSS_E_INSUFFICIENT_STORAGE, VSS_E_PROVIDER_VETO,
 * VSS_E_UNEXPECTED_PROVIDER_ERROR, VSS_E_HOLD_WRITES_TIMEOUT, E_ACCESSDENIED,
 * VSS_E_VOLUME_NOT_SUPPORTED. */
HRESULT agent_commit_set(struct agent_session *session, const VSS_ID *set_id);

/* Abandons the set being built (if any) and releases the creation lock.
 * Snapshots already committed in the set are deleted when delete_created
 * is TRUE. */
HRESULT agent_abort_set(struct agent_session *session, const VSS_ID *set_id, BOOL delete_created);

/* Snapshot properties; the strings are CoTaskMemAlloc'd (VssFreeSnapshotProperties).
 * VSS_E_OBJECT_NOT_FOUND for unknown or unfinished snapshots. */
HRESULT agent_get_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        VSS_SNAPSHOT_PROP *prop);

/* All finished snapshots visible in the context (VSS_CTX_ALL: every one),
 * as an array of *count entries allocated with malloc; the strings inside
 * are CoTaskMemAlloc'd.  S_OK with *count == 0 when there are none. */
HRESULT agent_query_snapshots(struct agent_session *session, LONG context, VSS_SNAPSHOT_PROP **props,
        ULONG *count);

/* The providers, as a malloc'd array; strings CoTaskMemAlloc'd. */
HRESULT agent_query_providers(struct agent_session *session, VSS_PROVIDER_PROP **props, ULONG *count);

/* Deletes a snapshot or a whole set (type VSS_OBJECT_SNAPSHOT or
 * VSS_OBJECT_SNAPSHOT_SET), stopping at the first failure as Windows does. */
HRESULT agent_delete_snapshots(struct agent_session *session, const VSS_ID *id, VSS_OBJECT_TYPE type,
        LONG context, BOOL force, LONG *deleted, VSS_ID *nondeleted);

/* Reverts the snapshot's volume to the snapshot; it returns when the
 * revert is over.  E_NOTIMPL when its provider cannot revert,
 * VSS_E_UNSUPPORTED_CONTEXT for a snapshot that is not persistent,
 * VSS_E_VOLUME_IN_USE when force is FALSE and the volume is in use,
 * VSS_E_REVERT_IN_PROGRESS, VSS_E_VOLUME_NOT_SUPPORTED (other volumes live
 * inside it), VSS_E_OBJECT_NOT_FOUND. */
HRESULT agent_revert(struct agent_session *session, const VSS_ID *snapshot_id, BOOL force);

/* Whether a revert of the volume is running.  VSS_E_OBJECT_NOT_FOUND for an
 * unknown volume, VSS_E_VOLUME_NOT_SUPPORTED for one that cannot be
 * reverted. */
HRESULT agent_revert_status(struct agent_session *session, const WCHAR *name, BOOL *in_progress);

/* Checks that the snapshot can be exposed locally at target ("X:" or a
 * folder "X:\\dir") and records it: the exposed name (CoTaskMemAlloc'd) and,
 * for the mount manager, the snapshot's host directory (malloc'd).  A
 * folder is linked by the agent; a drive letter is the caller's to define.
 * E_INVALIDARG when the letter is in use or the folder is not an empty
 * folder, VSS_E_PROVIDER_VETO when the snapshot is exposed already. */
HRESULT agent_expose_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        const WCHAR *target, WCHAR **exposed, char **host_dir);
/* Undoes the exposure (a folder's link; the record of a drive letter,
 * whose mount manager drive the caller removes first).
 * VSS_E_OBJECT_NOT_FOUND when the snapshot is not exposed. */
HRESULT agent_unexpose_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context);

/* The host location of a transportable snapshot (CoTaskMemAlloc'd), which
 * the Backup Components Document carries to the importing prefix. */
HRESULT agent_get_locator(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        WCHAR **locator);

/* One snapshot of a transportable set, as the document describes it. */
struct agent_import
{
    VSS_ID id;
    VSS_ID provider_id;
    LONG attributes;
    ULONGLONG created;          /* FILETIME; 0: now */
    const WCHAR *original_volume;
    const WCHAR *originating_machine;
    const WCHAR *locator;
};
/* Imports the whole set or nothing: VSS_E_OBJECT_ALREADY_EXISTS when a
 * snapshot was imported already, VSS_E_OBJECT_NOT_FOUND when a locator
 * names no snapshot. */
HRESULT agent_import_snapshots(struct agent_session *session, const VSS_ID *set_id, LONG context,
        const struct agent_import *snapshots, ULONG count, ULONG *imported);

/* Takes an imported set out of VSS management (flags: VSS_BREAKEX_FLAG_*);
 * VSS_E_PROVIDER_VETO for a set this prefix's providers made. */
HRESULT agent_break_set(struct agent_session *session, const VSS_ID *set_id, LONG context, DWORD flags,
        ULONG *broken);

#endif /* __VSSAPI_AGENT_H */
