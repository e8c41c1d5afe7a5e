/*
 * End-to-end tests: a requester takes a real shadow copy of a drive, changes
 * the drive, and reads the old state back through the snapshot's GLOBALROOT
 * device path, as backup programs do on Windows.
 *
 * The test runner gives the prefix one drive per provider (tests/volumes.sh):
 * S: a btrfs subvolume, T: XFS with reflink, U: a plain directory (copy);
 * V:/W: and X: serve the failure tests.
 * Drives that are missing are skipped, and so is everything when winevssd
 * cannot be reached.
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

static const WCHAR test_dir[] = L"winevss-shadow-test";

static void make_path(WCHAR *out, const WCHAR *root, const WCHAR *name)
{
    if (name)
        swprintf(out, MAX_PATH, L"%ls%ls\\%ls", root, test_dir, name);
    else
        swprintf(out, MAX_PATH, L"%ls%ls", root, test_dir);
}

static void prepare_files(const WCHAR *root)
{
    WCHAR path[MAX_PATH];

    make_path(path, root, NULL);
    CreateDirectoryW(path, NULL);
    make_path(path, root, L"sub");
    CreateDirectoryW(path, NULL);
    make_path(path, root, L"a.txt");
    ok(write_text(path, "before", FALSE), "cannot write %s.\n", wine_dbgstr_w(path));
    make_path(path, root, L"b.txt");
    write_text(path, "log line 1\n", FALSE);
    make_path(path, root, L"sub\\c.txt");
    write_text(path, "to be deleted", FALSE);
    make_path(path, root, L"d.txt");
    DeleteFileW(path);
}

static void change_files(const WCHAR *root)
{
    WCHAR path[MAX_PATH];
    BOOL ret;

    make_path(path, root, L"a.txt");
    ok(write_text(path, "after", FALSE), "cannot rewrite a.txt.\n");
    make_path(path, root, L"b.txt");
    ok(write_text(path, "log line 2\n", TRUE), "cannot append to b.txt.\n");
    make_path(path, root, L"sub\\c.txt");
    ret = DeleteFileW(path);
    ok(ret, "cannot delete c.txt, error %lu.\n", GetLastError());
    make_path(path, root, L"d.txt");
    ok(write_text(path, "new", FALSE), "cannot create d.txt.\n");
}

/* Reads the snapshot through device + "\winevss-shadow-test\..." */
static void check_snapshot_content(const WCHAR *device, const WCHAR *root)
{
    WCHAR path[MAX_PATH], copy[MAX_PATH];
    WIN32_FIND_DATAW data;
    const char *text;
    unsigned int found = 0;
    HANDLE find, file;

    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", device, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through the snapshot: %s.\n", debugstr_a(text));

    swprintf(path, MAX_PATH, L"%ls\\%ls\\b.txt", device, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "log line 1\n"), "b.txt through the snapshot: %s.\n", debugstr_a(text));

    swprintf(path, MAX_PATH, L"%ls\\%ls\\sub\\c.txt", device, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "to be deleted"), "deleted c.txt through the snapshot: %s.\n", debugstr_a(text));

    swprintf(path, MAX_PATH, L"%ls\\%ls\\d.txt", device, test_dir);
    ok(GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES, "a file created later is in the snapshot.\n");

    swprintf(path, MAX_PATH, L"%ls\\%ls\\*", device, test_dir);
    find = FindFirstFileW(path, &data);
    ok(find != INVALID_HANDLE_VALUE, "FindFirstFileW failed, error %lu.\n", GetLastError());
    if (find != INVALID_HANDLE_VALUE)
    {
        do
        {
            if (!wcscmp(data.cFileName, L"a.txt") || !wcscmp(data.cFileName, L"b.txt")
                    || !wcscmp(data.cFileName, L"sub"))
                ++found;
            ok(wcscmp(data.cFileName, L"d.txt"), "FindNextFileW lists d.txt.\n");
        } while (FindNextFileW(find, &data));
        FindClose(find);
    }
    ok(found == 3, "found %u of the 3 entries.\n", found);

    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", device, test_dir);
    make_path(copy, root, L"copied.txt");
    ok(CopyFileW(path, copy, FALSE), "CopyFileW from the snapshot failed, error %lu.\n", GetLastError());
    text = read_text(copy);
    ok(text && !strcmp(text, "before"), "copied file: %s.\n", debugstr_a(text));
    DeleteFileW(copy);

    /* The snapshot is read-only. */
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", device, test_dir);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ok(file == INVALID_HANDLE_VALUE, "the snapshot's file opened for writing.\n");
    if (file != INVALID_HANDLE_VALUE)
        CloseHandle(file);
}

