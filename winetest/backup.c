/*
 * Conformance tests: creating the backup components object, its identity
 * (QueryInterface, AddRef, Release) and VssFreeSnapshotProperties.
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

static ULONG get_refcount(void *iface)
{
    IUnknown *unknown = iface;

    IUnknown_AddRef(unknown);
    return IUnknown_Release(unknown);
}

static void test_create(void)
{
    IVssBackupComponents *backup;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    backup = (void *)0xdeadbeef;
    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(backup && backup != (void *)0xdeadbeef, "got %p.\n", backup);
    ok(get_refcount(backup) == 1, "got refcount %lu.\n", get_refcount(backup));
    ok(IVssBackupComponents_Release(backup) == 0, "object still referenced.\n");
}

static void test_create_mangled(void)
{
    HRESULT (WINAPI *pCreateVssBackupComponents)(IVssBackupComponents **);
    IVssBackupComponents *backup;
    HMODULE module = GetModuleHandleA("vssapi.dll");
    HRESULT hr;

    pCreateVssBackupComponents = (void *)GetProcAddress(module, CREATE_BACKUP_COMPONENTS_MANGLED);
    ok(!!pCreateVssBackupComponents, "%s is not exported.\n", CREATE_BACKUP_COMPONENTS_MANGLED);
    if (!pCreateVssBackupComponents)
        return;

    hr = pCreateVssBackupComponents(NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);

    hr = pCreateVssBackupComponents(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(IVssBackupComponents_Release(backup) == 0, "object still referenced.\n");
}

/* The extension interfaces depend on the emulated version; version.c
 * checks which are offered where.  The ones offered give the same pointer. */
static void test_query_interface(void)
{
    static const IID *supported[] =
    {
        &IID_IUnknown,
        &IID_IVssBackupComponents,
    };
    static const IID *extensions[] =
    {
        &IID_IVssBackupComponentsEx,
        &IID_IVssBackupComponentsEx2,
        &IID_IVssBackupComponentsEx3,
        &IID_IVssBackupComponentsEx4,
    };
    static const IID *unsupported[] =
    {
        &IID_IVssAsync,
        &IID_IVssEnumObject,
        &IID_IVssExamineWriterMetadata,
        &IID_IDispatch,
        &IID_IMarshal,
        &GUID_NULL,
    };
    IVssBackupComponents *backup;
    IUnknown *unknown;
    unsigned int i;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
        return;

    for (i = 0; i < ARRAY_SIZE(supported); ++i)
    {
        winetest_push_context("%s", wine_dbgstr_guid(supported[i]));
        unknown = NULL;
        hr = IVssBackupComponents_QueryInterface(backup, supported[i], (void **)&unknown);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(unknown == (IUnknown *)backup, "got %p, expected %p.\n", unknown, backup);
        ok(get_refcount(backup) == 2, "got refcount %lu.\n", get_refcount(backup));
        if (unknown)
            IUnknown_Release(unknown);
        winetest_pop_context();
    }

    for (i = 0; i < ARRAY_SIZE(extensions); ++i)
    {
        winetest_push_context("%s", wine_dbgstr_guid(extensions[i]));
        unknown = (void *)0xdeadbeef;
        hr = IVssBackupComponents_QueryInterface(backup, extensions[i], (void **)&unknown);
        ok(hr == S_OK || hr == E_NOINTERFACE, "got %#lx.\n", hr);
        ok(unknown == (hr == S_OK ? (IUnknown *)backup : NULL), "got %p, expected %p.\n", unknown, backup);
        ok(get_refcount(backup) == (hr == S_OK ? 2 : 1), "got refcount %lu.\n", get_refcount(backup));
        if (hr == S_OK)
            IUnknown_Release(unknown);
        winetest_pop_context();
    }

    for (i = 0; i < ARRAY_SIZE(unsupported); ++i)
    {
        winetest_push_context("%s", wine_dbgstr_guid(unsupported[i]));
        unknown = (void *)0xdeadbeef;
        hr = IVssBackupComponents_QueryInterface(backup, unsupported[i], (void **)&unknown);
        ok(hr == E_NOINTERFACE, "got %#lx.\n", hr);
        ok(!unknown, "got %p.\n", unknown);
        winetest_pop_context();
    }

    hr = IVssBackupComponents_QueryInterface(backup, &IID_IUnknown, NULL);
    ok(hr == E_POINTER, "got %#lx.\n", hr);

    ok(IVssBackupComponents_AddRef(backup) == 2, "AddRef did not count.\n");
    ok(IVssBackupComponents_AddRef(backup) == 3, "AddRef did not count.\n");
    ok(IVssBackupComponents_Release(backup) == 2, "Release did not count.\n");
    ok(IVssBackupComponents_Release(backup) == 1, "Release did not count.\n");
    ok(IVssBackupComponents_Release(backup) == 0, "object still referenced.\n");
}

