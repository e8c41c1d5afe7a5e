/*
 * Conformance tests: the writer-side exports and the free functions that are
 * not backed by an implementation yet.  Every export must be callable and
 * answer with a documented code; none may abort.
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

#ifdef _WIN64
#define WRITER_CTOR         "??0CVssWriter@@QEAA@XZ"
#define WRITER_DTOR         "??1CVssWriter@@UEAA@XZ"
#define WRITER_SUBSCRIBE    "?Subscribe@CVssWriter@@QEAAJK@Z"
#define WRITER_UNSUBSCRIBE  "?Unsubscribe@CVssWriter@@QEAAJXZ"
#define WRITER_SET_FAILURE  "?SetWriterFailure@CVssWriter@@IEAAJJ@Z"
#define WRITER_GET_SET_ID   "?GetCurrentSnapshotSetId@CVssWriter@@IEBA?AU_GUID@@XZ"
#define WRITER_VOLUME_COUNT "?GetCurrentVolumeCount@CVssWriter@@IEBAIXZ"
#define WRITER_ON_IDENTIFY  "?OnIdentify@CVssWriter@@UEAA_NPEAVIVssCreateWriterMetadata@@@Z"
#define JET_WRITER_CTOR     "??0CVssJetWriter@@QEAA@XZ"
#define JET_WRITER_DTOR     "??1CVssJetWriter@@UEAA@XZ"
#define THISCALL
#else
#define WRITER_CTOR         "??0CVssWriter@@QAE@XZ"
#define WRITER_DTOR         "??1CVssWriter@@UAE@XZ"
#define WRITER_SUBSCRIBE    "?Subscribe@CVssWriter@@QAGJK@Z"
#define WRITER_UNSUBSCRIBE  "?Unsubscribe@CVssWriter@@QAGJXZ"
#define WRITER_SET_FAILURE  "?SetWriterFailure@CVssWriter@@IAGJJ@Z"
#define WRITER_GET_SET_ID   "?GetCurrentSnapshotSetId@CVssWriter@@IBG?AU_GUID@@XZ"
#define WRITER_VOLUME_COUNT "?GetCurrentVolumeCount@CVssWriter@@IBGIXZ"
#define WRITER_ON_IDENTIFY  "?OnIdentify@CVssWriter@@UAG_NPAVIVssCreateWriterMetadata@@@Z"
#define JET_WRITER_CTOR     "??0CVssJetWriter@@QAE@XZ"
#define JET_WRITER_DTOR     "??1CVssJetWriter@@UAE@XZ"
#define THISCALL __thiscall
#endif

/* What a C++ program's CVssWriter-derived object starts with. */
struct writer_object
{
    const void *vtable;
    void *wrapper;
    char derived[16];
};

static HMODULE vssapi;

#define LOAD(var, name) \
    do { \
        var = (void *)GetProcAddress(vssapi, name); \
        ok(!!var, "%s is not exported.\n", name); \
    } while (0)

static void test_writer_lifetime(void)
{
    void * (THISCALL *ctor)(struct writer_object *), * (THISCALL *jet_ctor)(struct writer_object *);
    void (THISCALL *dtor)(struct writer_object *), (THISCALL *jet_dtor)(struct writer_object *);
    struct writer_object object;
    void *ret;

    LOAD(ctor, WRITER_CTOR);
    LOAD(dtor, WRITER_DTOR);
    LOAD(jet_ctor, JET_WRITER_CTOR);
    LOAD(jet_dtor, JET_WRITER_DTOR);
    if (!ctor || !dtor || !jet_ctor || !jet_dtor)
        return;

    memset(&object, 0xcc, sizeof(object));
    ret = ctor(&object);
    ok(ret == &object, "constructor returned %p, expected %p.\n", ret, &object);
    ok(!object.wrapper, "private pointer not initialised: %p.\n", object.wrapper);
    ok(object.derived[0] == (char)0xcc, "constructor wrote past the base class.\n");
    dtor(&object);

    memset(&object, 0xcc, sizeof(object));
    ret = jet_ctor(&object);
    ok(ret == &object, "constructor returned %p, expected %p.\n", ret, &object);
    ok(object.derived[0] == (char)0xcc, "constructor wrote past the base class.\n");
    jet_dtor(&object);
}

