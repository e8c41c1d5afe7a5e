/*
 * vssapi.dll: IVssAsync, the handle on an asynchronous operation.
 *
 * Every operation runs on a worker thread of its own and makes progress
 * whether or not anybody waits: requesters poll QueryStatus without ever
 * calling Wait.  The worker owns a reference to the async object and one to
 * the object that started the operation, so both outlive a caller that
 * releases them early.  The owner's state changes in the operation's
 * completion callback, which runs before the outcome becomes visible here.
 *
 * Cancellation: Cancel asks the worker to stop and waits (without holding
 * the lock) until it has; an operation is cancellable until its run()
 * passes async_commit().  Past that point, or for an operation that can
 * never be cancelled, Cancel answers VSS_E_UNEXPECTED and the operation
 * finishes normally (docs/decisions.md, "Cancel too late").
 *
 * Test knob: WINEVSS_ASYNC_DELAY_MS, read when an operation starts, makes
 * the worker wait that many milliseconds (interruptible by Cancel) before
 * it does the work, so that tests see a pending operation.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

#define ASYNC_MAX_DELAY 60000

struct vss_async
{
    IVssAsync IVssAsync_iface;
    LONG refcount;

    struct async_operation operation;
    void *context;
    IUnknown *owner;
    DWORD delay;
    HANDLE cancel_event;    /* set by Cancel, wakes the worker's delay */
    HANDLE done_event;      /* manual reset, set once the outcome is final */

    CRITICAL_SECTION cs;    /* protects the fields below */
    BOOL done;
    HRESULT result;         /* once done: VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED,
                               another success code, or the failure */
    BOOL cancel_requested;
    BOOL committed;         /* past the point where Cancel can stop it */
};

static inline struct vss_async *impl_from_IVssAsync(IVssAsync *iface)
{
    return CONTAINING_RECORD(iface, struct vss_async, IVssAsync_iface);
}

