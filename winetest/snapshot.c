/*
 * Conformance tests: the parts of IVssBackupComponents that need real
 * volumes and snapshots, and so winevssd: adding volumes (duplicates, the
 * set limit), the system-wide creation lock, creating a set in each kind of
 * context, its properties, Query, BackupComplete, auto-release, persistent
 * snapshots and what can be done to them, and cancelling a creation.
 *
 * The snapshots are taken of a test drive (tests/volumes.sh: U: a plain
 * directory, T: XFS, S: btrfs), never of C:, which would be copied whole.
 * Everything is skipped when winevssd is not available.
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

static WCHAR test_volume[4];

/* An object with a set started and the test volume in it. */
static IVssBackupComponentsEx4 *start_backup(LONG context, BOOL writers, VSS_ID *set_id, VSS_ID *snapshot_id)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    IVssAsync *async;
    HRESULT hr;

    if (context != VSS_CTX_BACKUP)
    {
        hr = IVssBackupComponentsEx4_SetContext(backup, context);
        ok(hr == S_OK, "SetContext(%#lx) failed, hr %#lx.\n", context, hr);
    }
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (writers)
    {
        hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
        ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "GatherWriterMetadata failed.\n");
    }
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, set_id);
    ok(hr == S_OK, "StartSnapshotSet failed, hr %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, test_volume, GUID_NULL, snapshot_id);
    ok(hr == S_OK, "AddToSnapshotSet failed, hr %#lx.\n", hr);
    return backup;
}

static BOOL query_has_snapshot(LONG context, const VSS_ID *id)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    IVssEnumObject *enumerator;
    VSS_OBJECT_PROP prop;
    BOOL found = FALSE;
    ULONG fetched;
    HRESULT hr;

    if (context != VSS_CTX_BACKUP)
        IVssBackupComponentsEx4_SetContext(backup, context);
    hr = IVssBackupComponentsEx4_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == S_OK || hr == S_FALSE, "Query failed, hr %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        while (IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched == 1)
        {
            ok(prop.Type == VSS_OBJECT_SNAPSHOT, "got type %d.\n", prop.Type);
            ok(prop.Obj.Snap.m_eStatus == VSS_SS_CREATED, "got status %d.\n", prop.Obj.Snap.m_eStatus);
            if (IsEqualGUID(&prop.Obj.Snap.m_SnapshotId, id))
                found = TRUE;
            VssFreeSnapshotProperties(&prop.Obj.Snap);
        }
        IVssEnumObject_Release(enumerator);
    }
    release(backup);
    return found;
}

static void test_add_volumes(void)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    WCHAR lower[4], guid_name[MAX_PATH], no_backslash[3], c_drive[] = L"C:\\";
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set_id, id, other;
    BOOL supported;
    HRESULT hr;

    supported = FALSE;
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, test_volume, &supported);
    ok(hr == S_OK && supported, "got %#lx, %d.\n", hr, supported);
    /* A provider that does not exist supports nothing. */
    supported = TRUE;
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, set_id = (VSS_ID){0x1234}, test_volume, &supported);
    ok(hr == S_OK && !supported, "got %#lx, %d.\n", hr, supported);

    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &set_id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    id = GUID_NULL;
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, test_volume, GUID_NULL, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!IsEqualGUID(&id, &GUID_NULL), "no snapshot id.\n");

    /* The same volume under each of its names. */
    lstrcpyW(lower, test_volume);
    lower[0] = towlower(lower[0]);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, lower, GUID_NULL, &other);
    ok(hr == VSS_E_OBJECT_ALREADY_EXISTS, "got %#lx.\n", hr);
    if (GetVolumeNameForVolumeMountPointW(test_volume, guid_name, ARRAY_SIZE(guid_name)))
    {
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, guid_name, GUID_NULL, &other);
        ok(hr == VSS_E_OBJECT_ALREADY_EXISTS, "%s: got %#lx.\n", wine_dbgstr_w(guid_name), hr);
    }
    lstrcpynW(no_backslash, test_volume, 3);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, no_backslash, GUID_NULL, &other);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    /* Another volume is fine; nothing is copied unless the set is made. */
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, c_drive, GUID_NULL, &other);
    ok(hr == S_OK, "got %#lx.\n", hr);

    /* Not visible until the set is created. */
    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, id, &prop);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    release(backup);
}

/* One set in creation at a time, system-wide; AbortBackup and Release give
 * the lock back. */
