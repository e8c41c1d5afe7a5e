/*
 * Helpers shared by the conformance tests; see common.h.
 */

#include <stdarg.h>
#include <stdio.h>

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

DWORD os_version;
BOOL os_server;

const WCHAR empty_bcd[] = L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\"/>";

void init_os(void)
{
    NTSTATUS (WINAPI *pRtlGetVersion)(RTL_OSVERSIONINFOEXW *);
    RTL_OSVERSIONINFOEXW info;

    memset(&info, 0, sizeof(info));
    info.dwOSVersionInfoSize = sizeof(info);
    pRtlGetVersion = (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlGetVersion");
    pRtlGetVersion(&info);
    os_version = OS(info.dwMajorVersion, info.dwMinorVersion, info.wServicePackMajor);
    os_server = info.wProductType != VER_NT_WORKSTATION;
}

BOOL os_is_xp(void)
{
    return os_version < OS(5, 2, 0) || (os_version < OS(6, 0, 0) && !os_server);
}

BOOL os_has(DWORD client, DWORD server)
{
    if (os_is_xp())
        return client <= OS(5, 1, 0);
    if (os_server)
        return server != OS_NEVER && os_version >= server;
    return client != OS_NEVER && os_version >= client;
}

BOOL has_set_context(void)
{
    return os_version >= OS(6, 0, 0) || (os_version >= OS(5, 2, 0) && os_server);
}

void *create_backup_(const char *file, unsigned int line)
{
    IVssBackupComponents *backup = NULL;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok_(file, line)(hr == S_OK, "CreateVssBackupComponents failed, hr %#lx.\n", hr);
    return backup;
}

void *create_for_backup_(const char *file, unsigned int line)
{
    IVssBackupComponents *backup = create_backup_(file, line);
    HRESULT hr;

    hr = IVssBackupComponents_InitializeForBackup(backup, NULL);
    ok_(file, line)(hr == S_OK, "InitializeForBackup failed, hr %#lx.\n", hr);
    return backup;
}

void *create_for_restore_(const char *file, unsigned int line)
{
    IVssBackupComponents *backup = create_backup_(file, line);
    BSTR xml = SysAllocString(empty_bcd);
    HRESULT hr;

    hr = IVssBackupComponents_InitializeForRestore(backup, xml);
    ok_(file, line)(hr == S_OK, "InitializeForRestore failed, hr %#lx.\n", hr);
    SysFreeString(xml);
    return backup;
}

void release_(const char *file, unsigned int line, IUnknown *iface)
{
    ULONG refcount = IUnknown_Release(iface);

    ok_(file, line)(!refcount, "object still has %lu references.\n", refcount);
}

HRESULT wait_async_(const char *file, unsigned int line, IVssAsync *async)
{
    HRESULT hr, wait, status = E_FAIL;

    /* Wait returns S_OK, or the operation's failure when it fails. */
    wait = IVssAsync_Wait(async, INFINITE);
    hr = IVssAsync_QueryStatus(async, &status, NULL);
    ok_(file, line)(hr == S_OK, "QueryStatus returned %#lx.\n", hr);
    ok_(file, line)(wait == S_OK || (FAILED(status) && wait == status),
            "Wait returned %#lx, the operation %#lx.\n", wait, status);
    IVssAsync_Release(async);
    return status;
}

HRESULT poll_async_(const char *file, unsigned int line, IVssAsync *async)
{
    HRESULT hr, status = 0xdeadbeef;
    DWORD start = GetTickCount();

    do
    {
        if ((hr = IVssAsync_QueryStatus(async, &status, NULL)) != S_OK || status != VSS_S_ASYNC_PENDING)
            break;
        Sleep(10);
    } while (GetTickCount() - start < 120000);
    ok_(file, line)(hr == S_OK, "QueryStatus failed, hr %#lx.\n", hr);
    ok_(file, line)(status != VSS_S_ASYNC_PENDING, "the operation did not finish.\n");
    return status;
}

HRESULT run_async_(const char *file, unsigned int line, HRESULT hr, IVssAsync *async)
{
    HRESULT status;

    ok_(file, line)(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
        return hr;
    status = poll_async_(file, line, async);
    IVssAsync_Release(async);
    return status;
}

BOOL write_text(const WCHAR *path, const char *text, BOOL append)
{
    HANDLE file;
    DWORD written;
    BOOL ret;

    file = CreateFileW(path, append ? FILE_APPEND_DATA : GENERIC_WRITE, 0, NULL,
            append ? OPEN_EXISTING : CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return FALSE;
    ret = WriteFile(file, text, strlen(text), &written, NULL);
    CloseHandle(file);
    return ret;
}

const char *read_text(const WCHAR *path)
{
    static char buffer[256];
    HANDLE file;
    DWORD size;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return NULL;
    if (!ReadFile(file, buffer, sizeof(buffer) - 1, &size, NULL))
        size = 0;
    CloseHandle(file);
    buffer[size] = 0;
    return buffer;
}

BOOL agent_available(void)
{
    IVssBackupComponents *backup;
    BOOL supported = FALSE;
    HRESULT hr;

    if (FAILED(CreateVssBackupComponentsInternal(&backup)))
        return FALSE;
    hr = IVssBackupComponents_InitializeForBackup(backup, NULL);
    if (hr == S_OK)
        hr = IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, (WCHAR *)L"U:\\", &supported);
    IVssBackupComponents_Release(backup);
    return hr == S_OK;
}

BOOL find_test_volume(IVssBackupComponents *backup, WCHAR *volume)
{
    static const WCHAR candidates[][4] = {L"U:\\", L"T:\\", L"S:\\"};
    BOOL supported;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(candidates); ++i)
    {
        WCHAR candidate[4];

        lstrcpyW(candidate, candidates[i]);
        supported = FALSE;
        if (IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, candidate, &supported) == S_OK && supported)
        {
            lstrcpyW(volume, candidate);
            return TRUE;
        }
    }
    return FALSE;
}

