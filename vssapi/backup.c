/*
 * vssapi.dll: the backup components object (IVssBackupComponents and its
 * extensions Ex to Ex4).
 *
 * One object implements all five interfaces: they inherit linearly, so a
 * single IVssBackupComponentsEx4 vtable serves every IID and QueryInterface
 * returns the same pointer for each (when the emulated version has the
 * interface at all).
 *
 * The object is a state machine (VSS_REFERENCE.md section 2).  An object is
 * initialised once, for a backup or for a restore, and then moves through
 * the phases of enum backup_phase; gathering writer metadata and writer
 * status are tracked beside the phase.  Every method checks, in this order:
 * that the method exists in the emulated version, its arguments
 * (E_INVALIDARG, E_POINTER), the caller's rights where the documentation
 * lists E_ACCESSDENIED, the state (VSS_E_BAD_STATE), the context, and only
 * then does its work.  Every result goes through policy_result().
 *
 * Asynchronous methods start an operation (async.c) whose completion,
 * backup_operation_complete(), makes the state transition; while it runs
 * the object records it as pending and refuses other asynchronous methods.
 *
 * Snapshot work goes through the agent (agent.h).  The session is opened
 * the first time a method needs it and closed by the final Release, which
 * is what removes auto-release snapshots and frees a set left in creation.
 *
 * There are no writers yet: gathering finds none, and the writer filters
 * are recorded and applied to the (empty) list of writers.  Components
 * exist only in a loaded document (bcd.c): GetWriterComponents gives read
 * views of them (component.c) and the component methods annotate them.
 *
 * The component methods live in components.c and the methods that work on
 * existing snapshots in snapshots.c; both reach the object only through
 * the backup_components_* services below.  This file holds the object, its
 * state machine and the methods of its own backup or restore.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

#define MAX_VOLUMES_PER_SET 64

enum backup_mode
{
    MODE_NONE,
    MODE_BACKUP,
    MODE_RESTORE,
};

enum backup_phase
{
    /* Both modes start here after initialisation. */
    PHASE_INIT,
    /* Backup. */
    PHASE_SET_STARTED,      /* StartSnapshotSet: this object holds the creation lock */
    PHASE_PREPARING,        /* PrepareForBackup running */
    PHASE_PREPARED,
    PHASE_SNAPSHOTTING,     /* DoSnapshotSet running */
    PHASE_CREATED,
    PHASE_COMPLETING,       /* BackupComplete running */
    PHASE_COMPLETED,        /* the document is read-only */
    PHASE_FAILED,           /* DoSnapshotSet failed */
    PHASE_ABORTED,          /* AbortBackup, or a cancelled operation */
    /* Restore. */
    PHASE_PRE_RESTORING,
    PHASE_PRE_RESTORED,
    PHASE_POST_RESTORING,
    PHASE_POST_RESTORED,
};

#define PHASE(p) (1u << (p))
#define ANY_PHASE (~0u)
#define MODE(m) (1u << (m))
#define ANY_MODE (MODE(MODE_BACKUP) | MODE(MODE_RESTORE))

enum gather_state
{
    GATHER_NONE,
    GATHER_PENDING,
    GATHER_DONE,
    GATHER_FREED,           /* FreeWriterMetadata: cannot be gathered again */
};

struct id_list
{
    VSS_ID *ids;
    UINT count;
};

struct set_volume
{
    WCHAR name[64];         /* canonical name from the agent */
    VSS_ID snapshot_id;
};

/* What the gathering found: one entry per writer (none exist yet). */
struct writer_info
{
    VSS_ID class_id;
    VSS_ID instance_id;
};

struct backup_components
{
    IVssBackupComponentsEx4 IVssBackupComponentsEx4_iface;
    LONG refcount;
    VSS_ID session_id;

    /* Protects everything below.  Never held while waiting for a worker:
     * the workers' completion takes it. */
    CRITICAL_SECTION cs;
    enum backup_mode mode;
    enum backup_phase phase;
    enum gather_state metadata;
    enum gather_state status;
    LONG context;
    BOOL context_set;
    BOOL backup_state_set;
    BOOL prepared;          /* PrepareForBackup succeeded */
    BOOL created;           /* DoSnapshotSet succeeded */
    BOOL loaded;            /* initialised with a document */
    VSS_ID set_id;
    struct set_volume *volumes;
    unsigned int volume_count;
    struct bcd *bcd;
    IVssAsync *pending;     /* the operation of this object that is running */
    struct agent_session *session;
    /* Writer filters, fixed once metadata is gathered. */
    BOOL enabled_only;
    struct id_list enabled_classes, disabled_classes, disabled_instances;
    struct writer_info *writers;
    unsigned int writer_count;
};

enum operation_kind
{
    OP_GATHER_METADATA,
    OP_GATHER_STATUS,
    OP_PREPARE_FOR_BACKUP,
    OP_DO_SNAPSHOT_SET,
    OP_BACKUP_COMPLETE,
    OP_PRE_RESTORE,
    OP_POST_RESTORE,
    OP_RESULT,              /* no state change; reports a result known at the start */
};

struct backup_operation
{
    struct backup_components *backup;
    enum operation_kind kind;
    HRESULT result;         /* OP_RESULT */
};

static inline struct backup_components *impl_from_IVssBackupComponentsEx4(IVssBackupComponentsEx4 *iface)
{
    return CONTAINING_RECORD(iface, struct backup_components, IVssBackupComponentsEx4_iface);
}

static const char *debugstr_phase(enum backup_phase phase)
{
    static const char * const names[] =
    {
        "init", "set started", "preparing", "prepared", "snapshotting", "created", "completing",
        "completed", "failed", "aborted", "pre-restoring", "pre-restored", "post-restoring",
        "post-restored",
    };

    return (unsigned int)phase < ARRAY_SIZE(names) ? names[phase] : "?";
}

/* VSS_E_BAD_STATE unless the object is in one of the modes and one of the
 * phases given.  Called with the lock held. */
static HRESULT backup_check(const struct backup_components *backup, unsigned int modes, unsigned int phases)
{
    if (!(MODE(backup->mode) & modes))
    {
        WARN("%p: not allowed in mode %u.\n", backup, backup->mode);
        return VSS_E_BAD_STATE;
    }
    if (!(PHASE(backup->phase) & phases))
    {
        WARN("%p: not allowed in phase %s.\n", backup, debugstr_phase(backup->phase));
        return VSS_E_BAD_STATE;
    }
    return S_OK;
}

/* Moves the object from one of the phases in "from" to "to".  Returns
 * FALSE, changing nothing, when it is in none of them.  Called with the
 * lock held; the one place where the phase changes. */
static BOOL backup_transition(struct backup_components *backup, unsigned int from, enum backup_phase to)
{
    if (!(PHASE(backup->phase) & from))
    {
        WARN("%p: cannot go from %s to %s.\n", backup, debugstr_phase(backup->phase), debugstr_phase(to));
        return FALSE;
    }
    TRACE("%p: %s -> %s.\n", backup, debugstr_phase(backup->phase), debugstr_phase(to));
    backup->phase = to;
    return TRUE;
}

static BOOL backup_has_writers(const struct backup_components *backup)
{
    return backup->context != VSS_CONTEXT_ALL && !(backup->context & VSS_VOLSNAP_ATTR_NO_WRITERS);
}

