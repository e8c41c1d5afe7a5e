/*
 * vssapi.dll: what the emulated Windows version answers.
 *
 * Every result an application sees passes through this file.  The rest of
 * the DLL works with one vocabulary (the current VSS codes, VSS_E_UNEXPECTED
 * rather than E_UNEXPECTED, ...) and asks here:
 *   - which code the emulated version returns for an internal result
 *     (policy_result);
 *   - which methods and interfaces exist in that version
 *     (policy_method_available, policy_interface_offered);
 *   - what the version or the product type changes in a method's behaviour
 *     (contexts, IVssAsync::Wait's argument, UNC volumes, server-only
 *     features);
 *   - whether the caller may use VSS at all (policy_check_caller).
 *
 * The version comes from RtlGetVersion (not capped by manifests), the
 * product type from its wProductType.  Windows XP x64 (5.2 workstation)
 * counts as Windows XP: Microsoft's pages group every client before Vista
 * under "Windows XP" (docs/decisions.md).  The decisions taken where the
 * documentation is silent are listed in docs/decisions.md; this file cites
 * them by name.
 */

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* Versions as 0xMMmmSS: major, minor, service pack. */
#define OS(major, minor, sp) (((major) << 16) | ((minor) << 8) | (sp))
#define OS_XP      OS(5, 1, 0)
#define OS_2003    OS(5, 2, 0)
#define OS_2003SP1 OS(5, 2, 1)
#define OS_VISTA   OS(6, 0, 0)
#define OS_VISTA1  OS(6, 0, 1)
#define OS_7       OS(6, 1, 0)
#define OS_8       OS(6, 2, 0)
#define OS_NEVER   0xffffffff

static INIT_ONCE policy_once = INIT_ONCE_STATIC_INIT;
static DWORD os_version;
static BOOL os_server;
static BYTE admin_sid[SECURITY_MAX_SID_SIZE], operators_sid[SECURITY_MAX_SID_SIZE];
static LUID backup_privilege;

static BOOL CALLBACK policy_init(INIT_ONCE *once, void *param, void **context)
{
    NTSTATUS (WINAPI *pRtlGetVersion)(RTL_OSVERSIONINFOEXW *);
    RTL_OSVERSIONINFOEXW info;
    DWORD size;

    memset(&info, 0, sizeof(info));
    info.dwOSVersionInfoSize = sizeof(info);

    pRtlGetVersion = (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    if (!pRtlGetVersion || pRtlGetVersion(&info))
    {
        ERR("RtlGetVersion failed; assuming Windows 10.\n");
        info.dwMajorVersion = 10;
        info.wProductType = VER_NT_WORKSTATION;
    }
    os_version = OS(min(info.dwMajorVersion, 255), min(info.dwMinorVersion, 255), min(info.wServicePackMajor, 255));
    os_server = info.wProductType != VER_NT_WORKSTATION;
    TRACE("emulating %lu.%lu.%lu SP%u, %s.\n", info.dwMajorVersion, info.dwMinorVersion,
            info.dwBuildNumber, info.wServicePackMajor, os_server ? "server" : "workstation");

    size = sizeof(admin_sid);
    CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admin_sid, &size);
    size = sizeof(operators_sid);
    CreateWellKnownSid(WinBuiltinBackupOperatorsSid, NULL, operators_sid, &size);
    LookupPrivilegeValueW(NULL, L"SeBackupPrivilege", &backup_privilege);
    return TRUE;
}

static void policy_load(void)
{
    InitOnceExecuteOnce(&policy_once, policy_init, NULL, NULL);
}

/* Windows XP, including XP x64, which shares its number with Server 2003. */
static BOOL os_is_xp(void)
{
    return os_version < OS_2003 || (os_version < OS_VISTA && !os_server);
}

/* Whether a feature introduced in client version "client" and server
 * version "server" exists in the emulated version. */
static BOOL os_has(DWORD client, DWORD server)
{
    if (os_is_xp())
        return client <= OS_XP;
    if (os_server)
        return server != OS_NEVER && os_version >= server;
    return client != OS_NEVER && os_version >= client;
}

BOOL policy_is_server(void)
{
    policy_load();
    return os_server;
}

/* Codes the emulated version did not have yet, and what it returned in
 * their place (docs/decisions.md, "codes that did not exist yet"). */
