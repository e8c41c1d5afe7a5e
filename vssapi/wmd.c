/*
 * vssapi.dll: the Writer Metadata Document as a requester examines it:
 * IVssExamineWriterMetadataEx2 (CreateVssExamineWriterMetadata), the
 * components it describes (IVssWMComponent) and their dependencies
 * (IVssWMDependency); file sets are filedesc.c's IVssWMFiledesc.
 *
 * A loaded document never changes: it is an XML tree (xml.c) in a small
 * reference-counted holder (struct wmd_document), which the examine object
 * and every object handed out from it keep alive.  LoadFromXML puts a new
 * holder in place; objects handed out earlier keep reading the old one.
 * SaveAsXML serialises the tree, so a document saved again keeps what this
 * model does not know.
 *
 * The shape, as public documents show it (VSS_REFERENCE.md section 6.2)
 * and as winevss completes it (docs/decisions.md):
 *
 *   WRITER_METADATA [backupSchema]
 *     IDENTIFICATION writerId instanceId friendlyName [instanceName] usage
 *                    dataSource [majorVersion minorVersion]
 *     RESTORE_METHOD method [service] [userProcedure] writerRestore rebootRequired
 *       ALTERNATE_LOCATION_MAPPING path filespec recursive alternatePath
 *     BACKUP_LOCATIONS
 *       FILE_GROUP | DATABASE  [logicalPath] componentName caption
 *                  restoreMetadata notifyOnBackupComplete selectable
 *                  selectableForRestore componentFlags
 *         FILE_LIST | DATABASE_FILES | DATABASE_LOGFILES  path filespec
 *                  [recursive] [alternatePath] [filespecBackupType]
 *         DEPENDENCY writerId [logicalPath] componentName
 *       INCLUDE_FILES | EXCLUDE_FILES | EXCLUDE_FILES_FROM_SNAPSHOT  (file sets)
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

#define WMD_ROOT            "WRITER_METADATA"
#define WMD_IDENTIFICATION  "IDENTIFICATION"
#define WMD_RESTORE_METHOD  "RESTORE_METHOD"
#define WMD_LOCATIONS       "BACKUP_LOCATIONS"
#define WMD_MAPPING         "ALTERNATE_LOCATION_MAPPING"
#define WMD_INCLUDE         "INCLUDE_FILES"
#define WMD_EXCLUDE         "EXCLUDE_FILES"
#define WMD_EXCLUDE_SNAPSHOT "EXCLUDE_FILES_FROM_SNAPSHOT"
#define WMD_FILE_GROUP      "FILE_GROUP"
#define WMD_DATABASE        "DATABASE"
#define WMD_FILE_LIST       "FILE_LIST"
#define WMD_DATABASE_FILES  "DATABASE_FILES"
#define WMD_DATABASE_LOGS   "DATABASE_LOGFILES"
#define WMD_DEPENDENCY      "DEPENDENCY"

/* Enumerated attribute values, indexed by the enum's value; NULL where no
 * spelling exists (UNDEFINED).  Unknown spellings read as UNDEFINED. */
static const char *const usage_names[] =
{
    NULL, "BOOTABLE_SYSTEM_STATE", "SYSTEM_SERVICE", "USER_DATA", "OTHER",
};
static const char *const source_names[] =
{
    NULL, "TRANSACTION_DB", "NONTRANSACTION_DB", "OTHER",
};
static const char *const restore_method_names[] =
{
    NULL, "RESTORE_IF_NOT_THERE", "RESTORE_IF_CAN_BE_REPLACED", "STOP_RESTORE_START",
    "RESTORE_TO_ALTERNATE_LOCATION", "REPLACE_AT_REBOOT", "REPLACE_AT_REBOOT_IF_CANNOT_REPLACE", "CUSTOM",
    "RESTORE_STOP_START",
};
static const char *const writer_restore_names[] =
{
    NULL, "never", "ifReplaceFails", "always",
};

struct wmd_document
{
    IUnknown IUnknown_iface;
    LONG refcount;
    struct xml_node *document;      /* never changes */
};