/* The agent session, opened on first use.  Called with the lock held. */
static HRESULT backup_session(struct backup_components *backup, struct agent_session **session)
{
    HRESULT hr;

    if (!backup->session && (hr = agent_session_open(&backup->session)) != S_OK)
    {
        backup->session = NULL;
        WARN("%p: no agent session, hr %#lx.\n", backup, hr);
        return hr;
    }
    *session = backup->session;
    return S_OK;
}

static BOOL id_list_contains(const struct id_list *list, const VSS_ID *id)
{
    UINT i;

    for (i = 0; i < list->count; ++i)
    {
        if (IsEqualGUID(&list->ids[i], id))
            return TRUE;
    }
    return FALSE;
}

static HRESULT id_list_add(struct id_list *list, const VSS_ID *ids, UINT count)
{
    VSS_ID *grown;
    UINT i;

    if (!(grown = realloc(list->ids, (list->count + count) * sizeof(*grown))))
        return E_OUTOFMEMORY;
    list->ids = grown;
    for (i = 0; i < count; ++i)
    {
        if (!id_list_contains(list, &ids[i]))
            list->ids[list->count++] = ids[i];
    }
    return S_OK;
}

static void id_list_remove(struct id_list *list, const VSS_ID *ids, UINT count)
{
    UINT i, j;

    for (i = 0; i < count; ++i)
    {
        for (j = 0; j < list->count; ++j)
        {
            if (!IsEqualGUID(&list->ids[j], &ids[i]))
                continue;
            list->ids[j] = list->ids[--list->count];
            break;
        }
    }
}

static void id_list_clear(struct id_list *list)
{
    free(list->ids);
    list->ids = NULL;
    list->count = 0;
}

/* Whether a writer takes part, given DisableWriterClasses,
 * EnableWriterClasses and DisableWriterInstances. */
static BOOL backup_writer_enabled(const struct backup_components *backup, const struct writer_info *writer)
{
    if (id_list_contains(&backup->disabled_instances, &writer->instance_id))
        return FALSE;
    if (backup->enabled_only)
        return id_list_contains(&backup->enabled_classes, &writer->class_id);
    return !id_list_contains(&backup->disabled_classes, &writer->class_id);
}

/* The writers that answer Identify.  winevss has no writer infrastructure
 * yet, so there are none; the filters are applied all the same. */
static void backup_identify_writers(struct backup_components *backup)
{
    struct writer_info *found = NULL;
    unsigned int i, count = 0;

    for (i = 0; i < count; ++i)
    {
        if (!backup_writer_enabled(backup, &found[i]))
            found[i--] = found[--count];
    }
    free(backup->writers);
    backup->writers = found;
    backup->writer_count = count;
    TRACE("%p: %u writers.\n", backup, count);
}

/* One snapshot of a set just created, as the document describes it; the
 * strings are the caller's to free (bcd_free_snapshots). */
static HRESULT describe_snapshot(struct agent_session *session, VSS_ID id, struct bcd_snapshot *out)
{
    VSS_SNAPSHOT_PROP prop;
    HRESULT hr;

    memset(out, 0, sizeof(*out));
    if ((hr = agent_get_snapshot(session, &id, VSS_CONTEXT_ALL, &prop)) != S_OK)
        return hr;
    out->id = prop.m_SnapshotId;
    out->provider_id = prop.m_ProviderId;
    out->attributes = prop.m_lSnapshotAttributes;
    out->original_volume = prop.m_pwszOriginalVolumeName;
    out->originating_machine = prop.m_pwszOriginatingMachine;
    out->service_machine = prop.m_pwszServiceMachine;
    prop.m_pwszOriginalVolumeName = prop.m_pwszOriginatingMachine = prop.m_pwszServiceMachine = NULL;
    VssFreeSnapshotPropertiesInternal(&prop);
    return agent_get_locator(session, &id, VSS_CONTEXT_ALL, &out->locator);
}

/* A transportable set is described in the document once it exists, so
 * that another prefix can import it from the saved document (section 6.4). */
static HRESULT backup_describe_set(struct backup_components *backup, struct agent_session *session,
        const VSS_ID *set_id)
{
    struct bcd_snapshot *snapshots;
    unsigned int count, i;
    LONG context;
    HRESULT hr = S_OK;

    EnterCriticalSection(&backup->cs);
    count = backup->volume_count;
    context = backup->context;
    if ((snapshots = calloc(max(count, 1), sizeof(*snapshots))))
        for (i = 0; i < count; ++i)
            snapshots[i].id = backup->volumes[i].snapshot_id;
    LeaveCriticalSection(&backup->cs);
    if (!snapshots)
        return E_OUTOFMEMORY;

    for (i = 0; i < count && hr == S_OK; ++i)
        hr = describe_snapshot(session, snapshots[i].id, &snapshots[i]);
    if (hr == S_OK)
    {
        EnterCriticalSection(&backup->cs);
        hr = bcd_describe_snapshot_set(backup->bcd, set_id, context, snapshots, count);
        LeaveCriticalSection(&backup->cs);
    }
    bcd_free_snapshots(snapshots, count);
    return hr;
}

/* The work of an asynchronous method, on its worker thread. */
static HRESULT backup_operation_run(struct vss_async *async, void *context)
{
    struct backup_operation *operation = context;
    struct backup_components *backup = operation->backup;
    struct agent_session *session;
    VSS_ID set_id, nondeleted;
    LONG set_context, deleted;
    HRESULT hr;

    switch (operation->kind)
    {
    case OP_DO_SNAPSHOT_SET:
        if (!async_commit(async))
            return VSS_S_ASYNC_CANCELLED;
        EnterCriticalSection(&backup->cs);
        session = backup->session;
        set_id = backup->set_id;
        set_context = backup->context;
        LeaveCriticalSection(&backup->cs);
        if ((hr = agent_commit_set(session, &set_id)) != S_OK)
            WARN("%p: commit of %s failed, hr %#lx.\n", backup, debugstr_guid(&set_id), hr);
        else if ((set_context & VSS_VOLSNAP_ATTR_TRANSPORTABLE) && (hr = backup_describe_set(backup, session, &set_id)))
        {
            /* A transportable set nobody can import is no use: it goes. */
            WARN("%p: cannot describe %s, hr %#lx.\n", backup, debugstr_guid(&set_id), hr);
            agent_delete_snapshots(session, &set_id, VSS_OBJECT_SNAPSHOT_SET, VSS_CONTEXT_ALL, TRUE,
                    &deleted, &nondeleted);
        }
        return policy_documented(SLOT_DO_SNAPSHOT_SET, hr);

    case OP_RESULT:
        if (!async_commit(async))
            return VSS_S_ASYNC_CANCELLED;
        return operation->result;

    default:
        /* Nothing to do without writers: the events have no recipient. */
        return async_commit(async) ? S_OK : VSS_S_ASYNC_CANCELLED;
    }
}

/* Ends an asynchronous method: the state transition, before the outcome is
 * visible to anybody.  hr is S_OK, VSS_S_ASYNC_CANCELLED or a failure. */