HRESULT policy_result(HRESULT hr)
{
    policy_load();

    switch (hr)
    {
    case VSS_E_NESTED_VOLUME_LIMIT:
        if (!os_has(OS_7, OS_7))
            hr = VSS_E_VOLUME_NOT_SUPPORTED;
        break;
    case VSS_E_REBOOT_REQUIRED:
        if (!os_has(OS_VISTA, OS_VISTA))
            hr = VSS_E_UNEXPECTED_PROVIDER_ERROR;
        break;
    case VSS_E_TRANSACTION_FREEZE_TIMEOUT:
        if (!os_has(OS_VISTA, OS_VISTA))
            hr = VSS_E_FLUSH_WRITES_TIMEOUT;
        break;
    case VSS_E_TRANSACTION_THAW_TIMEOUT:
        if (!os_has(OS_VISTA, OS_VISTA))
            hr = VSS_E_HOLD_WRITES_TIMEOUT;
        break;
    case VSS_E_WRITER_STATUS_NOT_AVAILABLE:
        if (!os_has(OS_7, OS_VISTA))
            hr = VSS_E_WRITER_NOT_RESPONDING;
        break;
    case VSS_E_WRITERERROR_PARTIAL_FAILURE:
        if (!os_has(OS_7, OS_7))
            hr = VSS_E_WRITERERROR_NONRETRYABLE;
        break;
    }

    /* Before Windows 7 and Server 2008 R2 unexpected errors were COM's. */
    if (hr == VSS_E_UNEXPECTED && !os_has(OS_7, OS_7))
        hr = E_UNEXPECTED;
    return hr;
}

/* The results each method's page lists, for the methods that pass on what
 * the agent answers.  Anything else becomes the page's catch-all: a code
 * that only comes through QueryStatus never comes from the method itself,
 * and no method answers a code its page does not know.  Every list takes
 * S_OK, E_ACCESSDENIED, E_INVALIDARG and E_OUTOFMEMORY as well. */
static const HRESULT documented_start_snapshot_set[] =
{
    VSS_E_BAD_STATE, VSS_E_SNAPSHOT_SET_IN_PROGRESS, VSS_E_UNEXPECTED, 0
};
static const HRESULT documented_add_to_snapshot_set[] =
{
    VSS_E_BAD_STATE, VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
    VSS_E_NESTED_VOLUME_LIMIT, VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_NOT_REGISTERED, VSS_E_PROVIDER_VETO,
    VSS_E_SNAPSHOT_SET_IN_PROGRESS, VSS_E_VOLUME_NOT_SUPPORTED, VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
    VSS_E_UNEXPECTED,
    /* Not on the page, but what Windows answers for a volume added twice. */
    VSS_E_OBJECT_ALREADY_EXISTS, 0
};
static const HRESULT documented_do_snapshot_set[] =
{
    VSS_E_BAD_STATE, VSS_E_INSUFFICIENT_STORAGE, VSS_E_FLUSH_WRITES_TIMEOUT, VSS_E_HOLD_WRITES_TIMEOUT,
    VSS_E_NESTED_VOLUME_LIMIT, VSS_E_PROVIDER_VETO, VSS_E_REBOOT_REQUIRED, VSS_E_TRANSACTION_FREEZE_TIMEOUT,
    VSS_E_TRANSACTION_THAW_TIMEOUT, VSS_E_UNEXPECTED, VSS_E_UNEXPECTED_PROVIDER_ERROR, 0
};
static const HRESULT documented_delete_snapshots[] =
{
    VSS_E_UNEXPECTED, VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_VETO, VSS_E_UNEXPECTED_PROVIDER_ERROR, 0
};
static const HRESULT documented_break_snapshot_set[] =
{
    VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_VETO, VSS_E_UNEXPECTED, 0
};
static const HRESULT documented_snapshot_properties[] =
{
    VSS_E_BAD_STATE, VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_VETO, VSS_E_UNEXPECTED,
    VSS_E_UNEXPECTED_PROVIDER_ERROR, 0
};
static const HRESULT documented_is_volume_supported[] =
{
    VSS_E_BAD_STATE, VSS_E_OBJECT_NOT_FOUND, VSS_E_NESTED_VOLUME_LIMIT, VSS_E_UNEXPECTED, 0
};
static const HRESULT documented_revert[] =
{
    E_FAIL, E_NOTIMPL, VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_NOT_REGISTERED, VSS_E_REVERT_IN_PROGRESS,
    VSS_E_UNSUPPORTED_CONTEXT, VSS_E_VOLUME_IN_USE, VSS_E_VOLUME_NOT_SUPPORTED, 0
};
static const HRESULT documented_query_revert_status[] =
{
    E_FAIL, E_NOTIMPL, E_POINTER, VSS_E_OBJECT_NOT_FOUND, VSS_E_VOLUME_NOT_SUPPORTED, 0
};
static const HRESULT documented_break_snapshot_set_ex[] =
{
    VSS_E_BREAK_REVERT_ID_FAILED, VSS_E_OBJECT_NOT_FOUND, VSS_E_PROVIDER_VETO, VSS_E_UNEXPECTED, 0
};

