/*
 * vssapi.dll: the enumerators.  IVssEnumObject is the result of
 * IVssBackupComponents::Query and IVssSnapshotMgmt::QuerySnapshotsByVolume,
 * IVssEnumMgmtObject that of the management queries (IVssSnapshotMgmt,
 * IVssDifferentialSoftwareSnapshotMgmt).
 *
 * Both interfaces have the same shape and share one implementation, told
 * apart by the kind of item they hand out (its size, its deep copy, its
 * free).  The list is built once, when the query runs, and shared
 * (reference counted) by an enumerator and its clones; each enumerator has
 * its own position.  Next hands out fresh copies of the strings, because
 * callers free what they get (VssFreeSnapshotProperties, or CoTaskMemFree
 * for providers and management objects).
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

struct item_kind
{
    size_t size;
    /* A deep copy for the caller; on failure nothing is left allocated. */
    BOOL (*copy)(void *dst, const void *src);
    void (*free)(void *item);
};

struct item_list
{
    LONG refcount;
    const struct item_kind *kind;
    ULONG count;
    void *items;
};

struct enumerator
{
    IVssEnumObject IVssEnumObject_iface;
    IVssEnumMgmtObject IVssEnumMgmtObject_iface;
    LONG refcount;

    struct item_list *list;
    CRITICAL_SECTION cs;    /* protects position */
    ULONG position;
};

static BOOL copy_string(VSS_PWSZ *dst, const WCHAR *src)
{
    size_t size;

    if (!src)
    {
        *dst = NULL;
        return TRUE;
    }
    size = (wcslen(src) + 1) * sizeof(WCHAR);
    if (!(*dst = CoTaskMemAlloc(size)))
        return FALSE;
    memcpy(*dst, src, size);
    return TRUE;
}

static void free_string(VSS_PWSZ *string)
{
    CoTaskMemFree(*string);
    *string = NULL;
}

static void free_object_prop(void *item)
{
    VSS_OBJECT_PROP *prop = item;

    if (prop->Type == VSS_OBJECT_SNAPSHOT)
    {
        VssFreeSnapshotPropertiesInternal(&prop->Obj.Snap);
    }
    else if (prop->Type == VSS_OBJECT_PROVIDER)
    {
        free_string(&prop->Obj.Prov.m_pwszProviderName);
        free_string(&prop->Obj.Prov.m_pwszProviderVersion);
    }
}

static BOOL copy_object_prop(void *dst_item, const void *src_item)
{
    const VSS_OBJECT_PROP *src = src_item;
    VSS_OBJECT_PROP *dst = dst_item;
    BOOL ok = TRUE;

    *dst = *src;
    if (src->Type == VSS_OBJECT_SNAPSHOT)
    {
        const VSS_SNAPSHOT_PROP *s = &src->Obj.Snap;
        VSS_SNAPSHOT_PROP *d = &dst->Obj.Snap;

        ok = copy_string(&d->m_pwszSnapshotDeviceObject, s->m_pwszSnapshotDeviceObject);
        ok = copy_string(&d->m_pwszOriginalVolumeName, s->m_pwszOriginalVolumeName) && ok;
        ok = copy_string(&d->m_pwszOriginatingMachine, s->m_pwszOriginatingMachine) && ok;
        ok = copy_string(&d->m_pwszServiceMachine, s->m_pwszServiceMachine) && ok;
        ok = copy_string(&d->m_pwszExposedName, s->m_pwszExposedName) && ok;
        ok = copy_string(&d->m_pwszExposedPath, s->m_pwszExposedPath) && ok;
    }
    else if (src->Type == VSS_OBJECT_PROVIDER)
    {
        ok = copy_string(&dst->Obj.Prov.m_pwszProviderName, src->Obj.Prov.m_pwszProviderName);
        ok = copy_string(&dst->Obj.Prov.m_pwszProviderVersion, src->Obj.Prov.m_pwszProviderVersion) && ok;
    }
    if (!ok)
        free_object_prop(dst);
    return ok;
}