static void backup_operation_complete(void *context, HRESULT hr)
{
    struct backup_operation *operation = context;
    struct backup_components *backup = operation->backup;
    BOOL cancelled = hr == VSS_S_ASYNC_CANCELLED, abort_set = FALSE;
    struct agent_session *session;
    IVssAsync *pending;
    VSS_ID set_id;

    TRACE("%p: operation %u ended with %#lx.\n", backup, operation->kind, hr);

    EnterCriticalSection(&backup->cs);
    switch (operation->kind)
    {
    case OP_GATHER_METADATA:
        if (hr == S_OK)
            backup_identify_writers(backup);
        backup->metadata = hr == S_OK ? GATHER_DONE : GATHER_NONE;
        break;
    case OP_GATHER_STATUS:
        backup->status = hr == S_OK ? GATHER_DONE : GATHER_NONE;
        break;
    case OP_PREPARE_FOR_BACKUP:
        if (hr == S_OK)
        {
            backup->prepared = TRUE;
            backup_transition(backup, PHASE(PHASE_PREPARING), PHASE_PREPARED);
        }
        else
        {
            abort_set = TRUE;
            backup_transition(backup, PHASE(PHASE_PREPARING), PHASE_ABORTED);
        }
        break;
    case OP_DO_SNAPSHOT_SET:
        if (hr == S_OK)
        {
            backup->created = TRUE;
            backup_transition(backup, PHASE(PHASE_SNAPSHOTTING), PHASE_CREATED);
        }
        else if (cancelled)
        {
            abort_set = TRUE;
            backup_transition(backup, PHASE(PHASE_SNAPSHOTTING), PHASE_ABORTED);
        }
        else
        {
            backup_transition(backup, PHASE(PHASE_SNAPSHOTTING), PHASE_FAILED);
        }
        break;
    case OP_BACKUP_COMPLETE:
        backup_transition(backup, PHASE(PHASE_COMPLETING), hr == S_OK ? PHASE_COMPLETED : PHASE_ABORTED);
        break;
    case OP_PRE_RESTORE:
        backup_transition(backup, PHASE(PHASE_PRE_RESTORING), hr == S_OK ? PHASE_PRE_RESTORED : PHASE_INIT);
        break;
    case OP_POST_RESTORE:
        backup_transition(backup, PHASE(PHASE_POST_RESTORING),
                hr == S_OK ? PHASE_POST_RESTORED : PHASE_PRE_RESTORED);
        break;
    case OP_RESULT:
        break;
    }
    /* Operations that change no state are not tracked as pending. */
    pending = NULL;
    if (operation->kind != OP_RESULT)
    {
        pending = backup->pending;
        backup->pending = NULL;
    }
    session = backup->session;
    set_id = backup->set_id;
    LeaveCriticalSection(&backup->cs);

    /* A cancelled preparation or creation gives the creation lock back. */
    if (abort_set && session)
        agent_abort_set(session, &set_id, FALSE);
    if (pending)
        IVssAsync_Release(pending);
    free(operation);
}

static const struct async_operation backup_operation_cancellable =
{
    backup_operation_run,
    backup_operation_complete,
    TRUE,
};

static const struct async_operation backup_operation_uncancellable =
{
    backup_operation_run,
    backup_operation_complete,
    FALSE,
};

/* Starts an asynchronous method.  Called with the lock held, after the
 * state checks; the object records the operation as pending unless it is
 * an OP_RESULT.  The caller has already moved to the running phase and
 * moves back on failure. */
static HRESULT backup_start_operation(struct backup_components *backup, enum operation_kind kind,
        HRESULT result, BOOL cancellable, IVssAsync **out)
{
    struct backup_operation *operation;
    HRESULT hr;

    if (!(operation = malloc(sizeof(*operation))))
        return E_OUTOFMEMORY;
    operation->backup = backup;
    operation->kind = kind;
    operation->result = result;

    hr = async_start(cancellable ? &backup_operation_cancellable : &backup_operation_uncancellable,
            operation, (IUnknown *)&backup->IVssBackupComponentsEx4_iface, out);
    if (hr != S_OK)
    {
        free(operation);
        return hr;
    }
    if (kind != OP_RESULT)
    {
        backup->pending = *out;
        IVssAsync_AddRef(*out);
    }
    return S_OK;
}

/* Services for snapshots.c, which implements the methods that work on
 * existing snapshots. */

/* The agent session and the context; VSS_E_BAD_STATE first when the
 * method needs an object initialised for a backup. */
HRESULT backup_components_agent(IVssBackupComponentsEx4 *iface, BOOL backup_only, struct agent_session **session,
        LONG *context)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;

    EnterCriticalSection(&backup->cs);
    if (backup_only)
        hr = backup_check(backup, MODE(MODE_BACKUP), ANY_PHASE);
    if (hr == S_OK)
        hr = backup_session(backup, session);
    *context = backup->context;
    LeaveCriticalSection(&backup->cs);
    return hr;
}

/* Whether the snapshot belongs to this object's set, not created yet. */
BOOL backup_components_creating(IVssBackupComponentsEx4 *iface, const VSS_ID *snapshot_id)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    BOOL ret = FALSE;
    unsigned int i;

    EnterCriticalSection(&backup->cs);
    for (i = 0; i < backup->volume_count && !backup->created; ++i)
    {
        if (IsEqualGUID(&backup->volumes[i].snapshot_id, snapshot_id))
            ret = TRUE;
    }
    LeaveCriticalSection(&backup->cs);
    return ret;
}

/* ImportSnapshots: a backup object straight after initialisation, and the
 * transportable set its document describes (VSS_E_OBJECT_NOT_FOUND when
 * it describes none); the caller frees the snapshots. */
HRESULT backup_components_import_description(IVssBackupComponentsEx4 *iface, VSS_ID *set_id, LONG *context,
        struct bcd_snapshot **snapshots, unsigned int *count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    *snapshots = NULL;
    *count = 0;
    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_INIT))) == S_OK)
        hr = bcd_get_snapshot_set(backup->bcd, set_id, context, snapshots, count);
    LeaveCriticalSection(&backup->cs);
    return hr;
}

/* An asynchronous method that changes no state and reports a result
 * known when it starts (OP_RESULT). */
HRESULT backup_components_start_result(IVssBackupComponentsEx4 *iface, HRESULT result, BOOL cancellable,
        IVssAsync **out)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    EnterCriticalSection(&backup->cs);
    hr = backup_start_operation(backup, OP_RESULT, result, cancellable, out);
    LeaveCriticalSection(&backup->cs);
    return hr;
}

/* Phases of a restore before PreRestore. */
#define RESTORE_SELECTION_PHASES PHASE(PHASE_INIT)
/* Phases before PrepareForBackup, when the requester still edits the
 * document. */
#define BACKUP_EDIT_PHASES (PHASE(PHASE_INIT) | PHASE(PHASE_SET_STARTED))

/* For components.c: the state checks of a component method, then the
 * annotation of the component in the document.  Only a loaded document
 * can have components (no writer runs to add any); a component that is
 * not in it is VSS_E_OBJECT_NOT_FOUND, as documented. */
