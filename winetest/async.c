/*
 * Conformance tests: IVssAsync.  Operations progress on their own (polling
 * QueryStatus without ever calling Wait works), success is
 * VSS_S_ASYNC_FINISHED, Cancel and finite waits behave as documented, the
 * object that started the operation changes state when it completes, and
 * everything works from STA and MTA threads.
 *
 * WINEVSS_ASYNC_DELAY_MS (README, docs/decisions.md) holds operations back
 * so that they are observably pending; the tests set it for themselves.
 * No test measures time.
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

/* IVssAsync::Wait takes no argument on XP (any value waits until the end)
 * and only INFINITE on Server 2003. */
static BOOL wait_needs_infinite(void)
{
    return !os_is_xp() && os_version < OS(6, 0, 0);
}

static HRESULT unexpected(void)
{
    return os_version >= OS(6, 1, 0) ? VSS_E_UNEXPECTED : E_UNEXPECTED;
}

static void set_delay(unsigned int ms)
{
    char buffer[16];

    if (!ms)
    {
        SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", NULL);
        return;
    }
    sprintf(buffer, "%u", ms);
    SetEnvironmentVariableA("WINEVSS_ASYNC_DELAY_MS", buffer);
}

static HRESULT query_status(IVssAsync *async)
{
    HRESULT hr, status = 0xdeadbeef;

    hr = IVssAsync_QueryStatus(async, &status, NULL);
    ok(hr == S_OK, "QueryStatus failed, hr %#lx.\n", hr);
    return status;
}

static void test_interface(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async;
    IUnknown *unknown;
    HRESULT hr, status;
    INT reserved = 0;

    hr = IVssBackupComponents_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }

    hr = IVssAsync_QueryInterface(async, &IID_IUnknown, (void **)&unknown);
    ok(hr == S_OK && unknown == (IUnknown *)async, "got %#lx, %p.\n", hr, unknown);
    IUnknown_Release(unknown);
    hr = IVssAsync_QueryInterface(async, &IID_IVssAsync, (void **)&unknown);
    ok(hr == S_OK && unknown == (IUnknown *)async, "got %#lx, %p.\n", hr, unknown);
    IUnknown_Release(unknown);
    unknown = (void *)0xdeadbeef;
    hr = IVssAsync_QueryInterface(async, &IID_IVssBackupComponents, (void **)&unknown);
    ok(hr == E_NOINTERFACE && !unknown, "got %#lx, %p.\n", hr, unknown);
    hr = IVssAsync_QueryInterface(async, &IID_IUnknown, NULL);
    ok(hr == E_POINTER, "got %#lx.\n", hr);

    hr = IVssAsync_QueryStatus(async, NULL, NULL);
    ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
    status = poll_async(async);
    ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
    /* The reserved argument changes nothing. */
    status = 0xdeadbeef;
    hr = IVssAsync_QueryStatus(async, &status, &reserved);
    ok(hr == S_OK && status == VSS_S_ASYNC_FINISHED, "got %#lx, %#lx.\n", hr, status);
    hr = IVssAsync_Wait(async, INFINITE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssAsync_Cancel(async);
    ok(hr == VSS_S_ASYNC_FINISHED, "got %#lx.\n", hr);
    IVssAsync_Release(async);
    release(backup);
}

/* The operation progresses without anybody waiting, and the object changes
 * state when it completes, not when somebody looks. */
static void test_poll(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async, *other;
    HRESULT hr, status;
    UINT count;

    set_delay(1000);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }
    status = query_status(async);
    ok(status == VSS_S_ASYNC_PENDING, "got %#lx.\n", status);
    hr = IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    /* One operation at a time. */
    hr = IVssBackupComponents_GatherWriterStatus(backup, &other);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);

    status = poll_async(async);
    ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
    count = 0xdeadbeef;
    hr = IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    ok(hr == S_OK && !count, "got %#lx, %u.\n", hr, count);
    IVssAsync_Release(async);
    release(backup);

    /* Nobody needs to hold the async object either. */
    backup = create_for_backup();
    set_delay(200);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr == S_OK)
    {
        DWORD start = GetTickCount();

        IVssAsync_Release(async);
        while ((hr = IVssBackupComponents_GetWriterMetadataCount(backup, &count)) == VSS_E_BAD_STATE
                && GetTickCount() - start < 30000)
            Sleep(10);
        ok(hr == S_OK, "got %#lx.\n", hr);
    }
    release(backup);
}