static const struct item_kind object_kind = {sizeof(VSS_OBJECT_PROP), copy_object_prop, free_object_prop};

/* Every string of a VSS_MGMT_OBJECT_PROP, which the caller frees with
 * CoTaskMemFree (docs/decisions.md). */
static unsigned int mgmt_prop_strings(VSS_MGMT_OBJECT_PROP *prop, VSS_PWSZ *strings[2])
{
    switch (prop->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        strings[0] = &prop->Obj.Vol.m_pwszVolumeName;
        strings[1] = &prop->Obj.Vol.m_pwszVolumeDisplayName;
        return 2;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        strings[0] = &prop->Obj.DiffVol.m_pwszVolumeName;
        strings[1] = &prop->Obj.DiffVol.m_pwszVolumeDisplayName;
        return 2;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        strings[0] = &prop->Obj.DiffArea.m_pwszVolumeName;
        strings[1] = &prop->Obj.DiffArea.m_pwszDiffAreaVolumeName;
        return 2;
    default:
        return 0;
    }
}

static void free_mgmt_prop(void *item)
{
    VSS_PWSZ *strings[2];
    unsigned int i, count = mgmt_prop_strings(item, strings);

    for (i = 0; i < count; ++i)
        free_string(strings[i]);
}

static BOOL copy_mgmt_prop(void *dst, const void *src)
{
    VSS_PWSZ *strings[2];
    unsigned int i, count;
    BOOL ok = TRUE;

    memcpy(dst, src, sizeof(VSS_MGMT_OBJECT_PROP));
    count = mgmt_prop_strings(dst, strings);
    /* Each string still points at the list's copy. */
    for (i = 0; i < count; ++i)
        ok = copy_string(strings[i], *strings[i]) && ok;
    if (!ok)
    {
        /* Those that failed are NULL already; the others are the caller's. */
        free_mgmt_prop(dst);
    }
    return ok;
}

static const struct item_kind mgmt_kind = {sizeof(VSS_MGMT_OBJECT_PROP), copy_mgmt_prop, free_mgmt_prop};

static inline void *item_at(const struct item_list *list, void *items, ULONG index)
{
    return (char *)items + (size_t)index * list->kind->size;
}

static void item_list_release(struct item_list *list)
{
    ULONG i;

    if (InterlockedDecrement(&list->refcount))
        return;
    for (i = 0; i < list->count; ++i)
        list->kind->free(item_at(list, list->items, i));
    free(list->items);
    free(list);
}

/* The shared core of both interfaces. */

static ULONG enumerator_addref(struct enumerator *object)
{
    ULONG refcount = InterlockedIncrement(&object->refcount);

    TRACE("%p, refcount %lu.\n", object, refcount);
    return refcount;
}

