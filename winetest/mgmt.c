/*
 * Conformance tests: snapshot management.  IVssSnapshotMgmt (from
 * DllGetClassObject and CoCreateInstance(CLSID_VssSnapshotMgmt)), the
 * volumes it lists and the snapshots of a volume; GetProviderMgmtInterface
 * and the diff-area interfaces, which answer that winevss's snapshots take
 * no shadow copy storage (docs/decisions.md); IVssEnumMgmtObject.
 *
 * Which interfaces exist follows the emulated version: IVssSnapshotMgmt and
 * IVssDifferentialSoftwareSnapshotMgmt from Vista / Server 2003,
 * IVssSnapshotMgmt2 from Vista / Server 2003 SP1, ...Mgmt2 from Vista /
 * Server 2008, ...Mgmt3 from Vista SP1 / Server 2008; AddDiffArea and the
 * protection methods exist on servers only.  The parts that need providers,
 * volumes or snapshots are skipped when winevssd is not available.
 */

#include <stdarg.h>
#include <wchar.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "initguid.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsmgmt.h"
#include "vsserror.h"

#include "wine/test.h"
#include "common.h"

#define OS_VISTA   OS(6, 0, 0)
#define OS_VISTA1  OS(6, 0, 1)
#define OS_2003    OS(5, 2, 0)
#define OS_2003SP1 OS(5, 2, 1)

static HRESULT (WINAPI *pGetProviderMgmtInterface)(VSS_ID, IID, IUnknown **);
static HRESULT (WINAPI *pDllGetClassObject)(REFCLSID, REFIID, void **);

static const VSS_ID bogus_provider = {0x01234567, 0x89ab, 0xcdef, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
static const WCHAR bogus_volume[] = L"\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\";
static WCHAR c_drive[] = L"C:\\";

static BOOL has_snapshot_mgmt(void)
{
    return os_has(OS_VISTA, OS_2003);
}

static BOOL has_snapshot_mgmt2(void)
{
    return os_has(OS_VISTA, OS_2003SP1);
}

static BOOL has_diff_mgmt2(void)
{
    return os_has(OS_VISTA, OS_VISTA);
}

static BOOL has_diff_mgmt3(void)
{
    return os_has(OS_VISTA1, OS_VISTA);
}

/* IVssSnapshotMgmt from vssapi's own class factory, or NULL. */
static IVssSnapshotMgmt *create_snapshot_mgmt(void)
{
    IVssSnapshotMgmt *mgmt = NULL;
    IClassFactory *factory;
    HRESULT hr;

    hr = pDllGetClassObject(&CLSID_VssSnapshotMgmt, &IID_IClassFactory, (void **)&factory);
    if (hr != S_OK)
        return NULL;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IVssSnapshotMgmt, (void **)&mgmt);
    ok(hr == S_OK, "CreateInstance: %#lx.\n", hr);
    IClassFactory_Release(factory);
    return mgmt;
}

static ULONG get_providers(VSS_ID *ids, ULONG max_count)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssEnumObject *enumerator;
    VSS_OBJECT_PROP prop;
    ULONG fetched, count = 0;
    HRESULT hr;

    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator);
    ok(hr == S_OK, "Query providers: %#lx.\n", hr);
    if (hr == S_OK)
    {
        while (count < max_count && IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched)
        {
            ids[count++] = prop.Obj.Prov.m_ProviderId;
            CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
            CoTaskMemFree(prop.Obj.Prov.m_pwszProviderVersion);
        }
        IVssEnumObject_Release(enumerator);
    }
    release(backup);
    return count;
}

