/*
 * Persistent snapshots beyond the process that made them: a child process
 * creates one and exits; this process finds it with Query and
 * GetSnapshotProperties, exposes it as a drive letter (through Wine's mount
 * manager, so that GetLogicalDrives and GetVolumeInformationW know it) and
 * in an empty folder, unexposes it, and deletes it while exposed.
 *
 * Runs on S: (btrfs) when the prefix has it, else on U: (copy), from
 * Vista / 2008 on (UnexposeSnapshot is an IVssBackupComponentsEx2 method).
 *
 * tests/test-persistent.sh runs "persist keep FILE" (a persistent snapshot,
 * exposed at a drive letter), restarts Wine and the agent, then
 * "persist reopen FILE": the snapshot, its exposure and the drive are back;
 * and "persist limit", the 512 snapshots a volume may have.
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

static const WCHAR test_dir[] = L"winevss-persist-test";
static WCHAR root[4];

static void make_path(WCHAR *out, const WCHAR *base, const WCHAR *name)
{
    swprintf(out, MAX_PATH, L"%ls%ls%ls%ls", base, test_dir, name ? L"\\" : L"", name ? name : L"");
}

static IVssBackupComponentsEx2 *create_for_all(void)
{
    IVssBackupComponents *backup;
    IVssBackupComponentsEx2 *ex2 = NULL;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "CreateVssBackupComponents: %#lx.\n", hr);
    hr = IVssBackupComponents_InitializeForBackup(backup, NULL);
    ok(hr == S_OK, "InitializeForBackup: %#lx.\n", hr);
    hr = IVssBackupComponents_SetContext(backup, VSS_CTX_ALL);
    ok(hr == S_OK, "SetContext(VSS_CTX_ALL): %#lx.\n", hr);
    hr = IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx2, (void **)&ex2);
    ok(hr == S_OK, "no IVssBackupComponentsEx2: %#lx.\n", hr);
    IVssBackupComponents_Release(backup);
    return ex2;
}

/* Whether Query in the object's context lists the snapshot. */
static BOOL query_lists(IVssBackupComponentsEx2 *backup, const VSS_ID *id, HRESULT *result)
{
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP prop;
    BOOL found = FALSE;
    ULONG fetched;

    *result = IVssBackupComponentsEx2_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    if (!enumerator)
        return FALSE;
    while (IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        if (IsEqualGUID(&prop.Obj.Snap.m_SnapshotId, id))
            found = TRUE;
        VssFreeSnapshotPropertiesInternal(&prop.Obj.Snap);
    }
    IVssEnumObject_Release(enumerator);
    return found;
}

static void delete_snapshot(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    VSS_ID nondeleted;
    LONG deleted = 0;
    HRESULT hr, query_hr;

    hr = IVssBackupComponentsEx2_DeleteSnapshots(backup, *id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &nondeleted);
    ok(hr == S_OK && deleted == 1, "DeleteSnapshots: %#lx, %ld deleted.\n", hr, deleted);
    ok(IsEqualGUID(&nondeleted, &GUID_NULL), "nondeleted %s.\n", wine_dbgstr_guid(&nondeleted));
    ok(!query_lists(backup, id, &query_hr), "Query still lists the deleted snapshot.\n");
}

static WCHAR free_letter(void)
{
    DWORD drives = GetLogicalDrives();
    WCHAR letter;

    for (letter = 'P'; letter <= 'Z'; ++letter)
        if (!(drives & (1u << (letter - 'A'))))
            return letter;
    return 0;
}

/* The child: a persistent snapshot of the root, its id in a file, exit. */
static void child_create(const char *root_a, const char *file_a)
{
    IVssBackupComponents *backup;
    WCHAR volume[8], file[MAX_PATH], id_text[40];
    char text[40];
    VSS_ID id;

    MultiByteToWideChar(CP_ACP, 0, root_a, -1, volume, ARRAY_SIZE(volume));
    MultiByteToWideChar(CP_ACP, 0, file_a, -1, file, ARRAY_SIZE(file));
    if (!(backup = backup_snapshot(volume, VSS_CTX_APP_ROLLBACK, &id)))
        return;
    IVssBackupComponents_Release(backup);
    StringFromGUID2(&id, id_text, ARRAY_SIZE(id_text));
    WideCharToMultiByte(CP_ACP, 0, id_text, -1, text, sizeof(text), NULL, NULL);
    write_text(file, text, FALSE);
}