static BOOL volume_snapshotted(const WCHAR *root)
{
    BOOL present = FALSE;
    LONG capability = -1;
    HRESULT hr;

    hr = IsVolumeSnapshottedInternal((WCHAR *)root, &present, &capability);
    ok(hr == S_OK, "IsVolumeSnapshotted(%s): %#lx.\n", wine_dbgstr_w(root), hr);
    ok(!capability, "capability %#lx.\n", capability);
    return present;
}

static BOOL device_exists(const WCHAR *device)
{
    WCHAR path[MAX_PATH];

    swprintf(path, MAX_PATH, L"%ls\\", device);
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* The sequence of a volume-mode backup program (REQUESTERS.md), and the
 * snapshot's properties. */
static IVssBackupComponents *take_snapshot(const WCHAR *root, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponents *backup;
    VSS_ID set_id, snapshot_id;
    HRESULT hr;

    memset(prop, 0, sizeof(*prop));
    if (!(backup = backup_snapshot_set(root, VSS_CTX_BACKUP, &set_id, &snapshot_id)))
        return NULL;
    hr = IVssBackupComponents_GetSnapshotProperties(backup, snapshot_id, prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr != S_OK)
    {
        IVssBackupComponents_AbortBackup(backup);
        IVssBackupComponents_Release(backup);
        return NULL;
    }
    ok(IsEqualGUID(&prop->m_SnapshotId, &snapshot_id), "wrong snapshot id.\n");
    ok(IsEqualGUID(&prop->m_SnapshotSetId, &set_id), "wrong set id.\n");
    ok(prop->m_lSnapshotsCount == 1, "count %ld.\n", prop->m_lSnapshotsCount);
    ok(!wcsncmp(prop->m_pwszSnapshotDeviceObject, L"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy", 46),
            "device %s.\n", wine_dbgstr_w(prop->m_pwszSnapshotDeviceObject));
    ok(!wcsncmp(prop->m_pwszOriginalVolumeName, L"\\\\?\\Volume{", 11), "original volume %s.\n",
            wine_dbgstr_w(prop->m_pwszOriginalVolumeName));
    ok(prop->m_eStatus == VSS_SS_CREATED, "status %d.\n", prop->m_eStatus);
    ok(prop->m_tsCreationTimestamp > 0, "no creation time.\n");
    ok(!prop->m_pwszExposedName, "exposed name %s.\n", wine_dbgstr_w(prop->m_pwszExposedName));
    return backup;
}

static void test_provider_drive(const WCHAR *root, const char *provider)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    IVssAsync *async;
    WCHAR device[MAX_PATH];
    unsigned int i;
    HRESULT hr;

    if (GetDriveTypeW(root) <= DRIVE_NO_ROOT_DIR)
    {
        skip("%s: no %s test volume in this prefix.\n", wine_dbgstr_w(root), provider);
        return;
    }
    winetest_push_context("%s", provider);
    prepare_files(root);
    if (!(backup = take_snapshot(root, &prop)))
    {
        winetest_pop_context();
        return;
    }
    lstrcpyW(device, prop.m_pwszSnapshotDeviceObject);
    VssFreeSnapshotPropertiesInternal(&prop);
    trace("%s: snapshot device %s.\n", provider, wine_dbgstr_w(device));
    ok(volume_snapshotted(root), "IsVolumeSnapshotted says no snapshot.\n");

    change_files(root);
    check_snapshot_content(device, root);

    hr = IVssBackupComponents_BackupComplete(backup, &async);
    ok(hr == S_OK, "BackupComplete: %#lx.\n", hr);
    if (hr == S_OK)
        ok(wait_async(async) == VSS_S_ASYNC_FINISHED, "BackupComplete failed.\n");
    ok(device_exists(device), "the snapshot vanished before Release.\n");

    /* VSS_CTX_BACKUP snapshots are auto-release: they go with the object. */
    IVssBackupComponents_Release(backup);
    for (i = 0; i < 100 && device_exists(device); ++i)
        Sleep(10);
    ok(!device_exists(device), "%s still exists after Release.\n", wine_dbgstr_w(device));
    ok(!volume_snapshotted(root), "IsVolumeSnapshotted still says snapshotted.\n");
    winetest_pop_context();
}

/* A requester that dies (TerminateProcess kills it as kill -9 does) leaves
 * no auto-release snapshot behind. */
