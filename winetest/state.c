/*
 * Conformance tests: the state machine of IVssBackupComponents.  For every
 * method, its argument checks and VSS_E_BAD_STATE paths: an uninitialised
 * object, a backup object used for a restore and the reverse, and calls out
 * of sequence.  Expectations follow Microsoft's pages, the observations in
 * VSS_REFERENCE.md, and docs/decisions.md where both are silent.
 *
 * StartSnapshotSet takes the system-wide creation lock from winevssd; the
 * tests that need it release their object before the next one starts.
 */

#include <stdarg.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "initguid.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

#include "wine/test.h"
#include "common.h"

static const GUID test_id = {0x1a2b3c4d, 0x5e6f, 0x4711, {0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}};

/* What a method that exists from (client, server) answers when it works,
 * and E_NOTIMPL where the emulated version lacks it. */
static HRESULT since(DWORD client, DWORD server, HRESULT hr)
{
    return os_has(client, server) ? hr : E_NOTIMPL;
}

#define VISTA_2003 OS(6, 0, 0), OS(5, 2, 0)
#define VISTA_2003SP1 OS(6, 0, 0), OS(5, 2, 1)
#define VISTA_2008 OS(6, 0, 0), OS(6, 0, 0)
#define VISTASP1_2008 OS(6, 0, 1), OS(6, 0, 0)
#define WIN7 OS(6, 1, 0), OS(6, 1, 0)
#define WIN8 OS(6, 2, 0), OS(6, 2, 0)

/* Polls without Wait, as some requesters do, and releases the operation. */
#define finish_async(a) finish_async_(__LINE__, a)
static HRESULT finish_async_(unsigned int line, IVssAsync *async)
{
    HRESULT status = poll_async_(__FILE__, line, async);

    IVssAsync_Release(async);
    return status;
}

#define gather_metadata(a) gather_metadata_(__LINE__, a)
static void gather_metadata_(unsigned int line, IVssBackupComponentsEx4 *backup)
{
    IVssAsync *async = NULL;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
    ok_(__FILE__, line)(hr == S_OK, "GatherWriterMetadata failed, hr %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = finish_async_(line, async);
        ok_(__FILE__, line)(hr == VSS_S_ASYNC_FINISHED, "got status %#lx.\n", hr);
    }
}

#define start_set(a) start_set_(__LINE__, a)
static HRESULT start_set_(unsigned int line, IVssBackupComponentsEx4 *backup)
{
    VSS_ID id = GUID_NULL;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &id);
    ok_(__FILE__, line)(hr == S_OK, "StartSnapshotSet failed, hr %#lx.\n", hr);
    ok_(__FILE__, line)(hr != S_OK || !IsEqualGUID(&id, &GUID_NULL), "got no set id.\n");
    return hr;
}