static BOOL snapshot_from_child(VSS_ID *id)
{
    WCHAR cmdline[MAX_PATH * 2], exe[MAX_PATH], file[MAX_PATH], id_text[40];
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    const char *text;

    GetTempPathW(MAX_PATH, file);
    lstrcatW(file, L"winevss-persist-id.txt");
    DeleteFileW(file);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    swprintf(cmdline, ARRAY_SIZE(cmdline), L"\"%ls\" persist create %ls \"%ls\"", exe, root, file);
    ok(CreateProcessW(exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "CreateProcess failed.\n");
    winetest_wait_child_process(pi.hProcess);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    text = read_text(file);
    ok(text != NULL, "the child made no snapshot.\n");
    if (!text)
        return FALSE;
    MultiByteToWideChar(CP_ACP, 0, text, -1, id_text, ARRAY_SIZE(id_text));
    DeleteFileW(file);
    return CLSIDFromString(id_text, id) == S_OK;
}

static void test_found_by_another_process(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    IVssBackupComponents *plain;
    VSS_SNAPSHOT_PROP prop;
    WCHAR path[MAX_PATH];
    const char *text;
    HRESULT hr, query_hr;

    hr = IVssBackupComponentsEx2_GetSnapshotProperties(backup, *id, &prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr != S_OK)
        return;
    ok((prop.m_lSnapshotAttributes & (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE))
            == (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE),
            "attributes %#lx.\n", prop.m_lSnapshotAttributes);
    ok(!prop.m_pwszExposedName, "exposed as %s.\n", wine_dbgstr_w(prop.m_pwszExposedName));
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", prop.m_pwszSnapshotDeviceObject, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through the snapshot: %s.\n", debugstr_a(text));
    VssFreeSnapshotPropertiesInternal(&prop);

    ok(query_lists(backup, id, &query_hr), "Query(VSS_CTX_ALL) does not list it.\n");
    ok(query_hr == S_OK, "Query: %#lx.\n", query_hr);

    /* VSS_CTX_BACKUP, the default, lists only backup snapshots. */
    hr = CreateVssBackupComponentsInternal(&plain);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(plain, NULL);
    ok(!query_lists((IVssBackupComponentsEx2 *)plain, id, &query_hr),
            "Query in the backup context lists an application rollback snapshot.\n");
    ok(query_hr == S_OK || query_hr == S_FALSE, "Query: %#lx.\n", query_hr);
    IVssBackupComponents_Release(plain);
}

static void test_expose_drive(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    WCHAR drive[4], path[MAX_PATH], fs[32], label[32], *exposed = NULL;
    VSS_SNAPSHOT_PROP prop;
    DWORD serial;
    const char *text;
    WCHAR letter;
    HRESULT hr;

    if (!(letter = free_letter()))
    {
        skip("no free drive letter.\n");
        return;
    }
    swprintf(drive, ARRAY_SIZE(drive), L"%lc:", letter);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, drive, &exposed);
    ok(hr == S_OK, "ExposeSnapshot(%s): %#lx.\n", wine_dbgstr_w(drive), hr);
    if (hr != S_OK)
        return;
    ok(exposed && !wcscmp(exposed, drive), "exposed as %s.\n", wine_dbgstr_w(exposed));
    CoTaskMemFree(exposed);

    ok(GetLogicalDrives() & (1u << (letter - 'A')), "GetLogicalDrives does not list %s.\n", wine_dbgstr_w(drive));
    swprintf(path, MAX_PATH, L"%ls\\", drive);
    ok(GetVolumeInformationW(path, label, ARRAY_SIZE(label), &serial, NULL, NULL, fs, ARRAY_SIZE(fs)),
            "GetVolumeInformationW(%s) failed, error %lu.\n", wine_dbgstr_w(path), GetLastError());
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", drive, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through %s: %s.\n", wine_dbgstr_w(drive), debugstr_a(text));

    hr = IVssBackupComponentsEx2_GetSnapshotProperties(backup, *id, &prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(prop.m_pwszExposedName && !wcscmp(prop.m_pwszExposedName, drive), "exposed name %s.\n",
                wine_dbgstr_w(prop.m_pwszExposedName));
        ok(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "attributes %#lx.\n",
                prop.m_lSnapshotAttributes);
        VssFreeSnapshotPropertiesInternal(&prop);
    }

    exposed = (WCHAR *)0xdeadbeef;
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
            (WCHAR *)L"Z:\\", &exposed);
    ok(hr == VSS_E_PROVIDER_VETO, "exposing twice: %#lx.\n", hr);
    ok(!exposed, "exposed is %p.\n", exposed);

    hr = IVssBackupComponentsEx2_UnexposeSnapshot(backup, *id);
    ok(hr == S_OK, "UnexposeSnapshot: %#lx.\n", hr);
    ok(!(GetLogicalDrives() & (1u << (letter - 'A'))), "%s is still a drive.\n", wine_dbgstr_w(drive));
    ok(GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES, "%s still opens.\n", wine_dbgstr_w(path));
    hr = IVssBackupComponentsEx2_UnexposeSnapshot(backup, *id);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "unexposing twice: %#lx.\n", hr);
}

