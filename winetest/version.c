/*
 * Conformance tests: what depends on the Windows version and product type
 * being emulated.  Each test reads the version (RtlGetVersion, product
 * type) and asserts what that version answers according to Microsoft's
 * pages, or docs/decisions.md where they are silent: the extension
 * interfaces QueryInterface offers, methods a version lacks, server-only
 * methods on a client, contexts, and the callers allowed to back up.
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

static const GUID test_id = {0x5eed5eed, 0x1234, 0x4321, {0x80, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77}};

static void test_interfaces(void)
{
    static const struct
    {
        const IID *iid;
        DWORD client, server;
    }
    tests[] =
    {
        {&IID_IUnknown,                 OS(5, 1, 0), OS(5, 2, 0)},
        {&IID_IVssBackupComponents,     OS(5, 1, 0), OS(5, 2, 0)},
        {&IID_IVssBackupComponentsEx,   OS(6, 0, 0), OS(5, 2, 1)},
        {&IID_IVssBackupComponentsEx2,  OS(6, 0, 0), OS(6, 0, 0)},
        {&IID_IVssBackupComponentsEx3,  OS(6, 1, 0), OS(6, 1, 0)},
        {&IID_IVssBackupComponentsEx4,  OS(6, 2, 0), OS(6, 2, 0)},
    };
    IVssBackupComponents *backup = NULL;
    IUnknown *unknown;
    unsigned int i;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    for (i = 0; i < ARRAY_SIZE(tests); ++i)
    {
        BOOL expected = os_has(tests[i].client, tests[i].server);

        winetest_push_context("%s", wine_dbgstr_guid(tests[i].iid));
        unknown = (void *)0xdeadbeef;
        hr = IVssBackupComponents_QueryInterface(backup, tests[i].iid, (void **)&unknown);
        ok(hr == (expected ? S_OK : E_NOINTERFACE), "got %#lx.\n", hr);
        ok(unknown == (expected ? (IUnknown *)backup : NULL), "got %p.\n", unknown);
        if (hr == S_OK)
            IUnknown_Release(unknown);
        winetest_pop_context();
    }
    IVssBackupComponents_Release(backup);
}

/* SetContext does not exist on XP; the attributes and contexts that came
 * later are refused as unsupported; TRANSPORTABLE needs a server. */
static void test_contexts(void)
{
    static const struct
    {
        LONG context;
        DWORD client, server;
    }
    tests[] =
    {
        {VSS_CTX_BACKUP,                                            OS(6, 0, 0), OS(5, 2, 0)},
        {VSS_CTX_CLIENT_ACCESSIBLE_WRITERS,                         OS(6, 0, 0), OS(6, 0, 0)},
        {VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_TRANSPORTABLE,           OS_NEVER,    OS(5, 2, 1)},
        {VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY,   OS(6, 0, 0), OS(6, 0, 0)},
        {VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_NOT_TRANSACTED,          OS(6, 0, 0), OS(6, 0, 0)},
        {VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_TXF_RECOVERY,            OS(6, 0, 1), OS(6, 0, 0)},
        {VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT,    OS(6, 0, 1), OS(6, 0, 0)},
        {VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY
                | VSS_VOLSNAP_ATTR_TXF_RECOVERY,                    OS_NEVER,    OS(6, 0, 0)},
    };
    IVssBackupComponentsEx4 *backup;
    unsigned int i;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(tests); ++i)
    {
        winetest_push_context("%#lx", tests[i].context);
        backup = create_for_backup();
        hr = IVssBackupComponentsEx4_SetContext(backup, tests[i].context);
        if (os_is_xp())
            ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
        else if (os_has(tests[i].client, tests[i].server))
            ok(hr == S_OK, "got %#lx.\n", hr);
        else
        {
            ok(hr == VSS_E_UNSUPPORTED_CONTEXT, "got %#lx.\n", hr);
            /* A refused context does not use up the one SetContext (qemu-ga
             * retries with fewer attributes). */
            hr = IVssBackupComponentsEx4_SetContext(backup, VSS_CTX_APP_ROLLBACK);
            ok(hr == S_OK, "got %#lx.\n", hr);
        }
        IVssBackupComponentsEx4_Release(backup);
        winetest_pop_context();
    }
}

