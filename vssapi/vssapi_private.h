/*
 * vssapi.dll: declarations shared between the files of the DLL.
 *
 * This header is the only contract between the files: each object family
 * (backup components, asynchronous operations, enumerators, the Backup
 * Components Document, writer entry points, ...) lives in its own file and
 * exposes nothing but what is declared here.
 */

#ifndef __VSSAPI_PRIVATE_H
#define __VSSAPI_PRIVATE_H

#include <stdarg.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "oleauto.h"

#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsmgmt.h"
#include "vsserror.h"

#include "wine/debug.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#endif

/* VSS_CTX_ALL as the LONG that SetContext takes. */
#define VSS_CONTEXT_ALL ((LONG)VSS_CTX_ALL)

/* Counts live objects handed to callers, for DllCanUnloadNow. */
void vssapi_lock_module(void);
void vssapi_unlock_module(void);

#include "agent.h"

/* volume.c: a volume that can be snapshotted, for the management queries. */
struct supported_volume
{
    WCHAR name[VOLUME_NAME_SIZE];   /* "\\?\Volume{GUID}\" */
    WCHAR root[4];                  /* "C:\" */
};
/* The fixed drives' volumes the provider (GUID_NULL: any) can snapshot, as
 * a malloc'd array in drive letter order; VSS_E_PROVIDER_NOT_REGISTERED for
 * an unknown provider. */
HRESULT volume_list_supported(struct agent_session *session, const VSS_ID *provider,
        struct supported_volume **volumes, ULONG *count);

/* backup.c: the backup components object.  The backup_components_*
 * services are for the methods that snapshots.c implements. */
HRESULT backup_components_create(IVssBackupComponents **out);
HRESULT backup_components_agent(IVssBackupComponentsEx4 *iface, BOOL backup_only, struct agent_session **session,
        LONG *context);
BOOL backup_components_creating(IVssBackupComponentsEx4 *iface, const VSS_ID *snapshot_id);
struct bcd_snapshot;
HRESULT backup_components_import_description(IVssBackupComponentsEx4 *iface, VSS_ID *set_id, LONG *context,
        struct bcd_snapshot **snapshots, unsigned int *count);
HRESULT backup_components_start_result(IVssBackupComponentsEx4 *iface, HRESULT result, BOOL cancellable,
        IVssAsync **out);
/* When a component method may be called. */
enum component_when
{
    COMPONENT_BACKUP_EDIT,      /* a backup, before PrepareForBackup */
    COMPONENT_BACKUP_CREATED,   /* a backup whose set exists, before BackupComplete */
    COMPONENT_RESTORE_SELECT,   /* a restore, before PreRestore */
    COMPONENT_RESTORE_FILES,    /* a restore, between PreRestore and PostRestore */
    COMPONENT_RESTORE_ANNOTATE, /* a restore, before PostRestore */
};
/* The state checks of a component method, then the annotation of the
 * component in the document (bcd_annotate). */
struct bcd_annotation;
HRESULT backup_components_annotate(IVssBackupComponentsEx4 *iface, enum component_when when,
        const struct bcd_annotation *annotation);

/* components.c: the component methods. */
BOOL components_is_valid_type(VSS_COMPONENT_TYPE type);
HRESULT WINAPI backup_components_SetBackupSucceeded(IVssBackupComponentsEx4 *iface, VSS_ID instance,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean succeeded);
HRESULT WINAPI backup_components_SetBackupOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options);
HRESULT WINAPI backup_components_SetSelectedForRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected);
HRESULT WINAPI backup_components_SetRestoreOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options);
HRESULT WINAPI backup_components_SetAdditionalRestores(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean additional);
HRESULT WINAPI backup_components_SetPreviousBackupStamp(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp);
HRESULT WINAPI backup_components_AddAlternativeLocationMapping(IVssBackupComponentsEx4 *iface,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
        LPCWSTR filespec, boolean recursive, LPCWSTR destination);
HRESULT WINAPI backup_components_AddRestoreSubcomponent(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR sub_logical_path,
        LPCWSTR sub_name, boolean repair);
HRESULT WINAPI backup_components_SetFileRestoreStatus(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_FILE_RESTORE_STATUS status);
HRESULT WINAPI backup_components_AddNewTarget(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path, LPCWSTR filename,
        boolean recursive, LPCWSTR alternate_path);
HRESULT WINAPI backup_components_SetRangesFilePath(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, UINT partial_file, LPCWSTR ranges_file);
HRESULT WINAPI backup_components_SetSelectedForRestoreEx(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected, VSS_ID instance);
HRESULT WINAPI backup_components_SetAuthoritativeRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean authoritative);
HRESULT WINAPI backup_components_SetRollForward(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_ROLLFORWARD_TYPE roll_type,
        LPCWSTR point);
HRESULT WINAPI backup_components_SetRestoreName(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name);