static void test_expose_folder(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    WCHAR folder[MAX_PATH], expected[MAX_PATH], path[MAX_PATH], *exposed = NULL;
    const char *text;
    DWORD attributes;
    HRESULT hr;

    swprintf(folder, MAX_PATH, L"%lsmnt-%ls", root, test_dir);
    CreateDirectoryW(folder, NULL);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, folder, &exposed);
    ok(hr == S_OK, "ExposeSnapshot(%s): %#lx.\n", wine_dbgstr_w(folder), hr);
    if (hr != S_OK)
        return;
    swprintf(expected, MAX_PATH, L"%ls\\", folder);
    ok(exposed && !wcscmp(exposed, expected), "exposed as %s.\n", wine_dbgstr_w(exposed));
    CoTaskMemFree(exposed);

    attributes = GetFileAttributesW(folder);
    ok(attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY),
            "the folder's attributes are %#lx.\n", attributes);
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", folder, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through the folder: %s.\n", debugstr_a(text));

    hr = IVssBackupComponentsEx2_UnexposeSnapshot(backup, *id);
    ok(hr == S_OK, "UnexposeSnapshot: %#lx.\n", hr);
    ok(GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES, "the folder still shows the snapshot.\n");
    ok(RemoveDirectoryW(folder), "the empty folder is not back, error %lu.\n", GetLastError());
}

static void test_expose_errors(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    static const WCHAR *const bad_targets[] = { L"", L"C", L"CC:", L"1:", L"C:\\*", L"C:\\a\\\\b", L"\\\\server\\share" };
    IVssBackupComponents *auto_release;
    WCHAR folder[MAX_PATH], file[MAX_PATH], *exposed;
    unsigned int i;
    VSS_ID other;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(bad_targets); ++i)
    {
        exposed = (WCHAR *)0xdeadbeef;
        hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
                (WCHAR *)bad_targets[i], &exposed);
        ok(hr == E_INVALIDARG, "%s: %#lx.\n", wine_dbgstr_w(bad_targets[i]), hr);
        ok(!exposed, "%s: exposed is %p.\n", wine_dbgstr_w(bad_targets[i]), exposed);
    }
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, (WCHAR *)L"\\dir", VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
            (WCHAR *)L"Y:", &exposed);
    ok(hr == E_INVALIDARG, "a path from the root, locally: %#lx.\n", hr);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
            (WCHAR *)L"C:", &exposed);
    ok(hr == E_INVALIDARG, "a drive letter in use: %#lx.\n", hr);

    swprintf(folder, MAX_PATH, L"%lsmissing-%ls", root, test_dir);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, folder, &exposed);
    ok(hr == E_INVALIDARG, "a missing folder: %#lx.\n", hr);
    make_path(folder, root, NULL);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, folder, &exposed);
    ok(hr == E_INVALIDARG, "a folder that is not empty: %#lx.\n", hr);
    make_path(file, root, L"a.txt");
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, file, &exposed);
    ok(hr == E_INVALIDARG, "a file: %#lx.\n", hr);

    /* No file server in Wine to share it through. */
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, NULL, &exposed);
    ok(hr == VSS_E_PROVIDER_VETO, "exposing remotely: %#lx.\n", hr);

    CoCreateGuid(&other);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, other, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
            (WCHAR *)L"Y:", &exposed);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "an unknown snapshot: %#lx.\n", hr);
    hr = IVssBackupComponentsEx2_UnexposeSnapshot(backup, other);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "unexposing an unknown snapshot: %#lx.\n", hr);

    /* Only persistent snapshots are exposed locally. */
    if ((auto_release = backup_snapshot(root, VSS_CTX_BACKUP, &other)))
    {
        hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, other, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
                (WCHAR *)L"Y:", &exposed);
        ok(hr == VSS_E_PROVIDER_VETO, "an auto-release snapshot: %#lx.\n", hr);
        IVssBackupComponents_Release(auto_release);
    }
}