static void free_mgmt_prop(VSS_MGMT_OBJECT_PROP *prop)
{
    switch (prop->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        CoTaskMemFree(prop->Obj.Vol.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        CoTaskMemFree(prop->Obj.DiffVol.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.DiffVol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        CoTaskMemFree(prop->Obj.DiffArea.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        break;
    default:
        break;
    }
}

/* An empty IVssEnumMgmtObject behaves as an empty enumerator; released. */
#define check_empty_enum(e) check_empty_enum_(__LINE__, e)
static void check_empty_enum_(unsigned int line, IVssEnumMgmtObject *enumerator)
{
    IVssEnumMgmtObject *clone;
    VSS_MGMT_OBJECT_PROP prop;
    IUnknown *unknown;
    ULONG fetched;
    HRESULT hr;

    ok_(__FILE__, line)(!!enumerator, "no enumerator.\n");
    if (!enumerator)
        return;
    fetched = 0xdead;
    hr = IVssEnumMgmtObject_Next(enumerator, 1, &prop, &fetched);
    ok_(__FILE__, line)(hr == S_FALSE, "Next: %#lx.\n", hr);
    ok_(__FILE__, line)(!fetched, "fetched %lu.\n", fetched);
    hr = IVssEnumMgmtObject_Skip(enumerator, 1);
    ok_(__FILE__, line)(hr == S_FALSE, "Skip: %#lx.\n", hr);
    hr = IVssEnumMgmtObject_Reset(enumerator);
    ok_(__FILE__, line)(hr == S_OK, "Reset: %#lx.\n", hr);
    hr = IVssEnumMgmtObject_Clone(enumerator, &clone);
    ok_(__FILE__, line)(hr == S_OK, "Clone: %#lx.\n", hr);
    if (hr == S_OK)
        release(clone);
    hr = IVssEnumMgmtObject_QueryInterface(enumerator, &IID_IVssEnumObject, (void **)&unknown);
    ok_(__FILE__, line)(hr == E_NOINTERFACE, "QueryInterface(IVssEnumObject): %#lx.\n", hr);
    release_(__FILE__, line, (IUnknown *)enumerator);
}

static void test_class_object(void)
{
    IVssSnapshotMgmt2 *mgmt2;
    IClassFactory *factory;
    IVssSnapshotMgmt *mgmt;
    IUnknown *unknown;
    HRESULT hr;

    hr = pDllGetClassObject(&CLSID_VssSnapshotMgmt, &IID_IClassFactory, NULL);
    ok(hr == E_POINTER, "got %#lx.\n", hr);
    factory = (void *)0xdeadbeef;
    hr = pDllGetClassObject(&IID_IVssSnapshotMgmt, &IID_IClassFactory, (void **)&factory);
    ok(hr == CLASS_E_CLASSNOTAVAILABLE, "another class: got %#lx.\n", hr);
    ok(!factory, "got %p.\n", factory);

    hr = pDllGetClassObject(&CLSID_VssSnapshotMgmt, &IID_IClassFactory, (void **)&factory);
    if (!has_snapshot_mgmt())
    {
        ok(hr == CLASS_E_CLASSNOTAVAILABLE, "XP has no such class: got %#lx.\n", hr);
        return;
    }
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
        return;

    hr = IClassFactory_CreateInstance(factory, (IUnknown *)factory, &IID_IVssSnapshotMgmt, (void **)&mgmt);
    ok(hr == CLASS_E_NOAGGREGATION, "aggregation: got %#lx.\n", hr);
    mgmt = (void *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IVssEnumObject, (void **)&mgmt);
    ok(hr == E_NOINTERFACE, "got %#lx.\n", hr);
    ok(!mgmt, "got %p.\n", mgmt);
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IVssSnapshotMgmt, (void **)&mgmt);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IClassFactory_Release(factory);
    if (hr != S_OK)
        return;

    hr = IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IUnknown, (void **)&unknown);
    ok(hr == S_OK && unknown == (IUnknown *)mgmt, "IUnknown: %#lx, %p.\n", hr, unknown);
    IUnknown_Release(unknown);
    hr = IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IVssDifferentialSoftwareSnapshotMgmt, (void **)&unknown);
    ok(hr == E_NOINTERFACE, "got %#lx.\n", hr);
    hr = IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IVssSnapshotMgmt2, (void **)&mgmt2);
    if (!has_snapshot_mgmt2())
    {
        ok(hr == E_NOINTERFACE, "IVssSnapshotMgmt2 before Server 2003 SP1: got %#lx.\n", hr);
    }
    else
    {
        LONGLONG size = 0;
        DWORD megabytes, length = sizeof(megabytes);

        ok(hr == S_OK, "IVssSnapshotMgmt2: got %#lx.\n", hr);
        hr = IVssSnapshotMgmt2_GetMinDiffAreaSize(mgmt2, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssSnapshotMgmt2_GetMinDiffAreaSize(mgmt2, &size);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (!RegGetValueW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\VolSnap",
                L"MinDiffAreaFileSize", RRF_RT_REG_DWORD, NULL, &megabytes, &length))
            ok(size == (LONGLONG)megabytes << 20, "got %s, MinDiffAreaFileSize %lu MB.\n",
                    wine_dbgstr_longlong(size), megabytes);
        else
            ok(size == 320 << 20, "got %s.\n", wine_dbgstr_longlong(size));
        IVssSnapshotMgmt2_Release(mgmt2);
    }
    release(mgmt);
}

