/*
 * Transportable snapshot sets (VSS_REFERENCE.md section 6.4).  Run alone,
 * in one prefix: the document of a transportable DoSnapshotSet describes
 * the set, and ImportSnapshots refuses what it must (a set this prefix
 * has already, a locator that names no snapshot, a client version).
 *
 * Across two prefixes, driven by tests/test-transport.sh:
 *   vssapi_test.exe transport export FILE   (prefix A) makes a persistent
 *       transportable set of the test drive and saves its document;
 *   vssapi_test.exe transport import FILE   (prefix B) imports it, reads
 *       the old contents through it, exposes it, and deletes it;
 *   vssapi_test.exe transport break FILE    (prefix B) imports another
 *       one and breaks it: VSS forgets it, its directory stays readable;
 *   vssapi_test.exe transport gone FILE     (prefix A) checks that A no
 *       longer lists what B took.
 */

#include <stdarg.h>
#include <stdio.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "oleauto.h"
#include "initguid.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

#include "wine/test.h"
#include "common.h"

#define CONTEXT_TRANSPORTABLE (VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE)

static const WCHAR test_dir[] = L"winevss-transport-test";

static const WCHAR *test_root(void)
{
    return GetDriveTypeW(L"S:\\") > DRIVE_NO_ROOT_DIR ? L"S:\\" : L"U:\\";
}

static void file_path(WCHAR *out, const WCHAR *base)
{
    swprintf(out, MAX_PATH, L"%ls%ls\\a.txt", base, test_dir);
}

static BSTR save_document(IVssBackupComponents *backup)
{
    BSTR xml = NULL;
    HRESULT hr;

    hr = IVssBackupComponents_SaveAsXML(backup, &xml);
    ok(hr == S_OK, "SaveAsXML: %#lx.\n", hr);
    return xml;
}

/* A transportable set of the test drive, with its document. */
static IVssBackupComponents *export_set(VSS_ID *id, BSTR *xml)
{
    IVssBackupComponents *backup;
    WCHAR path[MAX_PATH];

    swprintf(path, MAX_PATH, L"%ls%ls", test_root(), test_dir);
    CreateDirectoryW(path, NULL);
    file_path(path, test_root());
    ok(write_text(path, "before", FALSE), "cannot write %s.\n", wine_dbgstr_w(path));
    if (!(backup = backup_snapshot(test_root(), CONTEXT_TRANSPORTABLE, id)))
        return NULL;
    ok(write_text(path, "after", FALSE), "cannot rewrite %s.\n", wine_dbgstr_w(path));
    *xml = save_document(backup);
    return backup;
}

static IVssBackupComponents *load_document(const WCHAR *xml)
{
    IVssBackupComponents *backup;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponents_InitializeForBackup(backup, (WCHAR *)xml);
    ok(hr == S_OK, "InitializeForBackup(%s): %#lx.\n", xml ? "document" : "NULL", hr);
    hr = IVssBackupComponents_SetContext(backup, VSS_CTX_ALL);
    ok(hr == S_OK, "SetContext: %#lx.\n", hr);
    return backup;
}

static HRESULT import_document(const WCHAR *xml)
{
    IVssBackupComponents *backup = load_document(xml);
    IVssAsync *async = NULL;
    HRESULT hr;

    hr = IVssBackupComponents_ImportSnapshots(backup, &async);
    ok(hr == S_OK, "ImportSnapshots: %#lx.\n", hr);
    if (hr == S_OK)
        hr = wait_async(async);
    IVssBackupComponents_Release(backup);
    return hr;
}

static BOOL listed(const VSS_ID *id, LONG *attributes)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetContext(backup, VSS_CTX_ALL);
    hr = IVssBackupComponents_GetSnapshotProperties(backup, *id, &prop);
    ok(hr == S_OK || hr == VSS_E_OBJECT_NOT_FOUND, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr == S_OK)
    {
        *attributes = prop.m_lSnapshotAttributes;
        VssFreeSnapshotPropertiesInternal(&prop);
    }
    IVssBackupComponents_Release(backup);
    return hr == S_OK;
}