static void test_two_objects(void)
{
    IVssBackupComponents *first, *second;
    HRESULT hr;

    hr = CreateVssBackupComponentsInternal(&first);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = CreateVssBackupComponentsInternal(&second);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(first != second, "both calls returned %p.\n", first);
    ok(IVssBackupComponents_Release(first) == 0, "first object still referenced.\n");
    ok(IVssBackupComponents_Release(second) == 0, "second object still referenced.\n");
}

static WCHAR *task_strdup(const WCHAR *str)
{
    WCHAR *ret = CoTaskMemAlloc((lstrlenW(str) + 1) * sizeof(WCHAR));

    if (ret)
        lstrcpyW(ret, str);
    return ret;
}

static void test_free_snapshot_properties(void)
{
    void (WINAPI *pVssFreeSnapshotProperties)(VSS_SNAPSHOT_PROP *);
    VSS_SNAPSHOT_PROP prop;

    pVssFreeSnapshotProperties = (void *)GetProcAddress(GetModuleHandleA("vssapi.dll"), "VssFreeSnapshotProperties");
    ok(!!pVssFreeSnapshotProperties, "VssFreeSnapshotProperties is not exported.\n");

    /* NULL and an all-NULL structure are accepted; the latter is how callers
     * initialise a structure. */
    VssFreeSnapshotPropertiesInternal(NULL);
    memset(&prop, 0, sizeof(prop));
    VssFreeSnapshotPropertiesInternal(&prop);
    ok(!prop.m_pwszSnapshotDeviceObject && !prop.m_pwszExposedPath, "fields changed.\n");

    memset(&prop, 0, sizeof(prop));
    prop.m_pwszSnapshotDeviceObject = task_strdup(L"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1");
    prop.m_pwszOriginalVolumeName = task_strdup(L"\\\\?\\Volume{00000000-0000-0000-0000-000000000043}\\");
    prop.m_pwszOriginatingMachine = task_strdup(L"host");
    prop.m_pwszServiceMachine = task_strdup(L"host");
    prop.m_pwszExposedName = task_strdup(L"X:\\");
    prop.m_pwszExposedPath = task_strdup(L"\\");
    prop.m_lSnapshotsCount = 1;
    VssFreeSnapshotPropertiesInternal(&prop);
    ok(!prop.m_pwszSnapshotDeviceObject, "device object not cleared.\n");
    ok(!prop.m_pwszOriginalVolumeName, "original volume not cleared.\n");
    ok(!prop.m_pwszOriginatingMachine, "originating machine not cleared.\n");
    ok(!prop.m_pwszServiceMachine, "service machine not cleared.\n");
    ok(!prop.m_pwszExposedName, "exposed name not cleared.\n");
    ok(!prop.m_pwszExposedPath, "exposed path not cleared.\n");
    ok(prop.m_lSnapshotsCount == 1, "count changed to %ld.\n", prop.m_lSnapshotsCount);

    if (pVssFreeSnapshotProperties)
    {
        prop.m_pwszServiceMachine = task_strdup(L"host");
        pVssFreeSnapshotProperties(&prop);
        ok(!prop.m_pwszServiceMachine, "service machine not cleared.\n");
    }
}

START_TEST(backup)
{
    HRESULT hr;

    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    test_create();
    test_create_mangled();
    test_query_interface();
    test_two_objects();
    test_free_snapshot_properties();

    CoUninitialize();
}