/* CoCreateInstance as Windows programs call it.  The class is registered
 * by `winevss install`; where it is not, the test registers it in
 * HKLM\Software\Classes for its own duration. */
static void test_cocreate(void)
{
    static const WCHAR key_name[] = L"Software\\Classes\\CLSID\\{0b5a2c52-3eb9-470a-96e2-6c6d4570e40f}";
    IVssSnapshotMgmt *mgmt = NULL;
    BOOL registered = FALSE;
    HKEY key;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_INPROC_SERVER, &IID_IVssSnapshotMgmt, (void **)&mgmt);
    if (hr == REGDB_E_CLASSNOTREG)
    {
        LSTATUS status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);

        ok(!status, "cannot register the class, error %ld.\n", status);
        if (status)
            return;
        registered = TRUE;
        RegSetKeyValueW(key, L"InprocServer32", NULL, REG_SZ, L"vssapi.dll", sizeof(L"vssapi.dll"));
        RegSetKeyValueW(key, L"InprocServer32", L"ThreadingModel", REG_SZ, L"Both", sizeof(L"Both"));
        RegCloseKey(key);
        trace("registered CLSID_VssSnapshotMgmt for the test.\n");
        hr = CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_INPROC_SERVER, &IID_IVssSnapshotMgmt,
                (void **)&mgmt);
    }
    if (!has_snapshot_mgmt())
    {
        ok(hr == CLASS_E_CLASSNOTAVAILABLE, "XP: got %#lx.\n", hr);
        ok(!mgmt, "got %p.\n", mgmt);
    }
    else
    {
        ok(hr == S_OK, "CoCreateInstance: %#lx.\n", hr);
        if (hr == S_OK)
        {
            IVssEnumMgmtObject *enumerator = (void *)0xdeadbeef;

            /* A method answers through the object CoCreateInstance gave. */
            hr = IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, VSS_CTX_ALL, NULL);
            ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
            hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, NULL, GUID_NULL, (IVssEnumObject **)&enumerator);
            ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
            ok(!enumerator, "got %p.\n", enumerator);
            release(mgmt);
        }
    }
    if (registered)
    {
        LSTATUS status = RegDeleteTreeW(HKEY_LOCAL_MACHINE, key_name);

        ok(!status, "cannot remove the registration, error %ld.\n", status);
    }
}