static void test_delete_exposed(IVssBackupComponentsEx2 *backup, const VSS_ID *id)
{
    WCHAR drive[4], *exposed = NULL;
    HRESULT hr;
    WCHAR letter;

    if (!(letter = free_letter()))
        return;
    swprintf(drive, ARRAY_SIZE(drive), L"%lc:", letter);
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, *id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, drive, &exposed);
    ok(hr == S_OK, "ExposeSnapshot: %#lx.\n", hr);
    CoTaskMemFree(exposed);

    delete_snapshot(backup, id);
    ok(!(GetLogicalDrives() & (1u << (letter - 'A'))), "the deleted snapshot's drive remains.\n");
}

/* Every context: the attributes it gives its snapshots, which contexts
 * list them, and whether they outlive the object that made them. */
static void test_contexts(void)
{
    static const struct
    {
        LONG context;
        BOOL server_only;
    }
    tests[] =
    {
        {VSS_CTX_BACKUP},
        {VSS_CTX_FILE_SHARE_BACKUP},
        {VSS_CTX_NAS_ROLLBACK},
        {VSS_CTX_APP_ROLLBACK},
        {VSS_CTX_CLIENT_ACCESSIBLE},
        {VSS_CTX_CLIENT_ACCESSIBLE_WRITERS},
        {VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE, TRUE},
        {VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_TRANSPORTABLE, TRUE},
    };
    static const LONG context_bits = VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
            | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS | VSS_VOLSNAP_ATTR_TRANSPORTABLE;
    IVssBackupComponentsEx2 *observer;
    IVssBackupComponents *maker;
    VSS_SNAPSHOT_PROP prop;
    unsigned int i;
    HRESULT hr, query_hr;
    BOOL persistent;
    VSS_ID id;

    if (!(observer = create_for_all()))
        return;
    for (i = 0; i < ARRAY_SIZE(tests); ++i)
    {
        if (tests[i].server_only && !os_server)
            continue;
        winetest_push_context("context %#lx", tests[i].context);
        if (!(maker = backup_snapshot(root, tests[i].context, &id)))
        {
            winetest_pop_context();
            continue;
        }
        hr = IVssBackupComponentsEx2_GetSnapshotProperties(observer, id, &prop);
        ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
        if (hr == S_OK)
        {
            ok((prop.m_lSnapshotAttributes & context_bits) == tests[i].context, "attributes %#lx.\n",
                    prop.m_lSnapshotAttributes);
            ok(prop.m_lSnapshotAttributes & (VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_PLEX),
                    "neither differential nor plex: %#lx.\n", prop.m_lSnapshotAttributes);
            ok(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_NOT_SURFACED, "surfaced: %#lx.\n",
                    prop.m_lSnapshotAttributes);
            VssFreeSnapshotPropertiesInternal(&prop);
        }
        ok(query_lists((IVssBackupComponentsEx2 *)maker, &id, &query_hr),
                "its own context does not list it.\n");
        /* Transportable is an attribute, not a context of its own. */
        if ((tests[i].context & ~VSS_VOLSNAP_ATTR_TRANSPORTABLE) != VSS_CTX_BACKUP)
        {
            IVssBackupComponents *plain;

            CreateVssBackupComponentsInternal(&plain);
            IVssBackupComponents_InitializeForBackup(plain, NULL);
            ok(!query_lists((IVssBackupComponentsEx2 *)plain, &id, &query_hr), "the backup context lists it.\n");
            IVssBackupComponents_Release(plain);
        }

        /* Auto-release snapshots go with their object. */
        persistent = !!(tests[i].context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE);
        IVssBackupComponents_Release(maker);
        ok(query_lists(observer, &id, &query_hr) == persistent, "%s after Release.\n",
                persistent ? "gone" : "still there");
        if (persistent)
            delete_snapshot(observer, &id);
        winetest_pop_context();
    }
    IVssBackupComponentsEx2_Release(observer);
}

