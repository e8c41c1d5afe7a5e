/*
 * Conformance tests of RevertToSnapshot and QueryRevertStatus with real
 * snapshots.  A server reverts R: (tests/volumes.sh: a btrfs subvolume with
 * nothing nested, which the btrfs provider can swap for a snapshot) and the
 * drive then shows the snapshot's files to CreateFileW and ReadFile; the
 * other providers cannot revert (E_NOTIMPL), and their volumes are not
 * supported by QueryRevertStatus.  Clients have no RevertToSnapshot.
 *
 * Skipped when R: is missing (tests/volumes.sh makes it as root only) or
 * winevssd cannot be reached.
 */

#include <stdarg.h>
#include <stdio.h>

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

static const WCHAR test_dir[] = L"winevss-revert-test";

static BOOL has_revert(void)
{
    return os_server && os_version >= OS(5, 2, 1);
}

static BOOL has_query_revert_status(void)
{
    return os_version >= OS(6, 0, 1) || (os_server && os_version >= OS(5, 2, 1));
}

static BOOL drive_exists(const WCHAR *root)
{
    return GetDriveTypeW(root) > DRIVE_NO_ROOT_DIR;
}

static void make_path(WCHAR *out, const WCHAR *name)
{
    if (name)
        swprintf(out, MAX_PATH, L"R:\\%ls\\%ls", test_dir, name);
    else
        swprintf(out, MAX_PATH, L"R:\\%ls", test_dir);
}

/* A one-volume set in the context; the object is returned so that an
 * auto-release snapshot lives as long as the caller needs it. */
static IVssBackupComponentsEx4 *take_snapshot(const WCHAR *root, LONG context, VSS_ID *id)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    IVssAsync *async;
    VSS_ID set_id;
    HRESULT hr;

    if (context != VSS_CTX_BACKUP)
    {
        hr = IVssBackupComponentsEx4_SetContext(backup, context);
        ok(hr == S_OK, "SetContext(%#lx) failed, hr %#lx.\n", context, hr);
    }
    if (context == VSS_CTX_BACKUP)
    {
        hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
        ok(hr == S_OK, "GatherWriterMetadata failed, hr %#lx.\n", hr);
        if (hr == S_OK)
            wait_async(async);
    }
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &set_id);
    ok(hr == S_OK, "StartSnapshotSet failed, hr %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, (WCHAR *)root, GUID_NULL, id);
    ok(hr == S_OK, "AddToSnapshotSet(%s) failed, hr %#lx.\n", wine_dbgstr_w(root), hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    ok(hr == S_OK, "DoSnapshotSet failed, hr %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = wait_async(async);
        ok(hr == VSS_S_ASYNC_FINISHED, "DoSnapshotSet finished with %#lx.\n", hr);
    }
    return backup;
}

static void delete_snapshot(IVssBackupComponentsEx4 *backup, const VSS_ID *id)
{
    VSS_ID failed;
    LONG deleted;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, *id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed);
    ok(hr == S_OK, "DeleteSnapshots failed, hr %#lx.\n", hr);
}

static HRESULT query_revert_status(IVssBackupComponentsEx4 *backup, const WCHAR *volume)
{
    IVssAsync *async = NULL;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, (WCHAR *)volume, &async);
    if (hr != S_OK)
    {
        ok(!async, "got an IVssAsync with %#lx.\n", hr);
        return hr;
    }
    return wait_async(async);
}

static void prepare_files(void)
{
    WCHAR path[MAX_PATH];

    make_path(path, NULL);
    CreateDirectoryW(path, NULL);
    make_path(path, L"sub");
    CreateDirectoryW(path, NULL);
    make_path(path, L"a.txt");
    ok(write_text(path, "before", FALSE), "cannot write %s.\n", wine_dbgstr_w(path));
    make_path(path, L"sub\\c.txt");
    ok(write_text(path, "to be deleted", FALSE), "cannot write %s.\n", wine_dbgstr_w(path));
    make_path(path, L"d.txt");
    DeleteFileW(path);
}

static void change_files(void)
{
    WCHAR path[MAX_PATH];

    make_path(path, L"a.txt");
    ok(write_text(path, "after", FALSE), "cannot rewrite a.txt.\n");
    make_path(path, L"sub\\c.txt");
    ok(DeleteFileW(path), "cannot delete c.txt, error %lu.\n", GetLastError());
    make_path(path, L"d.txt");
    ok(write_text(path, "new", FALSE), "cannot create d.txt.\n");
}

static void check_reverted(void)
{
    WCHAR path[MAX_PATH];
    const char *text;

    make_path(path, L"a.txt");
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt after the revert: %s.\n", debugstr_a(text));
    make_path(path, L"sub\\c.txt");
    text = read_text(path);
    ok(text && !strcmp(text, "to be deleted"), "c.txt after the revert: %s.\n", debugstr_a(text));
    make_path(path, L"d.txt");
    ok(GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES, "d.txt, created later, is still there.\n");
}

static void remove_files(void)
{
    WCHAR path[MAX_PATH];

    make_path(path, L"a.txt");
    DeleteFileW(path);
    make_path(path, L"sub\\c.txt");
    DeleteFileW(path);
    make_path(path, L"d.txt");
    DeleteFileW(path);
    make_path(path, L"sub");
    RemoveDirectoryW(path);
    make_path(path, NULL);
    RemoveDirectoryW(path);
}

