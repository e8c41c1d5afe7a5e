/*
 * Conformance tests: Writer Metadata Documents examined by a requester
 * (CreateVssExamineWriterMetadata, IVssExamineWriterMetadataEx2,
 * IVssWMComponent, IVssWMFiledesc, IVssWMDependency): documents in the
 * layout Windows' writers produce, saving and loading them again, and
 * documents that must not load.
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

static const GUID files_writer = {0x4969d978, 0xbe47, 0x48b0, {0xb1, 0x00, 0xf3, 0x28, 0xf0, 0x7a, 0xc1, 0xe0}};
static const GUID files_instance = {0x658361eb, 0x48f4, 0x4e25, {0x9c, 0xb3, 0x38, 0x02, 0x4e, 0x9d, 0x82, 0x05}};
static const GUID db_writer = {0xa65faa63, 0x5ea8, 0x4ebc, {0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a}};
static const GUID db_instance = {0xdd8d6255, 0xb3bb, 0x4ec1, {0x82, 0x49, 0x73, 0xcd, 0x75, 0xc0, 0xee, 0x21}};

/* A file-group writer: include and exclude files, a restore method with a
 * service and alternate location mappings, files excluded from the
 * snapshot, and content this model does not know (FUTURE_*, future=). */
static const WCHAR files_wmd[] =
    L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\" backupSchema=\"1025\">"
    L"<IDENTIFICATION writerId=\"4969D978-BE47-48b0-B100-F328F07AC1E0\" "
    L"instanceId=\"658361eb-48f4-4e25-9cb3-38024e9d8205\" friendlyName=\"Files &amp; Things Writer\" "
    L"instanceName=\"Instance One\" usage=\"SYSTEM_SERVICE\" dataSource=\"OTHER\" majorVersion=\"3\" "
    L"minorVersion=\"14\" future=\"kept\"/>"
    L"<RESTORE_METHOD method=\"STOP_RESTORE_START\" service=\"FilesSvc\" userProcedure=\"http://x/restore.htm\" "
    L"writerRestore=\"always\" rebootRequired=\"yes\">"
    L"<ALTERNATE_LOCATION_MAPPING path=\"C:\\Data\" filespec=\"*.dat\" recursive=\"yes\" "
    L"alternatePath=\"D:\\Restore\"/>"
    L"<ALTERNATE_LOCATION_MAPPING path=\"C:\\Logs\" filespec=\"*.log\" alternatePath=\"D:\\RestoreLogs\"/>"
    L"</RESTORE_METHOD>"
    L"<BACKUP_LOCATIONS>"
    L"<INCLUDE_FILES path=\"C:\\Extra\" filespec=\"*\" recursive=\"yes\"/>"
    L"<FILE_GROUP logicalPath=\"Files\" componentName=\"Main\" caption=\"Main files\" restoreMetadata=\"yes\" "
    L"notifyOnBackupComplete=\"no\" selectable=\"yes\" selectableForRestore=\"yes\" componentFlags=\"4\">"
    L"<FILE_LIST path=\"C:\\Data\" filespec=\"*.dat\" recursive=\"yes\" filespecBackupType=\"3855\"/>"
    L"<FILE_LIST path=\"C:\\Data\\Cache\" filespec=\"index\" alternatePath=\"C:\\Shadow\" "
    L"filespecBackupType=\"257\"/>"
    L"<FUTURE_CHILD>kept</FUTURE_CHILD>"
    L"</FILE_GROUP>"
    L"<EXCLUDE_FILES path=\"C:\\Data\" filespec=\"*.tmp\" recursive=\"yes\"/>"
    L"<FILE_GROUP componentName=\"Settings\" restoreMetadata=\"no\" notifyOnBackupComplete=\"yes\" "
    L"selectable=\"no\" selectableForRestore=\"no\" componentFlags=\"0\">"
    L"<FILE_LIST path=\"%SystemRoot%\\Files\" filespec=\"settings.ini\"/>"
    L"</FILE_GROUP>"
    L"<EXCLUDE_FILES path=\"C:\\Data\" filespec=\"*.bak\" recursive=\"no\"/>"
    L"<EXCLUDE_FILES_FROM_SNAPSHOT path=\"C:\\Temp\" filespec=\"*\" recursive=\"yes\"/>"
    L"</BACKUP_LOCATIONS>"
    L"<FUTURE_ELEMENT a=\"1\"><!-- kept --></FUTURE_ELEMENT>"
    L"</WRITER_METADATA>";

/* A database writer (SQL Server's layout) with log files and dependencies,
 * and no restore method. */