static void test_killed_requester(const WCHAR *root)
{
    WCHAR cmdline[MAX_PATH * 2], exe[MAX_PATH], file[MAX_PATH], device[MAX_PATH];
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    const char *text;
    unsigned int i;

    if (GetDriveTypeW(root) <= DRIVE_NO_ROOT_DIR)
    {
        skip("no test volume for the killed requester test.\n");
        return;
    }
    GetTempPathW(MAX_PATH, file);
    lstrcatW(file, L"winevss-child-device.txt");
    DeleteFileW(file);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    swprintf(cmdline, ARRAY_SIZE(cmdline), L"\"%ls\" shadow child %ls \"%ls\"", exe, root, file);
    ok(CreateProcessW(exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "CreateProcess failed.\n");

    for (i = 0; i < 3000 && !(text = read_text(file)); ++i)
        Sleep(10);
    ok(text != NULL, "the child made no snapshot.\n");
    if (!text)
    {
        TerminateProcess(pi.hProcess, 1);
    }
    else
    {
        MultiByteToWideChar(CP_ACP, 0, text, -1, device, MAX_PATH);
        ok(device_exists(device), "the child's snapshot %s does not exist.\n", wine_dbgstr_w(device));
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 5000);
        for (i = 0; i < 100 && device_exists(device); ++i)
            Sleep(10);
        ok(!device_exists(device), "%s outlived its requester by more than 1 s.\n", wine_dbgstr_w(device));
    }
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    DeleteFileW(file);
}

static BOOL shadow_devices_exist(void)
{
    WIN32_FIND_DATAW data;
    HANDLE find;
    BOOL found = FALSE;

    find = FindFirstFileW(L"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy*", &data);
    if (find != INVALID_HANDLE_VALUE)
    {
        found = TRUE;
        FindClose(find);
    }
    return found;
}

/* A set of two volumes whose second one fails at commit time leaves no
 * snapshot at all: V:'s directory (W:\v) is removed after it was added. */
static void test_all_or_nothing(void)
{
    IVssBackupComponents *backup, *query;
    IVssEnumObject *enumerator;
    IVssAsync *async;
    VSS_ID set_id, id;
    HRESULT hr;

    if (GetDriveTypeW(L"V:\\") <= DRIVE_NO_ROOT_DIR || GetDriveTypeW(L"W:\\") <= DRIVE_NO_ROOT_DIR)
    {
        skip("no V: and W: test drives.\n");
        return;
    }
    ok(!shadow_devices_exist(), "shadow copies exist before the test.\n");

    /* The default context, which every version has (XP has no SetContext). */
    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "GatherWriterMetadata: %#lx.\n", hr);
    if (hr == S_OK)
        wait_async(async);
    IVssBackupComponents_StartSnapshotSet(backup, &set_id);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)L"U:\\", GUID_NULL, &id);
    ok(hr == S_OK, "AddToSnapshotSet(U:): %#lx.\n", hr);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)L"V:\\", GUID_NULL, &id);
    ok(hr == S_OK, "AddToSnapshotSet(V:): %#lx.\n", hr);
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    ok(hr == S_OK, "PrepareForBackup: %#lx.\n", hr);
    if (hr == S_OK)
        ok(wait_async(async) == VSS_S_ASYNC_FINISHED, "PrepareForBackup failed.\n");
    ok(RemoveDirectoryW(L"W:\\v"), "cannot remove W:\\v, error %lu.\n", GetLastError());

    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    ok(hr == S_OK, "DoSnapshotSet: %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = wait_async(async);
        ok(hr == VSS_E_PROVIDER_VETO, "DoSnapshotSet finished with %#lx.\n", hr);
    }
    ok(!shadow_devices_exist(), "a shadow copy of U: was left behind.\n");
    IVssBackupComponents_AbortBackup(backup);
    IVssBackupComponents_Release(backup);

    hr = CreateVssBackupComponentsInternal(&query);
    IVssBackupComponents_InitializeForBackup(query, NULL);
    IVssBackupComponents_SetContext(query, VSS_CTX_ALL);
    enumerator = NULL;
    hr = IVssBackupComponents_Query(query, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == S_FALSE, "Query lists snapshots: %#lx.\n", hr);
    if (enumerator)
        IVssEnumObject_Release(enumerator);
    IVssBackupComponents_Release(query);

    CreateDirectoryW(L"W:\\v", NULL);
}

/* A snapshot that does not fit where it must be stored fails with
 * VSS_E_INSUFFICIENT_STORAGE through the status, and leaves nothing. */