/* The IIDs GetProviderMgmtInterface offers for a provider, per version. */
static void test_provider_iids(const VSS_ID *provider, IVssSnapshotMgmt *mgmt)
{
    static const struct
    {
        const IID *iid;
        DWORD client, server;
    }
    iids[] =
    {
        {&IID_IVssDifferentialSoftwareSnapshotMgmt,  OS_VISTA,  OS_2003},
        {&IID_IVssDifferentialSoftwareSnapshotMgmt2, OS_VISTA,  OS_VISTA},
        {&IID_IVssDifferentialSoftwareSnapshotMgmt3, OS_VISTA1, OS_VISTA},
        {&IID_IUnknown,                              OS_NEVER,  OS_NEVER},
        {&IID_IVssSnapshotMgmt,                      OS_NEVER,  OS_NEVER},
        {&IID_IVssEnumMgmtObject,                    OS_NEVER,  OS_NEVER},
    };
    IUnknown *unknown, *other;
    unsigned int i, j;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(iids); ++i)
    {
        BOOL offered = os_has(iids[i].client, iids[i].server);

        unknown = (void *)0xdeadbeef;
        hr = pGetProviderMgmtInterface(*provider, *iids[i].iid, &unknown);
        ok(hr == (offered ? S_OK : E_NOINTERFACE), "%s, %s: got %#lx.\n", wine_dbgstr_guid(provider),
                wine_dbgstr_guid(iids[i].iid), hr);
        if (hr != S_OK)
        {
            ok(!unknown, "got %p.\n", unknown);
            continue;
        }
        /* The object offers the same interfaces through QueryInterface. */
        for (j = 0; j < 3; ++j)
        {
            hr = IUnknown_QueryInterface(unknown, iids[j].iid, (void **)&other);
            ok(hr == (os_has(iids[j].client, iids[j].server) ? S_OK : E_NOINTERFACE), "QueryInterface(%s): %#lx.\n",
                    wine_dbgstr_guid(iids[j].iid), hr);
            if (hr == S_OK)
                IUnknown_Release(other);
        }
        hr = IUnknown_QueryInterface(unknown, &IID_IVssSnapshotMgmt, (void **)&other);
        ok(hr == E_NOINTERFACE, "QueryInterface(IVssSnapshotMgmt): %#lx.\n", hr);
        release(unknown);

        if (mgmt)
        {
            hr = IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, *provider, iids[i].iid, &unknown);
            ok(hr == S_OK, "IVssSnapshotMgmt::GetProviderMgmtInterface(%s): %#lx.\n",
                    wine_dbgstr_guid(iids[i].iid), hr);
            if (hr == S_OK)
                release(unknown);
        }
    }
}

static void test_get_provider_mgmt_interface(void)
{
    IVssSnapshotMgmt *mgmt = create_snapshot_mgmt();
    VSS_ID providers[16];
    IUnknown *unknown;
    ULONG count, i;
    HRESULT hr;

    hr = pGetProviderMgmtInterface(GUID_NULL, IID_IVssDifferentialSoftwareSnapshotMgmt, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    if (mgmt)
    {
        hr = IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, GUID_NULL, &IID_IVssDifferentialSoftwareSnapshotMgmt,
                NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    }
    /* The interface is checked first, without the agent. */
    unknown = (void *)0xdeadbeef;
    hr = pGetProviderMgmtInterface(bogus_provider, IID_IVssEnumObject, &unknown);
    ok(hr == E_NOINTERFACE, "got %#lx.\n", hr);
    ok(!unknown, "got %p.\n", unknown);

    if (!need_agent())
    {
        if (mgmt)
            release(mgmt);
        return;
    }

    unknown = (void *)0xdeadbeef;
    hr = pGetProviderMgmtInterface(bogus_provider, IID_IVssDifferentialSoftwareSnapshotMgmt, &unknown);
    ok(hr == (has_snapshot_mgmt() ? VSS_E_PROVIDER_NOT_REGISTERED : E_NOINTERFACE), "bogus provider: got %#lx.\n", hr);
    ok(!unknown, "got %p.\n", unknown);
    hr = pGetProviderMgmtInterface(GUID_NULL, IID_IVssDifferentialSoftwareSnapshotMgmt, &unknown);
    ok(hr == (has_snapshot_mgmt() ? VSS_E_PROVIDER_NOT_REGISTERED : E_NOINTERFACE), "GUID_NULL: got %#lx.\n", hr);
    if (mgmt)
    {
        hr = IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, bogus_provider,
                &IID_IVssDifferentialSoftwareSnapshotMgmt, &unknown);
        ok(hr == VSS_E_PROVIDER_NOT_REGISTERED, "got %#lx.\n", hr);
    }

    count = get_providers(providers, ARRAY_SIZE(providers));
    ok(count >= 2, "%lu providers.\n", count);
    for (i = 0; i < count; ++i)
        test_provider_iids(&providers[i], mgmt);
    if (mgmt)
        release(mgmt);
}