/* Every component method answers the same way for one state. */
static void check_backup_component_methods(IVssBackupComponentsEx4 *backup, HRESULT expect_edit,
        HRESULT expect_succeeded)
{
    HRESULT hr;

    hr = IVssBackupComponentsEx4_AddComponent(backup, test_id, test_id, VSS_CT_FILEGROUP, NULL, L"c");
    ok(hr == expect_edit, "AddComponent: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupOptions(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"o");
    ok(hr == expect_edit, "SetBackupOptions: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetPreviousBackupStamp(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"s");
    ok(hr == expect_edit, "SetPreviousBackupStamp: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupSucceeded(backup, test_id, test_id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == expect_succeeded, "SetBackupSucceeded: got %#lx.\n", hr);
}

static void check_restore_component_methods(IVssBackupComponentsEx4 *backup, HRESULT expect_select,
        HRESULT expect_between)
{
    HRESULT hr;

    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == expect_select, "SetSelectedForRestore: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreOptions(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"o");
    ok(hr == expect_select, "SetRestoreOptions: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetAdditionalRestores(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == expect_select, "SetAdditionalRestores: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddRestoreSubcomponent(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"p", L"s", FALSE);
    ok(hr == expect_select, "AddRestoreSubcomponent: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddNewTarget(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"C:\\x", L"*", FALSE, L"C:\\y");
    ok(hr == since(VISTA_2003, expect_select), "AddNewTarget: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetSelectedForRestoreEx(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", TRUE, GUID_NULL);
    ok(hr == since(VISTA_2003SP1, expect_select), "SetSelectedForRestoreEx: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetAuthoritativeRestore(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == since(VISTA_2008, expect_select), "SetAuthoritativeRestore: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRollForward(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", VSS_RF_ALL, NULL);
    ok(hr == since(VISTA_2008, expect_select), "SetRollForward: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreName(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"n");
    ok(hr == since(VISTA_2008, expect_select), "SetRestoreName: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetFileRestoreStatus(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", VSS_RS_ALL);
    ok(hr == expect_between, "SetFileRestoreStatus: got %#lx.\n", hr);
}

/* A fresh object: everything but initialisation is out of sequence, after
 * the argument checks; methods that act on existing snapshots do not depend
 * on the object. */
static void test_uninitialised(void)
{
    IVssBackupComponentsEx4 *backup = create_backup();
    WCHAR volume[] = L"C:\\", *root, *prefix, *exposed;
    VSS_SNAPSHOT_PROP prop;
    IVssEnumObject *enumerator;
    IVssAsync *async;
    VSS_ID id, ids[1] = {{0}};
    UINT count;
    BSTR xml;
    BOOL supported;
    LONG deleted;
    HRESULT hr, status;

    /* Arguments come first. */
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_OTHER + 1, FALSE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "GetWriterComponentsCount: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, (IVssWriterComponentsExt **)&async);
    ok(hr == VSS_E_BAD_STATE, "GetWriterComponents: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == VSS_E_BAD_STATE, "SetBackupState: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_BY_COPY);
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "SetRestoreState: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "GatherWriterMetadata: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "GetWriterMetadataCount: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadata(backup, 0, &id, (IVssExamineWriterMetadata **)&async);
    ok(hr == VSS_E_BAD_STATE, "GetWriterMetadata: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataEx(backup, 0, &id, (IVssExamineWriterMetadataEx **)&async);
    ok(hr == since(VISTA_2003SP1, VSS_E_BAD_STATE), "GetWriterMetadataEx: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterMetadata(backup);
    ok(hr == VSS_E_BAD_STATE, "FreeWriterMetadata: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "PrepareForBackup: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == VSS_E_BAD_STATE, "AbortBackup: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "GatherWriterStatus: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "GetWriterStatusCount: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterStatus(backup);
    ok(hr == VSS_E_BAD_STATE, "FreeWriterStatus: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatus(backup, 0, &id, &id, &xml, (VSS_WRITER_STATE *)&count, &status);
    ok(hr == VSS_E_BAD_STATE, "GetWriterStatus: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusEx(backup, 0, &id, &id, &xml, (VSS_WRITER_STATE *)&count, &status, NULL, NULL);
    ok(hr == since(WIN7, VSS_E_BAD_STATE), "GetWriterStatusEx: got %#lx.\n", hr);
    check_backup_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);
    check_restore_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);
    hr = IVssBackupComponentsEx4_SetRangesFilePath(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", 0, L"C:\\r");
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "SetRangesFilePath: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddAlternativeLocationMapping(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c",
            L"C:\\x", L"*", FALSE, L"C:\\y");
    ok(hr == VSS_E_BAD_STATE, "AddAlternativeLocationMapping: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == VSS_E_BAD_STATE, "SaveAsXML: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "BackupComplete: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "PreRestore: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PostRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "PostRestore: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_BACKUP);
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "SetContext: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &id);
    ok(hr == VSS_E_BAD_STATE, "StartSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
    ok(hr == VSS_E_BAD_STATE, "AddToSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "DoSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ImportSnapshots(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "ImportSnapshots: got %#lx.\n", hr);
    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, test_id, &prop);
    ok(hr == VSS_E_BAD_STATE, "GetSnapshotProperties: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == VSS_E_BAD_STATE, "Query: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, volume, &supported);
    ok(hr == VSS_E_BAD_STATE, "IsVolumeSupported: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterClasses(backup, ids, 1);
    ok(hr == VSS_E_BAD_STATE, "DisableWriterClasses: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_EnableWriterClasses(backup, ids, 1);
    ok(hr == VSS_E_BAD_STATE, "EnableWriterClasses: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterInstances(backup, ids, 1);
    ok(hr == VSS_E_BAD_STATE, "DisableWriterInstances: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ExposeSnapshot(backup, test_id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, volume, &exposed);
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "ExposeSnapshot: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_UnexposeSnapshot(backup, test_id);
    ok(hr == since(VISTA_2008, VSS_E_BAD_STATE), "UnexposeSnapshot: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, test_id, 0, NULL);
    ok(hr == since(WIN7, VSS_E_BAD_STATE), "AddSnapshotToRecoverySet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RecoverSet(backup, 0, &async);
    ok(hr == since(WIN7, VSS_E_BAD_STATE), "RecoverSet: got %#lx.\n", hr);

    /* Not tied to the object's state (docs/decisions.md). */
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, test_id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &id);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "DeleteSnapshots: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSet(backup, test_id);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "BreakSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSetEx(backup, test_id, 0, &async);
    ok(hr == since(VISTASP1_2008, VSS_E_OBJECT_NOT_FOUND), "BreakSnapshotSetEx: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, test_id, TRUE);
    ok(hr == since(OS_NEVER, OS(5, 2, 1), VSS_E_OBJECT_NOT_FOUND), "RevertToSnapshot: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetSessionId(backup, &id);
    ok(hr == since(WIN7, S_OK), "GetSessionId: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PreFastRecovery(backup, test_id, 0, &async);
    ok(hr == E_NOTIMPL, "PreFastRecovery: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FastRecovery(backup, test_id, 0, &async);
    ok(hr == E_NOTIMPL, "FastRecovery: got %#lx.\n", hr);
    root = prefix = NULL;
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, volume, &root, &prefix, FALSE);
    ok(hr == since(WIN8, S_OK), "GetRootAndLogicalPrefixPaths: got %#lx.\n", hr);
    CoTaskMemFree(root);
    CoTaskMemFree(prefix);

    release(backup);
}

/* NULL where a pointer is needed: E_INVALIDARG (E_POINTER where the page
 * says so), whatever the state. */
static void test_null_arguments(void)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    WCHAR volume[] = L"C:\\", *root;
    IVssAsync *async;
    VSS_ID id;
    UINT count;
    BSTR xml;
    HRESULT hr, status;
    LONG deleted;

    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadata(backup, 0, NULL, (IVssExamineWriterMetadata **)&async);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadata(backup, 0, &id, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataEx(backup, 0, &id, NULL);
    ok(hr == since(VISTA_2003SP1, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddComponent(backup, test_id, test_id, VSS_CT_FILEGROUP, L"p", NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddComponent(backup, test_id, test_id, VSS_CT_UNDEFINED, L"p", L"c");
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusCount(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatus(backup, 0, &id, &id, NULL, (VSS_WRITER_STATE *)&count, &status);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusEx(backup, 0, &id, NULL, &xml, (VSS_WRITER_STATE *)&count, &status,
            NULL, NULL);
    ok(hr == since(WIN7, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupSucceeded(backup, test_id, test_id, VSS_CT_FILEGROUP, NULL, NULL, TRUE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupOptions(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetPreviousBackupStamp(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, test_id, VSS_CT_FILEGROUP, NULL, NULL, TRUE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreOptions(backup, test_id, VSS_CT_DATABASE, NULL, L"c", NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddRestoreSubcomponent(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"p", NULL, FALSE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    /* bRepair is reserved; only its low byte counts, as for every bool. */
    hr = IVssBackupComponentsEx4_AddRestoreSubcomponent(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"p", L"s", TRUE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetFileRestoreStatus(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", VSS_RS_FAILED + 1);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddAlternativeLocationMapping(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c",
            NULL, L"*", FALSE, L"C:\\y");
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddNewTarget(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"C:\\x", NULL, FALSE, L"y");
    ok(hr == since(VISTA_2003, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRangesFilePath(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", 0, NULL);
    ok(hr == since(VISTA_2003, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRollForward(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", VSS_RF_PARTIAL, NULL);
    ok(hr == since(VISTA_2008, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreName(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", NULL);
    ok(hr == since(VISTA_2008, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BackupComplete(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PreRestore(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PostRestore(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, NULL, GUID_NULL, &id);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, test_id, VSS_OBJECT_SNAPSHOT, TRUE, NULL, &id);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, test_id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, test_id, VSS_OBJECT_PROVIDER, TRUE, &deleted, &id);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, GUID_NULL, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &id);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ImportSnapshots(backup, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSet(backup, GUID_NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, test_id, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, NULL, (BOOL *)&count);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, volume, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterClasses(backup, NULL, 1);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_EnableWriterClasses(backup, &id, 0);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterInstances(backup, NULL, 0);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ExposeSnapshot(backup, test_id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, volume, NULL);
    ok(hr == since(VISTA_2003, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, GUID_NULL, FALSE);
    ok(hr == since(OS_NEVER, OS(5, 2, 1), E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, NULL, &async);
    ok(hr == since(OS(6, 0, 1), OS(5, 2, 1), E_POINTER), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, volume, NULL);
    ok(hr == since(OS(6, 0, 1), OS(5, 2, 1), E_POINTER), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_UnexposeSnapshot(backup, GUID_NULL);
    ok(hr == since(VISTA_2008, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSetEx(backup, test_id, 0, NULL);
    ok(hr == since(VISTASP1_2008, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSetEx(backup, test_id, VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL
            | VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE, &async);
    ok(hr == since(VISTASP1_2008, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetSessionId(backup, NULL);
    ok(hr == since(WIN7, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RecoverSet(backup, 0, NULL);
    ok(hr == since(WIN7, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, GUID_NULL, 0, NULL);
    ok(hr == since(WIN7, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, volume, NULL, &root, FALSE);
    ok(hr == since(WIN8, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetContext(backup, 0x12345);
    ok(hr == since(VISTA_2003, E_INVALIDARG), "got %#lx.\n", hr);

    release(backup);
}

static void test_initialize(void)
{
    IVssBackupComponentsEx4 *backup;
    BSTR xml;
    HRESULT hr;

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_InitializeForBackup(backup, NULL);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    xml = SysAllocString(empty_bcd);
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);

    backup = create_for_restore();
    hr = IVssBackupComponentsEx4_InitializeForBackup(backup, NULL);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);
    SysFreeString(xml);

    /* A document that does not load leaves the object uninitialised. */
    backup = create_backup();
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, NULL);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "got %#lx.\n", hr);
    xml = SysAllocString(L"<BACKUP_COMPONENTS><WRITER_COMPONENTS></BACKUP_COMPONENTS>");
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "got %#lx.\n", hr);
    SysFreeString(xml);
    xml = SysAllocString(L"<WRITER_METADATA/>");
    hr = IVssBackupComponentsEx4_InitializeForBackup(backup, xml);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "got %#lx.\n", hr);
    SysFreeString(xml);
    xml = SysAllocString(L"");
    hr = IVssBackupComponentsEx4_InitializeForBackup(backup, xml);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "got %#lx.\n", hr);
    SysFreeString(xml);
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, (IVssAsync **)&xml);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    xml = SysAllocString(L"<?xml version=\"1.0\"?>\r\n<!-- saved -->\r\n<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" "
            L"version='1.2' selectComponents=\"yes\"><WRITER_COMPONENTS instanceId=\"a\" writerId=\"b\">"
            L"<COMPONENT componentName=\"x &amp; y\"><![CDATA[<raw>]]></COMPONENT></WRITER_COMPONENTS>"
            L"</BACKUP_COMPONENTS>\r\n");
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    SysFreeString(xml);
    release(backup);
}

static void test_save_as_xml(void)
{
    IVssBackupComponentsEx4 *backup;
    BSTR xml, saved;
    HRESULT hr;

    /* A backup's document is not ready before PrepareForBackup. */
    backup = create_for_backup();
    xml = (BSTR)0xdeadbeef;
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    ok(!xml, "got %p.\n", xml);
    release(backup);

    /* A restore saves the document it loaded, unchanged. */
    backup = create_backup();
    xml = SysAllocString(L"<BACKUP_COMPONENTS version=\"1.2\"><SOMETHING_NEW a=\"1\"/></BACKUP_COMPONENTS>");
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    saved = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &saved);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(saved && !wcscmp(saved, xml), "got %s.\n", wine_dbgstr_w(saved));
    SysFreeString(saved);
    SysFreeString(xml);
    release(backup);
}

static void test_backup_state(void)
{
    IVssBackupComponentsEx4 *backup;
    IVssAsync *async;
    HRESULT hr;

    backup = create_for_backup();
    /* Any number of times before PrepareForBackup; bools are one byte. */
    hr = IVssBackupComponentsEx4_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = ((HRESULT (WINAPI *)(IVssBackupComponentsEx4 *, DWORD_PTR, DWORD_PTR, VSS_BACKUP_TYPE, DWORD_PTR))
            backup->lpVtbl->SetBackupState)(backup, 0xffffff00, 0xffffff01, VSS_BT_COPY, 0x100);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_UNDEFINED, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_BY_COPY);
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "got %#lx.\n", hr);
    release(backup);

    /* A restore accepts SetBackupState (vshadow), and SetRestoreState until
     * PreRestore. */
    backup = create_for_restore();
    hr = IVssBackupComponentsEx4_SetBackupState(backup, TRUE, TRUE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_OTHER + 1);
    ok(hr == since(VISTA_2003, E_INVALIDARG), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_IMPORT);
    ok(hr == since(VISTA_2003, S_OK), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = finish_async(async);
        ok(hr == VSS_S_ASYNC_FINISHED, "got %#lx.\n", hr);
    }
    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_BY_COPY);
    ok(hr == since(VISTA_2003, VSS_E_BAD_STATE), "got %#lx.\n", hr);
    release(backup);
}

/* SetContext: once, before StartSnapshotSet; a failed call does not count.
 * Only the version-independent values here (version.c has the rest). */
static void test_set_context(void)
{
    static const LONG invalid[] =
    {
        0x4, 0x18, VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED, VSS_CTX_BACKUP | 0x08000000,
        VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_PLEX,
        VSS_CTX_CLIENT_ACCESSIBLE | VSS_VOLSNAP_ATTR_DIFFERENTIAL, VSS_VOLSNAP_ATTR_PERSISTENT,
        VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, 0x7fffffff,
    };
    static const LONG valid[] =
    {
        VSS_CTX_BACKUP, VSS_CTX_FILE_SHARE_BACKUP, VSS_CTX_NAS_ROLLBACK, VSS_CTX_APP_ROLLBACK,
        VSS_CTX_CLIENT_ACCESSIBLE, VSS_CTX_ALL, VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_DIFFERENTIAL,
        VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY,
    };
    IVssBackupComponentsEx4 *backup;
    unsigned int i;
    HRESULT hr;

    if (!os_has(VISTA_2003))
    {
        backup = create_for_backup();
        hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_BACKUP);
        ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
        release(backup);
        return;
    }

    for (i = 0; i < ARRAY_SIZE(invalid); ++i)
    {
        backup = create_for_backup();
        hr = IVssBackupComponentsEx4_SetContext(backup, invalid[i]);
        ok(hr == E_INVALIDARG, "%#lx: got %#lx.\n", invalid[i], hr);
        hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_BACKUP);
        ok(hr == S_OK, "got %#lx.\n", hr);
        release(backup);
    }

    for (i = 0; i < ARRAY_SIZE(valid); ++i)
    {
        backup = create_for_backup();
        hr = IVssBackupComponentsEx4_SetContext(backup, valid[i]);
        ok(hr == S_OK, "%#lx: got %#lx.\n", valid[i], hr);
        hr = IVssBackupComponentsEx4_SetContext(backup, valid[i]);
        ok(hr == VSS_E_BAD_STATE, "%#lx: got %#lx.\n", valid[i], hr);
        release(backup);
    }

    /* Not in a restore, not after StartSnapshotSet. */
    backup = create_for_restore();
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_BACKUP);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);

    backup = create_for_backup();
    if (start_set(backup) == S_OK)
    {
        hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    }
    release(backup);

    /* No set in VSS_CTX_ALL. */
    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_ALL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, (VSS_ID *)&i);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);
}

/* Without writers GatherWriterMetadata and GatherWriterStatus find none;
 * components of unknown writers are not found. */
static void test_writers(void)
{
    IVssBackupComponentsEx4 *backup;
    VSS_ID id, ids[2] = {{0x1}, {0x2}};
    IVssExamineWriterMetadata *metadata;
    IVssAsync *async;
    VSS_WRITER_STATE state;
    HRESULT hr, failure;
    UINT count;
    BSTR name;

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterMetadata(backup);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddComponent(backup, test_id, test_id, VSS_CT_DATABASE, NULL, L"c");
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    /* Filters are recorded until metadata is gathered. */
    hr = IVssBackupComponentsEx4_DisableWriterClasses(backup, ids, 2);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_EnableWriterClasses(backup, ids, 1);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterClasses(backup, ids, 1);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterInstances(backup, ids + 1, 1);
    ok(hr == S_OK, "got %#lx.\n", hr);

    gather_metadata(backup);
    count = 0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!count, "got %u writers.\n", count);
    metadata = (void *)0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterMetadata(backup, 0, &id, &metadata);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!metadata, "got %p.\n", metadata);
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, &count);
    ok(hr == S_OK && !count, "got %#lx, %u.\n", hr, count);
    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, (IVssWriterComponentsExt **)&metadata);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

    /* Once per object; later filters are ignored without an error. */
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_EnableWriterClasses(backup, ids, 2);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterInstances(backup, ids, 2);
    ok(hr == S_OK, "got %#lx.\n", hr);

    /* Components of writers that are not running. */
    check_backup_component_methods(backup, VSS_E_OBJECT_NOT_FOUND, VSS_E_BAD_STATE);

    /* Status, as often as wanted; FreeWriterStatus is optional. */
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    count = 0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterStatusCount(backup, &count);
    ok(hr == S_OK && !count, "got %#lx, %u.\n", hr, count);
    name = (BSTR)0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterStatus(backup, 0, &id, &id, &name, &state, &failure);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!name, "got %p.\n", name);
    hr = IVssBackupComponentsEx4_GetWriterStatusEx(backup, 0, &id, &id, &name, &state, &failure, NULL, NULL);
    ok(hr == since(WIN7, VSS_E_OBJECT_NOT_FOUND), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterStatus(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterStatus(backup);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    /* Freeing metadata cannot be undone. */
    hr = IVssBackupComponentsEx4_FreeWriterMetadata(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_FreeWriterMetadata(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);

    /* A restore gathers too, status without metadata. */
    backup = create_for_restore();
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    gather_metadata(backup);
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == S_OK && !count, "got %#lx, %u.\n", hr, count);
    release(backup);
}

/* The sequence of a backup, up to what needs a volume (snapshot.c). */
static void test_backup_sequence(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR volume[] = L"C:", share[] = L"\\\\server\\share\\", missing[] = L"Q:\\nowhere\\";
    IVssAsync *async;
    VSS_ID id;
    HRESULT hr;

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    gather_metadata(backup);
    /* Nothing before StartSnapshotSet. */
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_backup_component_methods(backup, VSS_E_OBJECT_NOT_FOUND, VSS_E_BAD_STATE);
    check_restore_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    if (start_set(backup) == S_OK)
    {
        hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &id);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        /* Volumes need their trailing backslash; shares came with Windows 8. */
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, missing, GUID_NULL, &id);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, share, GUID_NULL, &id);
        ok(hr == VSS_E_OBJECT_NOT_FOUND || (os_has(WIN8) && FAILED(hr)), "got %#lx.\n", hr);
        /* An empty set is not created. */
        hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        check_backup_component_methods(backup, VSS_E_OBJECT_NOT_FOUND, VSS_E_BAD_STATE);
        hr = IVssBackupComponentsEx4_SaveAsXML(backup, (BSTR *)&async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

        /* PrepareForBackup after SetBackupState and GatherWriterMetadata. */
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
            ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        check_backup_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_SaveAsXML(backup, (BSTR *)&async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
        {
            ok(wcsstr((BSTR)async, L"<BACKUP_COMPONENTS") != NULL, "got %s.\n", wine_dbgstr_w((BSTR)async));
            SysFreeString((BSTR)async);
        }
        hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        /* AbortBackup succeeds in every backup state, as often as called. */
        hr = IVssBackupComponentsEx4_AbortBackup(backup);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_AbortBackup(backup);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &id);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    }
    release(backup);

    /* PrepareForBackup needs SetBackupState, then GatherWriterMetadata. */
    backup = create_for_backup();
    if (start_set(backup) == S_OK)
    {
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_SetBackupState(backup, TRUE, FALSE, VSS_BT_INCREMENTAL, FALSE);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        /* Nor does DoSnapshotSet go without metadata in a writer context. */
        hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        gather_metadata(backup);
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
            ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    }
    /* Released with the set in creation: the lock goes with the object. */
    release(backup);
    backup = create_for_backup();
    start_set(backup);
    release(backup);
}

/* Contexts without writers refuse what only writers need. */
static void test_writerless_context(void)
{
    IVssBackupComponentsEx4 *backup;
    IVssAsync *async;
    HRESULT hr;

    if (!os_has(VISTA_2003))
    {
        skip("SetContext is not implemented in this version.\n");
        return;
    }

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    /* Gathering is optional, and allowed. */
    gather_metadata(backup);
    hr = IVssBackupComponentsEx4_AddComponent(backup, test_id, test_id, VSS_CT_FILEGROUP, NULL, L"c");
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    if (start_set(backup) == S_OK)
    {
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_AbortBackup(backup);
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    release(backup);

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_NAS_ROLLBACK);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (start_set(backup) == S_OK)
    {
        hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    }
    release(backup);
}

static void test_restore_sequence(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR volume[] = L"C:\\";
    IVssEnumObject *enumerator;
    IVssAsync *async;
    BOOL supported;
    VSS_ID id;
    HRESULT hr;

    backup = create_for_restore();
    /* Backup-only methods. */
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &id);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ImportSnapshots(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, volume, &supported);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    check_backup_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);

    /* Selection before PreRestore, file status between the two events. */
    check_restore_component_methods(backup, VSS_E_OBJECT_NOT_FOUND, VSS_E_BAD_STATE);
    hr = IVssBackupComponentsEx4_PostRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
        ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    check_restore_component_methods(backup, VSS_E_BAD_STATE, VSS_E_OBJECT_NOT_FOUND);
    hr = IVssBackupComponentsEx4_PostRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
        ok(finish_async(async) == VSS_S_ASYNC_FINISHED, "wrong status.\n");
    hr = IVssBackupComponentsEx4_PostRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    check_restore_component_methods(backup, VSS_E_BAD_STATE, VSS_E_BAD_STATE);
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, (UINT *)&supported);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(backup);
}

START_TEST(state)
{
    HRESULT hr;

    init_os();
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    test_uninitialised();
    test_null_arguments();
    test_initialize();
    test_save_as_xml();
    test_backup_state();
    test_set_context();
    test_writers();
    test_backup_sequence();
    test_writerless_context();
    test_restore_sequence();

    CoUninitialize();
}