/* QueryRevertStatus: finished at once for a volume that can be reverted
 * and is not; the volumes of the other providers cannot be. */
static void test_query_revert_status(void)
{
    IVssBackupComponentsEx4 *backup;
    HRESULT hr;

    if (!has_query_revert_status())
    {
        skip("QueryRevertStatus does not exist in this version.\n");
        return;
    }
    backup = create_for_backup();
    hr = query_revert_status(backup, L"R:\\");
    ok(hr == VSS_S_ASYNC_FINISHED, "R:: got %#lx.\n", hr);
    if (drive_exists(L"T:\\"))
    {
        hr = query_revert_status(backup, L"T:\\");
        ok(hr == VSS_E_VOLUME_NOT_SUPPORTED, "T: (reflink): got %#lx.\n", hr);
    }
    hr = query_revert_status(backup, L"U:\\");
    ok(hr == VSS_E_VOLUME_NOT_SUPPORTED, "U: (copy): got %#lx.\n", hr);
    hr = query_revert_status(backup, L"Q:\\");
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "Q: (missing): got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);
}

/* Clients have no RevertToSnapshot: E_NOTIMPL, and the volume stays. */
static void test_client(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR path[MAX_PATH];
    const char *text;
    VSS_ID id;
    HRESULT hr;

    if (!has_set_context())
    {
        skip("no persistent snapshots in this version.\n");
        return;
    }
    prepare_files();
    backup = take_snapshot(L"R:\\", VSS_CTX_CLIENT_ACCESSIBLE, &id);
    change_files();
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, TRUE);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    make_path(path, L"a.txt");
    text = read_text(path);
    ok(text && !strcmp(text, "after"), "a.txt: %s.\n", debugstr_a(text));
    delete_snapshot(backup, &id);
    IVssBackupComponentsEx4_Release(backup);
    remove_files();
}

static void test_server(void)
{
    IVssBackupComponentsEx4 *backup, *other;
    VSS_SNAPSHOT_PROP prop;
    WCHAR path[MAX_PATH];
    VSS_ID id, other_id;
    HANDLE file;
    HRESULT hr;

    prepare_files();
    backup = take_snapshot(L"R:\\", VSS_CTX_CLIENT_ACCESSIBLE, &id);
    change_files();

    /* A handle open on the volume: it cannot be locked without force. */
    make_path(path, L"a.txt");
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot open a.txt, error %lu.\n", GetLastError());
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, FALSE);
    ok(hr == VSS_E_VOLUME_IN_USE, "with a file open: got %#lx.\n", hr);
    CloseHandle(file);

    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_reverted();
    hr = query_revert_status(backup, L"R:\\");
    ok(hr == VSS_S_ASYNC_FINISHED, "QueryRevertStatus after the revert: got %#lx.\n", hr);

    /* The snapshot stays, and a second revert (forced this time) works
     * too. */
    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, id, &prop);
    ok(hr == S_OK, "the snapshot is gone after the revert: %#lx.\n", hr);
    if (hr == S_OK)
        VssFreeSnapshotProperties(&prop);
    change_files();
    make_path(path, L"a.txt");
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, TRUE);
    ok(hr == S_OK, "forced, with a file open: got %#lx.\n", hr);
    CloseHandle(file);
    check_reverted();

    /* Snapshots of the other providers cannot be reverted to. */
    other = take_snapshot(L"U:\\", VSS_CTX_CLIENT_ACCESSIBLE, &other_id);
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, other_id, TRUE);
    ok(hr == E_NOTIMPL, "a copy snapshot: got %#lx.\n", hr);
    delete_snapshot(other, &other_id);
    IVssBackupComponentsEx4_Release(other);
    if (drive_exists(L"T:\\"))
    {
        other = take_snapshot(L"T:\\", VSS_CTX_CLIENT_ACCESSIBLE, &other_id);
        hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, other_id, TRUE);
        ok(hr == E_NOTIMPL, "a reflink snapshot: got %#lx.\n", hr);
        delete_snapshot(other, &other_id);
        IVssBackupComponentsEx4_Release(other);
    }

    /* Nor can an auto-release one, whatever its provider. */
    other = take_snapshot(L"R:\\", VSS_CTX_BACKUP, &other_id);
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, other_id, TRUE);
    ok(hr == VSS_E_UNSUPPORTED_CONTEXT, "an auto-release snapshot: got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(other);

    delete_snapshot(backup, &id);
    IVssBackupComponentsEx4_Release(backup);
    remove_files();
}

START_TEST(revert)
{
    IVssBackupComponentsEx4 *backup;
    VSS_ID id = {0x12345678};
    HRESULT hr;

    init_os();
    CoInitializeEx(NULL, COINIT_MULTITHREADED);

    /* The method does not exist on clients, whatever the snapshot. */
    if (!os_server)
    {
        backup = create_for_backup();
        hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, id, FALSE);
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
        IVssBackupComponentsEx4_Release(backup);
    }
    if (!drive_exists(L"R:\\"))
    {
        skip("no R: (tests/volumes.sh makes it as root) in this prefix.\n");
        CoUninitialize();
        return;
    }
    if (!need_agent())
    {
        CoUninitialize();
        return;
    }
    test_query_revert_status();
    if (has_revert())
        test_server();
    else
        test_client();
    CoUninitialize();
}