static void test_diff_queries(IVssDifferentialSoftwareSnapshotMgmt *diff)
{
    HRESULT (WINAPI *queries[])(IVssDifferentialSoftwareSnapshotMgmt *, VSS_PWSZ, IVssEnumMgmtObject **) =
    {
        diff->lpVtbl->QueryVolumesSupportedForDiffAreas,
        diff->lpVtbl->QueryDiffAreasForVolume,
        diff->lpVtbl->QueryDiffAreasOnVolume,
    };
    IVssEnumMgmtObject *enumerator;
    VSS_ID id = {0x1};
    unsigned int i;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(queries); ++i)
    {
        winetest_push_context("query %u", i);
        hr = queries[i](diff, c_drive, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        enumerator = (void *)0xdeadbeef;
        hr = queries[i](diff, NULL, &enumerator);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        ok(!enumerator, "got %p.\n", enumerator);
        enumerator = (void *)0xdeadbeef;
        hr = queries[i](diff, (WCHAR *)bogus_volume, &enumerator);
        ok(hr == E_INVALIDARG, "not a volume: got %#lx.\n", hr);
        ok(!enumerator, "got %p.\n", enumerator);
        /* S_OK, never S_FALSE, with an enumerator of nothing. */
        enumerator = NULL;
        hr = queries[i](diff, c_drive, &enumerator);
        ok(hr == S_OK, "got %#lx.\n", hr);
        check_empty_enum(enumerator);
        winetest_pop_context();
    }

    hr = IVssDifferentialSoftwareSnapshotMgmt_QueryDiffAreasForSnapshot(diff, id, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    enumerator = NULL;
    hr = IVssDifferentialSoftwareSnapshotMgmt_QueryDiffAreasForSnapshot(diff, id, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    check_empty_enum(enumerator);
}

static void test_diff_changes(IVssDifferentialSoftwareSnapshotMgmt *diff)
{
    HRESULT hr;

    hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, c_drive, c_drive, VSS_ASSOC_NO_MAX_SPACE);
    if (!os_server)
    {
        /* Clients have no AddDiffArea. */
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
    }
    else
    {
        ok(hr == VSS_E_VOLUME_NOT_SUPPORTED, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, NULL, c_drive, VSS_ASSOC_NO_MAX_SPACE);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, c_drive, NULL, VSS_ASSOC_NO_MAX_SPACE);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, c_drive, c_drive, 100 << 20);
        ok(hr == E_INVALIDARG, "below 320 MB: got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, c_drive, c_drive, (LONGLONG)320 << 20);
        ok(hr == VSS_E_VOLUME_NOT_SUPPORTED, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, c_drive, (WCHAR *)bogus_volume, -1);
        ok(hr == E_INVALIDARG, "not a volume: got %#lx.\n", hr);
    }

    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, NULL, c_drive, 0);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, c_drive, NULL, 0);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, c_drive, c_drive, -2);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    /* No association exists, and none can be made. */
    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, c_drive, c_drive, VSS_ASSOC_REMOVE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "remove: got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, c_drive, c_drive, (LONGLONG)1 << 30);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, c_drive, c_drive,
            VSS_ASSOC_NO_MAX_SPACE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "unlimited: got %#lx.\n", hr);
}

