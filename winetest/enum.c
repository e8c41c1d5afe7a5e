/*
 * Conformance tests: IVssBackupComponents::Query and IVssEnumObject.
 * Next fills what it can and says S_FALSE when that is less than asked,
 * Skip, Reset and Clone keep their own positions, every string handed out
 * is the caller's, and a query that finds nothing gives S_FALSE with an
 * empty enumerator.
 *
 * The providers come from winevssd; when it cannot be reached Query fails
 * and the enumerator tests are skipped.
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

static void free_props(VSS_OBJECT_PROP *props, ULONG count)
{
    ULONG i;

    for (i = 0; i < count; ++i)
    {
        if (props[i].Type == VSS_OBJECT_SNAPSHOT)
            VssFreeSnapshotProperties(&props[i].Obj.Snap);
        else if (props[i].Type == VSS_OBJECT_PROVIDER)
        {
            CoTaskMemFree(props[i].Obj.Prov.m_pwszProviderName);
            CoTaskMemFree(props[i].Obj.Prov.m_pwszProviderVersion);
        }
    }
}

static void test_query_arguments(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssEnumObject *enumerator;
    VSS_ID id = {0x1};
    HRESULT hr;

    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    /* Only GUID_NULL, VSS_OBJECT_NONE and snapshots or providers. */
    enumerator = (void *)0xdeadbeef;
    hr = IVssBackupComponents_Query(backup, id, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    ok(!enumerator, "got %p.\n", enumerator);
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_SNAPSHOT_SET, VSS_OBJECT_SNAPSHOT, &enumerator);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT_SET, &enumerator);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_TYPE_COUNT, &enumerator);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    IVssBackupComponents_Release(backup);
}