static const WCHAR db_wmd[] =
    L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\">"
    L"<IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
    L"instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\" friendlyName=\"SqlServerWriter\" "
    L"usage=\"USER_DATA\" dataSource=\"TRANSACTION_DB\"/>"
    L"<BACKUP_LOCATIONS>"
    L"<DATABASE logicalPath=\"SERVER\\INSTANCE\" componentName=\"sales\" caption=\"\" restoreMetadata=\"no\" "
    L"notifyOnBackupComplete=\"yes\" selectable=\"yes\" selectableForRestore=\"yes\" componentFlags=\"3\">"
    L"<DATABASE_FILES path=\"E:\\SQL\" filespec=\"sales.mdf\" filespecBackupType=\"3855\"/>"
    L"<DATABASE_FILES path=\"E:\\SQL\" filespec=\"sales2.ndf\" filespecBackupType=\"3855\"/>"
    L"<DATABASE_LOGFILES path=\"F:\\Logs\" filespec=\"sales_log.ldf\" filespecBackupType=\"3855\"/>"
    L"<DEPENDENCY writerId=\"4969d978-be47-48b0-b100-f328f07ac1e0\" logicalPath=\"Files\" componentName=\"Main\"/>"
    L"<DEPENDENCY writerId=\"not-a-guid\" componentName=\"Broken\"/>"
    L"</DATABASE>"
    L"</BACKUP_LOCATIONS>"
    L"</WRITER_METADATA>";

#define ok_bstr(a, b) ok_bstr_(__FILE__, __LINE__, a, b)
static void ok_bstr_(const char *file, unsigned int line, BSTR got, const WCHAR *expected)
{
    if (!expected)
        ok_(file, line)(!got, "got %s, expected NULL.\n", wine_dbgstr_w(got));
    else
        ok_(file, line)(got && !wcscmp(got, expected), "got %s, expected %s.\n", wine_dbgstr_w(got),
                wine_dbgstr_w(expected));
    SysFreeString(got);
}

#define check_filedesc(d, p, s, r, a, m) check_filedesc_(__FILE__, __LINE__, d, p, s, r, a, m)
static void check_filedesc_(const char *file, unsigned int line, IVssWMFiledesc *desc, const WCHAR *path,
        const WCHAR *filespec, boolean recursive, const WCHAR *alternate, DWORD mask)
{
    boolean got_recursive = 2;
    DWORD got_mask = 0xdeadbeef;
    BSTR str;
    HRESULT hr;

    str = (BSTR)0xdeadbeef;
    hr = IVssWMFiledesc_GetPath(desc, &str);
    ok_(file, line)(hr == S_OK, "GetPath: got %#lx.\n", hr);
    ok_bstr_(file, line, str, path);
    str = (BSTR)0xdeadbeef;
    hr = IVssWMFiledesc_GetFilespec(desc, &str);
    ok_(file, line)(hr == S_OK, "GetFilespec: got %#lx.\n", hr);
    ok_bstr_(file, line, str, filespec);
    hr = IVssWMFiledesc_GetRecursive(desc, &got_recursive);
    ok_(file, line)(hr == S_OK, "GetRecursive: got %#lx.\n", hr);
    ok_(file, line)(got_recursive == recursive, "recursive %d, expected %d.\n", got_recursive, recursive);
    str = (BSTR)0xdeadbeef;
    hr = IVssWMFiledesc_GetAlternateLocation(desc, &str);
    ok_(file, line)(hr == S_OK, "GetAlternateLocation: got %#lx.\n", hr);
    ok_bstr_(file, line, str, alternate);
    hr = IVssWMFiledesc_GetBackupTypeMask(desc, &got_mask);
    ok_(file, line)(hr == S_OK, "GetBackupTypeMask: got %#lx.\n", hr);
    ok_(file, line)(got_mask == mask, "mask %#lx, expected %#lx.\n", got_mask, mask);
}

static IVssExamineWriterMetadata *create_examine_(const char *file, unsigned int line, const WCHAR *text)
{
    IVssExamineWriterMetadata *metadata = NULL;
    BSTR xml = SysAllocString(text);
    HRESULT hr;

    hr = CreateVssExamineWriterMetadata(xml, &metadata);
    ok_(file, line)(hr == S_OK, "CreateVssExamineWriterMetadata: got %#lx.\n", hr);
    SysFreeString(xml);
    return metadata;
}
#define create_examine(t) create_examine_(__FILE__, __LINE__, t)

/* Windows Vista, or Server 2003 SP1: IVssExamineWriterMetadataEx. */
static BOOL has_ex(void)
{
    return os_has(OS(6, 0, 0), OS(5, 2, 1));
}

/* Windows Vista, or Server 2008: IVssExamineWriterMetadataEx2. */
static BOOL has_ex2(void)
{
    return os_has(OS(6, 0, 0), OS(6, 0, 0));
}