static void test_writer_outside_events(void)
{
    HRESULT (WINAPI *subscribe)(struct writer_object *, DWORD);
    HRESULT (WINAPI *unsubscribe)(struct writer_object *);
    HRESULT (WINAPI *set_failure)(struct writer_object *, HRESULT);
    GUID * (WINAPI *get_set_id)(struct writer_object *, GUID *);
    UINT (WINAPI *volume_count)(struct writer_object *);
    boolean (WINAPI *on_identify)(struct writer_object *, void *);
    struct writer_object object = {0};
    GUID id, *ret;
    HRESULT hr;

    LOAD(subscribe, WRITER_SUBSCRIBE);
    LOAD(unsubscribe, WRITER_UNSUBSCRIBE);
    LOAD(set_failure, WRITER_SET_FAILURE);
    LOAD(get_set_id, WRITER_GET_SET_ID);
    LOAD(volume_count, WRITER_VOLUME_COUNT);
    LOAD(on_identify, WRITER_ON_IDENTIFY);
    if (!subscribe || !unsubscribe || !set_failure || !get_set_id || !volume_count || !on_identify)
        return;

    /* No writer infrastructure: registering is refused, not faked. */
    hr = subscribe(&object, 0);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    hr = unsubscribe(&object);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);

    hr = set_failure(&object, VSS_E_WRITERERROR_RETRYABLE);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    memset(&id, 0xcc, sizeof(id));
    ret = get_set_id(&object, &id);
    ok(ret == &id, "got %p, expected %p.\n", ret, &id);
    ok(IsEqualGUID(&id, &GUID_NULL), "got %s.\n", wine_dbgstr_guid(&id));
    ok(volume_count(&object) == 0, "got %u volumes.\n", volume_count(&object));
    ok(on_identify(&object, NULL) == TRUE, "default OnIdentify failed.\n");
}

static void test_unimplemented_functions(void)
{
    HRESULT (WINAPI *is_volume_snapshotted)(VSS_PWSZ, BOOL *, LONG *);
    HRESULT (WINAPI *should_block_revert)(LPCWSTR, boolean *);
    HRESULT (WINAPI *create_express_writer)(void **);
    HRESULT (WINAPI *create_examine)(BSTR, IVssExamineWriterMetadata **);
    HRESULT (WINAPI *create_writer)(void *, void *);
    HRESULT (WINAPI *create_writer_ex)(void *, void *);
    IVssExamineWriterMetadata *metadata;
    WCHAR volume[] = L"C:\\";
    boolean block;
    BOOL present;
    LONG capability;
    void *writer;
    HRESULT hr;

    LOAD(is_volume_snapshotted, "IsVolumeSnapshotted");
    LOAD(should_block_revert, "ShouldBlockRevert");
    LOAD(create_express_writer, "CreateVssExpressWriterInternal");
    LOAD(create_examine, "CreateVssExamineWriterMetadataInternal");
    LOAD(create_writer, "CreateWriter");
    LOAD(create_writer_ex, "CreateWriterEx");
    if (!is_volume_snapshotted || !should_block_revert || !create_express_writer || !create_examine
            || !create_writer || !create_writer_ex)
        return;

    hr = is_volume_snapshotted(NULL, &present, &capability);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = is_volume_snapshotted((WCHAR *)L"C:", &present, &capability);
    ok(hr == VSS_E_OBJECT_NOT_FOUND, "no trailing backslash: got %#lx.\n", hr);
    if (GetEnvironmentVariableA("WINEVSS_AGENT", NULL, 0))
    {
        present = TRUE;
        capability = -1;
        hr = is_volume_snapshotted(volume, &present, &capability);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(!present, "C: has snapshots.\n");
        ok(!capability, "capability %#lx.\n", capability);
    }
    else
        skip("winevssd is not available.\n");

    hr = should_block_revert(NULL, &block);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = should_block_revert(volume, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    if (GetEnvironmentVariableA("WINEVSS_AGENT", NULL, 0))
    {
        /* No writer runs, so no volume holds a writer that blocks revert. */
        block = TRUE;
        hr = should_block_revert(volume, &block);
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(!block, "got %d.\n", block);
        hr = should_block_revert(L"C:", &block);
        ok(hr == E_INVALIDARG, "no trailing backslash: got %#lx.\n", hr);
        hr = should_block_revert(L"\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\", &block);
        ok(hr == E_INVALIDARG, "no such volume: got %#lx.\n", hr);
    }

    hr = create_express_writer(NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    writer = (void *)0xdeadbeef;
    hr = create_express_writer(&writer);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    ok(!writer, "got %p.\n", writer);

    hr = create_examine(NULL, &metadata);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    hr = create_examine(volume, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    /* Implemented (winetest/wmd.c): a string that is no document. */
    metadata = (void *)0xdeadbeef;
    hr = create_examine(volume, &metadata);
    ok(hr == VSS_E_INVALID_XML_DOCUMENT, "got %#lx.\n", hr);
    ok(!metadata, "got %p.\n", metadata);

    hr = create_writer(NULL, NULL);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
    hr = create_writer_ex(NULL, NULL);
    ok(hr == E_NOTIMPL, "got %#lx.\n", hr);
}

START_TEST(exports)
{
    vssapi = LoadLibraryA("vssapi.dll");
    ok(!!vssapi, "LoadLibrary failed, error %lu.\n", GetLastError());
    if (!vssapi)
        return;

    test_writer_lifetime();
    test_writer_outside_events();
    test_unimplemented_functions();

    FreeLibrary(vssapi);
}