/* Nothing matches: S_FALSE, and an enumerator that is empty. */
static void test_query_nothing(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssEnumObject *enumerator, *clone;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    HRESULT hr;

    /* Nobody makes client-accessible snapshots in the test prefixes. */
    if (has_set_context())
    {
        hr = IVssBackupComponents_SetContext(backup, VSS_CTX_CLIENT_ACCESSIBLE);
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    enumerator = NULL;
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    if (hr == (os_version >= OS(6, 1, 0) ? VSS_E_UNEXPECTED : E_UNEXPECTED))
    {
        skip("winevssd is not available.\n");
        IVssBackupComponents_Release(backup);
        return;
    }
    if (!has_set_context() && hr == S_OK)
    {
        skip("another requester holds snapshots.\n");
        IVssEnumObject_Release(enumerator);
        IVssBackupComponents_Release(backup);
        return;
    }
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    ok(!!enumerator, "got no enumerator.\n");
    if (enumerator)
    {
        memset(&prop, 0xcc, sizeof(prop));
        fetched = 0xdeadbeef;
        hr = IVssEnumObject_Next(enumerator, 1, &prop, &fetched);
        ok(hr == S_FALSE, "got %#lx.\n", hr);
        ok(!fetched, "got %lu.\n", fetched);
        hr = IVssEnumObject_Next(enumerator, 0, &prop, &fetched);
        ok(hr == S_OK && !fetched, "got %#lx, %lu.\n", hr, fetched);
        hr = IVssEnumObject_Skip(enumerator, 1);
        ok(hr == S_FALSE, "got %#lx.\n", hr);
        hr = IVssEnumObject_Skip(enumerator, 0);
        ok(hr == S_OK, "got %#lx.\n", hr);
        hr = IVssEnumObject_Reset(enumerator);
        ok(hr == S_OK, "got %#lx.\n", hr);
        clone = NULL;
        hr = IVssEnumObject_Clone(enumerator, &clone);
        ok(hr == S_OK && clone, "got %#lx, %p.\n", hr, clone);
        if (clone)
        {
            hr = IVssEnumObject_Next(clone, 3, &prop, &fetched);
            ok(hr == S_FALSE && !fetched, "got %#lx, %lu.\n", hr, fetched);
            IVssEnumObject_Release(clone);
        }
        IVssEnumObject_Release(enumerator);
    }
    IVssBackupComponents_Release(backup);
}

/* The providers: at least the one winevssd offers. */
static void test_enumerator(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssEnumObject *enumerator, *clone;
    VSS_OBJECT_PROP *props, *again, prop;
    ULONG count, fetched, i;
    IUnknown *unknown;
    HRESULT hr;

    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator);
    if (FAILED(hr) || hr == S_FALSE)
    {
        skip("no providers, hr %#lx.\n", hr);
        if (SUCCEEDED(hr))
            IVssEnumObject_Release(enumerator);
        IVssBackupComponents_Release(backup);
        return;
    }
    ok(hr == S_OK, "got %#lx.\n", hr);

    hr = IVssEnumObject_QueryInterface(enumerator, &IID_IVssEnumObject, (void **)&unknown);
    ok(hr == S_OK && unknown == (IUnknown *)enumerator, "got %#lx, %p.\n", hr, unknown);
    IUnknown_Release(unknown);
    hr = IVssEnumObject_QueryInterface(enumerator, &IID_IVssAsync, (void **)&unknown);
    ok(hr == E_NOINTERFACE, "got %#lx.\n", hr);

    hr = IVssEnumObject_Next(enumerator, 1, NULL, &fetched);
    ok(hr == E_POINTER, "got %#lx.\n", hr);
    hr = IVssEnumObject_Next(enumerator, 1, &prop, NULL);
    ok(hr == E_POINTER, "got %#lx.\n", hr);
    hr = IVssEnumObject_Clone(enumerator, NULL);
    ok(hr == E_POINTER, "got %#lx.\n", hr);

    /* Ask for more than there is: all of them, S_FALSE, and the count. */
    props = calloc(64, sizeof(*props));
    fetched = 0xdeadbeef;
    hr = IVssEnumObject_Next(enumerator, 64, props, &fetched);
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    ok(fetched && fetched < 64, "got %lu.\n", fetched);
    count = fetched < 64 ? fetched : 0;
    for (i = 0; i < count; ++i)
    {
        winetest_push_context("provider %lu", i);
        ok(props[i].Type == VSS_OBJECT_PROVIDER, "got type %d.\n", props[i].Type);
        ok(!IsEqualGUID(&props[i].Obj.Prov.m_ProviderId, &GUID_NULL), "no provider id.\n");
        ok(props[i].Obj.Prov.m_pwszProviderName && *props[i].Obj.Prov.m_pwszProviderName, "no name.\n");
        ok(props[i].Obj.Prov.m_eProviderType >= VSS_PROV_SYSTEM && props[i].Obj.Prov.m_eProviderType <= VSS_PROV_FILESHARE,
                "got type %d.\n", props[i].Obj.Prov.m_eProviderType);
        winetest_pop_context();
    }
    hr = IVssEnumObject_Next(enumerator, 1, &prop, &fetched);
    ok(hr == S_FALSE && !fetched, "got %#lx, %lu.\n", hr, fetched);

    /* Reset and fetch one by one, as vshadow does; fresh strings each time. */
    hr = IVssEnumObject_Reset(enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    again = calloc(64, sizeof(*again));
    for (i = 0; i < count; ++i)
    {
        hr = IVssEnumObject_Next(enumerator, 1, &again[i], &fetched);
        ok(hr == S_OK && fetched == 1, "got %#lx, %lu.\n", hr, fetched);
        ok(IsEqualGUID(&again[i].Obj.Prov.m_ProviderId, &props[i].Obj.Prov.m_ProviderId), "wrong order.\n");
        ok(again[i].Obj.Prov.m_pwszProviderName != props[i].Obj.Prov.m_pwszProviderName, "shared string.\n");
    }
    free_props(again, count);

    /* Skip, and a clone that starts where its original is. */
    hr = IVssEnumObject_Reset(enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumObject_Skip(enumerator, count);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumObject_Skip(enumerator, 1);
    ok(hr == S_FALSE, "got %#lx.\n", hr);
    hr = IVssEnumObject_Reset(enumerator);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssEnumObject_Skip(enumerator, count - 1);
    ok(hr == S_OK, "got %#lx.\n", hr);
    clone = NULL;
    hr = IVssEnumObject_Clone(enumerator, &clone);
    ok(hr == S_OK && clone, "got %#lx, %p.\n", hr, clone);
    if (clone)
    {
        hr = IVssEnumObject_Next(clone, 2, again, &fetched);
        ok(hr == S_FALSE && fetched == 1, "got %#lx, %lu.\n", hr, fetched);
        if (fetched == 1)
            ok(IsEqualGUID(&again[0].Obj.Prov.m_ProviderId, &props[count - 1].Obj.Prov.m_ProviderId),
                    "wrong provider.\n");
        free_props(again, fetched);
        /* The clone has its own position and outlives its original. */
        hr = IVssEnumObject_Reset(clone);
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    hr = IVssEnumObject_Next(enumerator, 1, again, &fetched);
    ok(hr == S_OK && fetched == 1, "got %#lx, %lu.\n", hr, fetched);
    free_props(again, fetched);
    IVssEnumObject_Release(enumerator);
    if (clone)
    {
        hr = IVssEnumObject_Next(clone, count, again, &fetched);
        ok(hr == S_OK && fetched == count, "got %#lx, %lu.\n", hr, fetched);
        free_props(again, fetched);
        IVssEnumObject_Release(clone);
    }

    free_props(props, count);
    free(props);
    free(again);
    IVssBackupComponents_Release(backup);
}

/* The same from another object, as requesters that look for the system
 * provider on a separate object do. */
static void test_separate_object(void)
{
    IVssBackupComponents *first = create_for_backup(), *second = create_for_backup();
    IVssEnumObject *a = NULL, *b = NULL;
    VSS_OBJECT_PROP pa, pb;
    ULONG fa = 0, fb = 0;
    HRESULT hr1, hr2;

    hr1 = IVssBackupComponents_Query(first, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &a);
    hr2 = IVssBackupComponents_Query(second, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &b);
    ok(hr1 == hr2, "got %#lx and %#lx.\n", hr1, hr2);
    if (hr1 == S_OK && hr2 == S_OK)
    {
        IVssEnumObject_Next(a, 1, &pa, &fa);
        IVssEnumObject_Next(b, 1, &pb, &fb);
        ok(fa == 1 && fb == 1, "got %lu and %lu.\n", fa, fb);
        if (fa == 1 && fb == 1)
            ok(IsEqualGUID(&pa.Obj.Prov.m_ProviderId, &pb.Obj.Prov.m_ProviderId), "different providers.\n");
        free_props(&pa, fa);
        free_props(&pb, fb);
    }
    if (SUCCEEDED(hr1))
        IVssEnumObject_Release(a);
    if (SUCCEEDED(hr2))
        IVssEnumObject_Release(b);
    IVssBackupComponents_Release(first);
    IVssBackupComponents_Release(second);
}

START_TEST(enum)
{
    HRESULT hr;

    init_os();
    hr = CoInitialize(NULL);
    ok(hr == S_OK, "CoInitialize failed, hr %#lx.\n", hr);

    test_query_arguments();
    test_query_nothing();
    test_enumerator();
    test_separate_object();

    CoUninitialize();
}