static void test_create_arguments(void)
{
    IVssExamineWriterMetadata *metadata;
    BSTR xml = SysAllocString(files_wmd);
    HRESULT hr;

    metadata = (void *)0xdeadbeef;
    hr = CreateVssExamineWriterMetadata(NULL, &metadata);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = CreateVssExamineWriterMetadata(xml, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    SysFreeString(xml);
}

static void test_interfaces(void)
{
    IVssExamineWriterMetadata *metadata = create_examine(files_wmd);
    IUnknown *unknown;
    HRESULT hr;

    if (!metadata)
        return;
    hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IUnknown, (void **)&unknown);
    ok(hr == S_OK, "IUnknown: got %#lx.\n", hr);
    ok(unknown == (IUnknown *)metadata, "got %p, expected %p.\n", unknown, metadata);
    IUnknown_Release(unknown);

    unknown = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IVssExamineWriterMetadataEx, (void **)&unknown);
    ok(hr == (has_ex() ? S_OK : E_NOINTERFACE), "Ex: got %#lx.\n", hr);
    if (hr == S_OK)
        IUnknown_Release(unknown);
    else
        ok(!unknown, "got %p.\n", unknown);

    unknown = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IVssExamineWriterMetadataEx2, (void **)&unknown);
    ok(hr == (has_ex2() ? S_OK : E_NOINTERFACE), "Ex2: got %#lx.\n", hr);
    if (hr == S_OK)
        IUnknown_Release(unknown);
    else
        ok(!unknown, "got %p.\n", unknown);

    unknown = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IVssBackupComponents, (void **)&unknown);
    ok(hr == E_NOINTERFACE, "IVssBackupComponents: got %#lx.\n", hr);
    ok(!unknown, "got %p.\n", unknown);

    release(metadata);
}