/* snapshots.c: the methods that work on existing snapshots, and the check
 * of a requester's volume name (VSS_E_OBJECT_NOT_FOUND when malformed). */
HRESULT snapshots_check_volume_name(const WCHAR *name, BOOL unc_allowed);
HRESULT WINAPI backup_components_DeleteSnapshots(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_OBJECT_TYPE type, BOOL force, LONG *deleted, VSS_ID *nondeleted);
HRESULT WINAPI backup_components_ImportSnapshots(IVssBackupComponentsEx4 *iface, IVssAsync **async);
HRESULT WINAPI backup_components_BreakSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID set_id);
HRESULT WINAPI backup_components_GetSnapshotProperties(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_SNAPSHOT_PROP *prop);
HRESULT WINAPI backup_components_Query(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_OBJECT_TYPE queried_type,
        VSS_OBJECT_TYPE returned_type, IVssEnumObject **enumerator);
HRESULT WINAPI backup_components_IsVolumeSupported(IVssBackupComponentsEx4 *iface, VSS_ID provider,
        VSS_PWSZ volume, BOOL *supported);
HRESULT WINAPI backup_components_ExposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id,
        VSS_PWSZ path_from_root, LONG attributes, VSS_PWSZ expose, VSS_PWSZ *exposed);
HRESULT WINAPI backup_components_RevertToSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id, BOOL force);
HRESULT WINAPI backup_components_QueryRevertStatus(IVssBackupComponentsEx4 *iface, VSS_PWSZ volume,
        IVssAsync **async);
HRESULT WINAPI backup_components_UnexposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id);
HRESULT WINAPI backup_components_BreakSnapshotSetEx(IVssBackupComponentsEx4 *iface, VSS_ID set_id,
        DWORD flags, IVssAsync **async);
HRESULT WINAPI backup_components_GetRootAndLogicalPrefixPaths(IVssBackupComponentsEx4 *iface,
        VSS_PWSZ path, VSS_PWSZ *root, VSS_PWSZ *prefix, BOOL fqdn);

/* Vtable slots of IVssBackupComponentsEx4 (VSS_REFERENCE.md section 1.1),
 * used to name methods where the version policy differs per method. */
enum backup_slot
{
    SLOT_SET_RESTORE_STATE = 8,
    SLOT_ADD_NEW_TARGET = 31,
    SLOT_SET_RANGES_FILE_PATH = 32,
    SLOT_SET_CONTEXT = 35,
    SLOT_START_SNAPSHOT_SET = 36,
    SLOT_ADD_TO_SNAPSHOT_SET = 37,
    SLOT_DO_SNAPSHOT_SET = 38,
    SLOT_DELETE_SNAPSHOTS = 39,
    SLOT_BREAK_SNAPSHOT_SET = 41,
    SLOT_GET_SNAPSHOT_PROPERTIES = 42,
    SLOT_QUERY = 43,
    SLOT_IS_VOLUME_SUPPORTED = 44,
    SLOT_EXPOSE_SNAPSHOT = 48,
    SLOT_REVERT_TO_SNAPSHOT = 49,
    SLOT_QUERY_REVERT_STATUS = 50,
    SLOT_GET_WRITER_METADATA_EX = 51,
    SLOT_SET_SELECTED_FOR_RESTORE_EX = 52,
    SLOT_UNEXPOSE_SNAPSHOT = 53,
    SLOT_SET_AUTHORITATIVE_RESTORE = 54,
    SLOT_SET_ROLL_FORWARD = 55,
    SLOT_SET_RESTORE_NAME = 56,
    SLOT_BREAK_SNAPSHOT_SET_EX = 57,
    SLOT_GET_WRITER_STATUS_EX = 60,
    SLOT_ADD_SNAPSHOT_TO_RECOVERY_SET = 61,
    SLOT_RECOVER_SET = 62,
    SLOT_GET_SESSION_ID = 63,
    SLOT_GET_ROOT_AND_LOGICAL_PREFIX_PATHS = 64,
};

/* policy.c: what the emulated Windows version and product type answer. */
enum wait_rule
{
    WAIT_TIMEOUT_HONOURED,  /* Vista and later */
    WAIT_INFINITE_ONLY,     /* Server 2003: anything else is E_INVALIDARG */
    WAIT_IGNORES_TIMEOUT,   /* XP: Wait has no argument */
};
HRESULT policy_result(HRESULT hr);
HRESULT policy_documented(enum backup_slot slot, HRESULT hr);
BOOL policy_is_server(void);
BOOL policy_interface_offered(REFIID riid);
/* Management methods that not every version or product type has. */
enum mgmt_method
{
    MGMT_ADD_DIFF_AREA,
    MGMT_SET_VOLUME_PROTECT_LEVEL,
    MGMT_GET_VOLUME_PROTECT_LEVEL,
    MGMT_CLEAR_VOLUME_PROTECT_FAULT,
    MGMT_DELETE_UNUSED_DIFF_AREAS,
};
HRESULT policy_mgmt_method_available(enum mgmt_method method);
HRESULT policy_method_available(enum backup_slot slot);
HRESULT policy_context_supported(LONG context);
enum wait_rule policy_wait_rule(void);
BOOL policy_unc_volumes(void);
HRESULT policy_check_caller(void);