/* Methods that came after XP answer E_NOTIMPL there; the extension
 * interfaces' methods answer E_NOTIMPL where the interface is not offered. */
static void test_missing_methods(void)
{
    IVssBackupComponentsEx4 *backup = create_for_restore();
    WCHAR volume[] = L"C:\\", *root, *prefix;
    IVssAsync *async;
    HRESULT hr, status;
    VSS_ID id;
    BSTR name;
    VSS_WRITER_STATE state;

    hr = IVssBackupComponentsEx4_SetRestoreState(backup, VSS_RTYPE_BY_COPY);
    ok(hr == (os_has(OS(6, 0, 0), OS(5, 2, 0)) ? S_OK : E_NOTIMPL), "SetRestoreState: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRangesFilePath(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", 0, L"r");
    ok(hr == (os_has(OS(6, 0, 0), OS(5, 2, 0)) ? VSS_E_OBJECT_NOT_FOUND : E_NOTIMPL), "SetRangesFilePath: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataEx(backup, 0, &id, NULL);
    ok(hr == (os_has(OS(6, 0, 0), OS(5, 2, 1)) ? E_INVALIDARG : E_NOTIMPL), "GetWriterMetadataEx: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_SetRestoreName(backup, test_id, VSS_CT_FILEGROUP, NULL, L"c", L"n");
    ok(hr == (os_has(OS(6, 0, 0), OS(6, 0, 0)) ? VSS_E_OBJECT_NOT_FOUND : E_NOTIMPL), "SetRestoreName: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterStatusEx(backup, 0, &id, &id, &name, &state, &status, NULL, NULL);
    ok(hr == (os_has(OS(6, 1, 0), OS(6, 1, 0)) ? VSS_E_BAD_STATE : E_NOTIMPL), "GetWriterStatusEx: got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);

    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_GetSessionId(backup, &id);
    ok(hr == (os_has(OS(6, 1, 0), OS(6, 1, 0)) ? S_OK : E_NOTIMPL), "GetSessionId: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_UnexposeSnapshot(backup, test_id);
    ok(hr == (os_has(OS(6, 0, 0), OS(6, 0, 0)) ? VSS_E_OBJECT_NOT_FOUND : E_NOTIMPL), "UnexposeSnapshot: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, volume, NULL);
    ok(hr == (os_has(OS(6, 0, 1), OS(5, 2, 1)) ? E_POINTER : E_NOTIMPL), "QueryRevertStatus: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSetEx(backup, test_id, 0, &async);
    ok(hr == (os_has(OS(6, 0, 1), OS(6, 0, 0)) ? VSS_E_OBJECT_NOT_FOUND : E_NOTIMPL), "BreakSnapshotSetEx: got %#lx.\n", hr);
    root = prefix = NULL;
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, volume, &root, &prefix, FALSE);
    ok(hr == (os_has(OS(6, 2, 0), OS(6, 2, 0)) ? S_OK : E_NOTIMPL), "GetRootAndLogicalPrefixPaths: got %#lx.\n", hr);
    CoTaskMemFree(root);
    CoTaskMemFree(prefix);
    IVssBackupComponentsEx4_Release(backup);
}

/* Server-only methods on a client answer as a client does. */
static void test_server_methods(void)
{
    static const WCHAR transportable_bcd[] = L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" "
            L"version=\"1.2\" snapshotSetId=\"11111111-2222-3333-4444-555555555555\">"
            L"<SNAPSHOT_SET_DESCRIPTION snapshotSetId=\"11111111-2222-3333-4444-555555555555\">"
            L"<SNAPSHOT_DESCRIPTION snapshotId=\"5EED5EED-1234-4321-8011-223344556677\"/>"
            L"</SNAPSHOT_SET_DESCRIPTION></BACKUP_COMPONENTS>";
    IVssBackupComponentsEx4 *backup;
    IVssBackupComponents *plain = NULL;
    IVssAsync *async;
    HRESULT hr, status;
    BSTR xml;

    /* RevertToSnapshot: E_NOTIMPL on clients (no provider reverts there);
     * servers look the snapshot up. */
    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_RevertToSnapshot(backup, test_id, FALSE);
    ok(hr == (os_has(OS_NEVER, OS(5, 2, 1)) ? VSS_E_OBJECT_NOT_FOUND : E_NOTIMPL), "got %#lx.\n", hr);

    /* ImportSnapshots needs a server and a transportable set. */
    hr = IVssBackupComponentsEx4_ImportSnapshots(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);

    hr = CreateVssBackupComponentsInternal(&plain);
    ok(hr == S_OK, "got %#lx.\n", hr);
    xml = SysAllocString(transportable_bcd);
    hr = IVssBackupComponents_InitializeForBackup(plain, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    async = NULL;
    hr = IVssBackupComponents_ImportSnapshots(plain, &async);
    if (os_server)
    {
        /* A set described without a winevss locator (a hardware
         * provider's) cannot be imported here; the result comes through
         * the status. */
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr == S_OK)
        {
            hr = IVssAsync_Wait(async, INFINITE);
            ok(hr == VSS_E_NO_SNAPSHOTS_IMPORTED, "got %#lx.\n", hr);
            hr = IVssAsync_QueryStatus(async, &status, NULL);
            ok(hr == S_OK && status == VSS_E_NO_SNAPSHOTS_IMPORTED, "got %#lx, %#lx.\n", hr, status);
            IVssAsync_Release(async);
        }
    }
    else
    {
        ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
        ok(!async, "got %p.\n", async);
    }
    IVssBackupComponents_Release(plain);

    if (!os_has(OS(6, 1, 0), OS(6, 1, 0)))
    {
        SysFreeString(xml);
        return;
    }

    /* LUN resynchronisation (Ex3): a server checks the document first. */
    backup = create_for_restore();
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, test_id, 0, NULL);
    ok(hr == (os_server ? VSS_E_SNAPSHOT_NOT_IN_SET : VSS_E_BAD_STATE), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, test_id, 1, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RecoverSet(backup, VSS_RECOVERY_NO_VOLUME_CHECK, &async);
    ok(hr == (os_server ? VSS_E_BAD_STATE : E_NOTIMPL), "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_RecoverSet(backup, 0x1, &async);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);

    hr = CreateVssBackupComponentsInternal(&plain);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponents_InitializeForRestore(plain, xml);
    ok(hr == S_OK, "got %#lx.\n", hr);
    backup = (IVssBackupComponentsEx4 *)plain;
    /* The snapshot is in the document, but no hardware provider can take it. */
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, test_id, 0, NULL);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    IVssBackupComponents_Release(plain);
    SysFreeString(xml);

    /* Not for backups. */
    backup = create_for_backup();
    hr = IVssBackupComponentsEx4_RecoverSet(backup, 0, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddSnapshotToRecoverySet(backup, test_id, 0, NULL);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);
}

/* Shares are volumes from Windows 8 on; before, a share is no volume. */
static void test_share_volumes(void)
{
    IVssBackupComponentsEx4 *backup = create_for_backup();
    WCHAR share[] = L"\\\\winevss-nowhere\\share\\";
    BOOL supported = TRUE;
    HRESULT hr;

    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, share, &supported);
    if (os_has(OS(6, 2, 0), OS(6, 2, 0)))
        ok(hr == VSS_E_OBJECT_NOT_FOUND || hr == S_OK, "got %#lx.\n", hr);
    else
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!supported, "share reported as supported.\n");
    IVssBackupComponentsEx4_Release(backup);
}

static void test_root_and_prefix(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR path[] = L"C:\\windows\\system32\\", share[] = L"\\\\host\\share\\dir\\file.txt";
    WCHAR bad_share[] = L"\\\\host", expected[MAX_PATH], *root, *prefix;
    HRESULT hr;

    if (!os_has(OS(6, 2, 0), OS(6, 2, 0)))
    {
        skip("IVssBackupComponentsEx4 does not exist in this version.\n");
        return;
    }
    backup = create_for_backup();

    root = prefix = (void *)0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, path, &root, &prefix, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(!wcscmp(root, L"C:\\"), "got root %s.\n", wine_dbgstr_w(root));
        GetVolumeNameForVolumeMountPointW(L"C:\\", expected, ARRAY_SIZE(expected));
        ok(!wcscmp(prefix, expected), "got prefix %s.\n", wine_dbgstr_w(prefix));
        CoTaskMemFree(root);
        CoTaskMemFree(prefix);
    }

    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, share, &root, &prefix, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(!wcscmp(root, L"\\\\host\\share\\"), "got root %s.\n", wine_dbgstr_w(root));
        ok(!wcscmp(prefix, L"\\\\host\\share\\"), "got prefix %s.\n", wine_dbgstr_w(prefix));
        CoTaskMemFree(root);
        CoTaskMemFree(prefix);
    }

    root = prefix = (void *)0xdeadbeef;
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, bad_share, &root, &prefix, FALSE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!root && !prefix, "got %p, %p.\n", root, prefix);
    hr = IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(backup, NULL, &root, &prefix, FALSE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(backup);
}

/* A token that is no administrator and no backup operator, and holds the
 * backup privilege enabled or not at all. */
static HANDLE create_restricted_token(BOOL backup_privilege)
{
    BYTE admins[SECURITY_MAX_SID_SIZE], operators[SECURITY_MAX_SID_SIZE];
    HANDLE process, restricted, token = NULL;
    SID_AND_ATTRIBUTES deny[2];
    LUID_AND_ATTRIBUTES drop;
    TOKEN_PRIVILEGES enable;
    DWORD size;

    size = sizeof(admins);
    CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size);
    size = sizeof(operators);
    CreateWellKnownSid(WinBuiltinBackupOperatorsSid, NULL, operators, &size);
    deny[0].Sid = admins;
    deny[0].Attributes = 0;
    deny[1].Sid = operators;
    deny[1].Attributes = 0;
    LookupPrivilegeValueA(NULL, "SeBackupPrivilege", &drop.Luid);
    drop.Attributes = 0;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &process))
        return NULL;
    if (CreateRestrictedToken(process, 0, 2, deny, backup_privilege ? 0 : 1, &drop, 0, NULL, &restricted))
    {
        if (!DuplicateTokenEx(restricted, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenImpersonation, &token))
            token = NULL;
        CloseHandle(restricted);
    }
    CloseHandle(process);
    if (token && backup_privilege)
    {
        enable.PrivilegeCount = 1;
        enable.Privileges[0].Luid = drop.Luid;
        enable.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
        AdjustTokenPrivileges(token, FALSE, &enable, 0, NULL, NULL);
    }
    return token;
}