static void test_file_group_writer(void)
{
    IVssExamineWriterMetadata *metadata = create_examine(files_wmd);
    UINT includes, excludes, components, mappings, count;
    VSS_WRITERRESTORE_ENUM writer_restore;
    VSS_RESTOREMETHOD_ENUM method;
    IVssExamineWriterMetadataEx2 *ex2;
    IVssExamineWriterMetadataEx *ex;
    VSS_ID instance, writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    IVssWMFiledesc *desc;
    BSTR name, service, procedure;
    DWORD schema, major, minor;
    boolean reboot;
    void *doc;
    HRESULT hr;

    if (!metadata)
        return;

    hr = IVssExamineWriterMetadata_GetIdentity(metadata, &instance, &writer, &name, &usage, &source);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&instance, &files_instance), "instance %s.\n", wine_dbgstr_guid(&instance));
    ok(IsEqualGUID(&writer, &files_writer), "writer %s.\n", wine_dbgstr_guid(&writer));
    ok_bstr(name, L"Files & Things Writer");
    ok(usage == VSS_UT_SYSTEMSERVICE, "usage %d.\n", usage);
    ok(source == VSS_ST_OTHER, "source %d.\n", source);
    hr = IVssExamineWriterMetadata_GetIdentity(metadata, &instance, &writer, NULL, &usage, &source);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssExamineWriterMetadata_GetIdentity(metadata, NULL, &writer, &name, &usage, &source);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    includes = excludes = components = 0xdead;
    hr = IVssExamineWriterMetadata_GetFileCounts(metadata, &includes, &excludes, &components);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(includes == 1, "%u include files.\n", includes);
    ok(excludes == 2, "%u exclude files.\n", excludes);
    ok(components == 2, "%u components.\n", components);
    hr = IVssExamineWriterMetadata_GetFileCounts(metadata, &includes, NULL, &components);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    hr = IVssExamineWriterMetadata_GetIncludeFile(metadata, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Extra", L"*", TRUE, NULL, 0xf0f);
    release(desc);
    desc = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetIncludeFile(metadata, 1, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);

    hr = IVssExamineWriterMetadata_GetExcludeFile(metadata, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Data", L"*.tmp", TRUE, NULL, 0xf0f);
    release(desc);
    hr = IVssExamineWriterMetadata_GetExcludeFile(metadata, 1, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Data", L"*.bak", FALSE, NULL, 0xf0f);
    release(desc);
    desc = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetExcludeFile(metadata, 2, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    hr = IVssExamineWriterMetadata_GetExcludeFile(metadata, 0, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    hr = IVssExamineWriterMetadata_GetRestoreMethod(metadata, &method, &service, &procedure, &writer_restore,
            &reboot, &mappings);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(method == VSS_RME_STOP_RESTORE_START, "method %d.\n", method);
    ok_bstr(service, L"FilesSvc");
    ok_bstr(procedure, L"http://x/restore.htm");
    ok(writer_restore == VSS_WRE_ALWAYS, "writer restore %d.\n", writer_restore);
    ok(reboot == TRUE, "reboot %d.\n", reboot);
    ok(mappings == 2, "%u mappings.\n", mappings);
    hr = IVssExamineWriterMetadata_GetRestoreMethod(metadata, &method, &service, &procedure, &writer_restore,
            &reboot, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    hr = IVssExamineWriterMetadata_GetAlternateLocationMapping(metadata, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Data", L"*.dat", TRUE, L"D:\\Restore", 0xf0f);
    release(desc);
    hr = IVssExamineWriterMetadata_GetAlternateLocationMapping(metadata, 1, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Logs", L"*.log", FALSE, L"D:\\RestoreLogs", 0xf0f);
    release(desc);
    desc = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetAlternateLocationMapping(metadata, 2, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);

    schema = 0;
    hr = IVssExamineWriterMetadata_GetBackupSchema(metadata, &schema);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(schema == (VSS_BS_DIFFERENTIAL | VSS_BS_INDEPENDENT_SYSTEM_STATE), "schema %#lx.\n", schema);
    hr = IVssExamineWriterMetadata_GetBackupSchema(metadata, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    /* Reserved for system use; winevss has no IXMLDOMDocument to give. */
    doc = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetDocument(metadata, (IXMLDOMDocument **)&doc);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    ok(!doc, "got %p.\n", doc);

    if (has_ex())
    {
        hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IVssExamineWriterMetadataEx, (void **)&ex);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssExamineWriterMetadataEx_GetIdentityEx(ex, &instance, &writer, &name, &service, &usage, &source);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(IsEqualGUID(&writer, &files_writer), "writer %s.\n", wine_dbgstr_guid(&writer));
        ok_bstr(name, L"Files & Things Writer");
        ok_bstr(service, L"Instance One");
        hr = IVssExamineWriterMetadataEx_GetIdentityEx(ex, &instance, &writer, &name, NULL, &usage, &source);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        IVssExamineWriterMetadataEx_Release(ex);
    }
    if (has_ex2())
    {
        hr = IVssExamineWriterMetadata_QueryInterface(metadata, &IID_IVssExamineWriterMetadataEx2, (void **)&ex2);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssExamineWriterMetadataEx2_GetVersion(ex2, &major, &minor);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(major == 3 && minor == 14, "version %lu.%lu.\n", major, minor);
        hr = IVssExamineWriterMetadataEx2_GetVersion(ex2, NULL, &minor);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        count = 0xdead;
        hr = IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotCount(ex2, &count);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(count == 1, "%u files excluded from the snapshot.\n", count);
        hr = IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotCount(ex2, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotFile(ex2, 0, &desc);
        ok(hr == S_OK, "got %#lx.\n", hr);
        check_filedesc(desc, L"C:\\Temp", L"*", TRUE, NULL, 0xf0f);
        release(desc);
        desc = (void *)0xdeadbeef;
        hr = IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotFile(ex2, 1, &desc);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        ok(!desc, "got %p.\n", desc);
        IVssExamineWriterMetadataEx2_Release(ex2);
    }

    release(metadata);
}

#define check_info(c, t, l, n, p, f) check_info_(__FILE__, __LINE__, c, t, l, n, p, f)
static void check_info_(const char *file, unsigned int line, IVssWMComponent *component, VSS_COMPONENT_TYPE type,
        const WCHAR *logical_path, const WCHAR *name, const WCHAR *caption, const UINT *numbers)
{
    PVSSCOMPONENTINFO info = NULL;
    HRESULT hr;

    hr = IVssWMComponent_GetComponentInfo(component, &info);
    ok_(file, line)(hr == S_OK, "GetComponentInfo: got %#lx.\n", hr);
    if (!info)
        return;
    ok_(file, line)(info->type == type, "type %d.\n", info->type);
    ok_(file, line)(logical_path ? info->bstrLogicalPath && !wcscmp(info->bstrLogicalPath, logical_path)
            : !info->bstrLogicalPath, "logical path %s.\n", wine_dbgstr_w(info->bstrLogicalPath));
    ok_(file, line)(info->bstrComponentName && !wcscmp(info->bstrComponentName, name), "name %s.\n",
            wine_dbgstr_w(info->bstrComponentName));
    ok_(file, line)(caption ? info->bstrCaption && !wcscmp(info->bstrCaption, caption) : !info->bstrCaption,
            "caption %s.\n", wine_dbgstr_w(info->bstrCaption));
    ok_(file, line)(!info->pbIcon && !info->cbIcon, "icon %p, %u bytes.\n", info->pbIcon, info->cbIcon);
    ok_(file, line)(info->bRestoreMetadata == numbers[0], "restore metadata %d.\n", info->bRestoreMetadata);
    ok_(file, line)(info->bNotifyOnBackupComplete == numbers[1], "notify %d.\n", info->bNotifyOnBackupComplete);
    ok_(file, line)(info->bSelectable == numbers[2], "selectable %d.\n", info->bSelectable);
    ok_(file, line)(info->bSelectableForRestore == numbers[3], "selectable for restore %d.\n",
            info->bSelectableForRestore);
    ok_(file, line)(info->dwComponentFlags == numbers[4], "flags %#lx.\n", info->dwComponentFlags);
    ok_(file, line)(info->cFileCount == numbers[5], "%u files.\n", info->cFileCount);
    ok_(file, line)(info->cDatabases == numbers[6], "%u databases.\n", info->cDatabases);
    ok_(file, line)(info->cLogFiles == numbers[7], "%u log files.\n", info->cLogFiles);
    ok_(file, line)(info->cDependencies == numbers[8], "%u dependencies.\n", info->cDependencies);
    hr = IVssWMComponent_FreeComponentInfo(component, info);
    ok_(file, line)(hr == S_OK, "FreeComponentInfo: got %#lx.\n", hr);
}

static void test_file_group_components(void)
{
    static const UINT main_numbers[] = {TRUE, FALSE, TRUE, TRUE, VSS_CF_NOT_SYSTEM_STATE, 2, 0, 0, 0};
    static const UINT settings_numbers[] = {FALSE, TRUE, FALSE, FALSE, 0, 1, 0, 0, 0};
    IVssExamineWriterMetadata *metadata = create_examine(files_wmd);
    IVssWMComponent *component;
    IVssWMDependency *dependency;
    IVssWMFiledesc *desc;
    HRESULT hr;

    if (!metadata)
        return;

    hr = IVssExamineWriterMetadata_GetComponent(metadata, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_info(component, VSS_CT_FILEGROUP, L"Files", L"Main", L"Main files", main_numbers);
    hr = IVssWMComponent_GetFile(component, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Data", L"*.dat", TRUE, NULL, 0xf0f);
    release(desc);
    hr = IVssWMComponent_GetFile(component, 1, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"C:\\Data\\Cache", L"index", FALSE, L"C:\\Shadow",
            VSS_FSBT_FULL_BACKUP_REQUIRED | VSS_FSBT_FULL_SNAPSHOT_REQUIRED);
    /* The description outlives the component and the examine object. */
    release(component);
    release(metadata);
    check_filedesc(desc, L"C:\\Data\\Cache", L"index", FALSE, L"C:\\Shadow", 0x101);
    release(desc);

    metadata = create_examine(files_wmd);
    if (!metadata)
        return;
    hr = IVssExamineWriterMetadata_GetComponent(metadata, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    desc = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetFile(component, 2, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    desc = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetDatabaseFile(component, 0, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    dependency = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetDependency(component, 0, &dependency);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!dependency, "got %p.\n", dependency);
    hr = IVssWMComponent_GetFile(component, 0, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssWMComponent_GetComponentInfo(component, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssWMComponent_FreeComponentInfo(component, NULL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(component);

    hr = IVssExamineWriterMetadata_GetComponent(metadata, 1, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_info(component, VSS_CT_FILEGROUP, NULL, L"Settings", NULL, settings_numbers);
    hr = IVssWMComponent_GetFile(component, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"%SystemRoot%\\Files", L"settings.ini", FALSE, NULL, 0xf0f);
    release(desc);
    release(component);

    component = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetComponent(metadata, 2, &component);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!component, "got %p.\n", component);
    hr = IVssExamineWriterMetadata_GetComponent(metadata, 0, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    release(metadata);
}

static void test_database_writer(void)
{
    static const UINT numbers[] = {FALSE, TRUE, TRUE, TRUE, 3, 0, 2, 1, 2};
    IVssExamineWriterMetadata *metadata = create_examine(db_wmd);
    UINT includes, excludes, components, mappings;
    VSS_WRITERRESTORE_ENUM writer_restore;
    VSS_RESTOREMETHOD_ENUM method;
    IVssWMDependency *dependency;
    IVssWMComponent *component;
    VSS_ID instance, writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    IVssWMFiledesc *desc;
    BSTR name, service, procedure;
    boolean reboot;
    DWORD schema;
    HRESULT hr;

    if (!metadata)
        return;

    hr = IVssExamineWriterMetadata_GetIdentity(metadata, &instance, &writer, &name, &usage, &source);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&instance, &db_instance), "instance %s.\n", wine_dbgstr_guid(&instance));
    ok(IsEqualGUID(&writer, &db_writer), "writer %s.\n", wine_dbgstr_guid(&writer));
    ok_bstr(name, L"SqlServerWriter");
    ok(usage == VSS_UT_USERDATA, "usage %d.\n", usage);
    ok(source == VSS_ST_TRANSACTEDDB, "source %d.\n", source);

    hr = IVssExamineWriterMetadata_GetFileCounts(metadata, &includes, &excludes, &components);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!includes && !excludes && components == 1, "counts %u, %u, %u.\n", includes, excludes, components);

    /* No RESTORE_METHOD: "a restore method does not exist". */
    method = writer_restore = 0xdead;
    reboot = TRUE;
    mappings = 0xdead;
    service = procedure = (BSTR)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetRestoreMethod(metadata, &method, &service, &procedure, &writer_restore,
            &reboot, &mappings);
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    ok(method == VSS_RME_UNDEFINED, "method %d.\n", method);
    ok(!service && !procedure, "got %p, %p.\n", service, procedure);
    ok(writer_restore == VSS_WRE_UNDEFINED, "writer restore %d.\n", writer_restore);
    ok(!reboot, "reboot %d.\n", reboot);
    ok(!mappings, "%u mappings.\n", mappings);
    desc = (void *)0xdeadbeef;
    hr = IVssExamineWriterMetadata_GetAlternateLocationMapping(metadata, 0, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    schema = 0xdead;
    hr = IVssExamineWriterMetadata_GetBackupSchema(metadata, &schema);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(schema == VSS_BS_UNDEFINED, "schema %#lx.\n", schema);

    hr = IVssExamineWriterMetadata_GetComponent(metadata, 0, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(metadata);
    check_info(component, VSS_CT_DATABASE, L"SERVER\\INSTANCE", L"sales", L"", numbers);

    hr = IVssWMComponent_GetDatabaseFile(component, 1, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"E:\\SQL", L"sales2.ndf", FALSE, NULL, 0xf0f);
    release(desc);
    desc = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetDatabaseFile(component, 2, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    hr = IVssWMComponent_GetDatabaseLogFile(component, 0, &desc);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_filedesc(desc, L"F:\\Logs", L"sales_log.ldf", FALSE, NULL, 0xf0f);
    release(desc);
    desc = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetDatabaseLogFile(component, 1, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);
    desc = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetFile(component, 0, &desc);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!desc, "got %p.\n", desc);

    hr = IVssWMComponent_GetDependency(component, 0, &dependency);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssWMDependency_GetWriterId(dependency, &writer);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&writer, &files_writer), "writer %s.\n", wine_dbgstr_guid(&writer));
    hr = IVssWMDependency_GetLogicalPath(dependency, &name);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok_bstr(name, L"Files");
    hr = IVssWMDependency_GetComponentName(dependency, &name);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok_bstr(name, L"Main");
    hr = IVssWMDependency_GetWriterId(dependency, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssWMDependency_GetComponentName(dependency, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    release(dependency);

    hr = IVssWMComponent_GetDependency(component, 1, &dependency);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssWMDependency_GetWriterId(dependency, &writer);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "malformed writer id: got %#lx.\n", hr);
    name = (BSTR)0xdeadbeef;
    hr = IVssWMDependency_GetLogicalPath(dependency, &name);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok_bstr(name, NULL);
    release(dependency);
    dependency = (void *)0xdeadbeef;
    hr = IVssWMComponent_GetDependency(component, 2, &dependency);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!dependency, "got %p.\n", dependency);
    release(component);
}

/* Every answer of the two objects must be the same. */
static void compare_documents(IVssExamineWriterMetadata *a, IVssExamineWriterMetadata *b)
{
    UINT counts_a[3], counts_b[3], i;
    VSS_ID ids_a[2], ids_b[2];
    VSS_USAGE_TYPE usage_a, usage_b;
    VSS_SOURCE_TYPE source_a, source_b;
    PVSSCOMPONENTINFO info_a, info_b;
    IVssWMComponent *component_a, *component_b;
    BSTR name_a, name_b;
    HRESULT hr;

    hr = IVssExamineWriterMetadata_GetIdentity(a, &ids_a[0], &ids_a[1], &name_a, &usage_a, &source_a);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssExamineWriterMetadata_GetIdentity(b, &ids_b[0], &ids_b[1], &name_b, &usage_b, &source_b);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!memcmp(ids_a, ids_b, sizeof(ids_a)), "identifiers differ.\n");
    ok(!wcscmp(name_a, name_b), "names %s, %s.\n", wine_dbgstr_w(name_a), wine_dbgstr_w(name_b));
    ok(usage_a == usage_b && source_a == source_b, "usage %d, %d, source %d, %d.\n", usage_a, usage_b,
            source_a, source_b);
    SysFreeString(name_a);
    SysFreeString(name_b);

    hr = IVssExamineWriterMetadata_GetFileCounts(a, &counts_a[0], &counts_a[1], &counts_a[2]);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssExamineWriterMetadata_GetFileCounts(b, &counts_b[0], &counts_b[1], &counts_b[2]);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!memcmp(counts_a, counts_b, sizeof(counts_a)), "counts differ.\n");
    for (i = 0; i < counts_a[2]; ++i)
    {
        hr = IVssExamineWriterMetadata_GetComponent(a, i, &component_a);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssExamineWriterMetadata_GetComponent(b, i, &component_b);
        ok(hr == S_OK, "got %#lx.\n", hr);
        IVssWMComponent_GetComponentInfo(component_a, &info_a);
        IVssWMComponent_GetComponentInfo(component_b, &info_b);
        ok(!wcscmp(info_a->bstrComponentName, info_b->bstrComponentName), "component %u: names differ.\n", i);
        ok(info_a->cFileCount == info_b->cFileCount && info_a->cDatabases == info_b->cDatabases
                && info_a->cLogFiles == info_b->cLogFiles && info_a->cDependencies == info_b->cDependencies
                && info_a->dwComponentFlags == info_b->dwComponentFlags && info_a->type == info_b->type,
                "component %u differs.\n", i);
        IVssWMComponent_FreeComponentInfo(component_a, info_a);
        IVssWMComponent_FreeComponentInfo(component_b, info_b);
        release(component_a);
        release(component_b);
    }
}

static void test_round_trip(void)
{
    static const WCHAR root[] = L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\"";
    static const WCHAR *const documents[] = {files_wmd, db_wmd};
    IVssExamineWriterMetadata *metadata, *again;
    BSTR xml, xml_again;
    unsigned int i;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(documents); ++i)
    {
        if (!(metadata = create_examine(documents[i])))
            continue;
        hr = IVssExamineWriterMetadata_SaveAsXML(metadata, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        xml = NULL;
        hr = IVssExamineWriterMetadata_SaveAsXML(metadata, &xml);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(xml && !wcsncmp(xml, root, wcslen(root)), "document %u: got %s.\n", i, wine_dbgstr_w(xml));
        if (!i)
        {
            /* What the model does not know survives. */
            ok(xml && wcsstr(xml, L"<FUTURE_ELEMENT a=\"1\"><!-- kept --></FUTURE_ELEMENT>"), "no FUTURE_ELEMENT.\n");
            ok(xml && wcsstr(xml, L"<FUTURE_CHILD>kept</FUTURE_CHILD>"), "no FUTURE_CHILD.\n");
            ok(xml && wcsstr(xml, L"future=\"kept\""), "no future attribute.\n");
            ok(xml && wcsstr(xml, L"friendlyName=\"Files &amp; Things Writer\""), "name not escaped.\n");
        }
        hr = CreateVssExamineWriterMetadata(xml, &again);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
        {
            compare_documents(metadata, again);
            hr = IVssExamineWriterMetadata_SaveAsXML(again, &xml_again);
            ok(hr == S_OK, "got %#lx.\n", hr);
            ok(xml && xml_again && !wcscmp(xml, xml_again), "document %u: saved twice, differs.\n", i);
            SysFreeString(xml_again);
            release(again);
        }
        SysFreeString(xml);
        release(metadata);
    }
}

static void test_load_from_xml(void)
{
    IVssExamineWriterMetadata *metadata = create_examine(files_wmd);
    UINT includes, excludes, components;
    IVssWMComponent *component;
    VSS_ID instance, writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    PVSSCOMPONENTINFO info;
    BSTR xml, name;
    HRESULT hr;

    if (!metadata)
        return;
    hr = IVssExamineWriterMetadata_GetComponent(metadata, 1, &component);
    ok(hr == S_OK, "got %#lx.\n", hr);

    hr = IVssExamineWriterMetadata_LoadFromXML(metadata, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    xml = SysAllocString(db_wmd);
    hr = IVssExamineWriterMetadata_LoadFromXML(metadata, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    SysFreeString(xml);
    hr = IVssExamineWriterMetadata_GetIdentity(metadata, &instance, &writer, &name, &usage, &source);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&writer, &db_writer), "writer %s.\n", wine_dbgstr_guid(&writer));
    ok_bstr(name, L"SqlServerWriter");
    hr = IVssExamineWriterMetadata_GetFileCounts(metadata, &includes, &excludes, &components);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!includes && !excludes && components == 1, "counts %u, %u, %u.\n", includes, excludes, components);

    /* A component taken before still describes the document it came from. */
    hr = IVssWMComponent_GetComponentInfo(component, &info);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(!wcscmp(info->bstrComponentName, L"Settings"), "got %s.\n", wine_dbgstr_w(info->bstrComponentName));
    IVssWMComponent_FreeComponentInfo(component, info);
    release(component);

    /* "Could not be loaded" (not well-formed), then "not valid" (not a
     * Writer Metadata Document); the object keeps what it had. */
    xml = SysAllocString(L"<WRITER_METADATA><IDENTIFICATION");
    hr = IVssExamineWriterMetadata_LoadFromXML(metadata, xml);
    ok(hr == S_FALSE, "truncated: got %#lx.\n", hr);
    SysFreeString(xml);
    xml = SysAllocString(L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\"/>");
    hr = IVssExamineWriterMetadata_LoadFromXML(metadata, xml);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "a BCD: got %#lx.\n", hr);
    SysFreeString(xml);
    hr = IVssExamineWriterMetadata_GetIdentity(metadata, &instance, &writer, &name, &usage, &source);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IsEqualGUID(&instance, &db_instance), "instance %s.\n", wine_dbgstr_guid(&instance));
    ok_bstr(name, L"SqlServerWriter");

    release(metadata);
}

static void test_hostile_documents(void)
{
    static const WCHAR *const documents[] =
    {
        L"",
        L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\"><IDENTIFICATION writerId=",
        L"<WRITER_METADATA><IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        L"instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\"/></WRITER_METADATA><second/>",
        L"<WRITER_COMPONENTS writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\"/>",
        L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\"/>",
        L"<WRITER_METADATA><IDENTIFICATION writerId=\"{a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}\" "
        L"instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\"/></WRITER_METADATA>",
        L"<WRITER_METADATA><IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\"/></WRITER_METADATA>",
        L"<!DOCTYPE WRITER_METADATA [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        L"<WRITER_METADATA><IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        L"instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\" friendlyName=\"&b;\"/></WRITER_METADATA>",
        L"<WRITER_METADATA><IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        L"instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\" friendlyName=\"&unknown;\"/></WRITER_METADATA>",
    };
    static const WCHAR head[] = L"<WRITER_METADATA><IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-"
            L"a0c4db26912a\" instanceId=\"dd8d6255-b3bb-4ec1-8249-73cd75c0ee21\"/><BACKUP_LOCATIONS>";
    static const WCHAR tail[] = L"</BACKUP_LOCATIONS></WRITER_METADATA>";
    IVssExamineWriterMetadata *metadata;
    unsigned int i, len;
    BSTR xml;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(documents); ++i)
    {
        xml = SysAllocString(documents[i]);
        metadata = (void *)0xdeadbeef;
        hr = CreateVssExamineWriterMetadata(xml, &metadata);
        ok(hr == VSS_E_INVALID_XML_DOCUMENT, "document %u: got %#lx.\n", i, hr);
        ok(!metadata, "document %u: got %p.\n", i, metadata);
        SysFreeString(xml);
    }

    /* Deeper than the nesting limit, then longer than the length limit. */
    len = ARRAY_SIZE(head) - 1 + 300 * 3 + 300 * 4 + ARRAY_SIZE(tail);
    xml = SysAllocStringLen(NULL, len);
    wcscpy(xml, head);
    for (i = 0; i < 300; ++i)
        wcscat(xml, L"<a>");
    for (i = 0; i < 300; ++i)
        wcscat(xml, L"</a>");
    wcscat(xml, tail);
    metadata = (void *)0xdeadbeef;
    hr = CreateVssExamineWriterMetadata(xml, &metadata);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "deep: got %#lx.\n", hr);
    ok(!metadata, "got %p.\n", metadata);
    SysFreeString(xml);

    len = 9 * 1024 * 1024;
    xml = SysAllocStringLen(NULL, len);
    wcscpy(xml, head);
    for (i = wcslen(head); i < len - ARRAY_SIZE(tail) + 1; ++i)
        xml[i] = ' ';
    wcscpy(xml + i, tail);
    metadata = (void *)0xdeadbeef;
    hr = CreateVssExamineWriterMetadata(xml, &metadata);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "huge: got %#lx.\n", hr);
    ok(!metadata, "got %p.\n", metadata);
    /* Within the limit, the same document loads. */
    wcscpy(xml + 1024 * 1024, tail);
    hr = CreateVssExamineWriterMetadata(xml, &metadata);
    ok(hr == S_OK, "1 MB: got %#lx.\n", hr);
    if (hr == S_OK)
        release(metadata);
    SysFreeString(xml);
}

/* Every object of the tests above is gone, documents included. */
static void test_unload(void)
{
    HRESULT (WINAPI *can_unload)(void);
    HRESULT hr;

    can_unload = (void *)GetProcAddress(GetModuleHandleA("vssapi.dll"), "DllCanUnloadNow");
    ok(!!can_unload, "no DllCanUnloadNow.\n");
    if (!can_unload)
        return;
    hr = can_unload();
    ok(hr == S_OK, "got %#lx.\n", hr);
}

START_TEST(wmd)
{
    init_os();

    test_create_arguments();
    test_interfaces();
    test_file_group_writer();
    test_file_group_components();
    test_database_writer();
    test_round_trip();
    test_load_from_xml();
    test_hostile_documents();
    test_unload();
}