/* async.c: IVssAsync.  An operation runs on its own worker thread, which
 * holds a reference to the owner (the object that started it) until the
 * operation is over. */
struct vss_async;
struct async_operation
{
    /* The work, on the worker thread.  Returns S_OK on success, another
     * success code to report instead of VSS_S_ASYNC_FINISHED, a failure, or
     * VSS_S_ASYNC_CANCELLED when it noticed a cancellation. */
    HRESULT (*run)(struct vss_async *async, void *context);
    /* Called on the worker thread once the outcome is final and before
     * anybody can observe it through the IVssAsync object: hr is S_OK (or
     * run's success code), VSS_S_ASYNC_CANCELLED, or a failure.  This is
     * where the owner changes state.  May be NULL. */
    void (*complete)(void *context, HRESULT hr);
    /* Whether Cancel can stop the operation before run() reaches its point
     * of no return (async_commit). */
    BOOL cancellable;
};
/* On failure nothing runs and complete() is not called. */
HRESULT async_start(const struct async_operation *operation, void *context, IUnknown *owner,
        IVssAsync **out);
/* Called by run() before the part that cannot be undone.  Returns FALSE
 * when the operation has been cancelled; then run() must return
 * VSS_S_ASYNC_CANCELLED without doing the work. */
BOOL async_commit(struct vss_async *async);
/* Cancels the operation if it can still be cancelled and waits until it is
 * over.  The caller must not hold a lock that complete() takes. */
void async_abandon(IVssAsync *async);

/* enum.c: IVssEnumObject over a list of objects.  Takes ownership of
 * props (malloc) and of the strings inside it (CoTaskMemAlloc), also on
 * failure. */
HRESULT enum_object_create(VSS_OBJECT_PROP *props, ULONG count, IVssEnumObject **out);
/* IVssEnumMgmtObject, the same over VSS_MGMT_OBJECT_PROP (strings
 * CoTaskMemAlloc'd); props may be NULL when count is 0. */
HRESULT enum_mgmt_object_create(VSS_MGMT_OBJECT_PROP *props, ULONG count, IVssEnumMgmtObject **out);

/* mgmt.c: IVssSnapshotMgmt(2), its class factory, and the providers'
 * IVssDifferentialSoftwareSnapshotMgmt(2, 3). */
HRESULT mgmt_get_class_object(REFCLSID clsid, REFIID riid, void **out);
HRESULT mgmt_provider_interface(const VSS_ID *provider, REFIID riid, IUnknown **out);

/* drive.c: drive letters through Wine's mount manager. */
HRESULT drive_define(WCHAR letter, const char *unix_dir);
HRESULT drive_remove(WCHAR letter);
BOOL drive_in_use(WCHAR letter);

/* bcd.c: the Backup Components Document (portable model in bcd.h, on the
 * XML tree of xml.h), and the document as a BSTR for SaveAsXML. */
#include "bcd.h"
HRESULT bcd_save(const struct bcd *bcd, BSTR *out);

/* component.c: the read views GetWriterComponents returns, over a copy of
 * one WRITER_COMPONENTS element (bcd_writer_components), which they own. */
HRESULT writer_components_create(struct xml_node *writer, IVssWriterComponentsExt **out);

/* filedesc.c: IVssWMFiledesc over a file set element (path, filespec,
 * recursive, alternatePath, filespecBackupType).  The element belongs to
 * owner, which the description keeps alive (AddRef) until it goes. */
HRESULT filedesc_create(IUnknown *owner, const struct xml_node *element, IVssWMFiledesc **out);
/* Reading the documents' attributes, for the read views.  Absent strings
 * are NULL, absent flags FALSE ("yes" is TRUE), absent or malformed
 * numbers (unsigned decimal) 0; element may be NULL.  attribute_bstr
 * answers E_INVALIDARG for a NULL out. */
HRESULT bstr_from_xml(const xml_char *value, BSTR *out);
HRESULT attribute_bstr(const struct xml_node *element, const char *name, BSTR *out);
BOOL attribute_yes(const struct xml_node *element, const char *name);
ULONGLONG attribute_number(const struct xml_node *element, const char *name);
/* The index'th child element of parent named name, or NULL. */
const struct xml_node *child_at(const struct xml_node *parent, const char *name, UINT index);

/* wmd.c: IVssExamineWriterMetadataEx2 over a Writer Metadata Document.
 * VSS_E_INVALID_XML_DOCUMENT when xml (NUL-terminated) is not one. */
HRESULT examine_metadata_create(const WCHAR *xml, IVssExamineWriterMetadata **out);

#endif /* __VSSAPI_PRIVATE_H */