/* Callers that are neither administrators nor backup operators and hold no
 * enabled backup privilege are refused where the pages list E_ACCESSDENIED. */
static void test_privileges(void)
{
    IVssBackupComponentsEx4 *backup, *uninitialised, *other;
    WCHAR volume[] = L"C:\\";
    VSS_SNAPSHOT_PROP prop;
    IVssEnumObject *enumerator;
    IVssAsync *async = NULL, *fresh;
    HRESULT hr, status;
    VSS_ID id;
    LONG deleted;
    BOOL supported;
    UINT count;
    HANDLE token;

    if (!(token = create_restricted_token(FALSE)))
    {
        skip("cannot make a restricted token, error %lu.\n", GetLastError());
        return;
    }
    backup = create_for_backup();
    uninitialised = (IVssBackupComponentsEx4 *)0xdeadbeef;
    hr = CreateVssBackupComponentsInternal((IVssBackupComponents **)&uninitialised);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);

    ok(SetThreadToken(NULL, token), "SetThreadToken failed, error %lu.\n", GetLastError());

    other = (IVssBackupComponentsEx4 *)0xdeadbeef;
    hr = CreateVssBackupComponentsInternal((IVssBackupComponents **)&other);
    ok(hr == E_ACCESSDENIED, "CreateVssBackupComponents: got %#lx.\n", hr);
    ok(!other, "got %p.\n", other);
    hr = IVssBackupComponentsEx4_InitializeForBackup(uninitialised, NULL);
    ok(hr == E_ACCESSDENIED, "InitializeForBackup: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterMetadata(backup, &fresh);
    ok(hr == E_ACCESSDENIED, "GatherWriterMetadata: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GatherWriterStatus(backup, &fresh);
    ok(hr == E_ACCESSDENIED, "GatherWriterStatus: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DisableWriterClasses(backup, &test_id, 1);
    ok(hr == E_ACCESSDENIED, "DisableWriterClasses: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_AddToSnapshotSet(backup, volume, GUID_NULL, &id);
    ok(hr == E_ACCESSDENIED, "AddToSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DoSnapshotSet(backup, &fresh);
    ok(hr == E_ACCESSDENIED, "DoSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == E_ACCESSDENIED, "Query: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_IsVolumeSupported(backup, GUID_NULL, volume, &supported);
    ok(hr == E_ACCESSDENIED, "IsVolumeSupported: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(backup, test_id, &prop);
    ok(hr == E_ACCESSDENIED, "GetSnapshotProperties: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_DeleteSnapshots(backup, test_id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &id);
    ok(hr == E_ACCESSDENIED, "DeleteSnapshots: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_BreakSnapshotSet(backup, test_id);
    ok(hr == E_ACCESSDENIED, "BreakSnapshotSet: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_ImportSnapshots(backup, &fresh);
    ok(hr == E_ACCESSDENIED, "ImportSnapshots: got %#lx.\n", hr);
    if (async)
    {
        hr = IVssAsync_QueryStatus(async, &status, NULL);
        ok(hr == E_ACCESSDENIED, "QueryStatus: got %#lx.\n", hr);
        hr = IVssAsync_Wait(async, INFINITE);
        ok(hr == E_ACCESSDENIED, "Wait: got %#lx.\n", hr);
    }
    /* Methods whose pages do not list E_ACCESSDENIED still answer. */
    hr = IVssBackupComponentsEx4_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE);
    ok(hr == S_OK, "SetBackupState: got %#lx.\n", hr);
    hr = IVssBackupComponentsEx4_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "GetWriterMetadataCount: got %#lx.\n", hr);

    ok(RevertToSelf(), "RevertToSelf failed, error %lu.\n", GetLastError());
    CloseHandle(token);

    if (async)
    {
        hr = IVssAsync_Wait(async, INFINITE);
        ok(hr == S_OK, "got %#lx.\n", hr);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponentsEx4_InitializeForBackup(uninitialised, NULL);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssBackupComponentsEx4_Release(uninitialised);
    IVssBackupComponentsEx4_Release(backup);

    /* The backup privilege, enabled, is enough. */
    if (!(token = create_restricted_token(TRUE)))
    {
        skip("cannot make a restricted token, error %lu.\n", GetLastError());
        return;
    }
    ok(SetThreadToken(NULL, token), "SetThreadToken failed, error %lu.\n", GetLastError());
    other = NULL;
    hr = CreateVssBackupComponentsInternal((IVssBackupComponents **)&other);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (other)
    {
        hr = IVssBackupComponentsEx4_InitializeForBackup(other, NULL);
        ok(hr == S_OK, "got %#lx.\n", hr);
        IVssBackupComponentsEx4_Release(other);
    }
    ok(RevertToSelf(), "RevertToSelf failed, error %lu.\n", GetLastError());
    CloseHandle(token);
}

START_TEST(version)
{
    HRESULT hr;

    init_os();
    trace("Windows %lu.%lu SP%lu, %s.\n", os_version >> 16, (os_version >> 8) & 0xff, os_version & 0xff,
            os_server ? "server" : "workstation");
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    test_interfaces();
    test_contexts();
    test_missing_methods();
    test_server_methods();
    test_share_volumes();
    test_root_and_prefix();
    test_privileges();

    CoUninitialize();
}