static void test_wait(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async;
    HRESULT hr, status;

    set_delay(1000);
    hr = IVssBackupComponents_GatherWriterStatus(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }

    hr = IVssAsync_Wait(async, 1);
    status = query_status(async);
    if (os_is_xp())
    {
        /* No timeout on XP: Wait returns at the end. */
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
    }
    else if (wait_needs_infinite())
    {
        ok(hr == E_INVALIDARG, "got %#lx.\n", hr);
        ok(status == VSS_S_ASYNC_PENDING, "got %#lx.\n", status);
    }
    else
    {
        /* A finite wait returns while the operation is still running. */
        ok(hr == S_OK, "got %#lx.\n", hr);
        ok(status == VSS_S_ASYNC_PENDING, "got %#lx.\n", status);
    }

    hr = IVssAsync_Wait(async, INFINITE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    status = query_status(async);
    ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
    hr = IVssAsync_Wait(async, 0);
    ok(hr == (wait_needs_infinite() ? E_INVALIDARG : S_OK), "got %#lx.\n", hr);
    IVssAsync_Release(async);
    release(backup);
}

static void test_cancel(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async;
    HRESULT hr, status;
    UINT count;

    set_delay(5000);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr != S_OK)
    {
        release(backup);
        return;
    }

    /* S_OK when this call cancels it, VSS_S_ASYNC_CANCELLED afterwards. */
    hr = IVssAsync_Cancel(async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    status = query_status(async);
    ok(status == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", status);
    hr = IVssAsync_Cancel(async);
    ok(hr == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", hr);
    hr = IVssAsync_Wait(async, INFINITE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    IVssAsync_Release(async);

    /* Nothing was gathered, so it can be gathered again. */
    hr = IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        status = poll_async(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        hr = IVssAsync_Cancel(async);
        ok(hr == VSS_S_ASYNC_FINISHED, "got %#lx.\n", hr);
        status = query_status(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    release(backup);
}

/* A backup of the given type ready for PrepareForBackup: metadata
 * gathered and a snapshot set started. */
static IVssBackupComponents *backup_with_set(VSS_BACKUP_TYPE type)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async;
    VSS_ID id;
    HRESULT hr;

    hr = IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, type, FALSE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        poll_async(async);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_StartSnapshotSet(backup, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    return backup;
}

/* Cancelling PrepareForBackup abandons the backup, like AbortBackup: the
 * creation lock is free again for the next object. */
static void test_cancel_prepare(void)
{
    IVssBackupComponents *backup, *next;
    IVssAsync *async;
    HRESULT hr, status;
    VSS_ID id;

    backup = backup_with_set(VSS_BT_FULL);

    set_delay(5000);
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr == S_OK)
    {
        hr = IVssAsync_Cancel(async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        status = query_status(async);
        ok(status == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponents_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);

    next = create_for_backup();
    hr = IVssBackupComponents_StartSnapshotSet(next, &id);
    ok(hr == S_OK, "got %#lx.\n", hr);
    release(next);
    release(backup);
}

/* AbortBackup stops a PrepareForBackup that is still running. */
static void test_abort_pending(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async;
    HRESULT hr, status;

    backup = backup_with_set(VSS_BT_COPY);
    set_delay(5000);
    async = NULL;
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    hr = IVssBackupComponents_AbortBackup(backup);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (async)
    {
        status = query_status(async);
        ok(status == VSS_S_ASYNC_CANCELLED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    release(backup);
}

/* A restore's events: a cancelled one can be sent again. */
static void test_cancel_restore(void)
{
    IVssBackupComponents *backup = create_for_restore();
    IVssAsync *async;
    HRESULT hr, status;

    set_delay(5000);
    hr = IVssBackupComponents_PreRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    if (hr == S_OK)
    {
        hr = IVssAsync_Cancel(async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_PostRestore(backup, &async);
    ok(hr == VSS_E_BAD_STATE, "got %#lx.\n", hr);
    hr = IVssBackupComponents_PreRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = IVssAsync_Wait(async, INFINITE);
        ok(hr == S_OK, "got %#lx.\n", hr);
        status = query_status(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_PostRestore(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        status = poll_async(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    release(backup);
}

/* The object may outlive its creator's reference while an operation runs. */
static void test_release_while_pending(void)
{
    IVssBackupComponents *backup = create_for_backup();
    IVssAsync *async;
    HRESULT hr, status;

    set_delay(300);
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    set_delay(0);
    IVssBackupComponents_Release(backup);
    if (hr == S_OK)
    {
        status = poll_async(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
}

struct thread_data
{
    IVssAsync *async;
    IVssBackupComponents *backup;
    HRESULT status;
    DWORD apartment;
};

static DWORD WINAPI poll_thread(void *arg)
{
    struct thread_data *data = arg;
    HRESULT hr;

    hr = CoInitializeEx(NULL, data->apartment);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);
    data->status = poll_async(data->async);
    CoUninitialize();
    return 0;
}

/* A whole gathering done on an STA thread, or an MTA one. */
static DWORD WINAPI sequence_thread(void *arg)
{
    struct thread_data *data = arg;
    IVssBackupComponents *backup;
    IVssAsync *async;
    HRESULT hr;
    UINT count;

    hr = CoInitializeEx(NULL, data->apartment);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);
    backup = create_for_backup();
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = IVssAsync_Wait(async, INFINITE);
        ok(hr == S_OK, "got %#lx.\n", hr);
        data->status = query_status(async);
        IVssAsync_Release(async);
    }
    hr = IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    ok(hr == S_OK, "got %#lx.\n", hr);
    /* Hand the object to the other thread, which uses it directly. */
    data->backup = backup;
    CoUninitialize();
    return 0;
}

static void test_threads(void)
{
    static const DWORD apartments[] = {COINIT_APARTMENTTHREADED, COINIT_MULTITHREADED};
    struct thread_data data;
    IVssBackupComponents *backup;
    HANDLE thread;
    unsigned int i;
    UINT count;
    HRESULT hr;

    for (i = 0; i < ARRAY_SIZE(apartments); ++i)
    {
        winetest_push_context("apartment %#lx", apartments[i]);

        /* One thread polls while this one waits. */
        backup = create_for_backup();
        memset(&data, 0, sizeof(data));
        data.apartment = apartments[i];
        set_delay(200);
        hr = IVssBackupComponents_GatherWriterStatus(backup, &data.async);
        ok(hr == S_OK, "got %#lx.\n", hr);
        set_delay(0);
        if (hr == S_OK)
        {
            thread = CreateThread(NULL, 0, poll_thread, &data, 0, NULL);
            hr = IVssAsync_Wait(data.async, INFINITE);
            ok(hr == S_OK, "got %#lx.\n", hr);
            ok(!WaitForSingleObject(thread, 30000), "the thread did not end.\n");
            CloseHandle(thread);
            ok(data.status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", data.status);
            IVssAsync_Release(data.async);
        }
        release(backup);

        /* A whole sequence on that thread, then the object used here. */
        memset(&data, 0, sizeof(data));
        data.apartment = apartments[i];
        thread = CreateThread(NULL, 0, sequence_thread, &data, 0, NULL);
        ok(!WaitForSingleObject(thread, 30000), "the thread did not end.\n");
        CloseHandle(thread);
        ok(data.status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", data.status);
        if (data.backup)
        {
            hr = IVssBackupComponents_GetWriterMetadataCount(data.backup, &count);
            ok(hr == S_OK, "got %#lx.\n", hr);
            release(data.backup);
        }
        winetest_pop_context();
    }
}

/* Cancel on an operation that is past its point of no return: the
 * documented "otherwise" answer, VSS_E_UNEXPECTED (E_UNEXPECTED before
 * Windows 7).  QueryRevertStatus is never cancellable; it needs a volume
 * that can be reverted (R:, tests/volumes.sh). */
static void test_cancel_too_late(void)
{
    IVssBackupComponentsEx4 *backup;
    WCHAR volume[] = L"R:\\";
    IVssAsync *async;
    HRESULT hr, status;

    if (os_version < OS(6, 0, 0) && !os_server)
    {
        skip("QueryRevertStatus does not exist on XP.\n");
        return;
    }
    backup = (IVssBackupComponentsEx4 *)create_for_backup();
    set_delay(1000);
    hr = IVssBackupComponentsEx4_QueryRevertStatus(backup, volume, &async);
    set_delay(0);
    if (hr == VSS_E_OBJECT_NOT_FOUND || hr == VSS_E_VOLUME_NOT_SUPPORTED)
    {
        skip("no R:\\ that can be reverted.\n");
        release((IVssBackupComponents *)backup);
        return;
    }
    ok(hr == S_OK, "got %#lx.\n", hr);
    if (hr == S_OK)
    {
        hr = IVssAsync_Cancel(async);
        ok(hr == unexpected(), "got %#lx.\n", hr);
        status = poll_async(async);
        ok(status == VSS_S_ASYNC_FINISHED, "got %#lx.\n", status);
        IVssAsync_Release(async);
    }
    release((IVssBackupComponents *)backup);
}

START_TEST(async)
{
    HRESULT hr;

    init_os();
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ok(hr == S_OK, "CoInitializeEx failed, hr %#lx.\n", hr);

    test_interface();
    test_poll();
    test_wait();
    test_cancel();
    test_cancel_prepare();
    test_abort_pending();
    test_cancel_restore();
    test_release_while_pending();
    test_threads();
    test_cancel_too_late();

    CoUninitialize();
}