static void delete_snapshot(const VSS_ID *id)
{
    IVssBackupComponents *backup = load_document(NULL);
    VSS_ID nondeleted;
    LONG deleted = 0;
    HRESULT hr;

    hr = IVssBackupComponents_DeleteSnapshots(backup, *id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &nondeleted);
    ok(hr == S_OK && deleted == 1, "DeleteSnapshots: %#lx, %ld deleted.\n", hr, deleted);
    IVssBackupComponents_Release(backup);
}

/* Replaces the first locator="..." of the document. */
static WCHAR *with_locator(const WCHAR *xml, const WCHAR *locator)
{
    const WCHAR *start = wcsstr(xml, L"locator=\""), *end;
    WCHAR *copy;

    if (!start || !(end = wcschr(start + 9, '"')))
        return NULL;
    copy = malloc((wcslen(xml) + wcslen(locator) + 1) * sizeof(WCHAR));
    swprintf(copy, wcslen(xml) + wcslen(locator) + 1, L"%.*lslocator=\"%ls%ls", (int)(start - xml), xml, locator, end);
    return copy;
}

static void test_single_prefix(void)
{
    static const WCHAR *const hostile[] = { L"/etc", L"relative/dir", L"/tmp/../etc", L"" };
    IVssBackupComponents *backup;
    WCHAR *changed;
    unsigned int i;
    LONG attributes;
    VSS_ID id;
    BSTR xml = NULL;
    HRESULT hr;

    if (!(backup = export_set(&id, &xml)))
        return;
    ok(xml && wcsstr(xml, L"<SNAPSHOT_SET_DESCRIPTION") && wcsstr(xml, L"<WINEVSS_HOST_SNAPSHOT"),
            "the document does not describe the set: %s.\n", wine_dbgstr_w(xml));

    /* This prefix has the set already: it cannot be imported again. */
    hr = import_document(xml);
    ok(hr == VSS_E_NO_SNAPSHOTS_IMPORTED, "importing our own set: %#lx.\n", hr);

    for (i = 0; i < ARRAY_SIZE(hostile); ++i)
    {
        if (!(changed = with_locator(xml, hostile[i])))
            break;
        hr = import_document(changed);
        ok(hr == VSS_E_NO_SNAPSHOTS_IMPORTED, "locator %s: %#lx.\n", wine_dbgstr_w(hostile[i]), hr);
        free(changed);
    }
    ok(listed(&id, &attributes), "the set is gone after the refused imports.\n");
    ok(!(attributes & VSS_VOLSNAP_ATTR_IMPORTED), "attributes %#lx.\n", attributes);

    SysFreeString(xml);
    IVssBackupComponents_Release(backup);
    /* Persistent: it outlives the object. */
    delete_snapshot(&id);
}

static void test_client(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async = (IVssAsync *)0xdeadbeef;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    hr = IVssBackupComponents_SetContext(backup, CONTEXT_TRANSPORTABLE);
    ok(hr == VSS_E_UNSUPPORTED_CONTEXT, "a client takes transportable sets: %#lx.\n", hr);
    hr = IVssBackupComponents_ImportSnapshots(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "ImportSnapshots on a client: %#lx.\n", hr);
    ok(!async, "async is %p.\n", async);
    IVssBackupComponents_Release(backup);
}

static WCHAR *read_document(const char *name)
{
    HANDLE file = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD size, got;
    WCHAR *xml;

    ok(file != INVALID_HANDLE_VALUE, "cannot open %s.\n", name);
    if (file == INVALID_HANDLE_VALUE)
        return NULL;
    size = GetFileSize(file, NULL);
    xml = calloc(1, size + sizeof(WCHAR));
    ReadFile(file, xml, size, &got, NULL);
    CloseHandle(file);
    return xml;
}