static void test_diff_mgmt2(IVssDifferentialSoftwareSnapshotMgmt2 *diff)
{
    IVssAsync *async;
    HRESULT hr;

    hr = IVssDifferentialSoftwareSnapshotMgmt2_ChangeDiffAreaMaximumSizeEx(diff, c_drive, c_drive, 0, TRUE);
    ok(hr == E_INVALIDARG, "volatile removal: got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt2_ChangeDiffAreaMaximumSizeEx(diff, NULL, c_drive, 0, FALSE);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt2_ChangeDiffAreaMaximumSizeEx(diff, c_drive, c_drive, 0, FALSE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssDifferentialSoftwareSnapshotMgmt2_ChangeDiffAreaMaximumSizeEx(diff, c_drive, c_drive, -1, TRUE);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

    /* Reserved for future use. */
    hr = IVssDifferentialSoftwareSnapshotMgmt2_MigrateDiffAreas(diff, c_drive, c_drive, c_drive);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    async = (void *)0xdeadbeef;
    hr = IVssDifferentialSoftwareSnapshotMgmt2_QueryMigrationStatus(diff, c_drive, c_drive, &async);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    ok(!async, "got %p.\n", async);
    hr = IVssDifferentialSoftwareSnapshotMgmt2_SetSnapshotPriority(diff, GUID_NULL, 1);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
}

static void test_diff_mgmt3(IVssDifferentialSoftwareSnapshotMgmt3 *diff)
{
    VSS_VOLUME_PROTECTION_INFO info;
    ULONG block_size, length;
    BYTE *bitmap;
    HRESULT hr;

    hr = IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, c_drive,
            VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME);
    if (!os_server)
    {
        /* The protection methods exist on servers only. */
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
        memset(&info, 0xcc, sizeof(info));
        hr = IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, c_drive, &info);
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, c_drive);
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, c_drive);
        ok(hr == E_NOTIMPL, "client: got %#lx.\n", hr);
    }
    else
    {
        /* The provider has no shadow copy protection (page's E_NOTIMPL). */
        ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, NULL,
                VSS_PROTECTION_LEVEL_SNAPSHOT);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, c_drive, 2);
        ok(hr == E_INVALIDARG, "bad level: got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, (WCHAR *)bogus_volume,
                VSS_PROTECTION_LEVEL_SNAPSHOT);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

        hr = IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, c_drive, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        memset(&info, 0xcc, sizeof(info));
        hr = IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, c_drive, &info);
        ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
        ok(!info.m_protectionLevel && !info.m_protectionFault && !info.m_failureStatus,
                "level %d, fault %d, status %#lx.\n", info.m_protectionLevel, info.m_protectionFault,
                info.m_failureStatus);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, (WCHAR *)bogus_volume, &info);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

        hr = IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, c_drive);
        ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, (WCHAR *)bogus_volume);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);

        /* No volume holds a diff area, so there is nothing unused to delete. */
        hr = IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, c_drive);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, NULL);
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        hr = IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, (WCHAR *)bogus_volume);
        ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    }

    /* Reserved for future use. */
    block_size = length = 0xdead;
    bitmap = (void *)0xdeadbeef;
    hr = IVssDifferentialSoftwareSnapshotMgmt3_QuerySnapshotDeltaBitmap(diff, GUID_NULL, GUID_NULL, &block_size,
            &length, &bitmap);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    ok(!block_size && !length && !bitmap, "got %lu, %lu, %p.\n", block_size, length, bitmap);
}

static void test_diff_mgmt(void)
{
    IVssDifferentialSoftwareSnapshotMgmt3 *diff3;
    IVssDifferentialSoftwareSnapshotMgmt2 *diff2;
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    VSS_ID providers[16];
    ULONG count, i;
    HRESULT hr;

    if (!has_snapshot_mgmt())
    {
        skip("no diff-area management before Vista / Server 2003.\n");
        return;
    }
    if (!need_agent())
        return;

    count = get_providers(providers, ARRAY_SIZE(providers));
    for (i = 0; i < count; ++i)
    {
        winetest_push_context("provider %s", wine_dbgstr_guid(&providers[i]));
        hr = pGetProviderMgmtInterface(providers[i], IID_IVssDifferentialSoftwareSnapshotMgmt, (IUnknown **)&diff);
        ok(hr == S_OK, "got %#lx.\n", hr);
        if (hr != S_OK)
        {
            winetest_pop_context();
            continue;
        }
        test_diff_queries(diff);
        test_diff_changes(diff);
        if (IVssDifferentialSoftwareSnapshotMgmt_QueryInterface(diff, &IID_IVssDifferentialSoftwareSnapshotMgmt2,
                (void **)&diff2) == S_OK)
        {
            test_diff_mgmt2(diff2);
            IVssDifferentialSoftwareSnapshotMgmt2_Release(diff2);
        }
        else
            ok(!has_diff_mgmt2(), "no IVssDifferentialSoftwareSnapshotMgmt2.\n");
        if (IVssDifferentialSoftwareSnapshotMgmt_QueryInterface(diff, &IID_IVssDifferentialSoftwareSnapshotMgmt3,
                (void **)&diff3) == S_OK)
        {
            test_diff_mgmt3(diff3);
            IVssDifferentialSoftwareSnapshotMgmt3_Release(diff3);
        }
        else
            ok(!has_diff_mgmt3(), "no IVssDifferentialSoftwareSnapshotMgmt3.\n");
        release(diff);
        winetest_pop_context();
    }
}