HRESULT backup_components_annotate(IVssBackupComponentsEx4 *iface, enum component_when when,
        const struct bcd_annotation *annotation)
{
    static const struct
    {
        unsigned int modes, phases;
    }
    rules[] =
    {
        [COMPONENT_BACKUP_EDIT] = {MODE(MODE_BACKUP), BACKUP_EDIT_PHASES},
        [COMPONENT_BACKUP_CREATED] = {MODE(MODE_BACKUP), PHASE(PHASE_CREATED)},
        [COMPONENT_RESTORE_SELECT] = {MODE(MODE_RESTORE), RESTORE_SELECTION_PHASES},
        [COMPONENT_RESTORE_FILES] = {MODE(MODE_RESTORE), PHASE(PHASE_PRE_RESTORED)},
        [COMPONENT_RESTORE_ANNOTATE] = {MODE(MODE_RESTORE), PHASE(PHASE_INIT) | PHASE(PHASE_PRE_RESTORED)},
    };
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, rules[when].modes, rules[when].phases)) == S_OK
            && (hr = bcd_annotate(backup->bcd, annotation)) == VSS_E_OBJECT_NOT_FOUND)
        WARN("%p: no component %s\\%s of writer %s.\n", backup, debugstr_w(annotation->logical_path),
                debugstr_w(annotation->name), debugstr_guid(&annotation->writer));
    LeaveCriticalSection(&backup->cs);
    return hr;
}

static HRESULT WINAPI backup_components_QueryInterface(IVssBackupComponentsEx4 *iface, REFIID riid, void **out)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if ((IsEqualIID(riid, &IID_IUnknown)
            || IsEqualIID(riid, &IID_IVssBackupComponents)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx2)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx3)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx4))
            && policy_interface_offered(riid))
    {
        *out = &backup->IVssBackupComponentsEx4_iface;
        IVssBackupComponentsEx4_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI backup_components_AddRef(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = InterlockedIncrement(&backup->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI backup_components_Release(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = InterlockedDecrement(&backup->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        /* No operation can be pending: each holds a reference.  Closing the
         * session aborts a set still in creation and deletes the session's
         * auto-release snapshots; the agent does that when it notices the
         * closed connection, so both are done explicitly first, for the
         * next requester to find the lock free and the snapshots gone when
         * this Release returns. */
        if (backup->session)
        {
            LONG deleted;
            VSS_ID failed;

            if (backup->phase == PHASE_SET_STARTED || backup->phase == PHASE_PREPARED)
                agent_abort_set(backup->session, &backup->set_id, FALSE);
            if (backup->created && !(backup->context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE))
                agent_delete_snapshots(backup->session, &backup->set_id, VSS_OBJECT_SNAPSHOT_SET,
                        backup->context, TRUE, &deleted, &failed);
            agent_session_close(backup->session);
        }
        if (backup->bcd)
            bcd_destroy(backup->bcd);
        id_list_clear(&backup->enabled_classes);
        id_list_clear(&backup->disabled_classes);
        id_list_clear(&backup->disabled_instances);
        free(backup->writers);
        free(backup->volumes);
        DeleteCriticalSection(&backup->cs);
        free(backup);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT WINAPI backup_components_GetWriterComponentsCount(IVssBackupComponentsEx4 *iface, UINT *count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p.\n", iface, count);

    if (!count)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK)
        *count = bcd_writer_count(backup->bcd);
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_GetWriterComponents(IVssBackupComponentsEx4 *iface, UINT index,
        IVssWriterComponentsExt **components)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct xml_node *writer = NULL;
    HRESULT hr;

    TRACE("%p, %u, %p.\n", iface, index, components);

    if (!components)
        return E_INVALIDARG;
    *components = NULL;

    EnterCriticalSection(&backup->cs);
    /* A copy of the writer's components: the view does not change with the
     * document, as the documentation asks requesters to fetch it again. */
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK)
    {
        if (index >= bcd_writer_count(backup->bcd))
        {
            WARN("%p: no writer components at index %u.\n", backup, index);
            hr = VSS_E_OBJECT_NOT_FOUND;
        }
        else if (!(writer = bcd_writer_components(backup->bcd, index)))
            hr = E_OUTOFMEMORY;
    }
    LeaveCriticalSection(&backup->cs);
    if (hr == S_OK)
        hr = writer_components_create(writer, components);
    return policy_result(hr);
}

/* InitializeForBackup and InitializeForRestore. */
static HRESULT backup_initialize(struct backup_components *backup, enum backup_mode mode, BSTR xml)
{
    struct bcd *bcd;
    HRESULT hr;

    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    if (backup->mode != MODE_NONE)
    {
        WARN("%p: already initialised.\n", backup);
        hr = VSS_E_BAD_STATE;
    }
    else if ((hr = bcd_create(xml, &bcd)) == S_OK)
    {
        backup->bcd = bcd;
        backup->loaded = xml != NULL;
        backup->mode = mode;
        backup->phase = PHASE_INIT;
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_InitializeForBackup(IVssBackupComponentsEx4 *iface, BSTR xml)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %s.\n", iface, debugstr_w(xml));

    return backup_initialize(backup, MODE_BACKUP, xml);
}

static HRESULT WINAPI backup_components_SetBackupState(IVssBackupComponentsEx4 *iface, boolean select_components,
        boolean bootable_state, VSS_BACKUP_TYPE type, boolean partial_files)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %d, %d, %d, %d.\n", iface, select_components, bootable_state, type, partial_files);

    if (type < VSS_BT_UNDEFINED || type > VSS_BT_OTHER)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    /* Before PrepareForBackup in a backup; a restore accepts it and ignores
     * it (vshadow calls it after InitializeForRestore). */
    if (backup->mode == MODE_RESTORE)
        hr = S_OK;
    else if ((hr = backup_check(backup, MODE(MODE_BACKUP), BACKUP_EDIT_PHASES)) == S_OK
            && (hr = bcd_set_backup_state(backup->bcd, select_components & 0xff, bootable_state & 0xff, type,
                partial_files & 0xff)) == S_OK)
        backup->backup_state_set = TRUE;
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_InitializeForRestore(IVssBackupComponentsEx4 *iface, BSTR xml)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %s.\n", iface, debugstr_w(xml));

    /* A restore needs the document saved at backup time; none at all is an
     * invalid document. */
    if (!xml)
        return VSS_E_INVALID_XML_DOCUMENT;
    return backup_initialize(backup, MODE_RESTORE, xml);
}

static HRESULT WINAPI backup_components_SetRestoreState(IVssBackupComponentsEx4 *iface, VSS_RESTORE_TYPE type)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %d.\n", iface, type);

    if ((hr = policy_method_available(SLOT_SET_RESTORE_STATE)) != S_OK)
        return hr;
    if (type < VSS_RTYPE_UNDEFINED || type > VSS_RTYPE_OTHER)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_RESTORE), RESTORE_SELECTION_PHASES)) == S_OK)
        hr = bcd_set_restore_type(backup->bcd, type);
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

