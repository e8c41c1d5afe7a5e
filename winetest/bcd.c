/*
 * Conformance tests: the Backup Components Document through the COM API.
 * SaveAsXML after a snapshot set, loading a saved document for a backup
 * and saving it again, the components of a document loaded for a restore
 * (GetWriterComponents and IVssComponent) and the restore setters'
 * annotations, and documents that do not load.
 */

#include <stdarg.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

#include "wine/test.h"
#include "common.h"

static WCHAR test_volume[4];

static const GUID system_writer = {0xe8132975, 0x6f93, 0x4464, {0xa5, 0x3e, 0x10, 0x50, 0x25, 0x3a, 0xe2, 0x20}};
static const GUID system_instance = {0xb2014c9e, 0x8711, 0x4c5c, {0xa5, 0xa9, 0x3c, 0xf3, 0x84, 0x48, 0x47, 0x57}};
static const GUID db_writer = {0xa6ad56c2, 0xb509, 0x4e6c, {0xbb, 0x19, 0x49, 0xd8, 0xf4, 0x35, 0x32, 0xf0}};

/* As saved by a backup with two writers (diskshadow's layout). */
static const WCHAR restore_bcd[] =
    L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" "
    L"bootableSystemStateBackup=\"yes\" selectComponents=\"yes\" backupType=\"full\" partialFileSupport=\"no\" "
    L"snapshotSetId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\">"
    L"<WRITER_COMPONENTS instanceId=\"B2014C9E-8711-4C5C-A5A9-3CF384484757\" "
    L"writerId=\"E8132975-6F93-4464-A53E-1050253AE220\" instanceName=\"System Writer\" backupSchema=\"881\">"
    L"<COMPONENT componentName=\"System Files\" componentType=\"filegroup\" backupStamp=\"42\">"
    L"<BACKUP_METADATA xmlns=\"\" metadata=\"AAECAw==\"/></COMPONENT></WRITER_COMPONENTS>"
    L"<WRITER_COMPONENTS instanceId=\"1d8a5f43-2e7b-4a0c-9b61-7f1e0c2d3b4a\" "
    L"writerId=\"a6ad56c2-b509-4e6c-bb19-49d8f43532f0\" backupSchema=\"0\">"
    L"<COMPONENT logicalPath=\"Databases\\Main\" componentName=\"db &amp; logs\" componentType=\"database\"/>"
    L"<COMPONENT logicalPath=\"Databases\" componentName=\"other\" componentType=\"database\" future=\"kept\">"
    L"<FUTURE_CHILD>kept</FUTURE_CHILD></COMPONENT></WRITER_COMPONENTS></BACKUP_COMPONENTS>";

/* Vista, or Server 2003: AddNewTarget and the other later methods. */
static BOOL has_vista_2003(void)
{
    return os_version >= OS(6, 0, 0) || (os_version >= OS(5, 2, 0) && os_server);
}

/* The IUnknown of an IVssWriterComponentsExt, one pointer after its start. */
static IUnknown *writer_components_unknown(IVssWriterComponentsExt *writer)
{
    return (IUnknown *)((void **)writer + 1);
}

static void format_guid(const GUID *id, WCHAR *buffer)
{
    wsprintfW(buffer, L"%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", id->Data1, id->Data2, id->Data3,
            id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4], id->Data4[5], id->Data4[6],
            id->Data4[7]);
}