static void test_supported_volumes(IVssSnapshotMgmt *mgmt, const WCHAR *test_volume)
{
    WCHAR expected[MAX_PATH], first[MAX_PATH] = {0};
    IVssEnumMgmtObject *enumerator, *clone;
    VSS_MGMT_OBJECT_PROP props[32];
    ULONG fetched, i;
    BOOL found = FALSE;
    HRESULT hr;

    enumerator = (void *)0xdeadbeef;
    hr = IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, bogus_provider, VSS_CTX_ALL, &enumerator);
    ok(hr == VSS_E_PROVIDER_NOT_REGISTERED, "got %#lx.\n", hr);
    ok(!enumerator, "got %p.\n", enumerator);

    ok(GetVolumeNameForVolumeMountPointW(test_volume, expected, ARRAY_SIZE(expected)), "no volume name.\n");
    hr = IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, VSS_CTX_ALL, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
        return;
    hr = IVssEnumMgmtObject_Next(enumerator, ARRAY_SIZE(props), props, &fetched);
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    ok(fetched >= 1, "%lu volumes.\n", fetched);
    for (i = 0; i < fetched; ++i)
    {
        ok(props[i].Type == VSS_MGMT_OBJECT_VOLUME, "type %d.\n", props[i].Type);
        ok(!wcsncmp(props[i].Obj.Vol.m_pwszVolumeName, L"\\\\?\\Volume{", 11), "name %s.\n",
                wine_dbgstr_w(props[i].Obj.Vol.m_pwszVolumeName));
        ok(wcslen(props[i].Obj.Vol.m_pwszVolumeDisplayName) == 3 && props[i].Obj.Vol.m_pwszVolumeDisplayName[1] == ':',
                "display name %s.\n", wine_dbgstr_w(props[i].Obj.Vol.m_pwszVolumeDisplayName));
        if (!wcsicmp(props[i].Obj.Vol.m_pwszVolumeDisplayName, test_volume))
        {
            found = TRUE;
            ok(!wcsicmp(props[i].Obj.Vol.m_pwszVolumeName, expected), "got %s, expected %s.\n",
                    wine_dbgstr_w(props[i].Obj.Vol.m_pwszVolumeName), wine_dbgstr_w(expected));
        }
        if (!i)
            lstrcpyW(first, props[i].Obj.Vol.m_pwszVolumeName);
        free_mgmt_prop(&props[i]);
    }
    ok(found, "%s is not listed.\n", wine_dbgstr_w(test_volume));

    /* Positions: Reset, Skip to the end, a clone starting where it was. */
    hr = IVssEnumMgmtObject_Reset(enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumMgmtObject_Clone(enumerator, &clone);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumMgmtObject_Skip(enumerator, fetched);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumMgmtObject_Skip(enumerator, 1);
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    if (clone)
    {
        hr = IVssEnumMgmtObject_Next(clone, 1, props, &i);
        ok(hr == S_OK && i == 1, "got %#lx, %lu.\n", hr, i);
        if (hr == S_OK)
        {
            ok(!wcscmp(props[0].Obj.Vol.m_pwszVolumeName, first), "got %s.\n",
                    wine_dbgstr_w(props[0].Obj.Vol.m_pwszVolumeName));
            free_mgmt_prop(&props[0]);
        }
        release(clone);
    }
    release(enumerator);
}

/* The snapshot's entry in the enumerator, if any; the others are freed. */
static BOOL find_snapshot(IVssEnumObject *enumerator, const VSS_ID *id, const WCHAR *volume_name)
{
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    BOOL found = FALSE;

    while (IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched)
    {
        ok(prop.Type == VSS_OBJECT_SNAPSHOT, "type %d.\n", prop.Type);
        ok(!wcsicmp(prop.Obj.Snap.m_pwszOriginalVolumeName, volume_name), "snapshot of %s.\n",
                wine_dbgstr_w(prop.Obj.Snap.m_pwszOriginalVolumeName));
        if (IsEqualGUID(&prop.Obj.Snap.m_SnapshotId, id))
            found = TRUE;
        VssFreeSnapshotProperties(&prop.Obj.Snap);
    }
    return found;
}