static void test_set_in_progress(void)
{
    IVssBackupComponentsEx4 *first = create_for_backup(), *second = create_for_backup();
    VSS_ID id;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_StartSnapshotSet(first, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(second, &id);
    ok(hr == VSS_E_SNAPSHOT_SET_IN_PROGRESS, "got %#lx.\n", hr);
    /* A refusal is not a state change: it may be retried. */
    hr = IVssBackupComponentsEx4_AbortBackup(first);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(second, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(first);

    first = create_for_backup();
    hr = IVssBackupComponentsEx4_StartSnapshotSet(first, &id);
    ok(hr == VSS_E_SNAPSHOT_SET_IN_PROGRESS, "got %#lx.\n", hr);
    release(second);
    hr = IVssBackupComponentsEx4_StartSnapshotSet(first, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(first);
}

/* A volume-mode backup with writers, as most requesters make it. */
static void test_backup(void)
{
    IVssBackupComponentsEx4 *backup;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set_id, id, other;
    IVssAsync *async;
    HRESULT hr;
    UINT count;
    BSTR xml;

    backup = start_backup(VSS_CTX_BACKUP, TRUE, &set_id, &id);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "PrepareForBackup failed.\n");
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    hr = run_async(hr, async);
    ok(hr == VSS_S_ASYNC_FINISHED, "DoSnapshotSet ended with %#lx.\n", hr);
    if (hr != VSS_S_ASYNC_FINISHED)
    {
        IVssBackupComponentsEx4_AbortBackup(backup);
        release(backup);
        return;
    }

    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, id, &prop);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&prop.m_SnapshotId, &id), "got %s.\n", wine_dbgstr_guid(&prop.m_SnapshotId));
    ok(IsEqualGUID(&prop.m_SnapshotSetId, &set_id), "got %s.\n", wine_dbgstr_guid(&prop.m_SnapshotSetId));
    ok(prop.m_lSnapshotsCount == 1, "got %ld.\n", prop.m_lSnapshotsCount);
    ok(prop.m_pwszSnapshotDeviceObject && !wcsncmp(prop.m_pwszSnapshotDeviceObject,
            L"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy", 45), "got %s.\n",
            wine_dbgstr_w(prop.m_pwszSnapshotDeviceObject));
    ok(prop.m_pwszOriginalVolumeName && !wcsncmp(prop.m_pwszOriginalVolumeName, L"\\\\?\\Volume{", 11),
            "got %s.\n", wine_dbgstr_w(prop.m_pwszOriginalVolumeName));
    ok(prop.m_eStatus == VSS_SS_CREATED, "got %d.\n", prop.m_eStatus);
    ok(!(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE), "got %#lx.\n", prop.m_lSnapshotAttributes);
    VssFreeSnapshotProperties(&prop);
    ok(!prop.m_pwszSnapshotDeviceObject, "not freed.\n");
    memset(&other, 0x55, sizeof(other));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, other, &prop);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

    ok(query_has_snapshot(VSS_CTX_BACKUP, &id), "Query does not list the snapshot.\n");

    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(wcsstr(xml, L"snapshotSetId=") != NULL, "got %s.\n", wine_dbgstr_w(xml));
        SysFreeString(xml);
    }
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "GatherWriterStatus failed.\n");
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, &count);
    ok(hr == S_OK && !count, "got %#lx, %u.\n", hr, count);
    hr = IVssBackupComponentsEx4_SetBackupSucceeded(backup, id, id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "BackupComplete failed.\n");
    hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupSucceeded(backup, id, id, VSS_CT_FILEGROUP, NULL, L"c", TRUE);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);

    /* Auto-release: the snapshot goes with the object. */
    release(backup);
    ok(!query_has_snapshot(VSS_CTX_BACKUP, &id), "the snapshot outlived its object.\n");
}

/* Without writers: no PrepareForBackup, no BackupComplete. */
static void test_no_writers(void)
{
    IVssBackupComponentsEx4 *backup;
    VSS_ID set_id, id;
    IVssAsync *async;
    HRESULT hr;
    BSTR xml;

    if (!has_set_context())
    {
        skip("SetContext is not implemented in this version.\n");
        return;
    }
    backup = start_backup(VSS_CTX_FILE_SHARE_BACKUP, FALSE, &set_id, &id);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    hr = run_async(hr, async);
    ok(hr == VSS_S_ASYNC_FINISHED, "DoSnapshotSet ended with %#lx.\n", hr);
    if (hr == VSS_S_ASYNC_FINISHED)
    {
        hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
            SysFreeString(xml);
        /* The default context does not see file-share snapshots. */
        ok(!query_has_snapshot(VSS_CTX_BACKUP, &id), "listed in the wrong context.\n");
        ok(query_has_snapshot(VSS_CTX_FILE_SHARE_BACKUP, &id), "not listed.\n");
    }
    release(backup);
}