/* GatherWriterMetadata and GatherWriterStatus. */
static HRESULT backup_gather(struct backup_components *backup, BOOL metadata, IVssAsync **async)
{
    enum gather_state *state;
    HRESULT hr;

    if (!async)
        return E_INVALIDARG;
    *async = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    state = metadata ? &backup->metadata : &backup->status;
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) != S_OK)
        goto done;
    /* Metadata is gathered once per object; status as often as wanted. */
    if (backup->pending || (metadata && *state != GATHER_NONE))
    {
        WARN("%p: gathering not allowed now.\n", backup);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    *state = GATHER_PENDING;
    if ((hr = backup_start_operation(backup, metadata ? OP_GATHER_METADATA : OP_GATHER_STATUS, S_OK,
            TRUE, async)) != S_OK)
        *state = GATHER_NONE;
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

/* Reading what GatherWriterMetadata or GatherWriterStatus found needs that
 * gathering to have completed.  Called with backup->cs held. */
static HRESULT backup_check_gathered(struct backup_components *backup, enum gather_state state, const char *what)
{
    HRESULT hr;

    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK && state != GATHER_DONE)
    {
        WARN("%p: no %s gathered.\n", backup, what);
        hr = VSS_E_BAD_STATE;
    }
    return hr;
}

/* GetWriterMetadataCount and GetWriterStatusCount. */
static HRESULT backup_gathered_count(struct backup_components *backup, BOOL metadata, UINT *count)
{
    HRESULT hr;

    if (!count)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    if (metadata)
        hr = backup_check_gathered(backup, backup->metadata, "metadata");
    else
        hr = backup_check_gathered(backup, backup->status, "status");
    /* Status is gathered from the writers that answered: none. */
    if (hr == S_OK)
        *count = metadata ? backup->writer_count : 0;
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_GatherWriterMetadata(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, async);

    return backup_gather(backup, TRUE, async);
}

static HRESULT WINAPI backup_components_GetWriterMetadataCount(IVssBackupComponentsEx4 *iface, UINT *count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, count);

    return backup_gathered_count(backup, TRUE, count);
}

/* GetWriterMetadata and GetWriterMetadataEx: the writers found are listed
 * in backup->writers; none exist yet, so every index is out of range. */
static HRESULT backup_writer_metadata(struct backup_components *backup, UINT index, VSS_ID *instance, void **metadata)
{
    HRESULT hr;

    if (!instance || !metadata)
        return E_INVALIDARG;
    *metadata = NULL;

    EnterCriticalSection(&backup->cs);
    hr = backup_check_gathered(backup, backup->metadata, "metadata");
    if (hr == S_OK && index >= backup->writer_count)
    {
        WARN("%p: no writer %u.\n", backup, index);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    else if (hr == S_OK)
    {
        ERR("%p: writer metadata documents are not implemented.\n", backup);
        hr = VSS_E_UNEXPECTED;
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_GetWriterMetadata(IVssBackupComponentsEx4 *iface, UINT index,
        VSS_ID *instance, IVssExamineWriterMetadata **metadata)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %u, %p, %p.\n", iface, index, instance, metadata);

    return backup_writer_metadata(backup, index, instance, (void **)metadata);
}

static HRESULT WINAPI backup_components_FreeWriterMetadata(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p.\n", iface);

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK)
    {
        if (backup->metadata == GATHER_DONE || backup->metadata == GATHER_FREED)
        {
            backup->metadata = GATHER_FREED;
            free(backup->writers);
            backup->writers = NULL;
            backup->writer_count = 0;
        }
        else
        {
            WARN("%p: no metadata gathered.\n", backup);
            hr = VSS_E_BAD_STATE;
        }
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_AddComponent(IVssBackupComponentsEx4 *iface, VSS_ID instance,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %s, %s, %d, %s, %s.\n", iface, debugstr_guid(&instance), debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name));

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    /* After GatherWriterMetadata, before PrepareForBackup, and only in a
     * context with writers. */
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), BACKUP_EDIT_PHASES)) == S_OK
            && backup->metadata != GATHER_DONE && backup->metadata != GATHER_FREED)
    {
        WARN("%p: no metadata gathered.\n", backup);
        hr = VSS_E_BAD_STATE;
    }
    if (hr == S_OK && !backup_has_writers(backup))
    {
        WARN("%p: context %#lx has no writers.\n", backup, backup->context);
        hr = VSS_E_BAD_STATE;
    }
    if (hr == S_OK)
    {
        WARN("%p: writer %s is not running.\n", backup, debugstr_guid(&instance));
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_PrepareForBackup(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p.\n", iface, async);

    if (!async)
        return E_INVALIDARG;
    *async = NULL;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_SET_STARTED))) != S_OK)
        goto done;
    if (backup->pending || !backup->backup_state_set
            || (backup->metadata != GATHER_DONE && backup->metadata != GATHER_FREED))
    {
        WARN("%p: SetBackupState and GatherWriterMetadata must come first.\n", backup);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (!backup_has_writers(backup))
    {
        WARN("%p: context %#lx has no writers.\n", backup, backup->context);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    backup_transition(backup, PHASE(PHASE_SET_STARTED), PHASE_PREPARING);
    if ((hr = backup_start_operation(backup, OP_PREPARE_FOR_BACKUP, S_OK, TRUE, async)) != S_OK)
        backup_transition(backup, PHASE(PHASE_PREPARING), PHASE_SET_STARTED);
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_AbortBackup(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    BOOL abort_set = FALSE, delete_created = FALSE, interrupted;
    struct agent_session *session;
    IVssAsync *pending;
    VSS_ID set_id;
    HRESULT hr;

    TRACE("%p.\n", iface);

    EnterCriticalSection(&backup->cs);
    /* Aborts exist for backups only. */
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), ANY_PHASE)) != S_OK)
    {
        LeaveCriticalSection(&backup->cs);
        return policy_result(hr);
    }
    /* Stop an operation in progress first; a creation past its point of no
     * return finishes, and its snapshots are then deleted below. */
    interrupted = backup->phase == PHASE_SNAPSHOTTING;
    while ((pending = backup->pending))
    {
        IVssAsync_AddRef(pending);
        LeaveCriticalSection(&backup->cs);
        async_abandon(pending);
        IVssAsync_Release(pending);
        EnterCriticalSection(&backup->cs);
    }

    switch (backup->phase)
    {
    case PHASE_SET_STARTED:
    case PHASE_PREPARED:
    case PHASE_FAILED:
        abort_set = TRUE;
        backup_transition(backup, ANY_PHASE, PHASE_ABORTED);
        break;
    case PHASE_CREATED:
        /* The set is kept once the requester has seen it created; a set
         * whose creation the abort interrupted is not (docs/decisions.md). */
        abort_set = delete_created = interrupted;
        backup_transition(backup, ANY_PHASE, PHASE_ABORTED);
        break;
    default:
        TRACE("%p: nothing to abort in phase %s.\n", backup, debugstr_phase(backup->phase));
        break;
    }
    session = backup->session;
    set_id = backup->set_id;
    LeaveCriticalSection(&backup->cs);

    if (abort_set && session && (hr = agent_abort_set(session, &set_id, delete_created)) != S_OK)
        WARN("%p: the agent could not abort %s, hr %#lx.\n", backup, debugstr_guid(&set_id), hr);
    return S_OK;
}

static HRESULT WINAPI backup_components_GatherWriterStatus(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, async);

    return backup_gather(backup, FALSE, async);
}

static HRESULT WINAPI backup_components_GetWriterStatusCount(IVssBackupComponentsEx4 *iface, UINT *count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, count);

    return backup_gathered_count(backup, FALSE, count);
}

