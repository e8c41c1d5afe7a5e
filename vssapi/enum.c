/*
 * vssapi.dll: IVssEnumObject, the result of IVssBackupComponents::Query.
 *
 * The list is built once, when Query runs, and shared (reference counted)
 * by an enumerator and its clones; each enumerator has its own position.
 * Next hands out fresh copies of the strings, because callers free what
 * they get (VssFreeSnapshotProperties, or CoTaskMemFree for providers).
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

struct object_list
{
    LONG refcount;
    ULONG count;
    VSS_OBJECT_PROP *props;
};

struct enum_object
{
    IVssEnumObject IVssEnumObject_iface;
    LONG refcount;

    struct object_list *list;
    CRITICAL_SECTION cs;    /* protects position */
    ULONG position;
};

static void free_object_props(VSS_OBJECT_PROP *prop)
{
    if (prop->Type == VSS_OBJECT_SNAPSHOT)
    {
        VssFreeSnapshotPropertiesInternal(&prop->Obj.Snap);
    }
    else if (prop->Type == VSS_OBJECT_PROVIDER)
    {
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderVersion);
        prop->Obj.Prov.m_pwszProviderName = NULL;
        prop->Obj.Prov.m_pwszProviderVersion = NULL;
    }
}

static void object_list_release(struct object_list *list)
{
    ULONG i;

    if (InterlockedDecrement(&list->refcount))
        return;
    for (i = 0; i < list->count; ++i)
        free_object_props(&list->props[i]);
    free(list->props);
    free(list);
}

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

/* A deep copy for the caller; on failure nothing is left allocated. */
static BOOL copy_object_props(VSS_OBJECT_PROP *dst, const VSS_OBJECT_PROP *src)
{
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
        free_object_props(dst);
    return ok;
}

static inline struct enum_object *impl_from_IVssEnumObject(IVssEnumObject *iface)
{
    return CONTAINING_RECORD(iface, struct enum_object, IVssEnumObject_iface);
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
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG refcount = InterlockedIncrement(&object->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI enum_object_Release(IVssEnumObject *iface)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG refcount = InterlockedDecrement(&object->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        object_list_release(object->list);
        DeleteCriticalSection(&object->cs);
        free(object);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT WINAPI enum_object_Next(IVssEnumObject *iface, ULONG count, VSS_OBJECT_PROP *props, ULONG *fetched)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    struct object_list *list = object->list;
    ULONG i, n;

    TRACE("%p, %lu, %p, %p.\n", iface, count, props, fetched);

    if (!props || !fetched)
        return E_POINTER;

    EnterCriticalSection(&object->cs);
    n = min(count, list->count - object->position);
    for (i = 0; i < n; ++i)
    {
        if (!copy_object_props(&props[i], &list->props[object->position + i]))
        {
            while (i--)
                free_object_props(&props[i]);
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

static HRESULT WINAPI enum_object_Skip(IVssEnumObject *iface, ULONG count)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG left;

    TRACE("%p, %lu.\n", iface, count);

    EnterCriticalSection(&object->cs);
    left = object->list->count - object->position;
    object->position += min(count, left);
    LeaveCriticalSection(&object->cs);
    return count <= left ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_object_Reset(IVssEnumObject *iface)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);

    TRACE("%p.\n", iface);

    EnterCriticalSection(&object->cs);
    object->position = 0;
    LeaveCriticalSection(&object->cs);
    return S_OK;
}

static HRESULT enum_object_create_from_list(struct object_list *list, ULONG position, IVssEnumObject **out);

static HRESULT WINAPI enum_object_Clone(IVssEnumObject *iface, IVssEnumObject **out)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG position;

    TRACE("%p, %p.\n", iface, out);

    if (!out)
        return E_POINTER;

    EnterCriticalSection(&object->cs);
    position = object->position;
    LeaveCriticalSection(&object->cs);
    InterlockedIncrement(&object->list->refcount);
    return enum_object_create_from_list(object->list, position, out);
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

/* Takes the caller's reference to list, also on failure. */
static HRESULT enum_object_create_from_list(struct object_list *list, ULONG position, IVssEnumObject **out)
{
    struct enum_object *object;

    if (!(object = calloc(1, sizeof(*object))))
    {
        object_list_release(list);
        *out = NULL;
        return E_OUTOFMEMORY;
    }
    object->IVssEnumObject_iface.lpVtbl = &enum_object_vtbl;
    object->refcount = 1;
    object->list = list;
    object->position = position;
    InitializeCriticalSection(&object->cs);
    vssapi_lock_module();

    TRACE("created %p, %lu objects, position %lu.\n", object, list->count, position);
    *out = &object->IVssEnumObject_iface;
    return S_OK;
}

HRESULT enum_object_create(VSS_OBJECT_PROP *props, ULONG count, IVssEnumObject **out)
{
    struct object_list *list;
    ULONG i;

    if (!(list = calloc(1, sizeof(*list))))
    {
        for (i = 0; i < count; ++i)
            free_object_props(&props[i]);
        free(props);
        *out = NULL;
        return E_OUTOFMEMORY;
    }
    list->refcount = 1;
    list->count = count;
    list->props = props;
    return enum_object_create_from_list(list, 0, out);
}