static const struct
{
    enum backup_slot slot;
    const HRESULT *results;
    HRESULT other;          /* what anything else becomes */
}
documented[] =
{
    {SLOT_START_SNAPSHOT_SET,      documented_start_snapshot_set,    VSS_E_UNEXPECTED},
    {SLOT_ADD_TO_SNAPSHOT_SET,     documented_add_to_snapshot_set,   VSS_E_UNEXPECTED},
    {SLOT_DO_SNAPSHOT_SET,         documented_do_snapshot_set,       VSS_E_UNEXPECTED},
    {SLOT_DELETE_SNAPSHOTS,        documented_delete_snapshots,      VSS_E_UNEXPECTED},
    {SLOT_BREAK_SNAPSHOT_SET,      documented_break_snapshot_set,    VSS_E_UNEXPECTED},
    {SLOT_GET_SNAPSHOT_PROPERTIES, documented_snapshot_properties,   VSS_E_UNEXPECTED},
    {SLOT_QUERY,                   documented_snapshot_properties,   VSS_E_UNEXPECTED},
    {SLOT_IS_VOLUME_SUPPORTED,     documented_is_volume_supported,   VSS_E_UNEXPECTED},
    {SLOT_EXPOSE_SNAPSHOT,         documented_snapshot_properties,   VSS_E_UNEXPECTED},
    {SLOT_UNEXPOSE_SNAPSHOT,       documented_snapshot_properties,   VSS_E_UNEXPECTED},
    {SLOT_REVERT_TO_SNAPSHOT,      documented_revert,                E_FAIL},
    {SLOT_QUERY_REVERT_STATUS,     documented_query_revert_status,   E_FAIL},
    {SLOT_BREAK_SNAPSHOT_SET_EX,   documented_break_snapshot_set_ex, VSS_E_UNEXPECTED},
};

HRESULT policy_documented(enum backup_slot slot, HRESULT hr)
{
    const HRESULT *result;
    unsigned int i;

    if (SUCCEEDED(hr) || hr == E_ACCESSDENIED || hr == E_INVALIDARG || hr == E_OUTOFMEMORY)
        return hr;
    for (i = 0; i < ARRAY_SIZE(documented); ++i)
    {
        if (documented[i].slot != slot)
            continue;
        for (result = documented[i].results; *result; ++result)
        {
            if (*result == hr)
                return hr;
        }
        WARN("slot %u: %#lx is not a documented result; answering %#lx.\n", slot, hr, documented[i].other);
        return documented[i].other;
    }
    return hr;
}

/* First version of each interface, from its reference page. */
BOOL policy_interface_offered(REFIID riid)
{
    policy_load();

    if (IsEqualIID(riid, &IID_IVssBackupComponentsEx))
        return os_has(OS_VISTA, OS_2003SP1);
    if (IsEqualIID(riid, &IID_IVssBackupComponentsEx2))
        return os_has(OS_VISTA, OS_VISTA);
    if (IsEqualIID(riid, &IID_IVssBackupComponentsEx3))
        return os_has(OS_7, OS_7);
    if (IsEqualIID(riid, &IID_IVssBackupComponentsEx4))
        return os_has(OS_8, OS_8);
    if (IsEqualIID(riid, &IID_IVssExamineWriterMetadataEx))
        return os_has(OS_VISTA, OS_2003SP1);
    if (IsEqualIID(riid, &IID_IVssExamineWriterMetadataEx2))
        return os_has(OS_VISTA, OS_VISTA);
    if (IsEqualIID(riid, &IID_IVssSnapshotMgmt))
        return os_has(OS_VISTA, OS_2003);
    if (IsEqualIID(riid, &IID_IVssSnapshotMgmt2))
        return os_has(OS_VISTA, OS_2003SP1);
    if (IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt))
        return os_has(OS_VISTA, OS_2003);
    if (IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt2))
        return os_has(OS_VISTA, OS_VISTA);
    if (IsEqualIID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt3))
        return os_has(OS_VISTA1, OS_VISTA);
    return TRUE;
}