static HRESULT WINAPI backup_components_FreeWriterStatus(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p.\n", iface);

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK)
    {
        if (backup->status == GATHER_DONE)
            backup->status = GATHER_NONE;
        else
        {
            WARN("%p: no status gathered.\n", backup);
            hr = VSS_E_BAD_STATE;
        }
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

/* GetWriterStatus and GetWriterStatusEx: no writer answered, so every
 * index is out of range. */
static HRESULT backup_writer_status(struct backup_components *backup, UINT index)
{
    HRESULT hr;

    EnterCriticalSection(&backup->cs);
    hr = backup_check_gathered(backup, backup->status, "status");
    if (hr == S_OK)
    {
        WARN("%p: no writer %u.\n", backup, index);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_GetWriterStatus(IVssBackupComponentsEx4 *iface, UINT index,
        VSS_ID *instance, VSS_ID *writer, BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %u, %p, %p, %p, %p, %p.\n", iface, index, instance, writer, name, state, failure);

    if (!instance || !writer || !name || !state || !failure)
        return E_INVALIDARG;
    *name = NULL;
    return backup_writer_status(backup, index);
}

static HRESULT WINAPI backup_components_SaveAsXML(IVssBackupComponentsEx4 *iface, BSTR *xml)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p.\n", iface, xml);

    if (!xml)
        return E_INVALIDARG;
    *xml = NULL;

    EnterCriticalSection(&backup->cs);
    /* A backup's document is complete once PrepareForBackup succeeded, or
     * once a set was created in a context without writers; a document
     * loaded for an import is complete already. */
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) == S_OK && backup->mode == MODE_BACKUP
            && !backup->prepared && !backup->created && !backup->loaded)
    {
        WARN("%p: the document is not filled in yet.\n", backup);
        hr = VSS_E_BAD_STATE;
    }
    if (hr == S_OK)
        hr = bcd_save(backup->bcd, xml);
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_BackupComplete(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p.\n", iface, async);

    if (!async)
        return E_INVALIDARG;
    *async = NULL;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_CREATED))) != S_OK)
        goto done;
    if (!backup_has_writers(backup))
    {
        WARN("%p: context %#lx has no writers.\n", backup, backup->context);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    backup_transition(backup, PHASE(PHASE_CREATED), PHASE_COMPLETING);
    if ((hr = backup_start_operation(backup, OP_BACKUP_COMPLETE, S_OK, TRUE, async)) != S_OK)
        backup_transition(backup, PHASE(PHASE_COMPLETING), PHASE_CREATED);
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

/* PreRestore and PostRestore. */
static HRESULT backup_restore_event(struct backup_components *backup, BOOL pre, IVssAsync **async)
{
    enum backup_phase from = pre ? PHASE_INIT : PHASE_PRE_RESTORED;
    enum backup_phase running = pre ? PHASE_PRE_RESTORING : PHASE_POST_RESTORING;
    HRESULT hr;

    if (!async)
        return E_INVALIDARG;
    *async = NULL;
    if (!pre && (hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_RESTORE), PHASE(from))) == S_OK && backup->pending)
        hr = VSS_E_BAD_STATE;
    if (hr == S_OK)
    {
        backup_transition(backup, PHASE(from), running);
        if ((hr = backup_start_operation(backup, pre ? OP_PRE_RESTORE : OP_POST_RESTORE, S_OK, TRUE,
                async)) != S_OK)
            backup_transition(backup, PHASE(running), from);
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_PreRestore(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, async);

    return backup_restore_event(backup, TRUE, async);
}

static HRESULT WINAPI backup_components_PostRestore(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p.\n", iface, async);

    return backup_restore_event(backup, FALSE, async);
}

/* A context is one of the _VSS_SNAPSHOT_CONTEXT values, optionally with
 * the attributes a requester may add (VSS_REFERENCE.md section 4.1):
 * DIFFERENTIAL and PLEX exclude each other, and CLIENT_ACCESSIBLE takes no
 * attribute at all. */
static BOOL is_valid_context(LONG context)
{
    static const LONG contexts[] =
    {
        VSS_CTX_BACKUP, VSS_CTX_FILE_SHARE_BACKUP, VSS_CTX_NAS_ROLLBACK, VSS_CTX_APP_ROLLBACK,
        VSS_CTX_CLIENT_ACCESSIBLE, VSS_CTX_CLIENT_ACCESSIBLE_WRITERS,
    };
    static const LONG context_bits = VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
            | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS;
    static const LONG attributes = VSS_VOLSNAP_ATTR_NO_AUTORECOVERY | VSS_VOLSNAP_ATTR_TRANSPORTABLE
            | VSS_VOLSNAP_ATTR_NOT_TRANSACTED | VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_PLEX
            | VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY | VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT
            | VSS_VOLSNAP_ATTR_TXF_RECOVERY;
    LONG base = context & context_bits, extra = context & ~context_bits;
    unsigned int i;

    if (context == VSS_CONTEXT_ALL)
        return TRUE;
    for (i = 0; i < ARRAY_SIZE(contexts); ++i)
    {
        if (base == contexts[i])
            break;
    }
    if (i == ARRAY_SIZE(contexts) || (extra & ~attributes))
        return FALSE;
    if ((extra & VSS_VOLSNAP_ATTR_DIFFERENTIAL) && (extra & VSS_VOLSNAP_ATTR_PLEX))
        return FALSE;
    return base != VSS_CTX_CLIENT_ACCESSIBLE || !extra;
}

static HRESULT WINAPI backup_components_SetContext(IVssBackupComponentsEx4 *iface, LONG context)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %#lx.\n", iface, context);

    if ((hr = policy_method_available(SLOT_SET_CONTEXT)) != S_OK)
        return hr;
    if (!is_valid_context(context))
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    /* Once, before StartSnapshotSet; a failed call does not count. */
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_INIT))) == S_OK && backup->context_set)
    {
        WARN("%p: the context is set already.\n", backup);
        hr = VSS_E_BAD_STATE;
    }
    if (hr == S_OK && (hr = policy_context_supported(context)) == S_OK)
    {
        backup->context = context;
        backup->context_set = TRUE;
    }
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_StartSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID *set_id)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct agent_session *session;
    VSS_ID id;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, set_id);

    if (!set_id)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_INIT))) != S_OK)
        goto done;
    if (backup->context == VSS_CONTEXT_ALL)
    {
        WARN("%p: no set can be created in VSS_CTX_ALL.\n", backup);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if ((hr = backup_session(backup, &session)) != S_OK)
        goto done;
    if (FAILED(hr = CoCreateGuid(&id)))
        goto done;
    if ((hr = agent_begin_set(session, &id, backup->context)) != S_OK)
    {
        WARN("%p: the agent refused a new set, hr %#lx.\n", backup, hr);
        goto done;
    }
    backup->set_id = id;
    bcd_set_snapshot_set(backup->bcd, &id);
    backup_transition(backup, PHASE(PHASE_INIT), PHASE_SET_STARTED);
    *set_id = id;
    TRACE("%p: set %s.\n", backup, debugstr_guid(&id));
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(policy_documented(SLOT_START_SNAPSHOT_SET, hr));
}