/* A persistent snapshot outlives its object and is managed from others. */
static void test_persistent(void)
{
    IVssBackupComponentsEx4 *backup;
    VSS_SNAPSHOT_PROP prop;
    WCHAR drive[] = L"P:", c_drive[] = L"C:", *exposed;
    VSS_ID set_id, id, failed;
    IVssAsync *async;
    LONG deleted;
    HRESULT hr;

    if (!has_set_context())
    {
        skip("SetContext is not implemented in this version.\n");
        return;
    }
    backup = start_backup(VSS_CTX_NAS_ROLLBACK, FALSE, &set_id, &id);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    hr = run_async(hr, async);
    release(backup);
    if (hr != VSS_S_ASYNC_FINISHED)
    {
        skip("no persistent snapshot of %s, hr %#lx.\n", wine_dbgstr_w(test_volume), hr);
        return;
    }

    ok(query_has_snapshot(VSS_CTX_ALL, &id), "VSS_CTX_ALL does not list it.\n");
    ok(query_has_snapshot(VSS_CTX_NAS_ROLLBACK, &id), "its context does not list it.\n");
    ok(!query_has_snapshot(VSS_CTX_BACKUP, &id), "listed in the wrong context.\n");

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_ALL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, id, &prop);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok((prop.m_lSnapshotAttributes & VSS_CTX_NAS_ROLLBACK) == VSS_CTX_NAS_ROLLBACK, "got %#lx.\n",
            prop.m_lSnapshotAttributes);
    VssFreeSnapshotProperties(&prop);

    /* Software providers' sets cannot be broken. */
    hr = IVssBackupComponentsEx4_BreakSnapshotSet(backup, set_id);
    ok(hr == VSS_E_PROVIDER_VETO, "got %#lx.\n", hr);
    if (os_version >= OS(6, 0, 1) || (os_server && os_version >= OS(6, 0, 0)))
    {
        hr = IVssBackupComponentsEx4_BreakSnapshotSetEx(backup, set_id, VSS_BREAKEX_FLAG_MASK_LUNS, &async);
        ok(run_async(hr, async) == VSS_E_PROVIDER_VETO, "BreakSnapshotSetEx did not veto.\n");
    }
    /* A letter in use is refused, a free one taken (persist.c tests the
     * drive itself). */
    exposed = (void *)0xdeadbeef;
    hr = IVssBackupComponentsEx4_ExposeSnapshot(backup, id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, c_drive, &exposed);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    ok(!exposed, "got %p.\n", exposed);
    if (os_version >= OS(6, 0, 0))
    {
        hr = IVssBackupComponentsEx4_UnexposeSnapshot(backup, id);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    }
    while (drive[0] < 'Z' && (GetLogicalDrives() & (1u << (drive[0] - 'A'))))
        ++drive[0];
    hr = IVssBackupComponentsEx4_ExposeSnapshot(backup, id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, drive, &exposed);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(exposed && !wcscmp(exposed, drive), "got %s.\n", wine_dbgstr_w(exposed));
    CoTaskMemFree(exposed);
    if (os_version >= OS(6, 0, 0))
    {
        hr = IVssBackupComponentsEx4_UnexposeSnapshot(backup, id);
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    /* Revert: E_NOTIMPL, the answer of a provider that cannot revert. */
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, FALSE);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);

    deleted = -1;
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, set_id, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(deleted == 1, "got %ld.\n", deleted);
    ok(IsEqualGUID(&failed, &GUID_NULL), "got %s.\n", wine_dbgstr_guid(&failed));
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!deleted, "got %ld.\n", deleted);
    release(backup);
    ok(!query_has_snapshot(VSS_CTX_ALL, &id), "the snapshot was not deleted.\n");
}

/* Cancelling DoSnapshotSet before the commit abandons the set; the lock
 * is free again at once. */