/* Before a restart of Wine and of the agent (tests/test-persistent.sh): a
 * persistent snapshot of the root, exposed at a free letter; "ID LETTER"
 * in the file. */
static void keep_exposed(const char *file_a)
{
    WCHAR file[MAX_PATH], drive[4], id_text[40], *exposed = NULL, path[MAX_PATH];
    IVssBackupComponentsEx2 *backup;
    IVssBackupComponents *maker;
    char text[64];
    VSS_ID id;
    HRESULT hr;

    MultiByteToWideChar(CP_ACP, 0, file_a, -1, file, ARRAY_SIZE(file));
    make_path(path, root, L"a.txt");
    if (!(maker = backup_snapshot(root, VSS_CTX_APP_ROLLBACK, &id)))
        return;
    IVssBackupComponents_Release(maker);
    ok(write_text(path, "after", FALSE), "cannot rewrite %s.\n", wine_dbgstr_w(path));
    if (!(drive[0] = free_letter()) || !(backup = create_for_all()))
        return;
    drive[1] = ':';
    drive[2] = 0;
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, drive, &exposed);
    ok(hr == S_OK, "ExposeSnapshot(%s): %#lx.\n", wine_dbgstr_w(drive), hr);
    CoTaskMemFree(exposed);
    IVssBackupComponentsEx2_Release(backup);
    StringFromGUID2(&id, id_text, ARRAY_SIZE(id_text));
    snprintf(text, sizeof(text), "%ls %lc", id_text, drive[0]);
    ok(write_text(file, text, FALSE), "cannot write %s.\n", file_a);
}

/* After the restart: the snapshot, its exposure and its drive are back. */
static void reopen_exposed(const char *file_a)
{
    WCHAR file[MAX_PATH], id_text[40], drive[4], path[MAX_PATH];
    IVssBackupComponentsEx2 *backup;
    VSS_SNAPSHOT_PROP prop;
    const char *text;
    HRESULT hr, query_hr;
    char letter;
    VSS_ID id;

    MultiByteToWideChar(CP_ACP, 0, file_a, -1, file, ARRAY_SIZE(file));
    text = read_text(file);
    ok(text && sscanf(text, "%*s %c", &letter) == 1, "no snapshot was kept: %s.\n", debugstr_a(text));
    if (!text)
        return;
    MultiByteToWideChar(CP_ACP, 0, text, 38, id_text, ARRAY_SIZE(id_text));
    id_text[38] = 0;
    ok(CLSIDFromString(id_text, &id) == S_OK, "bad id %s.\n", wine_dbgstr_w(id_text));
    swprintf(drive, ARRAY_SIZE(drive), L"%c:", letter);

    if (!(backup = create_for_all()))
        return;
    ok(query_lists(backup, &id, &query_hr), "the persistent snapshot is gone after the restart.\n");
    hr = IVssBackupComponentsEx2_GetSnapshotProperties(backup, id, &prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(prop.m_pwszExposedName && !wcscmp(prop.m_pwszExposedName, drive), "exposed name %s.\n",
                wine_dbgstr_w(prop.m_pwszExposedName));
        VssFreeSnapshotPropertiesInternal(&prop);
    }
    ok(GetLogicalDrives() & (1u << (letter - 'A')), "%s is not a drive after the restart.\n", wine_dbgstr_w(drive));
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", drive, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through %s: %s.\n", wine_dbgstr_w(drive), debugstr_a(text));

    hr = IVssBackupComponentsEx2_UnexposeSnapshot(backup, id);
    ok(hr == S_OK, "UnexposeSnapshot: %#lx.\n", hr);
    ok(!(GetLogicalDrives() & (1u << (letter - 'A'))), "%s is still a drive.\n", wine_dbgstr_w(drive));
    delete_snapshot(backup, &id);
    IVssBackupComponentsEx2_Release(backup);
    DeleteFileW(file);
}

/* At most 512 snapshots of a volume (section 5.4): the 513th is refused
 * when it is added to its set, and deleting one makes room again.  On S:
 * only, where btrfs makes them in constant time (tests/test-persistent.sh). */