static HRESULT WINAPI backup_components_AddToSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_PWSZ volume,
        VSS_ID provider, VSS_ID *snapshot_id)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct agent_session *session;
    struct agent_volume resolved;
    struct set_volume *volumes;
    unsigned int i;
    VSS_ID id;
    HRESULT hr;

    TRACE("%p, %s, %s, %p.\n", iface, debugstr_w(volume), debugstr_guid(&provider), snapshot_id);

    if (!volume || !snapshot_id)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), PHASE(PHASE_SET_STARTED))) != S_OK)
        goto done;
    if ((hr = snapshots_check_volume_name(volume, TRUE)) != S_OK)
        goto done;
    if ((hr = backup_session(backup, &session)) != S_OK)
        goto done;
    memset(&resolved, 0, sizeof(resolved));
    if ((hr = agent_resolve_volume(session, volume, &resolved)) != S_OK)
    {
        WARN("%p: %s is not a volume, hr %#lx.\n", backup, debugstr_w(volume), hr);
        goto done;
    }
    resolved.name[ARRAY_SIZE(resolved.name) - 1] = 0;
    for (i = 0; i < backup->volume_count; ++i)
    {
        if (!wcsicmp(backup->volumes[i].name, resolved.name))
        {
            WARN("%p: %s is in the set already.\n", backup, debugstr_w(resolved.name));
            hr = VSS_E_OBJECT_ALREADY_EXISTS;
            goto done;
        }
    }
    if (backup->volume_count >= MAX_VOLUMES_PER_SET)
    {
        WARN("%p: the set has %u volumes.\n", backup, backup->volume_count);
        hr = VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED;
        goto done;
    }
    if (!(volumes = realloc(backup->volumes, (backup->volume_count + 1) * sizeof(*volumes))))
    {
        hr = E_OUTOFMEMORY;
        goto done;
    }
    backup->volumes = volumes;
    if (FAILED(hr = CoCreateGuid(&id)))
        goto done;
    if ((hr = agent_add_volume(session, &backup->set_id, volume, &provider, &id)) != S_OK)
    {
        WARN("%p: the agent refused %s, hr %#lx.\n", backup, debugstr_w(resolved.name), hr);
        goto done;
    }
    lstrcpynW(volumes[backup->volume_count].name, resolved.name, ARRAY_SIZE(volumes->name));
    volumes[backup->volume_count++].snapshot_id = id;
    *snapshot_id = id;
    TRACE("%p: snapshot %s of %s.\n", backup, debugstr_guid(&id), debugstr_w(resolved.name));
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(policy_documented(SLOT_ADD_TO_SNAPSHOT_SET, hr));
}

static HRESULT WINAPI backup_components_DoSnapshotSet(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    unsigned int from;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, async);

    if (!async)
        return E_INVALIDARG;
    *async = NULL;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    /* With writers: after GatherWriterMetadata, and normally after
     * PrepareForBackup.  Without: straight after the volumes are added. */
    from = PHASE(PHASE_SET_STARTED);
    if (backup_has_writers(backup))
        from |= PHASE(PHASE_PREPARED);
    if ((hr = backup_check(backup, MODE(MODE_BACKUP), from)) != S_OK)
        goto done;
    if (backup->pending || !backup->volume_count)
    {
        WARN("%p: an operation is running, or the set is empty.\n", backup);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup_has_writers(backup) && backup->metadata != GATHER_DONE && backup->metadata != GATHER_FREED)
    {
        WARN("%p: GatherWriterMetadata must come first.\n", backup);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    backup_transition(backup, from, PHASE_SNAPSHOTTING);
    if ((hr = backup_start_operation(backup, OP_DO_SNAPSHOT_SET, S_OK, TRUE, async)) != S_OK)
        backup_transition(backup, PHASE(PHASE_SNAPSHOTTING), backup->prepared ? PHASE_PREPARED : PHASE_SET_STARTED);
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

enum writer_filter
{
    FILTER_DISABLE_CLASSES,
    FILTER_ENABLE_CLASSES,
    FILTER_DISABLE_INSTANCES,
};

/* DisableWriterClasses, EnableWriterClasses and DisableWriterInstances:
 * recorded until metadata is gathered, silently ignored afterwards. */
static HRESULT backup_filter_writers(struct backup_components *backup, enum writer_filter filter,
        const VSS_ID *ids, UINT count)
{
    HRESULT hr;

    if (!ids || !count)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, ANY_MODE, ANY_PHASE)) != S_OK)
        goto done;
    if (backup->metadata != GATHER_NONE)
    {
        WARN("%p: writer metadata was gathered; ignoring the filter.\n", backup);
        goto done;
    }
    switch (filter)
    {
    case FILTER_DISABLE_CLASSES:
        /* After EnableWriterClasses: fewer enabled classes. */
        if (backup->enabled_only)
            id_list_remove(&backup->enabled_classes, ids, count);
        else
            hr = id_list_add(&backup->disabled_classes, ids, count);
        break;
    case FILTER_ENABLE_CLASSES:
        /* The first call enables only the classes given, which also undoes
         * earlier disables; later calls enable more. */
        if (!backup->enabled_only)
        {
            id_list_clear(&backup->disabled_classes);
            backup->enabled_only = TRUE;
        }
        hr = id_list_add(&backup->enabled_classes, ids, count);
        break;
    case FILTER_DISABLE_INSTANCES:
        hr = id_list_add(&backup->disabled_instances, ids, count);
        break;
    }
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_DisableWriterClasses(IVssBackupComponentsEx4 *iface, const VSS_ID *ids,
        UINT count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p, %u.\n", iface, ids, count);

    return backup_filter_writers(backup, FILTER_DISABLE_CLASSES, ids, count);
}

static HRESULT WINAPI backup_components_EnableWriterClasses(IVssBackupComponentsEx4 *iface, const VSS_ID *ids,
        UINT count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p, %u.\n", iface, ids, count);

    return backup_filter_writers(backup, FILTER_ENABLE_CLASSES, ids, count);
}

static HRESULT WINAPI backup_components_DisableWriterInstances(IVssBackupComponentsEx4 *iface, const VSS_ID *ids,
        UINT count)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %p, %u.\n", iface, ids, count);

    return backup_filter_writers(backup, FILTER_DISABLE_INSTANCES, ids, count);
}

static HRESULT WINAPI backup_components_GetWriterMetadataEx(IVssBackupComponentsEx4 *iface, UINT index,
        VSS_ID *instance, IVssExamineWriterMetadataEx **metadata)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %u, %p, %p.\n", iface, index, instance, metadata);

    if ((hr = policy_method_available(SLOT_GET_WRITER_METADATA_EX)) != S_OK)
        return hr;
    return backup_writer_metadata(backup, index, instance, (void **)metadata);
}

/* PreFastRecovery and FastRecovery are documented as reserved. */
static HRESULT WINAPI backup_components_PreFastRecovery(IVssBackupComponentsEx4 *iface, VSS_ID set_id,
        DWORD flags, IVssAsync **async)
{
    FIXME("%p, %s, %#lx, %p: reserved method.\n", iface, debugstr_guid(&set_id), flags, async);

    if (async)
        *async = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_FastRecovery(IVssBackupComponentsEx4 *iface, VSS_ID set_id,
        DWORD flags, IVssAsync **async)
{
    FIXME("%p, %s, %#lx, %p: reserved method.\n", iface, debugstr_guid(&set_id), flags, async);

    if (async)
        *async = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterStatusEx(IVssBackupComponentsEx4 *iface, UINT index,
        VSS_ID *instance, VSS_ID *writer, BSTR *name, VSS_WRITER_STATE *state, HRESULT *writer_failure,
        HRESULT *application_failure, BSTR *application_message)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %u, %p, %p, %p, %p, %p, %p, %p.\n", iface, index, instance, writer, name, state,
            writer_failure, application_failure, application_message);

    if ((hr = policy_method_available(SLOT_GET_WRITER_STATUS_EX)) != S_OK)
        return hr;
    /* The application's result and message are optional. */
    if (!instance || !writer || !name || !state || !writer_failure)
        return E_INVALIDARG;
    *name = NULL;
    if (application_message)
        *application_message = NULL;
    return backup_writer_status(backup, index);
}