BOOL need_agent_(const char *file, unsigned int line)
{
    if (agent_available())
        return TRUE;
    if (GetEnvironmentVariableA("WINEVSS_AGENT", NULL, 0))
        ok_(file, line)(0, "winevssd is not available.\n");
    else
        skip_(file, line)("winevssd is not available.\n");
    return FALSE;
}

IVssBackupComponents *backup_snapshot_(const char *file, unsigned int line, const WCHAR *root, LONG context,
        VSS_ID *set_id, VSS_ID *snapshot_id)
{
    IVssBackupComponents *backup;
    IVssAsync *async;
    VSS_ID id;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok_(file, line)(hr == S_OK, "CreateVssBackupComponents: %#lx.\n", hr);
    if (hr != S_OK)
        return NULL;
    hr = IVssBackupComponents_InitializeForBackup(backup, NULL);
    ok_(file, line)(hr == S_OK, "InitializeForBackup: %#lx.\n", hr);
    /* XP has no SetContext; the default context is VSS_CTX_BACKUP. */
    if (context != VSS_CTX_BACKUP || has_set_context())
    {
        hr = IVssBackupComponents_SetContext(backup, context);
        ok_(file, line)(hr == S_OK, "SetContext(%#lx): %#lx.\n", context, hr);
    }
    hr = IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE);
    ok_(file, line)(hr == S_OK, "SetBackupState: %#lx.\n", hr);
    /* Writers take part unless the context excludes them. */
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS)
            && (hr = IVssBackupComponents_GatherWriterMetadata(backup, &async)) == S_OK)
        hr = wait_async_(file, line, async) == VSS_S_ASYNC_FINISHED ? S_OK : E_FAIL;
    ok_(file, line)(hr == S_OK, "GatherWriterMetadata: %#lx.\n", hr);
    hr = IVssBackupComponents_StartSnapshotSet(backup, set_id ? set_id : &id);
    ok_(file, line)(hr == S_OK, "StartSnapshotSet: %#lx.\n", hr);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)root, GUID_NULL, snapshot_id);
    ok_(file, line)(hr == S_OK, "AddToSnapshotSet(%s): %#lx.\n", wine_dbgstr_w(root), hr);
    /* PrepareForBackup is for writers (decision 31). */
    if (hr == S_OK && !(context & VSS_VOLSNAP_ATTR_NO_WRITERS))
    {
        if ((hr = IVssBackupComponents_PrepareForBackup(backup, &async)) == S_OK)
            hr = wait_async_(file, line, async) == VSS_S_ASYNC_FINISHED ? S_OK : E_FAIL;
        ok_(file, line)(hr == S_OK, "PrepareForBackup: %#lx.\n", hr);
    }
    if (hr == S_OK && (hr = IVssBackupComponents_DoSnapshotSet(backup, &async)) == S_OK)
        hr = wait_async_(file, line, async);
    ok_(file, line)(hr == VSS_S_ASYNC_FINISHED, "DoSnapshotSet: %#lx.\n", hr);
    if (hr != VSS_S_ASYNC_FINISHED)
    {
        IVssBackupComponents_Release(backup);
        return NULL;
    }
    return backup;
}