static HRESULT WINAPI async_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssAsync))
    {
        *out = iface;
        IVssAsync_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI async_AddRef(IVssAsync *iface)
{
    struct vss_async *async = impl_from_IVssAsync(iface);
    ULONG refcount = InterlockedIncrement(&async->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI async_Release(IVssAsync *iface)
{
    struct vss_async *async = impl_from_IVssAsync(iface);
    ULONG refcount = InterlockedDecrement(&async->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        CloseHandle(async->cancel_event);
        CloseHandle(async->done_event);
        DeleteCriticalSection(&async->cs);
        free(async);
        vssapi_unlock_module();
    }
    return refcount;
}

/* What Cancel answers for an operation that is over. */
static HRESULT async_finished_answer(HRESULT result)
{
    if (FAILED(result) || result == VSS_S_ASYNC_CANCELLED)
        return result;
    return VSS_S_ASYNC_FINISHED;
}

static HRESULT WINAPI async_Cancel(IVssAsync *iface)
{
    struct vss_async *async = impl_from_IVssAsync(iface);
    BOOL ours = FALSE;
    HRESULT hr;

    TRACE("%p.\n", iface);

    EnterCriticalSection(&async->cs);
    if (!async->done && !async->cancel_requested)
    {
        if (!async->operation.cancellable || async->committed)
        {
            LeaveCriticalSection(&async->cs);
            WARN("%p: too late to cancel.\n", iface);
            return policy_result(VSS_E_UNEXPECTED);
        }
        async->cancel_requested = ours = TRUE;
        SetEvent(async->cancel_event);
    }
    LeaveCriticalSection(&async->cs);

    /* The worker stops promptly: it is in its delay or before async_commit. */
    WaitForSingleObject(async->done_event, INFINITE);

    EnterCriticalSection(&async->cs);
    hr = async->result;
    LeaveCriticalSection(&async->cs);

    if (ours && hr == VSS_S_ASYNC_CANCELLED)
        return S_OK;
    return policy_result(async_finished_answer(hr));
}

static HRESULT WINAPI async_Wait(IVssAsync *iface, DWORD timeout)
{
    struct vss_async *async = impl_from_IVssAsync(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %lu.\n", iface, timeout);

    switch (policy_wait_rule())
    {
    case WAIT_INFINITE_ONLY:
        if (timeout != INFINITE)
            return E_INVALIDARG;
        break;
    case WAIT_IGNORES_TIMEOUT:
        timeout = INFINITE;
        break;
    case WAIT_TIMEOUT_HONOURED:
        break;
    }
    if ((hr = policy_check_caller()) != S_OK)
        return hr;

    /* A finite wait that expires is not an error: QueryStatus then reports
     * VSS_S_ASYNC_PENDING (docs/decisions.md). */
    WaitForSingleObject(async->done_event, timeout);

    EnterCriticalSection(&async->cs);
    if (async->done && FAILED(async->result))
        hr = async->result;
    LeaveCriticalSection(&async->cs);
    return policy_result(hr);
}

static HRESULT WINAPI async_QueryStatus(IVssAsync *iface, HRESULT *result, INT *reserved)
{
    struct vss_async *async = impl_from_IVssAsync(iface);
    HRESULT hr;

    TRACE("%p, %p, %p.\n", iface, result, reserved);

    if (!result)
        return E_INVALIDARG;
    if ((hr = policy_check_caller()) != S_OK)
        return hr;
    if (reserved)
        WARN("ignoring reserved argument %p.\n", reserved);

    EnterCriticalSection(&async->cs);
    *result = async->done ? policy_result(async->result) : VSS_S_ASYNC_PENDING;
    LeaveCriticalSection(&async->cs);
    return S_OK;
}

/* For the owner (AbortBackup): stops the operation if it still can be
 * stopped, and returns once it is over either way. */
void async_abandon(IVssAsync *iface)
{
    struct vss_async *async = impl_from_IVssAsync(iface);

    TRACE("%p.\n", iface);

    EnterCriticalSection(&async->cs);
    if (!async->done && async->operation.cancellable && !async->committed)
    {
        async->cancel_requested = TRUE;
        SetEvent(async->cancel_event);
    }
    LeaveCriticalSection(&async->cs);
    WaitForSingleObject(async->done_event, INFINITE);
}

static const IVssAsyncVtbl async_vtbl =
{
    async_QueryInterface,
    async_AddRef,
    async_Release,
    async_Cancel,
    async_Wait,
    async_QueryStatus,
};

BOOL async_commit(struct vss_async *async)
{
    BOOL cancelled;

    EnterCriticalSection(&async->cs);
    cancelled = async->cancel_requested;
    if (!cancelled)
        async->committed = TRUE;
    LeaveCriticalSection(&async->cs);
    return !cancelled;
}

static DWORD WINAPI async_worker(void *arg)
{
    struct vss_async *async = arg;
    HMODULE module = NULL;
    HRESULT hr;

    TRACE("%p: starting, delay %lu ms.\n", async, async->delay);

    if (async->delay)
        WaitForSingleObject(async->cancel_event, async->delay);

    EnterCriticalSection(&async->cs);
    if (async->cancel_requested)
        hr = VSS_S_ASYNC_CANCELLED;
    else
        hr = S_OK;
    LeaveCriticalSection(&async->cs);

    if (hr == S_OK)
        hr = async->operation.run(async, async->context);

    /* The owner changes state before anybody can see the outcome, and is
     * let go before too: a caller that sees the operation finished may
     * release the last reference it expects to hold. */
    if (async->operation.complete)
        async->operation.complete(async->context, hr);
    IUnknown_Release(async->owner);

    EnterCriticalSection(&async->cs);
    async->result = hr == S_OK ? VSS_S_ASYNC_FINISHED : hr;
    async->done = TRUE;
    LeaveCriticalSection(&async->cs);
    SetEvent(async->done_event);

    TRACE("%p: finished with %#lx.\n", async, hr);

    IVssAsync_Release(&async->IVssAsync_iface);

    /* The pin taken by async_start keeps the DLL loaded until here. */
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
            (const WCHAR *)async_worker, &module);
    FreeLibraryAndExitThread(module, 0);
}

static DWORD async_delay(void)
{
    WCHAR buffer[16];
    DWORD len;

    len = GetEnvironmentVariableW(L"WINEVSS_ASYNC_DELAY_MS", buffer, ARRAY_SIZE(buffer));
    if (!len || len >= (DWORD)ARRAY_SIZE(buffer))
        return 0;
    return min(wcstoul(buffer, NULL, 10), ASYNC_MAX_DELAY);
}

HRESULT async_start(const struct async_operation *operation, void *context, IUnknown *owner,
        IVssAsync **out)
{
    struct vss_async *async;
    HMODULE module;
    HANDLE thread;

    if (!(async = calloc(1, sizeof(*async))))
        return E_OUTOFMEMORY;

    async->IVssAsync_iface.lpVtbl = &async_vtbl;
    /* One reference for the caller, one for the worker. */
    async->refcount = 2;
    async->operation = *operation;
    async->context = context;
    async->owner = owner;
    async->delay = async_delay();
    InitializeCriticalSection(&async->cs);
    async->cancel_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    async->done_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!async->cancel_event || !async->done_event)
        goto fail;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)async_worker, &module))
        goto fail;
    IUnknown_AddRef(owner);
    vssapi_lock_module();

    if (!(thread = CreateThread(NULL, 0, async_worker, async, 0, NULL)))
    {
        ERR("cannot create a worker thread, error %lu.\n", GetLastError());
        IUnknown_Release(owner);
        vssapi_unlock_module();
        FreeLibrary(module);
        goto fail;
    }
    CloseHandle(thread);

    TRACE("started %p.\n", async);
    *out = &async->IVssAsync_iface;
    return S_OK;

fail:
    if (async->cancel_event)
        CloseHandle(async->cancel_event);
    if (async->done_event)
        CloseHandle(async->done_event);
    DeleteCriticalSection(&async->cs);
    free(async);
    return E_OUTOFMEMORY;
}