static ULONG enumerator_release(struct enumerator *object)
{
    ULONG refcount = InterlockedDecrement(&object->refcount);

    TRACE("%p, refcount %lu.\n", object, refcount);

    if (!refcount)
    {
        item_list_release(object->list);
        DeleteCriticalSection(&object->cs);
        free(object);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT enumerator_next(struct enumerator *object, ULONG count, void *items, ULONG *fetched)
{
    struct item_list *list = object->list;
    ULONG i, n;

    if (!items || !fetched)
        return E_POINTER;

    EnterCriticalSection(&object->cs);
    n = min(count, list->count - object->position);
    for (i = 0; i < n; ++i)
    {
        if (!list->kind->copy(item_at(list, items, i), item_at(list, list->items, object->position + i)))
        {
            while (i--)
                list->kind->free(item_at(list, items, i));
            LeaveCriticalSection(&object->cs);
            *fetched = 0;
            ERR("out of memory.\n");
            return E_FAIL;
        }
    }
    object->position += n;
    LeaveCriticalSection(&object->cs);

    *fetched = n;
    return n == count ? S_OK : S_FALSE;
}

static HRESULT enumerator_skip(struct enumerator *object, ULONG count)
{
    ULONG left;

    EnterCriticalSection(&object->cs);
    left = object->list->count - object->position;
    object->position += min(count, left);
    LeaveCriticalSection(&object->cs);
    return count <= left ? S_OK : S_FALSE;
}

static HRESULT enumerator_reset(struct enumerator *object)
{
    EnterCriticalSection(&object->cs);
    object->position = 0;
    LeaveCriticalSection(&object->cs);
    return S_OK;
}

static HRESULT enumerator_create(struct item_list *list, ULONG position, struct enumerator **out);

static HRESULT enumerator_clone(struct enumerator *object, struct enumerator **out)
{
    ULONG position;

    EnterCriticalSection(&object->cs);
    position = object->position;
    LeaveCriticalSection(&object->cs);
    InterlockedIncrement(&object->list->refcount);
    return enumerator_create(object->list, position, out);
}

/* IVssEnumObject */

static inline struct enumerator *impl_from_IVssEnumObject(IVssEnumObject *iface)
{
    return CONTAINING_RECORD(iface, struct enumerator, IVssEnumObject_iface);
}

static HRESULT WINAPI enum_object_QueryInterface(IVssEnumObject *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssEnumObject))
    {
        *out = iface;
        IVssEnumObject_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_object_AddRef(IVssEnumObject *iface)
{
    return enumerator_addref(impl_from_IVssEnumObject(iface));
}

static ULONG WINAPI enum_object_Release(IVssEnumObject *iface)
{
    return enumerator_release(impl_from_IVssEnumObject(iface));
}

static HRESULT WINAPI enum_object_Next(IVssEnumObject *iface, ULONG count, VSS_OBJECT_PROP *props, ULONG *fetched)
{
    TRACE("%p, %lu, %p, %p.\n", iface, count, props, fetched);

    return enumerator_next(impl_from_IVssEnumObject(iface), count, props, fetched);
}

static HRESULT WINAPI enum_object_Skip(IVssEnumObject *iface, ULONG count)
{
    TRACE("%p, %lu.\n", iface, count);

    return enumerator_skip(impl_from_IVssEnumObject(iface), count);
}

static HRESULT WINAPI enum_object_Reset(IVssEnumObject *iface)
{
    TRACE("%p.\n", iface);

    return enumerator_reset(impl_from_IVssEnumObject(iface));
}

static HRESULT WINAPI enum_object_Clone(IVssEnumObject *iface, IVssEnumObject **out)
{
    struct enumerator *clone;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, out);

    if (!out)
        return E_POINTER;
    if (FAILED(hr = enumerator_clone(impl_from_IVssEnumObject(iface), &clone)))
    {
        *out = NULL;
        return hr;
    }
    *out = &clone->IVssEnumObject_iface;
    return S_OK;
}

static const IVssEnumObjectVtbl enum_object_vtbl =
{
    enum_object_QueryInterface,
    enum_object_AddRef,
    enum_object_Release,
    enum_object_Next,
    enum_object_Skip,
    enum_object_Reset,
    enum_object_Clone,
};

/* IVssEnumMgmtObject */

static inline struct enumerator *impl_from_IVssEnumMgmtObject(IVssEnumMgmtObject *iface)
{
    return CONTAINING_RECORD(iface, struct enumerator, IVssEnumMgmtObject_iface);
}

static HRESULT WINAPI enum_mgmt_QueryInterface(IVssEnumMgmtObject *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssEnumMgmtObject))
    {
        *out = iface;
        IVssEnumMgmtObject_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_mgmt_AddRef(IVssEnumMgmtObject *iface)
{
    return enumerator_addref(impl_from_IVssEnumMgmtObject(iface));
}

static ULONG WINAPI enum_mgmt_Release(IVssEnumMgmtObject *iface)
{
    return enumerator_release(impl_from_IVssEnumMgmtObject(iface));
}

static HRESULT WINAPI enum_mgmt_Next(IVssEnumMgmtObject *iface, ULONG count, VSS_MGMT_OBJECT_PROP *props,
        ULONG *fetched)
{
    TRACE("%p, %lu, %p, %p.\n", iface, count, props, fetched);

    return enumerator_next(impl_from_IVssEnumMgmtObject(iface), count, props, fetched);
}

static HRESULT WINAPI enum_mgmt_Skip(IVssEnumMgmtObject *iface, ULONG count)
{
    TRACE("%p, %lu.\n", iface, count);

    return enumerator_skip(impl_from_IVssEnumMgmtObject(iface), count);
}

static HRESULT WINAPI enum_mgmt_Reset(IVssEnumMgmtObject *iface)
{
    TRACE("%p.\n", iface);

    return enumerator_reset(impl_from_IVssEnumMgmtObject(iface));
}

static HRESULT WINAPI enum_mgmt_Clone(IVssEnumMgmtObject *iface, IVssEnumMgmtObject **out)
{
    struct enumerator *clone;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, out);

    if (!out)
        return E_POINTER;
    if (FAILED(hr = enumerator_clone(impl_from_IVssEnumMgmtObject(iface), &clone)))
    {
        *out = NULL;
        return hr;
    }
    *out = &clone->IVssEnumMgmtObject_iface;
    return S_OK;
}