static void test_snapshots_by_volume(IVssSnapshotMgmt *mgmt, WCHAR *test_volume)
{
    WCHAR volume_name[MAX_PATH], c_name[MAX_PATH], no_backslash[] = L"C:";
    IVssBackupComponents *backup;
    IVssEnumObject *enumerator;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID snapshot_id;
    HRESULT hr;

    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, test_volume, GUID_NULL, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    enumerator = (void *)0xdeadbeef;
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, no_backslash, GUID_NULL, &enumerator);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    ok(!enumerator, "got %p.\n", enumerator);
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, (WCHAR *)bogus_volume, GUID_NULL, &enumerator);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "got %#lx.\n", hr);
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, test_volume, bogus_provider, &enumerator);
    ok(hr == VSS_E_PROVIDER_NOT_REGISTERED, "got %#lx.\n", hr);

    GetVolumeNameForVolumeMountPointW(test_volume, volume_name, ARRAY_SIZE(volume_name));
    GetVolumeNameForVolumeMountPointW(c_drive, c_name, ARRAY_SIZE(c_name));
    if (!(backup = backup_snapshot(test_volume, VSS_CTX_BACKUP, &snapshot_id)))
        return;
    hr = IVssBackupComponents_GetSnapshotProperties(backup, snapshot_id, &prop);
    ok(hr == S_OK, "GetSnapshotProperties: %#lx.\n", hr);

    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, test_volume, GUID_NULL, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(find_snapshot(enumerator, &snapshot_id, volume_name), "the snapshot is not listed.\n");
        IVssEnumObject_Release(enumerator);
    }
    /* By its volume GUID name and by its provider as well. */
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, volume_name, prop.m_ProviderId, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(find_snapshot(enumerator, &snapshot_id, volume_name), "the snapshot is not listed.\n");
        IVssEnumObject_Release(enumerator);
    }
    /* Not for another volume: S_OK all the same. */
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, c_drive, GUID_NULL, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(!find_snapshot(enumerator, &snapshot_id, c_name), "the snapshot is listed for C:.\n");
        IVssEnumObject_Release(enumerator);
    }
    VssFreeSnapshotProperties(&prop);

    /* Gone with its auto-release set. */
    release(backup);
    hr = IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, test_volume, GUID_NULL, &enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        ok(!find_snapshot(enumerator, &snapshot_id, volume_name), "the snapshot is still listed.\n");
        IVssEnumObject_Release(enumerator);
    }
}

static void test_snapshot_mgmt(void)
{
    IVssBackupComponents *backup;
    IVssSnapshotMgmt *mgmt;
    WCHAR test_volume[4] = {0};

    if (!has_snapshot_mgmt())
    {
        skip("no IVssSnapshotMgmt before Vista / Server 2003.\n");
        return;
    }
    if (!need_agent())
        return;
    backup = create_for_backup();
    find_test_volume(backup, test_volume);
    release(backup);
    if (!test_volume[0])
    {
        skip("no test volume (tests/volumes.sh) in this prefix.\n");
        return;
    }
    if (!(mgmt = create_snapshot_mgmt()))
        return;
    test_supported_volumes(mgmt, test_volume);
    test_snapshots_by_volume(mgmt, test_volume);
    release(mgmt);
}

START_TEST(mgmt)
{
    HMODULE vssapi = GetModuleHandleA("vssapi.dll");
    HRESULT hr;

    init_os();
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    pGetProviderMgmtInterface = (void *)GetProcAddress(vssapi, "GetProviderMgmtInterface");
    pDllGetClassObject = (void *)GetProcAddress(vssapi, "DllGetClassObject");
    ok(pGetProviderMgmtInterface && pDllGetClassObject, "missing exports.\n");
    if (pGetProviderMgmtInterface && pDllGetClassObject)
    {
        test_class_object();
        test_cocreate();
        test_get_provider_mgmt_interface();
        test_diff_mgmt();
        test_snapshot_mgmt();
    }
    CoUninitialize();
}