/* A method and the first client and server versions that have it (the
 * requirement blocks of its page). */
struct method_version
{
    unsigned int method;
    DWORD client, server;
};

/* A method the emulated version lacks answers E_NOTIMPL before anything
 * else; one that is not listed exists everywhere. */
static HRESULT method_in_version(const struct method_version *versions, unsigned int count,
        unsigned int method, const char *family)
{
    unsigned int i;

    policy_load();
    for (i = 0; i < count; ++i)
    {
        if (versions[i].method != method)
            continue;
        if (os_has(versions[i].client, versions[i].server))
            return S_OK;
        WARN("%s method %u does not exist in the emulated version.\n", family, method);
        return E_NOTIMPL;
    }
    return S_OK;
}

/* Management methods that client SKUs lack although they have the
 * interface: their pages name no client ("None supported"). */
HRESULT policy_mgmt_method_available(enum mgmt_method method)
{
    static const struct method_version versions[] =
    {
        {MGMT_ADD_DIFF_AREA,              OS_NEVER, OS_2003},
        {MGMT_SET_VOLUME_PROTECT_LEVEL,   OS_NEVER, OS_VISTA},
        {MGMT_GET_VOLUME_PROTECT_LEVEL,   OS_NEVER, OS_VISTA},
        {MGMT_CLEAR_VOLUME_PROTECT_FAULT, OS_NEVER, OS_VISTA},
        {MGMT_DELETE_UNUSED_DIFF_AREAS,   OS_NEVER, OS_VISTA},
    };

    return method_in_version(versions, ARRAY_SIZE(versions), method, "management");
}

/* IVssBackupComponents methods that do not exist in every version.
 * Windows XP documents E_NOTIMPL for SetContext, and an application can
 * only reach the others through a vtable newer than the system's. */
HRESULT policy_method_available(enum backup_slot slot)
{
    static const struct method_version versions[] =
    {
        {SLOT_SET_RESTORE_STATE,           OS_VISTA,  OS_2003},
        {SLOT_ADD_NEW_TARGET,              OS_VISTA,  OS_2003},
        {SLOT_SET_RANGES_FILE_PATH,        OS_VISTA,  OS_2003},
        {SLOT_SET_CONTEXT,                 OS_VISTA,  OS_2003},
        {SLOT_EXPOSE_SNAPSHOT,             OS_VISTA,  OS_2003},
        {SLOT_REVERT_TO_SNAPSHOT,          OS_NEVER,  OS_2003SP1},
        {SLOT_QUERY_REVERT_STATUS,         OS_VISTA1, OS_2003SP1},
        {SLOT_GET_WRITER_METADATA_EX,      OS_VISTA,  OS_2003SP1},
        {SLOT_SET_SELECTED_FOR_RESTORE_EX, OS_VISTA,  OS_2003SP1},
        {SLOT_UNEXPOSE_SNAPSHOT,           OS_VISTA,  OS_VISTA},
        {SLOT_SET_AUTHORITATIVE_RESTORE,   OS_VISTA,  OS_VISTA},
        {SLOT_SET_ROLL_FORWARD,            OS_VISTA,  OS_VISTA},
        {SLOT_SET_RESTORE_NAME,            OS_VISTA,  OS_VISTA},
        {SLOT_BREAK_SNAPSHOT_SET_EX,       OS_VISTA1, OS_VISTA},
        {SLOT_GET_WRITER_STATUS_EX,        OS_7,      OS_7},
        {SLOT_ADD_SNAPSHOT_TO_RECOVERY_SET, OS_7,     OS_7},
        {SLOT_RECOVER_SET,                 OS_7,      OS_7},
        {SLOT_GET_SESSION_ID,              OS_7,      OS_7},
        {SLOT_GET_ROOT_AND_LOGICAL_PREFIX_PATHS, OS_8, OS_8},
    };

    return method_in_version(versions, ARRAY_SIZE(versions), slot, "backup components");
}