/* Prefix A: the set and its document (UTF-16, as SaveAsXML gives it). */
static void do_export(const char *name)
{
    IVssBackupComponents *backup;
    HANDLE file;
    DWORD written;
    BSTR xml = NULL;
    VSS_ID id;

    if (!(backup = export_set(&id, &xml)) || !xml)
        return;
    file = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(WriteFile(file, xml, SysStringByteLen(xml), &written, NULL), "cannot write %s.\n", name);
    CloseHandle(file);
    SysFreeString(xml);
    IVssBackupComponents_Release(backup);
}

static BOOL document_set_id(const WCHAR *xml, VSS_ID *id)
{
    const WCHAR *p = wcsstr(xml, L"<SNAPSHOT_SET_DESCRIPTION");
    WCHAR text[40];

    if (!p || !(p = wcsstr(p, L"snapshotSetId=\"")))
        return FALSE;
    swprintf(text, ARRAY_SIZE(text), L"{%.36ls}", p + 15);
    return CLSIDFromString(text, id) == S_OK;
}

static BOOL document_snapshot_id(const WCHAR *xml, VSS_ID *id)
{
    const WCHAR *p = wcsstr(xml, L"<SNAPSHOT_DESCRIPTION");
    WCHAR text[40];

    if (!p || !(p = wcsstr(p, L"snapshotId=\"")))
        return FALSE;
    swprintf(text, ARRAY_SIZE(text), L"{%.36ls}", p + 12);
    return CLSIDFromString(text, id) == S_OK;
}

/* Prefix B: import, use, expose, delete. */
static void do_import(const char *name)
{
    WCHAR *xml = read_document(name), path[MAX_PATH], drive[4] = L"P:", *exposed = NULL;
    IVssBackupComponentsEx2 *backup;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID id, nondeleted;
    LONG attributes = 0, deleted = 0;
    const char *text;
    HRESULT hr;

    if (!xml)
        return;
    ok(document_snapshot_id(xml, &id), "no snapshot in the document.\n");
    ok(!listed(&id, &attributes), "prefix B knows the snapshot before the import.\n");
    hr = import_document(xml);
    ok(hr == VSS_S_ASYNC_FINISHED, "ImportSnapshots finished with %#lx.\n", hr);
    ok(listed(&id, &attributes), "the imported snapshot is not listed.\n");
    ok(attributes & VSS_VOLSNAP_ATTR_IMPORTED, "attributes %#lx.\n", attributes);
    ok(attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE, "attributes %#lx.\n", attributes);

    hr = import_document(xml);
    ok(hr == VSS_E_NO_SNAPSHOTS_IMPORTED, "a second import: %#lx.\n", hr);

    backup = (IVssBackupComponentsEx2 *)load_document(NULL);
    hr = IVssBackupComponentsEx2_GetSnapshotProperties(backup, id, &prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);
    if (hr == S_OK)
    {
        swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", prop.m_pwszSnapshotDeviceObject, test_dir);
        text = read_text(path);
        ok(text && !strcmp(text, "before"), "a.txt through the imported snapshot: %s.\n", debugstr_a(text));
        VssFreeSnapshotPropertiesInternal(&prop);
    }

    while (drive[0] < 'Z' && (GetLogicalDrives() & (1u << (drive[0] - 'A'))))
        ++drive[0];
    hr = IVssBackupComponentsEx2_ExposeSnapshot(backup, id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, drive, &exposed);
    ok(hr == S_OK, "ExposeSnapshot(%s): %#lx.\n", wine_dbgstr_w(drive), hr);
    CoTaskMemFree(exposed);
    swprintf(path, MAX_PATH, L"%ls\\%ls\\a.txt", drive, test_dir);
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt through %s: %s.\n", wine_dbgstr_w(drive), debugstr_a(text));

    hr = IVssBackupComponentsEx2_DeleteSnapshots(backup, id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &nondeleted);
    ok(hr == S_OK && deleted == 1, "DeleteSnapshots: %#lx, %ld.\n", hr, deleted);
    ok(!(GetLogicalDrives() & (1u << (drive[0] - 'A'))), "the exposed drive remains.\n");
    IVssBackupComponentsEx2_Release(backup);
    ok(!listed(&id, &attributes), "the deleted snapshot is still listed.\n");
    free(xml);
}