static HRESULT WINAPI backup_components_AddSnapshotToRecoverySet(IVssBackupComponentsEx4 *iface, VSS_ID id,
        DWORD flags, VSS_PWSZ destination)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %s, %#lx, %s.\n", iface, debugstr_guid(&id), flags, debugstr_w(destination));

    if ((hr = policy_method_available(SLOT_ADD_SNAPSHOT_TO_RECOVERY_SET)) != S_OK)
        return hr;
    /* The flags are reserved. */
    if (IsEqualGUID(&id, &GUID_NULL) || flags)
        return E_INVALIDARG;

    EnterCriticalSection(&backup->cs);
    if ((hr = backup_check(backup, MODE(MODE_RESTORE), RESTORE_SELECTION_PHASES)) != S_OK)
        goto done;
    /* LUN resynchronisation needs a hardware provider, which clients
     * never have and winevss has nowhere. */
    if (policy_is_server() && !bcd_describes_snapshot(backup->bcd, &id))
    {
        WARN("%p: %s is not in the document's set.\n", backup, debugstr_guid(&id));
        hr = VSS_E_SNAPSHOT_NOT_IN_SET;
        goto done;
    }
    WARN("%p: no hardware provider supports resynchronisation.\n", backup);
    hr = VSS_E_BAD_STATE;
done:
    LeaveCriticalSection(&backup->cs);
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_RecoverSet(IVssBackupComponentsEx4 *iface, DWORD flags, IVssAsync **async)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %#lx, %p.\n", iface, flags, async);

    if ((hr = policy_method_available(SLOT_RECOVER_SET)) != S_OK)
        return hr;
    if (!async || (flags & ~(VSS_RECOVERY_REVERT_IDENTITY_ALL | VSS_RECOVERY_NO_VOLUME_CHECK)))
        return E_INVALIDARG;
    *async = NULL;

    EnterCriticalSection(&backup->cs);
    hr = backup_check(backup, MODE(MODE_RESTORE), RESTORE_SELECTION_PHASES);
    LeaveCriticalSection(&backup->cs);
    if (hr == S_OK && !policy_is_server())
    {
        WARN("%p: LUN resynchronisation is a server feature.\n", backup);
        hr = E_NOTIMPL;
    }
    else if (hr == S_OK)
    {
        /* AddSnapshotToRecoverySet never succeeds: no volume was added. */
        WARN("%p: no volume in the recovery set.\n", backup);
        hr = VSS_E_BAD_STATE;
    }
    return policy_result(hr);
}

static HRESULT WINAPI backup_components_GetSessionId(IVssBackupComponentsEx4 *iface, VSS_ID *id)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p.\n", iface, id);

    if ((hr = policy_method_available(SLOT_GET_SESSION_ID)) != S_OK)
        return hr;
    if (!id)
        return E_INVALIDARG;
    *id = backup->session_id;
    return S_OK;
}

static const IVssBackupComponentsEx4Vtbl backup_components_vtbl =
{
    backup_components_QueryInterface,
    backup_components_AddRef,
    backup_components_Release,
    backup_components_GetWriterComponentsCount,
    backup_components_GetWriterComponents,
    backup_components_InitializeForBackup,
    backup_components_SetBackupState,
    backup_components_InitializeForRestore,
    backup_components_SetRestoreState,
    backup_components_GatherWriterMetadata,
    backup_components_GetWriterMetadataCount,
    backup_components_GetWriterMetadata,
    backup_components_FreeWriterMetadata,
    backup_components_AddComponent,
    backup_components_PrepareForBackup,
    backup_components_AbortBackup,
    backup_components_GatherWriterStatus,
    backup_components_GetWriterStatusCount,
    backup_components_FreeWriterStatus,
    backup_components_GetWriterStatus,
    backup_components_SetBackupSucceeded,
    backup_components_SetBackupOptions,
    backup_components_SetSelectedForRestore,
    backup_components_SetRestoreOptions,
    backup_components_SetAdditionalRestores,
    backup_components_SetPreviousBackupStamp,
    backup_components_SaveAsXML,
    backup_components_BackupComplete,
    backup_components_AddAlternativeLocationMapping,
    backup_components_AddRestoreSubcomponent,
    backup_components_SetFileRestoreStatus,
    backup_components_AddNewTarget,
    backup_components_SetRangesFilePath,
    backup_components_PreRestore,
    backup_components_PostRestore,
    backup_components_SetContext,
    backup_components_StartSnapshotSet,
    backup_components_AddToSnapshotSet,
    backup_components_DoSnapshotSet,
    backup_components_DeleteSnapshots,
    backup_components_ImportSnapshots,
    backup_components_BreakSnapshotSet,
    backup_components_GetSnapshotProperties,
    backup_components_Query,
    backup_components_IsVolumeSupported,
    backup_components_DisableWriterClasses,
    backup_components_EnableWriterClasses,
    backup_components_DisableWriterInstances,
    backup_components_ExposeSnapshot,
    backup_components_RevertToSnapshot,
    backup_components_QueryRevertStatus,
    backup_components_GetWriterMetadataEx,
    backup_components_SetSelectedForRestoreEx,
    backup_components_UnexposeSnapshot,
    backup_components_SetAuthoritativeRestore,
    backup_components_SetRollForward,
    backup_components_SetRestoreName,
    backup_components_BreakSnapshotSetEx,
    backup_components_PreFastRecovery,
    backup_components_FastRecovery,
    backup_components_GetWriterStatusEx,
    backup_components_AddSnapshotToRecoverySet,
    backup_components_RecoverSet,
    backup_components_GetSessionId,
    backup_components_GetRootAndLogicalPrefixPaths,
};

HRESULT backup_components_create(IVssBackupComponents **out)
{
    struct backup_components *backup;
    HRESULT hr;

    /* Only administrators and backup operators may back up. */
    if ((hr = policy_check_caller()) != S_OK)
    {
        *out = NULL;
        return hr;
    }

    if (!(backup = calloc(1, sizeof(*backup))))
        return E_OUTOFMEMORY;

    backup->IVssBackupComponentsEx4_iface.lpVtbl = &backup_components_vtbl;
    backup->refcount = 1;
    backup->mode = MODE_NONE;
    backup->phase = PHASE_INIT;
    backup->context = VSS_CTX_BACKUP;
    CoCreateGuid(&backup->session_id);
    InitializeCriticalSection(&backup->cs);
    vssapi_lock_module();

    TRACE("created %p.\n", backup);
    *out = (IVssBackupComponents *)&backup->IVssBackupComponentsEx4_iface;
    return S_OK;
}