static void test_cancel_creation(void)
{
    IVssBackupComponentsEx4 *backup, *next;
    VSS_ID set_id, id;
    IVssAsync *async;
    HRESULT hr, status;

    backup = start_backup(VSS_CTX_BACKUP, TRUE, &set_id, &id);
    SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", "10000");
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", NULL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        status = 0xdeadbeef;
        IVssAsync_QueryStatus(async, &status, NULL);
        ok(status == VSS_S_ASYNC_PENDING, "got %#lx.\n", status);
        hr = IVssAsync_Cancel(async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        IVssAsync_QueryStatus(async, &status, NULL);
        ok(status == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponentsEx4_BackupComplete(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    next = create_for_backup();
    hr = IVssBackupComponentsEx4_StartSnapshotSet(next, &set_id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(next);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(backup);

    /* AbortBackup while DoSnapshotSet is still waiting does the same. */
    backup = start_backup(VSS_CTX_BACKUP, TRUE, &set_id, &id);
    SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", "10000");
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", NULL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (async)
    {
        status = 0xdeadbeef;
        IVssAsync_QueryStatus(async, &status, NULL);
        ok(status == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    ok(!query_has_snapshot(VSS_CTX_ALL, &id), "an aborted snapshot exists.\n");
    release(backup);
}

/* QueryRevertStatus: the test volume's provider cannot revert (only a btrfs
 * subvolume with nothing nested can: winetest/revert.c). */
static void test_query_revert_status(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR no_backslash[3];
    IVssAsync *async;
    HRESULT hr;

    if (os_version < OS(6, 0, 0) && !os_server)
    {
        skip("QueryRevertStatus does not exist on XP.\n");
        return;
    }
    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, test_volume, &async);
    ok(hr == VSS_E_VOLUME_NOT_SUPPORTED, "got %#lx.\n", hr);
    lstrcpynW(no_backslash, test_volume, 3);
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, no_backslash, &async);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    release(backup);
}

/* The 65th volume of a set is refused.  A prefix has far fewer drives, so
 * this uses the 65 mount folders S:\vols\v01\ .. v65\ (btrfs subvolumes)
 * that tests/volumes.sh makes. */
static void test_volume_limit(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR volume[MAX_PATH];
    unsigned int i, added = 0;
    VSS_ID set_id, id;
    HRESULT hr;

    if (GetFileAttributesW(L"S:\\vols\\v65\\") == INVALID_FILE_ATTRIBUTES)
    {
        skip("no mount folders S:\\vols\\v01..v65 in this prefix.\n");
        return;
    }
    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &set_id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    for (i = 1; i <= 64; ++i)
    {
        swprintf(volume, MAX_PATH, L"S:\\vols\\v%02u\\", i);
        hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
        if (hr == S_OK)
            ++added;
        else
            ok(0, "AddToSnapshotSet(%s): %#lx.\n", wine_dbgstr_w(volume), hr);
    }
    ok(added == 64, "added %u volumes.\n", added);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, (WCHAR *)L"S:\\vols\\v65\\", GUID_NULL, &id);
    ok(hr == VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, "the 65th volume: %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, (WCHAR *)L"s:\\VOLS\\v01\\", GUID_NULL, &id);
    ok(hr == VSS_E_OBJECT_ALREADY_EXISTS || hr == VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
            "a volume already in the set: %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, (WCHAR *)L"S:\\vols\\", GUID_NULL, &id);
    ok(hr == VSS_E_OBJECT_NOT_FOUND || hr == VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
            "a plain directory: %#lx.\n", hr);
    IVssBackupComponentsEx4_AbortBackup(backup);
    release(backup);
}

START_TEST(snapshot)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR c_drive[] = L"C:\\";
    BOOL supported = FALSE;
    HRESULT hr;

    init_os();
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, c_drive, &supported);
    if (hr != S_OK)
    {
        skip("winevssd is not available\n");
        release(backup);
        CoUninitialize();
        return;
    }
    find_test_volume((IVssBackupComponents *)backup, test_volume);
    release(backup);
    if (!test_volume[0])
    {
        skip("no test volume (tests/volumes.sh) in this prefix.\n");
        CoUninitialize();
        return;
    }
    trace("snapshots of %s.\n", wine_dbgstr_w(test_volume));

    test_add_volumes();
    test_set_in_progress();
    test_backup();
    test_no_writers();
    test_persistent();
    test_cancel_creation();
    test_query_revert_status();
    test_volume_limit();

    CoUninitialize();
}
