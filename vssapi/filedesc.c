/*
 * vssapi.dll: IVssWMFiledesc, the description of a file set, over one
 * element of a document (a Backup Components Document's
 * ALTERNATE_LOCATION_MAPPING or NEW_TARGET, a Writer Metadata Document's
 * FILE_LIST, DATABASE_FILES, EXCLUDE_FILES, ...), and the attribute
 * readers every read view of a document shares (component.c, wmd.c).
 *
 * A file description holds a reference to the object that owns the
 * element (owner), so the element lives as long as the description.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* The mask of a file set that names none: what writers get when they add
 * files without one, and what the documents of Windows' writers show. */
#define FILEDESC_DEFAULT_BACKUP_TYPE (VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED)

struct filedesc
{
    IVssWMFiledesc IVssWMFiledesc_iface;
    LONG refcount;
    IUnknown *owner;
    const struct xml_node *element;
};

/* Attribute readers. */

HRESULT bstr_from_xml(const xml_char *value, BSTR *out)
{
    *out = NULL;
    if (value && !(*out = SysAllocString((const WCHAR *)value)))
        return E_OUTOFMEMORY;
    return S_OK;
}

HRESULT attribute_bstr(const struct xml_node *element, const char *name, BSTR *out)
{
    if (!out)
        return E_INVALIDARG;
    return bstr_from_xml(element ? xml_get_attribute(element, name) : NULL, out);
}

BOOL attribute_yes(const struct xml_node *element, const char *name)
{
    const xml_char *value = element ? xml_get_attribute(element, name) : NULL;

    return value && xml_is_ascii(value, "yes");
}

ULONGLONG attribute_number(const struct xml_node *element, const char *name)
{
    const xml_char *value = element ? xml_get_attribute(element, name) : NULL;
    ULONGLONG number = 0;

    for (; value && *value >= '0' && *value <= '9'; ++value)
        number = number * 10 + (*value - '0');
    return number;
}

const struct xml_node *child_at(const struct xml_node *parent, const char *name, UINT index)
{
    const struct xml_node *child;

    if (!parent)
        return NULL;
    for (child = xml_first_element(parent, name); child && index; child = xml_next_element(child, name))
        --index;
    return child;
}

/* IVssWMFiledesc. */

static inline struct filedesc *impl_from_IVssWMFiledesc(IVssWMFiledesc *iface)
{
    return CONTAINING_RECORD(iface, struct filedesc, IVssWMFiledesc_iface);
}

static HRESULT WINAPI filedesc_QueryInterface(IVssWMFiledesc *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssWMFiledesc))
    {
        *out = iface;
        IVssWMFiledesc_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI filedesc_AddRef(IVssWMFiledesc *iface)
{
    struct filedesc *filedesc = impl_from_IVssWMFiledesc(iface);
    ULONG refcount = InterlockedIncrement(&filedesc->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI filedesc_Release(IVssWMFiledesc *iface)
{
    struct filedesc *filedesc = impl_from_IVssWMFiledesc(iface);
    ULONG refcount = InterlockedDecrement(&filedesc->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        IUnknown_Release(filedesc->owner);
        free(filedesc);
    }
    return refcount;
}

static HRESULT WINAPI filedesc_GetPath(IVssWMFiledesc *iface, BSTR *path)
{
    TRACE("%p, %p.\n", iface, path);

    return attribute_bstr(impl_from_IVssWMFiledesc(iface)->element, "path", path);
}

static HRESULT WINAPI filedesc_GetFilespec(IVssWMFiledesc *iface, BSTR *filespec)
{
    TRACE("%p, %p.\n", iface, filespec);

    return attribute_bstr(impl_from_IVssWMFiledesc(iface)->element, "filespec", filespec);
}

static HRESULT WINAPI filedesc_GetRecursive(IVssWMFiledesc *iface, boolean *recursive)
{
    TRACE("%p, %p.\n", iface, recursive);

    if (!recursive)
        return E_INVALIDARG;
    *recursive = attribute_yes(impl_from_IVssWMFiledesc(iface)->element, "recursive");
    return S_OK;
}

static HRESULT WINAPI filedesc_GetAlternateLocation(IVssWMFiledesc *iface, BSTR *location)
{
    TRACE("%p, %p.\n", iface, location);

    return attribute_bstr(impl_from_IVssWMFiledesc(iface)->element, "alternatePath", location);
}

static HRESULT WINAPI filedesc_GetBackupTypeMask(IVssWMFiledesc *iface, DWORD *mask)
{
    const struct xml_node *element = impl_from_IVssWMFiledesc(iface)->element;

    TRACE("%p, %p.\n", iface, mask);

    if (!mask)
        return E_INVALIDARG;
    /* Unsigned decimal, as Windows' writers' documents show it. */
    if (xml_get_attribute(element, "filespecBackupType"))
        *mask = (DWORD)attribute_number(element, "filespecBackupType");
    else
        *mask = FILEDESC_DEFAULT_BACKUP_TYPE;
    return S_OK;
}

static const IVssWMFiledescVtbl filedesc_vtbl =
{
    filedesc_QueryInterface,
    filedesc_AddRef,
    filedesc_Release,
    filedesc_GetPath,
    filedesc_GetFilespec,
    filedesc_GetRecursive,
    filedesc_GetAlternateLocation,
    filedesc_GetBackupTypeMask,
};

HRESULT filedesc_create(IUnknown *owner, const struct xml_node *element, IVssWMFiledesc **out)
{
    struct filedesc *filedesc;

    if (!(filedesc = calloc(1, sizeof(*filedesc))))
        return E_OUTOFMEMORY;
    filedesc->IVssWMFiledesc_iface.lpVtbl = &filedesc_vtbl;
    filedesc->refcount = 1;
    filedesc->owner = owner;
    filedesc->element = element;
    IUnknown_AddRef(owner);
    TRACE("created %p.\n", filedesc);
    *out = &filedesc->IVssWMFiledesc_iface;
    return S_OK;
}