/* The host directory a document's locator names, as a path under Z:. */
static BOOL locator_path(const WCHAR *xml, WCHAR *path)
{
    const WCHAR *start = wcsstr(xml, L"locator=\""), *end;
    WCHAR *p;

    if (!start || !(end = wcschr(start + 9, '"')) || end - start - 9 > MAX_PATH - 8)
        return FALSE;
    swprintf(path, MAX_PATH, L"Z:%.*ls", (int)(end - start - 9), start + 9);
    for (p = path; *p; ++p)
        if (*p == '/')
            *p = '\\';
    return TRUE;
}

/* Prefix B: import a second set and break it; its snapshot leaves VSS and
 * stays readable where it is.  tests/test-transport.sh removes it after. */
static void do_break(const char *name)
{
    WCHAR *xml = read_document(name), path[MAX_PATH];
    IVssBackupComponents *backup;
    LONG attributes = 0;
    const char *text;
    VSS_ID id, set_id;
    HRESULT hr;

    if (!xml)
        return;
    ok(document_snapshot_id(xml, &id), "no snapshot in the document.\n");
    hr = import_document(xml);
    ok(hr == VSS_S_ASYNC_FINISHED, "ImportSnapshots finished with %#lx.\n", hr);
    ok(listed(&id, &attributes), "the imported snapshot is not listed.\n");

    backup = load_document(NULL);
    ok(document_set_id(xml, &set_id), "no set in the document.\n");
    hr = IVssBackupComponents_BreakSnapshotSet(backup, set_id);
    ok(hr == S_OK, "BreakSnapshotSet: %#lx.\n", hr);
    hr = IVssBackupComponents_BreakSnapshotSet(backup, set_id);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "breaking it again: %#lx.\n", hr);
    IVssBackupComponents_Release(backup);
    ok(!listed(&id, &attributes), "the broken snapshot is still listed.\n");

    ok(locator_path(xml, path), "no locator in the document.\n");
    lstrcatW(path, L"\\");
    lstrcatW(path, test_dir);
    lstrcatW(path, L"\\a.txt");
    text = read_text(path);
    ok(text && !strcmp(text, "before"), "a.txt where the broken snapshot stays (%s): %s.\n",
            wine_dbgstr_w(path), debugstr_a(text));
    free(xml);
}

/* Prefix A, after B's import and deletion. */
static void do_gone(const char *name)
{
    WCHAR *xml = read_document(name);
    LONG attributes;
    VSS_ID id;

    if (!xml)
        return;
    ok(document_snapshot_id(xml, &id), "no snapshot in the document.\n");
    ok(!listed(&id, &attributes), "prefix A still lists the snapshot prefix B imported.\n");
    free(xml);
}

START_TEST(transport)
{
    char **argv;
    int argc;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_os();
    argc = winetest_get_mainargs(&argv);
    if (!agent_available())
    {
        if (GetEnvironmentVariableA("WINEVSS_AGENT", NULL, 0))
            ok(0, "winevssd is not available.\n");
        else
            skip("winevssd is not available.\n");
    }
    else if (!os_server || os_version < OS(6, 0, 0))
    {
        if (!os_server && os_version >= OS(6, 0, 0))
            test_client();
        else
            skip("transportable sets are tested on Server 2008 and later.\n");
    }
    else if (argc >= 4 && !strcmp(argv[2], "export"))
        do_export(argv[3]);
    else if (argc >= 4 && !strcmp(argv[2], "import"))
        do_import(argv[3]);
    else if (argc >= 4 && !strcmp(argv[2], "break"))
        do_break(argv[3]);
    else if (argc >= 4 && !strcmp(argv[2], "gone"))
        do_gone(argv[3]);
    else
        test_single_prefix();
    CoUninitialize();
}