static void test_save_after_snapshot(void)
{
    static const WCHAR root[] = L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" ";
    IVssBackupComponentsEx4 *backup, *import;
    WCHAR expected[80], set[40];
    VSS_ID set_id, snapshot_id;
    BSTR xml, again;
    IVssAsync *async;
    HRESULT hr;

    if (!test_volume[0])
    {
        skip("no test volume (tests/volumes.sh) in this prefix.\n");
        return;
    }
    backup = create_backup();
    hr = IVssBackupComponentsEx4_InitializeForBackup(backup, NULL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, TRUE, VSS_BT_COPY, TRUE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "GatherWriterMetadata failed.\n");
    hr = IVssBackupComponentsEx4_StartSnapshotSet(backup, &set_id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, test_volume, GUID_NULL, &snapshot_id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_PrepareForBackup(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "PrepareForBackup failed.\n");
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &async);
    hr = run_async(hr, async);
    ok(hr == VSS_S_ASYNC_FINISHED, "DoSnapshotSet ended with %#lx.\n", hr);

    xml = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }
    ok(!wcsncmp(xml, root, wcslen(root)), "got %s.\n", wine_dbgstr_w(xml));
    /* The set of StartSnapshotSet, without braces. */
    format_guid(&set_id, set);
    wsprintfW(expected, L"snapshotSetId=\"%s\"", set);
    ok(!!wcsstr(xml, expected), "%s not in %s.\n", wine_dbgstr_w(expected), wine_dbgstr_w(xml));
    ok(!!wcsstr(xml, L"bootableSystemStateBackup=\"yes\""), "got %s.\n", wine_dbgstr_w(xml));
    ok(!!wcsstr(xml, L"selectComponents=\"no\""), "got %s.\n", wine_dbgstr_w(xml));
    ok(!!wcsstr(xml, L"backupType=\"copy\""), "got %s.\n", wine_dbgstr_w(xml));
    ok(!!wcsstr(xml, L"partialFileSupport=\"yes\""), "got %s.\n", wine_dbgstr_w(xml));
    ok(SysStringLen(xml) == wcslen(xml), "the BSTR length %u is not the string's.\n", SysStringLen(xml));

    /* Loaded for a backup (an import), it is saved as it came. */
    import = create_backup();
    hr = IVssBackupComponentsEx4_InitializeForBackup(import, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    again = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(import, &again);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(again && !wcscmp(again, xml), "got %s.\n", wine_dbgstr_w(again));
    SysFreeString(again);
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(import, (UINT *)&hr);
    ok(hr == 0, "got %#lx writers.\n", hr);
    release(import);

    /* And loaded for a restore, too. */
    import = create_backup();
    hr = IVssBackupComponentsEx4_InitializeForRestore(import, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    again = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(import, &again);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(again && !wcscmp(again, xml), "got %s.\n", wine_dbgstr_w(again));
    SysFreeString(again);
    release(import);

    SysFreeString(xml);
    release(backup);
}

static void test_restore_components(void)
{
    IVssWriterComponentsExt *writer;
    IVssBackupComponentsEx4 *backup;
    VSS_COMPONENT_TYPE type;
    VSS_FILE_RESTORE_STATUS status;
    IVssWMFiledesc *filedesc;
    VSS_ID instance, id;
    IVssComponent *component;
    IVssComponentEx2 *component2;
    IVssAsync *async;
    boolean flag;
    UINT count;
    BSTR xml, str;
    HRESULT hr;

    backup = create_backup();
    xml = SysAllocString(restore_bcd);
    hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    SysFreeString(xml);

    count = 0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, &count);
    ok(hr == S_OK && count == 2, "got %#lx, %u.\n", hr, count);
    writer = (void *)0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 2, &writer);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!writer, "got %p.\n", writer);

    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, &writer);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }
    hr = IVssWriterComponentsExt_GetWriterInfo(writer, &instance, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&instance, &system_instance), "got %s.\n", wine_dbgstr_guid(&instance));
    ok(IsEqualGUID(&id, &system_writer), "got %s.\n", wine_dbgstr_guid(&id));
    hr = IVssWriterComponentsExt_GetComponentCount(writer, &count);
    ok(hr == S_OK && count == 1, "got %#lx, %u.\n", hr, count);
    hr = IVssWriterComponentsExt_GetComponent(writer, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssComponent_GetComponentName(component, &str);
    ok(hr == S_OK && str && !wcscmp(str, L"System Files"), "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
    SysFreeString(str);
    str = (BSTR)0xdeadbeef;
    hr = IVssComponent_GetLogicalPath(component, &str);
    ok(hr == S_OK && !str, "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
    hr = IVssComponent_GetComponentType(component, &type);
    ok(hr == S_OK && type == VSS_CT_FILEGROUP, "got %#lx, %d.\n", hr, type);
    hr = IVssComponent_GetBackupStamp(component, &str);
    ok(hr == S_OK && str && !wcscmp(str, L"42"), "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
    SysFreeString(str);
    hr = IVssComponent_GetBackupMetadata(component, &str);
    ok(hr == S_OK && str && !wcscmp(str, L"AAECAw=="), "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
    SysFreeString(str);
    hr = IVssComponent_IsSelectedForRestore(component, &flag);
    ok(hr == S_OK && !flag, "got %#lx, %d.\n", hr, flag);
    hr = IVssComponent_QueryInterface(component, &IID_IVssComponentEx2, (void **)&component2);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
        IVssComponentEx2_Release(component2);
    /* A requester's view is not a writer's. */
    hr = IVssComponent_SetBackupStamp(component, L"43");
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    IVssComponent_Release(component);
    ok(!IUnknown_Release(writer_components_unknown(writer)), "still referenced.\n");

    /* The restore setters annotate the components of the document. */
    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, system_writer, VSS_CT_FILEGROUP, NULL,
            L"System Files", TRUE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreOptions(backup, system_writer, VSS_CT_FILEGROUP, L"",
            L"System Files", L"fast \"and\" safe");
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetAdditionalRestores(backup, db_writer, VSS_CT_DATABASE, L"Databases\\Main",
            L"db & logs", TRUE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (has_vista_2003())
    {
        hr = IVssBackupComponentsEx4_AddNewTarget(backup, system_writer, VSS_CT_FILEGROUP, NULL, L"System Files",
                L"C:\\data", L"*.db", TRUE, L"D:\\restore");
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    /* Writer, type, logical path and name must all match. */
    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, db_writer, VSS_CT_FILEGROUP, NULL,
            L"System Files", TRUE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, system_writer, VSS_CT_DATABASE, NULL,
            L"System Files", TRUE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetSelectedForRestore(backup, db_writer, VSS_CT_DATABASE, L"Databases",
            L"db & logs", TRUE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    /* Only between PreRestore and PostRestore. */
    hr = IVssBackupComponentsEx4_SetFileRestoreStatus(backup, system_writer, VSS_CT_FILEGROUP, NULL,
            L"System Files", VSS_RS_ALL);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    xml = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(xml && wcsstr(xml, L"<COMPONENT componentName=\"System Files\" componentType=\"filegroup\" backupStamp=\"42\" "
            L"selectedForRestore=\"yes\" restoreOptions=\"fast &quot;and&quot; safe\">"), "got %s.\n",
            wine_dbgstr_w(xml));
    ok(xml && wcsstr(xml, L"componentName=\"db &amp; logs\" componentType=\"database\" additionalRestores=\"yes\"/>"),
            "got %s.\n", wine_dbgstr_w(xml));
    ok(xml && wcsstr(xml, L"future=\"kept\"><FUTURE_CHILD>kept</FUTURE_CHILD>"), "got %s.\n", wine_dbgstr_w(xml));
    if (has_vista_2003())
        ok(xml && wcsstr(xml, L"<NEW_TARGET path=\"C:\\data\" filespec=\"*.db\" recursive=\"yes\" "
                L"alternatePath=\"D:\\restore\"/>"), "got %s.\n", wine_dbgstr_w(xml));
    SysFreeString(xml);

    /* A view fetched again shows the annotations. */
    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, &writer);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssWriterComponentsExt_GetComponent(writer, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IUnknown_Release(writer_components_unknown(writer)) == 1, "the component does not hold its writer.\n");
    hr = IVssComponent_IsSelectedForRestore(component, &flag);
    ok(hr == S_OK && flag, "got %#lx, %d.\n", hr, flag);
    hr = IVssComponent_GetRestoreOptions(component, &str);
    ok(hr == S_OK && str && !wcscmp(str, L"fast \"and\" safe"), "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
    SysFreeString(str);
    if (has_vista_2003())
    {
        hr = IVssComponent_GetNewTargetCount(component, &count);
        ok(hr == S_OK && count == 1, "got %#lx, %u.\n", hr, count);
        hr = IVssComponent_GetNewTarget(component, 0, &filedesc);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
        {
            hr = IVssWMFiledesc_GetAlternateLocation(filedesc, &str);
            ok(hr == S_OK && str && !wcscmp(str, L"D:\\restore"), "got %#lx, %s.\n", hr, wine_dbgstr_w(str));
            SysFreeString(str);
            hr = IVssWMFiledesc_GetRecursive(filedesc, &flag);
            ok(hr == S_OK && flag, "got %#lx, %d.\n", hr, flag);
            IVssWMFiledesc_Release(filedesc);
        }
    }
    IVssComponent_Release(component);

    /* After PreRestore, the file restore status. */
    hr = IVssBackupComponentsEx4_PreRestore(backup, &async);
    ok(run_async(hr, async) == VSS_S_ASYNC_FINISHED, "PreRestore failed.\n");
    hr = IVssBackupComponentsEx4_SetFileRestoreStatus(backup, system_writer, VSS_CT_FILEGROUP, NULL,
            L"System Files", VSS_RS_FAILED);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterComponents(backup, 0, &writer);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssWriterComponentsExt_GetComponent(writer, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssComponent_GetFileRestoreStatus(component, &status);
    ok(hr == S_OK && status == VSS_RS_FAILED, "got %#lx, %d.\n", hr, status);
    IVssComponent_Release(component);
    IUnknown_Release(writer_components_unknown(writer));
    xml = NULL;
    hr = IVssBackupComponentsEx4_SaveAsXML(backup, &xml);
    ok(hr == S_OK && xml && wcsstr(xml, L" fileRestoreStatus=\"failed\""), "got %#lx, %s.\n", hr,
            wine_dbgstr_w(xml));
    SysFreeString(xml);
    release(backup);
}

static void test_invalid_documents(void)
{
    static const WCHAR lone_surrogate[] = {'<', 'B', 'A', 'C', 'K', 'U', 'P', '_', 'C', 'O', 'M', 'P', 'O', 'N',
            'E', 'N', 'T', 'S', ' ', 'a', '=', '"', 0xd800, '"', '/', '>', 0};
    static const WCHAR *const documents[] =
    {
        L"<BACKUP_COMPONENTS",
        L"<BACKUP_COMPONENTS version=1.2/>",
        L"<BACKUP_COMPONENTS>&unknown;</BACKUP_COMPONENTS>",
        L"<BACKUP_COMPONENTS><WRITER_COMPONENTS></BACKUP_COMPONENTS>",
        L"<!DOCTYPE BACKUP_COMPONENTS [<!ENTITY a \"aaaa\">]><BACKUP_COMPONENTS>&a;</BACKUP_COMPONENTS>",
        L"<BACKUP_COMPONENTS/><BACKUP_COMPONENTS/>",
        L"<WRITER_METADATA/>",
        lone_surrogate,
    };
    IVssBackupComponentsEx4 *backup;
    unsigned int i;
    HRESULT hr;
    BSTR xml;

    for (i = 0; i < ARRAY_SIZE(documents); ++i)
    {
        xml = SysAllocString(documents[i]);
        backup = create_backup();
        hr = IVssBackupComponentsEx4_InitializeForBackup(backup, xml);
        ok(hr == VSS_E_INVALID_XML_DOCUMENT, "%u: got %#lx.\n", i, hr);
        hr = IVssBackupComponentsEx4_InitializeForRestore(backup, xml);
        ok(hr == VSS_E_INVALID_XML_DOCUMENT, "%u: got %#lx.\n", i, hr);
        /* Still uninitialised. */
        hr = IVssBackupComponentsEx4_GetWriterComponentsCount(backup, (UINT *)&hr);
        ok(hr == VSS_E_BAD_STATE, "%u: got %#lx.\n", i, hr);
        release(backup);
        SysFreeString(xml);
    }
}

START_TEST(bcd)
{
    IVssBackupComponentsEx4 *backup;
    HRESULT hr;

    init_os();
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    backup = create_backup();
    IVssBackupComponentsEx4_InitializeForBackup(backup, NULL);
    find_test_volume((IVssBackupComponents *)backup, test_volume);
    release(backup);

    test_save_after_snapshot();
    test_restore_components();
    test_invalid_documents();

    CoUninitialize();
}