static void test_no_space(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async;
    VSS_ID set_id, id;
    HRESULT hr;

    if (GetDriveTypeW(L"X:\\") <= DRIVE_NO_ROOT_DIR)
    {
        skip("no X: test drive.\n");
        return;
    }
    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    if (hr == S_OK)
        wait_async(async);
    IVssBackupComponents_StartSnapshotSet(backup, &set_id);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)L"X:\\", GUID_NULL, &id);
    ok(hr == S_OK, "AddToSnapshotSet(X:): %#lx.\n", hr);
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    if (hr == S_OK)
        wait_async(async);
    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    ok(hr == S_OK, "DoSnapshotSet: %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = wait_async(async);
        ok(hr == VSS_E_INSUFFICIENT_STORAGE, "DoSnapshotSet finished with %#lx.\n", hr);
    }
    ok(!shadow_devices_exist(), "a shadow copy was left behind.\n");
    IVssBackupComponents_AbortBackup(backup);
    IVssBackupComponents_Release(backup);
}

/* Kills this prefix's agent as kill -9 would, with the host's pkill. */
static BOOL kill_agent(void)
{
    char *(CDECL *get_unix_name)(const WCHAR *) = (void *)GetProcAddress(GetModuleHandleA("kernel32.dll"),
            "wine_get_unix_file_name");
    WCHAR cmdline[MAX_PATH * 2];
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    char *unix_c, *cut;
    BOOL ret;

    if (!get_unix_name || !(unix_c = get_unix_name(L"C:\\")) || !(cut = strstr(unix_c, "/dosdevices/")))
        return FALSE;
    *cut = 0;
    swprintf(cmdline, ARRAY_SIZE(cmdline), L"/usr/bin/pkill -KILL -f \"winevssd --prefix %hs\"", unix_c);
    HeapFree(GetProcessHeap(), 0, unix_c);
    ret = CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    /* Wine runs a native program without a process handle: give it time. */
    Sleep(500);
    return ret;
}

/* The agent dies while a requester uses it: the requester gets a documented
 * error promptly instead of hanging, and the next object starts a new
 * agent. */
static void test_agent_killed(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async;
    VSS_ID set_id, id;
    BOOL supported = FALSE;
    DWORD start;
    HRESULT hr;

    if (GetFileAttributesW(L"Z:\\usr\\bin\\pkill") == INVALID_FILE_ATTRIBUTES)
    {
        skip("no pkill on the host.\n");
        return;
    }
    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    if (hr == S_OK)
        wait_async(async);
    IVssBackupComponents_StartSnapshotSet(backup, &set_id);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)L"U:\\", GUID_NULL, &id);
    ok(hr == S_OK, "AddToSnapshotSet: %#lx.\n", hr);
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    if (hr == S_OK)
        wait_async(async);

    ok(kill_agent(), "cannot run pkill.\n");
    start = GetTickCount();
    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    if (hr == S_OK)
        hr = wait_async(async);
    ok(hr == VSS_E_UNEXPECTED || hr == E_UNEXPECTED, "DoSnapshotSet without an agent: %#lx.\n", hr);
    ok(GetTickCount() - start < 15000, "the failure took %lu ms.\n", GetTickCount() - start);
    IVssBackupComponents_AbortBackup(backup);
    IVssBackupComponents_Release(backup);
    ok(!shadow_devices_exist(), "a shadow copy was left behind.\n");

    hr = CreateVssBackupComponentsInternal(&backup);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    hr = IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, (WCHAR *)L"U:\\", &supported);
    ok(hr == S_OK && supported, "a new agent answers: %#lx, %d.\n", hr, supported);
    IVssBackupComponents_Release(backup);
}

static void child_main(const char *root_a, const char *file_a)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    WCHAR root[8];
    char device[MAX_PATH];
    HANDLE file;
    DWORD written;

    MultiByteToWideChar(CP_ACP, 0, root_a, -1, root, ARRAY_SIZE(root));
    if (!(backup = take_snapshot(root, &prop)))
        return;
    WideCharToMultiByte(CP_ACP, 0, prop.m_pwszSnapshotDeviceObject, -1, device, sizeof(device), NULL, NULL);
    file = CreateFileA(file_a, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(file, device, strlen(device), &written, NULL);
    CloseHandle(file);
    Sleep(INFINITE);
}

START_TEST(shadow)
{
    char **argv;
    int argc;

    init_os();
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    argc = winetest_get_mainargs(&argv);
    if (argc >= 5 && !strcmp(argv[2], "child"))
    {
        child_main(argv[3], argv[4]);
        CoUninitialize();
        return;
    }

    if (!need_agent())
    {
        CoUninitialize();
        return;
    }
    test_provider_drive(L"S:\\", "btrfs");
    test_provider_drive(L"T:\\", "reflink");
    test_provider_drive(L"U:\\", "copy");
    test_killed_requester(L"U:\\");
    test_all_or_nothing();
    test_no_space();
    test_agent_killed();
    CoUninitialize();
}