struct examine_metadata
{
    IVssExamineWriterMetadataEx2 IVssExamineWriterMetadataEx2_iface;
    LONG refcount;
    CRITICAL_SECTION cs;            /* protects document (the pointer) */
    struct wmd_document *document;
};

struct wm_component
{
    IVssWMComponent IVssWMComponent_iface;
    LONG refcount;
    struct wmd_document *document;
    const struct xml_node *element;
};

struct wm_dependency
{
    IVssWMDependency IVssWMDependency_iface;
    LONG refcount;
    struct wmd_document *document;
    const struct xml_node *element;
};

static unsigned int lookup_name(const xml_char *value, const char *const *names, unsigned int count)
{
    unsigned int i;

    for (i = 1; value && i < count; ++i)
    {
        if (xml_is_ascii(value, names[i]))
            return i;
    }
    return 0;
}

static BOOL attribute_guid(const struct xml_node *element, const char *name, VSS_ID *id)
{
    return bcd_parse_guid((const WCHAR *)xml_get_attribute(element, name), id);
}

/* The document holder. */

static inline struct wmd_document *impl_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct wmd_document, IUnknown_iface);
}

static HRESULT WINAPI wmd_document_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown))
    {
        *out = iface;
        IUnknown_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI wmd_document_AddRef(IUnknown *iface)
{
    struct wmd_document *document = impl_from_IUnknown(iface);
    ULONG refcount = InterlockedIncrement(&document->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI wmd_document_Release(IUnknown *iface)
{
    struct wmd_document *document = impl_from_IUnknown(iface);
    ULONG refcount = InterlockedDecrement(&document->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        xml_free(document->document);
        free(document);
        vssapi_unlock_module();
    }
    return refcount;
}

static const IUnknownVtbl wmd_document_vtbl =
{
    wmd_document_QueryInterface,
    wmd_document_AddRef,
    wmd_document_Release,
};

static void wmd_document_addref(struct wmd_document *document)
{
    IUnknown_AddRef(&document->IUnknown_iface);
}

static void wmd_document_release(struct wmd_document *document)
{
    IUnknown_Release(&document->IUnknown_iface);
}

/* Whether a parsed document is a Writer Metadata Document: the root
 * element, and an identification naming the writer class and instance. */
static BOOL wmd_document_valid(const struct xml_node *document)
{
    const struct xml_node *root = xml_root(document), *identification;
    VSS_ID id;

    if (!xml_is_ascii(root->name, WMD_ROOT))
    {
        WARN("the root element is not " WMD_ROOT ".\n");
        return FALSE;
    }
    if (!(identification = xml_first_element(root, WMD_IDENTIFICATION)))
    {
        WARN("no " WMD_IDENTIFICATION ".\n");
        return FALSE;
    }
    if (!attribute_guid(identification, "writerId", &id) || !attribute_guid(identification, "instanceId", &id))
    {
        WARN("the writer's identifiers are missing or malformed.\n");
        return FALSE;
    }
    return TRUE;
}

/* S_FALSE when xml is not well-formed XML within xml.h's limits,
 * VSS_E_INVALID_XML_DOCUMENT when it is but is no Writer Metadata
 * Document. */
static HRESULT wmd_document_create(const WCHAR *xml, struct wmd_document **out)
{
    struct wmd_document *document;
    struct xml_node *tree;
    enum xml_error error;

    if (!(tree = xml_parse((const xml_char *)xml, xml_strlen((const xml_char *)xml), &error)))
    {
        WARN("not well-formed XML (error %d).\n", error);
        return error == XML_E_MEMORY ? E_OUTOFMEMORY : S_FALSE;
    }
    if (!wmd_document_valid(tree))
    {
        xml_free(tree);
        return VSS_E_INVALID_XML_DOCUMENT;
    }
    if (!(document = calloc(1, sizeof(*document))))
    {
        xml_free(tree);
        return E_OUTOFMEMORY;
    }
    document->IUnknown_iface.lpVtbl = &wmd_document_vtbl;
    document->refcount = 1;
    document->document = tree;
    vssapi_lock_module();
    *out = document;
    return S_OK;
}

static const struct xml_node *wmd_root(const struct wmd_document *document)
{
    return xml_root(document->document);
}

static const struct xml_node *wmd_section(const struct wmd_document *document, const char *name)
{
    return xml_first_element(wmd_root(document), name);
}

static BOOL is_component(const struct xml_node *element)
{
    return xml_is_ascii(element->name, WMD_FILE_GROUP) || xml_is_ascii(element->name, WMD_DATABASE);
}

/* Components are the FILE_GROUP and DATABASE elements, in document order. */
static const struct xml_node *wmd_component_at(const struct wmd_document *document, UINT index, UINT *count)
{
    const struct xml_node *locations = wmd_section(document, WMD_LOCATIONS), *element, *found = NULL;
    UINT n = 0;

    for (element = locations ? xml_first_element(locations, NULL) : NULL; element;
            element = xml_next_element(element, NULL))
    {
        if (!is_component(element))
            continue;
        if (n++ == index)
            found = element;
    }
    if (count)
        *count = n;
    return found;
}

/* IVssWMDependency. */

static inline struct wm_dependency *impl_from_IVssWMDependency(IVssWMDependency *iface)
{
    return CONTAINING_RECORD(iface, struct wm_dependency, IVssWMDependency_iface);
}

static HRESULT WINAPI wm_dependency_QueryInterface(IVssWMDependency *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssWMDependency))
    {
        *out = iface;
        IVssWMDependency_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI wm_dependency_AddRef(IVssWMDependency *iface)
{
    struct wm_dependency *dependency = impl_from_IVssWMDependency(iface);
    ULONG refcount = InterlockedIncrement(&dependency->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI wm_dependency_Release(IVssWMDependency *iface)
{
    struct wm_dependency *dependency = impl_from_IVssWMDependency(iface);
    ULONG refcount = InterlockedDecrement(&dependency->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        wmd_document_release(dependency->document);
        free(dependency);
    }
    return refcount;
}

static HRESULT WINAPI wm_dependency_GetWriterId(IVssWMDependency *iface, VSS_ID *writer_id)
{
    struct wm_dependency *dependency = impl_from_IVssWMDependency(iface);

    TRACE("%p, %p.\n", iface, writer_id);

    if (!writer_id)
        return E_INVALIDARG;
    if (!attribute_guid(dependency->element, "writerId", writer_id))
    {
        WARN("%p: the dependency names no writer class.\n", iface);
        *writer_id = GUID_NULL;
        return VSS_E_INVALID_XML_DOCUMENT;
    }
    return S_OK;
}

static HRESULT WINAPI wm_dependency_GetLogicalPath(IVssWMDependency *iface, BSTR *path)
{
    TRACE("%p, %p.\n", iface, path);

    return attribute_bstr(impl_from_IVssWMDependency(iface)->element, "logicalPath", path);
}

static HRESULT WINAPI wm_dependency_GetComponentName(IVssWMDependency *iface, BSTR *name)
{
    TRACE("%p, %p.\n", iface, name);

    return attribute_bstr(impl_from_IVssWMDependency(iface)->element, "componentName", name);
}

static const IVssWMDependencyVtbl wm_dependency_vtbl =
{
    wm_dependency_QueryInterface,
    wm_dependency_AddRef,
    wm_dependency_Release,
    wm_dependency_GetWriterId,
    wm_dependency_GetLogicalPath,
    wm_dependency_GetComponentName,
};

static HRESULT wm_dependency_create(struct wmd_document *document, const struct xml_node *element,
        IVssWMDependency **out)
{
    struct wm_dependency *dependency;

    if (!(dependency = calloc(1, sizeof(*dependency))))
        return E_OUTOFMEMORY;
    dependency->IVssWMDependency_iface.lpVtbl = &wm_dependency_vtbl;
    dependency->refcount = 1;
    dependency->document = document;
    dependency->element = element;
    wmd_document_addref(document);
    *out = &dependency->IVssWMDependency_iface;
    return S_OK;
}

/* IVssWMComponent. */

static inline struct wm_component *impl_from_IVssWMComponent(IVssWMComponent *iface)
{
    return CONTAINING_RECORD(iface, struct wm_component, IVssWMComponent_iface);
}

static HRESULT WINAPI wm_component_QueryInterface(IVssWMComponent *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssWMComponent))
    {
        *out = iface;
        IVssWMComponent_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI wm_component_AddRef(IVssWMComponent *iface)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    ULONG refcount = InterlockedIncrement(&component->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI wm_component_Release(IVssWMComponent *iface)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    ULONG refcount = InterlockedDecrement(&component->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        wmd_document_release(component->document);
        free(component);
    }
    return refcount;
}

static void component_info_free(VSS_COMPONENTINFO *info)
{
    SysFreeString(info->bstrLogicalPath);
    SysFreeString(info->bstrComponentName);
    SysFreeString(info->bstrCaption);
    CoTaskMemFree(info->pbIcon);
    CoTaskMemFree(info);
}

/* The icon stays in the document; the structure carries none. */
static HRESULT WINAPI wm_component_GetComponentInfo(IVssWMComponent *iface, PVSSCOMPONENTINFO *out)
{
    const struct xml_node *element = impl_from_IVssWMComponent(iface)->element;
    VSS_COMPONENTINFO *info;
    HRESULT hr;

    TRACE("%p, %p.\n", iface, out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!(info = CoTaskMemAlloc(sizeof(*info))))
        return E_OUTOFMEMORY;
    memset(info, 0, sizeof(*info));
    info->type = xml_is_ascii(element->name, WMD_DATABASE) ? VSS_CT_DATABASE : VSS_CT_FILEGROUP;
    if (FAILED(hr = attribute_bstr(element, "logicalPath", &info->bstrLogicalPath))
            || FAILED(hr = attribute_bstr(element, "componentName", &info->bstrComponentName))
            || FAILED(hr = attribute_bstr(element, "caption", &info->bstrCaption)))
    {
        component_info_free(info);
        return hr;
    }
    info->bRestoreMetadata = attribute_yes(element, "restoreMetadata");
    info->bNotifyOnBackupComplete = attribute_yes(element, "notifyOnBackupComplete");
    info->bSelectable = attribute_yes(element, "selectable");
    info->bSelectableForRestore = attribute_yes(element, "selectableForRestore");
    info->dwComponentFlags = (DWORD)attribute_number(element, "componentFlags");
    info->cFileCount = xml_count_elements(element, WMD_FILE_LIST);
    info->cDatabases = xml_count_elements(element, WMD_DATABASE_FILES);
    info->cLogFiles = xml_count_elements(element, WMD_DATABASE_LOGS);
    info->cDependencies = xml_count_elements(element, WMD_DEPENDENCY);
    *out = info;
    return S_OK;
}

static HRESULT WINAPI wm_component_FreeComponentInfo(IVssWMComponent *iface, PVSSCOMPONENTINFO info)
{
    TRACE("%p, %p.\n", iface, info);

    if (info)
        component_info_free((VSS_COMPONENTINFO *)info);
    return S_OK;
}

static HRESULT wm_component_filedesc(IVssWMComponent *iface, const char *name, UINT index, IVssWMFiledesc **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    const struct xml_node *element;

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!(element = child_at(component->element, name, index)))
    {
        WARN("%p: no %s %u.\n", iface, name, index);
        return VSS_E_OBJECT_NOT_FOUND;
    }
    return filedesc_create(&component->document->IUnknown_iface, element, out);
}

static HRESULT WINAPI wm_component_GetFile(IVssWMComponent *iface, UINT index, IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return wm_component_filedesc(iface, WMD_FILE_LIST, index, filedesc);
}

static HRESULT WINAPI wm_component_GetDatabaseFile(IVssWMComponent *iface, UINT index, IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return wm_component_filedesc(iface, WMD_DATABASE_FILES, index, filedesc);
}

static HRESULT WINAPI wm_component_GetDatabaseLogFile(IVssWMComponent *iface, UINT index,
        IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return wm_component_filedesc(iface, WMD_DATABASE_LOGS, index, filedesc);
}

static HRESULT WINAPI wm_component_GetDependency(IVssWMComponent *iface, UINT index, IVssWMDependency **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    const struct xml_node *element;

    TRACE("%p, %u, %p.\n", iface, index, out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!(element = child_at(component->element, WMD_DEPENDENCY, index)))
    {
        WARN("%p: no dependency %u.\n", iface, index);
        return VSS_E_OBJECT_NOT_FOUND;
    }
    return wm_dependency_create(component->document, element, out);
}

static const IVssWMComponentVtbl wm_component_vtbl =
{
    wm_component_QueryInterface,
    wm_component_AddRef,
    wm_component_Release,
    wm_component_GetComponentInfo,
    wm_component_FreeComponentInfo,
    wm_component_GetFile,
    wm_component_GetDatabaseFile,
    wm_component_GetDatabaseLogFile,
    wm_component_GetDependency,
};

static HRESULT wm_component_create(struct wmd_document *document, const struct xml_node *element,
        IVssWMComponent **out)
{
    struct wm_component *component;

    if (!(component = calloc(1, sizeof(*component))))
        return E_OUTOFMEMORY;
    component->IVssWMComponent_iface.lpVtbl = &wm_component_vtbl;
    component->refcount = 1;
    component->document = document;
    component->element = element;
    wmd_document_addref(document);
    *out = &component->IVssWMComponent_iface;
    return S_OK;
}

/* IVssExamineWriterMetadataEx2. */

static inline struct examine_metadata *impl_from_IVssExamineWriterMetadataEx2(IVssExamineWriterMetadataEx2 *iface)
{
    return CONTAINING_RECORD(iface, struct examine_metadata, IVssExamineWriterMetadataEx2_iface);
}

/* The current document, with a reference the caller releases. */
static struct wmd_document *examine_document(IVssExamineWriterMetadataEx2 *iface)
{
    struct examine_metadata *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    struct wmd_document *document;

    EnterCriticalSection(&examine->cs);
    document = examine->document;
    wmd_document_addref(document);
    LeaveCriticalSection(&examine->cs);
    return document;
}

/* The index'th file set named name in section (NULL: BACKUP_LOCATIONS). */
static HRESULT examine_filedesc(IVssExamineWriterMetadataEx2 *iface, const char *section, const char *name,
        UINT index, HRESULT not_found, IVssWMFiledesc **out)
{
    struct wmd_document *document;
    const struct xml_node *element;
    HRESULT hr;

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    document = examine_document(iface);
    if ((element = child_at(wmd_section(document, section ? section : WMD_LOCATIONS), name, index)))
        hr = filedesc_create(&document->IUnknown_iface, element, out);
    else
    {
        WARN("%p: no %s %u.\n", iface, name, index);
        hr = not_found;
    }
    wmd_document_release(document);
    return hr;
}

static HRESULT WINAPI examine_metadata_QueryInterface(IVssExamineWriterMetadataEx2 *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssExamineWriterMetadata)
            || ((IsEqualIID(riid, &IID_IVssExamineWriterMetadataEx)
            || IsEqualIID(riid, &IID_IVssExamineWriterMetadataEx2)) && policy_interface_offered(riid)))
    {
        *out = iface;
        IVssExamineWriterMetadataEx2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI examine_metadata_AddRef(IVssExamineWriterMetadataEx2 *iface)
{
    struct examine_metadata *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    ULONG refcount = InterlockedIncrement(&examine->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI examine_metadata_Release(IVssExamineWriterMetadataEx2 *iface)
{
    struct examine_metadata *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    ULONG refcount = InterlockedDecrement(&examine->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        wmd_document_release(examine->document);
        DeleteCriticalSection(&examine->cs);
        free(examine);
    }
    return refcount;
}

static HRESULT examine_identity(IVssExamineWriterMetadataEx2 *iface, VSS_ID *instance, VSS_ID *writer,
        BSTR *name, BSTR *instance_name, VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source)
{
    struct wmd_document *document;
    const struct xml_node *identification;
    HRESULT hr;

    if (!instance || !writer || !name || !usage || !source)
        return E_INVALIDARG;
    *name = NULL;
    if (instance_name)
        *instance_name = NULL;
    document = examine_document(iface);
    /* Both identifiers were checked when the document was loaded. */
    identification = wmd_section(document, WMD_IDENTIFICATION);
    attribute_guid(identification, "instanceId", instance);
    attribute_guid(identification, "writerId", writer);
    *usage = lookup_name(xml_get_attribute(identification, "usage"), usage_names, ARRAY_SIZE(usage_names));
    *source = lookup_name(xml_get_attribute(identification, "dataSource"), source_names, ARRAY_SIZE(source_names));
    hr = attribute_bstr(identification, "friendlyName", name);
    if (SUCCEEDED(hr) && instance_name && FAILED(hr = attribute_bstr(identification, "instanceName", instance_name)))
    {
        SysFreeString(*name);
        *name = NULL;
    }
    wmd_document_release(document);
    return hr;
}

static HRESULT WINAPI examine_metadata_GetIdentity(IVssExamineWriterMetadataEx2 *iface, VSS_ID *instance,
        VSS_ID *writer, BSTR *name, VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source)
{
    TRACE("%p, %p, %p, %p, %p, %p.\n", iface, instance, writer, name, usage, source);

    return examine_identity(iface, instance, writer, name, NULL, usage, source);
}

static HRESULT WINAPI examine_metadata_GetFileCounts(IVssExamineWriterMetadataEx2 *iface, UINT *includes,
        UINT *excludes, UINT *components)
{
    struct wmd_document *document;
    const struct xml_node *locations;

    TRACE("%p, %p, %p, %p.\n", iface, includes, excludes, components);

    if (!includes || !excludes || !components)
        return E_INVALIDARG;
    document = examine_document(iface);
    locations = wmd_section(document, WMD_LOCATIONS);
    *includes = locations ? xml_count_elements(locations, WMD_INCLUDE) : 0;
    *excludes = locations ? xml_count_elements(locations, WMD_EXCLUDE) : 0;
    wmd_component_at(document, 0, components);
    wmd_document_release(document);
    return S_OK;
}

static HRESULT WINAPI examine_metadata_GetIncludeFile(IVssExamineWriterMetadataEx2 *iface, UINT index,
        IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return examine_filedesc(iface, NULL, WMD_INCLUDE, index, VSS_E_OBJECT_NOT_FOUND, filedesc);
}

static HRESULT WINAPI examine_metadata_GetExcludeFile(IVssExamineWriterMetadataEx2 *iface, UINT index,
        IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return examine_filedesc(iface, NULL, WMD_EXCLUDE, index, VSS_E_OBJECT_NOT_FOUND, filedesc);
}

static HRESULT WINAPI examine_metadata_GetComponent(IVssExamineWriterMetadataEx2 *iface, UINT index,
        IVssWMComponent **out)
{
    struct wmd_document *document;
    const struct xml_node *element;
    HRESULT hr;

    TRACE("%p, %u, %p.\n", iface, index, out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    document = examine_document(iface);
    if ((element = wmd_component_at(document, index, NULL)))
        hr = wm_component_create(document, element, out);
    else
    {
        WARN("%p: no component %u.\n", iface, index);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    wmd_document_release(document);
    return hr;
}

static HRESULT WINAPI examine_metadata_GetRestoreMethod(IVssExamineWriterMetadataEx2 *iface,
        VSS_RESTOREMETHOD_ENUM *method, BSTR *service, BSTR *user_procedure, VSS_WRITERRESTORE_ENUM *writer_restore,
        boolean *reboot_required, UINT *mappings)
{
    struct wmd_document *document;
    const struct xml_node *restore;
    HRESULT hr;

    TRACE("%p, %p, %p, %p, %p, %p, %p.\n", iface, method, service, user_procedure, writer_restore,
            reboot_required, mappings);

    if (!method || !service || !user_procedure || !writer_restore || !reboot_required || !mappings)
        return E_INVALIDARG;
    *service = *user_procedure = NULL;
    document = examine_document(iface);
    restore = wmd_section(document, WMD_RESTORE_METHOD);
    *method = restore ? lookup_name(xml_get_attribute(restore, "method"), restore_method_names,
            ARRAY_SIZE(restore_method_names)) : VSS_RME_UNDEFINED;
    *writer_restore = restore ? lookup_name(xml_get_attribute(restore, "writerRestore"), writer_restore_names,
            ARRAY_SIZE(writer_restore_names)) : VSS_WRE_UNDEFINED;
    *reboot_required = attribute_yes(restore, "rebootRequired");
    *mappings = restore ? xml_count_elements(restore, WMD_MAPPING) : 0;
    if (SUCCEEDED(hr = attribute_bstr(restore, "service", service))
            && FAILED(hr = attribute_bstr(restore, "userProcedure", user_procedure)))
    {
        SysFreeString(*service);
        *service = NULL;
    }
    wmd_document_release(document);
    if (SUCCEEDED(hr) && !restore)
        hr = S_FALSE;   /* the writer states no restore method */
    return hr;
}

static HRESULT WINAPI examine_metadata_GetAlternateLocationMapping(IVssExamineWriterMetadataEx2 *iface,
        UINT index, IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return examine_filedesc(iface, WMD_RESTORE_METHOD, WMD_MAPPING, index, VSS_E_OBJECT_NOT_FOUND, filedesc);
}

static HRESULT WINAPI examine_metadata_GetBackupSchema(IVssExamineWriterMetadataEx2 *iface, DWORD *schema)
{
    struct wmd_document *document;

    TRACE("%p, %p.\n", iface, schema);

    if (!schema)
        return E_INVALIDARG;
    document = examine_document(iface);
    *schema = (DWORD)attribute_number(wmd_root(document), "backupSchema");
    wmd_document_release(document);
    return S_OK;
}

/* The page says "not supported, reserved for system use". */
static HRESULT WINAPI examine_metadata_GetDocument(IVssExamineWriterMetadataEx2 *iface, IXMLDOMDocument **doc)
{
    FIXME("%p, %p: not supported.\n", iface, doc);

    if (doc)
        *doc = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI examine_metadata_SaveAsXML(IVssExamineWriterMetadataEx2 *iface, BSTR *xml)
{
    struct wmd_document *document;
    xml_char *text;
    size_t len;
    HRESULT hr = S_OK;

    TRACE("%p, %p.\n", iface, xml);

    if (!xml)
        return E_INVALIDARG;
    *xml = NULL;
    document = examine_document(iface);
    text = xml_serialize(document->document, &len);
    wmd_document_release(document);
    if (!text || len > 0x7fffffff / sizeof(WCHAR) || !(*xml = SysAllocStringLen((const WCHAR *)text, len)))
        hr = E_OUTOFMEMORY;
    free(text);
    return hr;
}

/* On failure the object keeps the document it had. */
static HRESULT WINAPI examine_metadata_LoadFromXML(IVssExamineWriterMetadataEx2 *iface, BSTR xml)
{
    struct examine_metadata *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    struct wmd_document *document, *old;
    HRESULT hr;

    TRACE("%p, %s.\n", iface, debugstr_w(xml));

    if (!xml)
        return E_INVALIDARG;
    if ((hr = wmd_document_create(xml, &document)) != S_OK)
        return hr;
    EnterCriticalSection(&examine->cs);
    old = examine->document;
    examine->document = document;
    LeaveCriticalSection(&examine->cs);
    wmd_document_release(old);
    return S_OK;
}

static HRESULT WINAPI examine_metadata_GetIdentityEx(IVssExamineWriterMetadataEx2 *iface, VSS_ID *instance,
        VSS_ID *writer, BSTR *name, BSTR *instance_name, VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source)
{
    TRACE("%p, %p, %p, %p, %p, %p, %p.\n", iface, instance, writer, name, instance_name, usage, source);

    if (!instance_name)
        return E_INVALIDARG;
    return examine_identity(iface, instance, writer, name, instance_name, usage, source);
}

static HRESULT WINAPI examine_metadata_GetVersion(IVssExamineWriterMetadataEx2 *iface, DWORD *major, DWORD *minor)
{
    struct wmd_document *document;
    const struct xml_node *identification;

    TRACE("%p, %p, %p.\n", iface, major, minor);

    if (!major || !minor)
        return E_INVALIDARG;
    document = examine_document(iface);
    identification = wmd_section(document, WMD_IDENTIFICATION);
    *major = (DWORD)attribute_number(identification, "majorVersion");
    *minor = (DWORD)attribute_number(identification, "minorVersion");
    wmd_document_release(document);
    return S_OK;
}

static HRESULT WINAPI examine_metadata_GetExcludeFromSnapshotCount(IVssExamineWriterMetadataEx2 *iface,
        UINT *count)
{
    struct wmd_document *document;
    const struct xml_node *locations;

    TRACE("%p, %p.\n", iface, count);

    if (!count)
        return E_INVALIDARG;
    document = examine_document(iface);
    locations = wmd_section(document, WMD_LOCATIONS);
    *count = locations ? xml_count_elements(locations, WMD_EXCLUDE_SNAPSHOT) : 0;
    wmd_document_release(document);
    return S_OK;
}

/* The page lists no VSS_E_OBJECT_NOT_FOUND: an index beyond the count is a
 * parameter that is not valid. */
static HRESULT WINAPI examine_metadata_GetExcludeFromSnapshotFile(IVssExamineWriterMetadataEx2 *iface,
        UINT index, IVssWMFiledesc **filedesc)
{
    TRACE("%p, %u, %p.\n", iface, index, filedesc);

    return examine_filedesc(iface, NULL, WMD_EXCLUDE_SNAPSHOT, index, E_INVALIDARG, filedesc);
}

static const IVssExamineWriterMetadataEx2Vtbl examine_metadata_vtbl =
{
    examine_metadata_QueryInterface,
    examine_metadata_AddRef,
    examine_metadata_Release,
    examine_metadata_GetIdentity,
    examine_metadata_GetFileCounts,
    examine_metadata_GetIncludeFile,
    examine_metadata_GetExcludeFile,
    examine_metadata_GetComponent,
    examine_metadata_GetRestoreMethod,
    examine_metadata_GetAlternateLocationMapping,
    examine_metadata_GetBackupSchema,
    examine_metadata_GetDocument,
    examine_metadata_SaveAsXML,
    examine_metadata_LoadFromXML,
    examine_metadata_GetIdentityEx,
    examine_metadata_GetVersion,
    examine_metadata_GetExcludeFromSnapshotCount,
    examine_metadata_GetExcludeFromSnapshotFile,
};

/* CreateVssExamineWriterMetadata's page lists no S_FALSE: a document that
 * is not well-formed is not a valid one. */
HRESULT examine_metadata_create(const WCHAR *xml, IVssExamineWriterMetadata **out)
{
    struct examine_metadata *examine;
    struct wmd_document *document;
    HRESULT hr;

    if ((hr = wmd_document_create(xml, &document)) != S_OK)
        return hr == S_FALSE ? VSS_E_INVALID_XML_DOCUMENT : hr;
    if (!(examine = calloc(1, sizeof(*examine))))
    {
        wmd_document_release(document);
        return E_OUTOFMEMORY;
    }
    examine->IVssExamineWriterMetadataEx2_iface.lpVtbl = &examine_metadata_vtbl;
    examine->refcount = 1;
    InitializeCriticalSection(&examine->cs);
    examine->document = document;
    TRACE("created %p.\n", examine);
    *out = (IVssExamineWriterMetadata *)&examine->IVssExamineWriterMetadataEx2_iface;
    return S_OK;
}