/* Attributes that depend on the version or the product type.  The context
 * itself has been validated already.  VSS_E_UNSUPPORTED_CONTEXT is what a
 * client answers for TRANSPORTABLE (qemu-ga's observation); the same code
 * serves for attributes and contexts the emulated version lacks. */
HRESULT policy_context_supported(LONG context)
{
    static const struct
    {
        LONG bits;
        DWORD client, server;
    }
    features[] =
    {
        {VSS_VOLSNAP_ATTR_TRANSPORTABLE,        OS_NEVER,  OS_2003SP1},
        {VSS_VOLSNAP_ATTR_NO_AUTORECOVERY,      OS_VISTA,  OS_VISTA},
        {VSS_VOLSNAP_ATTR_NOT_TRANSACTED,       OS_VISTA,  OS_VISTA},
        {VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT, OS_VISTA1, OS_VISTA},
        {VSS_VOLSNAP_ATTR_TXF_RECOVERY,         OS_VISTA1, OS_VISTA},
    };
    unsigned int i;

    policy_load();
    if (context == VSS_CONTEXT_ALL)
        return S_OK;
    if ((context & VSS_CTX_CLIENT_ACCESSIBLE) == VSS_CTX_CLIENT_ACCESSIBLE_WRITERS
            && !os_has(OS_VISTA, OS_VISTA))
        return VSS_E_UNSUPPORTED_CONTEXT;
    for (i = 0; i < ARRAY_SIZE(features); ++i)
    {
        if ((context & features[i].bits) && !os_has(features[i].client, features[i].server))
            return VSS_E_UNSUPPORTED_CONTEXT;
    }
    return S_OK;
}

/* IVssAsync::Wait: Server 2003 accepts only INFINITE; XP's Wait has no
 * argument at all, so whatever is passed is ignored there. */
enum wait_rule policy_wait_rule(void)
{
    policy_load();
    if (os_is_xp())
        return WAIT_IGNORES_TIMEOUT;
    if (os_version < OS_VISTA)
        return WAIT_INFINITE_ONLY;
    return WAIT_TIMEOUT_HONOURED;
}

/* "\\server\share\" volumes are accepted from Windows 8 and Server 2012. */
BOOL policy_unc_volumes(void)
{
    policy_load();
    return os_has(OS_8, OS_8);
}

/* E_ACCESSDENIED unless the caller (the thread's impersonation token, else
 * the process token) is an administrator, a backup operator, or holds an
 * enabled SeBackupPrivilege. */
HRESULT policy_check_caller(void)
{
    HANDLE token, query;
    PRIVILEGE_SET privileges;
    BOOL allowed = FALSE;

    policy_load();

    if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY | TOKEN_DUPLICATE, TRUE, &token)
            && !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &token))
    {
        ERR("cannot open the caller's token, error %lu.\n", GetLastError());
        return E_ACCESSDENIED;
    }
    /* CheckTokenMembership needs an impersonation token. */
    if (!DuplicateToken(token, SecurityIdentification, &query))
    {
        ERR("cannot duplicate the caller's token, error %lu.\n", GetLastError());
        CloseHandle(token);
        return E_ACCESSDENIED;
    }
    CloseHandle(token);

    if (!CheckTokenMembership(query, admin_sid, &allowed))
        allowed = FALSE;
    if (!allowed && !CheckTokenMembership(query, operators_sid, &allowed))
        allowed = FALSE;
    if (!allowed)
    {
        privileges.PrivilegeCount = 1;
        privileges.Control = PRIVILEGE_SET_ALL_NECESSARY;
        privileges.Privilege[0].Luid = backup_privilege;
        privileges.Privilege[0].Attributes = 0;
        if (!PrivilegeCheck(query, &privileges, &allowed))
            allowed = FALSE;
    }
    CloseHandle(query);

    if (!allowed)
        WARN("the caller is neither an administrator nor a backup operator.\n");
    return allowed ? S_OK : E_ACCESSDENIED;
}
