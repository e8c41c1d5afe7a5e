/*
 * Conformance tests: where vssapi.dll is loaded from, and the dynamic binding
 * some backup programs use (LoadLibrary of system32\vssapi.dll, then
 * GetProcAddress of the mangled factory and of VssFreeSnapshotProperties).
 *
 * The test runner tells which copy must be loaded through the environment
 * variable WINEVSS_DLL_DIR: "app" (next to the executable) or "system32".
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

static void get_directory_of(WCHAR *path)
{
    WCHAR *slash = wcsrchr(path, '\\');

    if (slash)
        *slash = 0;
}

static BOOL dll_expected_in_system32(void)
{
    char where[16];

    return GetEnvironmentVariableA("WINEVSS_DLL_DIR", where, sizeof(where)) && !strcmp(where, "system32");
}

static void test_load_location(void)
{
    WCHAR module_path[MAX_PATH], expected[MAX_PATH];
    HMODULE module;

    if (!GetEnvironmentVariableA("WINEVSS_DLL_DIR", NULL, 0))
    {
        skip("WINEVSS_DLL_DIR is not set.\n");
        return;
    }

    module = GetModuleHandleA("vssapi.dll");
    ok(!!module, "vssapi.dll is not loaded.\n");
    if (!module)
        return;

    GetModuleFileNameW(module, module_path, ARRAY_SIZE(module_path));
    get_directory_of(module_path);

    if (dll_expected_in_system32())
    {
        GetSystemDirectoryW(expected, ARRAY_SIZE(expected));
    }
    else
    {
        GetModuleFileNameW(NULL, expected, ARRAY_SIZE(expected));
        get_directory_of(expected);
    }
    ok(!lstrcmpiW(module_path, expected), "loaded from %s, expected %s.\n",
            wine_dbgstr_w(module_path), wine_dbgstr_w(expected));
}

/* The sequence of a popular Go backup tool: it creates the object twice, the
 * first time only to find out whether it has the privileges.  It loads the
 * DLL by its full system32 path, so do the same when that is where ours is. */
static void test_dynamic_binding(void)
{
    HRESULT (WINAPI *pCreateVssBackupComponents)(IVssBackupComponents **);
    void (WINAPI *pVssFreeSnapshotProperties)(VSS_SNAPSHOT_PROP *);
    WCHAR path[MAX_PATH];
    IVssBackupComponents *backup;
    IUnknown *unknown;
    VSS_SNAPSHOT_PROP prop;
    HMODULE module;
    unsigned int i;
    HRESULT hr;

    if (dll_expected_in_system32())
    {
        GetSystemDirectoryW(path, ARRAY_SIZE(path));
        lstrcatW(path, L"\\vssapi.dll");
    }
    else
        lstrcpyW(path, L"vssapi.dll");
    module = LoadLibraryW(path);
    ok(!!module, "LoadLibraryW(%s) failed, error %lu.\n", wine_dbgstr_w(path), GetLastError());
    if (!module)
        return;

    pCreateVssBackupComponents = (void *)GetProcAddress(module, CREATE_BACKUP_COMPONENTS_MANGLED);
    ok(!!pCreateVssBackupComponents, "%s is not exported.\n", CREATE_BACKUP_COMPONENTS_MANGLED);
    pVssFreeSnapshotProperties = (void *)GetProcAddress(module, "VssFreeSnapshotProperties");
    ok(!!pVssFreeSnapshotProperties, "VssFreeSnapshotProperties is not exported.\n");

    for (i = 0; pCreateVssBackupComponents && i < 2; ++i)
    {
        winetest_push_context("attempt %u", i);
        backup = NULL;
        hr = pCreateVssBackupComponents(&backup);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (backup)
        {
            /* IVssBackupComponents itself: the extensions depend on the
             * emulated version (version.c). */
            hr = IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponents, (void **)&unknown);
            ok(hr == S_OK, "got %#lx.\n", hr);
            if (unknown)
                IUnknown_Release(unknown);
            ok(IVssBackupComponents_Release(backup) == 0, "object still referenced.\n");
        }
        winetest_pop_context();
    }

    if (pVssFreeSnapshotProperties)
    {
        memset(&prop, 0, sizeof(prop));
        pVssFreeSnapshotProperties(&prop);
        ok(!prop.m_pwszSnapshotDeviceObject, "field changed.\n");
    }

    ok(FreeLibrary(module), "FreeLibrary failed, error %lu.\n", GetLastError());
}

START_TEST(loader)
{
    HRESULT hr;

    hr = CoInitialize(NULL);
    ok(hr == S_OK, "CoInitialize failed, hr %#lx.\n", hr);

    test_load_location();
    test_dynamic_binding();

    CoUninitialize();
}