static const IVssEnumMgmtObjectVtbl enum_mgmt_vtbl =
{
    enum_mgmt_QueryInterface,
    enum_mgmt_AddRef,
    enum_mgmt_Release,
    enum_mgmt_Next,
    enum_mgmt_Skip,
    enum_mgmt_Reset,
    enum_mgmt_Clone,
};

/* Takes the caller's reference to list, also on failure.  Only the
 * interface of the list's kind is ever handed out. */
static HRESULT enumerator_create(struct item_list *list, ULONG position, struct enumerator **out)
{
    struct enumerator *object;

    if (!(object = calloc(1, sizeof(*object))))
    {
        item_list_release(list);
        *out = NULL;
        return E_OUTOFMEMORY;
    }
    object->IVssEnumObject_iface.lpVtbl = &enum_object_vtbl;
    object->IVssEnumMgmtObject_iface.lpVtbl = &enum_mgmt_vtbl;
    object->refcount = 1;
    object->list = list;
    object->position = position;
    InitializeCriticalSection(&object->cs);
    vssapi_lock_module();

    TRACE("created %p, %lu items, position %lu.\n", object, list->count, position);
    *out = object;
    return S_OK;
}

/* Takes ownership of items, also on failure. */
static HRESULT enumerator_create_list(const struct item_kind *kind, void *items, ULONG count,
        struct enumerator **out)
{
    struct item_list *list;
    ULONG i;

    if (!(list = calloc(1, sizeof(*list))))
    {
        for (i = 0; i < count; ++i)
            kind->free((char *)items + (size_t)i * kind->size);
        free(items);
        *out = NULL;
        return E_OUTOFMEMORY;
    }
    list->refcount = 1;
    list->kind = kind;
    list->count = count;
    list->items = items;
    return enumerator_create(list, 0, out);
}

HRESULT enum_object_create(VSS_OBJECT_PROP *props, ULONG count, IVssEnumObject **out)
{
    struct enumerator *object;
    HRESULT hr;

    if (FAILED(hr = enumerator_create_list(&object_kind, props, count, &object)))
    {
        *out = NULL;
        return hr;
    }
    *out = &object->IVssEnumObject_iface;
    return S_OK;
}

HRESULT enum_mgmt_object_create(VSS_MGMT_OBJECT_PROP *props, ULONG count, IVssEnumMgmtObject **out)
{
    struct enumerator *object;
    HRESULT hr;

    if (FAILED(hr = enumerator_create_list(&mgmt_kind, props, count, &object)))
    {
        *out = NULL;
        return hr;
    }
    *out = &object->IVssEnumMgmtObject_iface;
    return S_OK;
}