static void test_limit(void)
{
    IVssBackupComponentsEx2 *admin;
    IVssBackupComponents *backup;
    VSS_ID *ids, set_id, id, nondeleted;
    unsigned int made, i;
    LONG deleted;
    HRESULT hr;

    if (GetDriveTypeW(L"S:\\") <= DRIVE_NO_ROOT_DIR)
    {
        skip("no btrfs test volume S:.\n");
        return;
    }
    if (!(admin = create_for_all()) || !(ids = calloc(512, sizeof(*ids))))
        return;
    for (made = 0; made < 512; ++made)
    {
        /* No writers: one call less for each of the 512. */
        if (!(backup = backup_snapshot(L"S:\\", VSS_CTX_NAS_ROLLBACK, &ids[made])))
            break;
        IVssBackupComponents_Release(backup);
    }
    ok(made == 512, "only %u snapshots were made.\n", made);

    backup = create_backup();
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK);
    IVssBackupComponents_StartSnapshotSet(backup, &set_id);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)L"S:\\", GUID_NULL, &id);
    ok(hr == VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, "the 513th: %#lx.\n", hr);
    IVssBackupComponents_Release(backup);

    hr = IVssBackupComponentsEx2_DeleteSnapshots(admin, ids[0], VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &nondeleted);
    ok(hr == S_OK && deleted == 1, "DeleteSnapshots: %#lx, %ld.\n", hr, deleted);
    if ((backup = backup_snapshot(L"S:\\", VSS_CTX_NAS_ROLLBACK, &ids[0])))
        IVssBackupComponents_Release(backup);
    ok(backup != NULL, "no room after a deletion.\n");

    for (i = 0; i < made; ++i)
    {
        hr = IVssBackupComponentsEx2_DeleteSnapshots(admin, ids[i], VSS_OBJECT_SNAPSHOT, TRUE, &deleted,
                &nondeleted);
        if (hr != S_OK)
            break;
    }
    ok(i == made, "deleting snapshot %u: %#lx.\n", i, hr);
    free(ids);
    IVssBackupComponentsEx2_Release(admin);
}

START_TEST(persist)
{
    IVssBackupComponentsEx2 *backup;
    WCHAR path[MAX_PATH];
    char **argv;
    VSS_ID id;
    int argc;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    argc = winetest_get_mainargs(&argv);
    if (argc >= 5 && !strcmp(argv[2], "create"))
    {
        child_create(argv[3], argv[4]);
        CoUninitialize();
        return;
    }
    init_os();
    if (os_version < OS(6, 0, 0))
    {
        skip("ExposeSnapshot and UnexposeSnapshot need Vista or Server 2008.\n");
        CoUninitialize();
        return;
    }
    if (!need_agent())
    {
        CoUninitialize();
        return;
    }
    lstrcpyW(root, GetDriveTypeW(L"S:\\") > DRIVE_NO_ROOT_DIR ? L"S:\\" : L"U:\\");
    if (argc >= 3 && !strcmp(argv[2], "limit"))
    {
        test_limit();
        CoUninitialize();
        return;
    }
    if (argc >= 4 && !strcmp(argv[2], "reopen"))
    {
        reopen_exposed(argv[3]);
        CoUninitialize();
        return;
    }
    make_path(path, root, NULL);
    CreateDirectoryW(path, NULL);
    make_path(path, root, L"a.txt");
    ok(write_text(path, "before", FALSE), "cannot write %s.\n", wine_dbgstr_w(path));
    if (argc >= 4 && !strcmp(argv[2], "keep"))
    {
        keep_exposed(argv[3]);
        CoUninitialize();
        return;
    }

    if (snapshot_from_child(&id))
    {
        ok(write_text(path, "after", FALSE), "cannot rewrite %s.\n", wine_dbgstr_w(path));
        if ((backup = create_for_all()))
        {
            test_found_by_another_process(backup, &id);
            test_contexts();
            test_expose_drive(backup, &id);
            test_expose_folder(backup, &id);
            test_expose_errors(backup, &id);
            test_delete_exposed(backup, &id);
            IVssBackupComponentsEx2_Release(backup);
        }
    }
    DeleteFileW(path);
    make_path(path, root, NULL);
    RemoveDirectoryW(path);
    CoUninitialize();
}
