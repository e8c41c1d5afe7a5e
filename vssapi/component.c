/*
 * vssapi.dll: the read views of the Backup Components Document that
 * IVssBackupComponents::GetWriterComponents hands out: one writer's
 * components (IVssWriterComponentsExt), each component (IVssComponentEx2)
 * and the file descriptions inside a component (IVssWMFiledesc).
 *
 * A view owns a copy of its WRITER_COMPONENTS element, taken when it was
 * asked for: the documentation tells requesters to fetch the view again
 * after each operation that may change the document.  Component and file
 * objects keep the writer view alive, whose copy they point into.  The file
 * descriptions are filedesc.c's.
 *
 * IVssWriterComponentsExt is a C++ class deriving from the non-COM
 * IVssWriterComponents and from IUnknown: the object starts with the
 * three-method table, and the IUnknown table follows at sizeof(void *),
 * where C++ callers find Release.
 *
 * The writer-side setters of IVssComponent (SetBackupMetadata,
 * AddPartialFile, SetFailure, ...) are for writers during their events;
 * on a requester's view they answer VSS_E_BAD_STATE (docs/decisions.md).
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* Data writers put into a component, as this model names it (a writer
 * infrastructure would write the same names). */
#define COMPONENT_BACKUP_STAMP            "backupStamp"
#define COMPONENT_BACKUP_METADATA         "BACKUP_METADATA"
#define COMPONENT_RESTORE_METADATA        "RESTORE_METADATA"
#define COMPONENT_METADATA                "metadata"
#define COMPONENT_RESTORE_TARGET          "restoreTarget"
#define COMPONENT_PRE_RESTORE_FAILURE     "preRestoreFailureMsg"
#define COMPONENT_POST_RESTORE_FAILURE    "postRestoreFailureMsg"
#define COMPONENT_PREPARE_BACKUP_FAILURE  "prepareForBackupFailureMsg"
#define COMPONENT_POST_SNAPSHOT_FAILURE   "postSnapshotFailureMsg"
#define COMPONENT_PARTIAL_FILE            "PARTIAL_FILE"
#define COMPONENT_DIRECTED_TARGET         "DIRECTED_TARGET"
#define COMPONENT_DIFFERENCED_FILE        "DIFFERENCED_FILE"
#define COMPONENT_FAILURE                 "FAILURE"

struct writer_components
{
    IVssWriterComponentsExt IVssWriterComponentsExt_iface;
    IUnknown IUnknown_iface;
    LONG refcount;
    struct xml_node *writer;
};

struct component
{
    IVssComponentEx2 IVssComponentEx2_iface;
    LONG refcount;
    struct writer_components *owner;
    const struct xml_node *element;
};

static void writer_components_addref(struct writer_components *writer)
{
    IUnknown_AddRef(&writer->IUnknown_iface);
}

static void writer_components_release(struct writer_components *writer)
{
    IUnknown_Release(&writer->IUnknown_iface);
}

/* IVssComponentEx2. */

static inline struct component *impl_from_IVssComponentEx2(IVssComponentEx2 *iface)
{
    return CONTAINING_RECORD(iface, struct component, IVssComponentEx2_iface);
}

static const struct xml_node *component_element(IVssComponentEx2 *iface)
{
    return impl_from_IVssComponentEx2(iface)->element;
}

/* The index'th child element named name, as an IVssWMFiledesc. */
static HRESULT component_filedesc(IVssComponentEx2 *iface, const char *name, UINT index, IVssWMFiledesc **out)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const struct xml_node *element;

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!(element = child_at(component->element, name, index)))
        return E_INVALIDARG;
    return filedesc_create(&component->owner->IUnknown_iface, element, out);
}

static HRESULT component_count(IVssComponentEx2 *iface, const char *name, UINT *count)
{
    if (!count)
        return E_INVALIDARG;
    *count = xml_count_elements(component_element(iface), name);
    return S_OK;
}

/* Several attributes of the index'th child element named name. */
static HRESULT component_item(IVssComponentEx2 *iface, const char *name, UINT index,
        const char *const *attributes, BSTR **outs, unsigned int count)
{
    const struct xml_node *element = child_at(component_element(iface), name, index);
    unsigned int i;
    HRESULT hr = S_OK;

    for (i = 0; i < count; ++i)
    {
        if (!outs[i])
            return E_INVALIDARG;
        *outs[i] = NULL;
    }
    if (!element)
        return E_INVALIDARG;
    for (i = 0; i < count && hr == S_OK; ++i)
        hr = bstr_from_xml(xml_get_attribute(element, attributes[i]), outs[i]);
    if (hr != S_OK)
    {
        for (i = 0; i < count; ++i)
        {
            SysFreeString(*outs[i]);
            *outs[i] = NULL;
        }
    }
    return hr;
}

/* A metadata string, kept in a child element (BACKUP_METADATA, RESTORE_METADATA). */
static HRESULT component_metadata(IVssComponentEx2 *iface, const char *name, BSTR *out)
{
    return attribute_bstr(xml_first_element(component_element(iface), name), COMPONENT_METADATA, out);
}

static HRESULT component_writer_only(IVssComponentEx2 *iface, const char *method)
{
    WARN("%p: %s is for writers during their events.\n", iface, method);
    return VSS_E_BAD_STATE;
}

static HRESULT WINAPI component_QueryInterface(IVssComponentEx2 *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssComponent)
            || IsEqualIID(riid, &IID_IVssComponentEx) || IsEqualIID(riid, &IID_IVssComponentEx2))
    {
        *out = iface;
        IVssComponentEx2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI component_AddRef(IVssComponentEx2 *iface)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    ULONG refcount = InterlockedIncrement(&component->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI component_Release(IVssComponentEx2 *iface)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    ULONG refcount = InterlockedDecrement(&component->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        writer_components_release(component->owner);
        free(component);
    }
    return refcount;
}

static HRESULT WINAPI component_GetLogicalPath(IVssComponentEx2 *iface, BSTR *path)
{
    return attribute_bstr(component_element(iface), "logicalPath", path);
}

static HRESULT WINAPI component_GetComponentType(IVssComponentEx2 *iface, VSS_COMPONENT_TYPE *type)
{
    if (!type)
        return E_INVALIDARG;
    *type = bcd_component_type(component_element(iface));
    return S_OK;
}

static HRESULT WINAPI component_GetComponentName(IVssComponentEx2 *iface, BSTR *name)
{
    return attribute_bstr(component_element(iface), "componentName", name);
}

static HRESULT WINAPI component_GetBackupSucceeded(IVssComponentEx2 *iface, boolean *succeeded)
{
    if (!succeeded)
        return E_INVALIDARG;
    *succeeded = bcd_component_flag(component_element(iface), BCD_BACKUP_SUCCEEDED);
    return S_OK;
}

static HRESULT WINAPI component_GetAlternateLocationMappingCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, "ALTERNATE_LOCATION_MAPPING", count);
}

static HRESULT WINAPI component_GetAlternateLocationMapping(IVssComponentEx2 *iface, UINT index,
        IVssWMFiledesc **filedesc)
{
    return component_filedesc(iface, "ALTERNATE_LOCATION_MAPPING", index, filedesc);
}

static HRESULT WINAPI component_SetBackupMetadata(IVssComponentEx2 *iface, LPCWSTR data)
{
    return component_writer_only(iface, "SetBackupMetadata");
}

static HRESULT WINAPI component_GetBackupMetadata(IVssComponentEx2 *iface, BSTR *data)
{
    return component_metadata(iface, COMPONENT_BACKUP_METADATA, data);
}

static HRESULT WINAPI component_AddPartialFile(IVssComponentEx2 *iface, LPCWSTR path, LPCWSTR filename,
        LPCWSTR ranges, LPCWSTR metadata)
{
    return component_writer_only(iface, "AddPartialFile");
}

static HRESULT WINAPI component_GetPartialFileCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, COMPONENT_PARTIAL_FILE, count);
}

static HRESULT WINAPI component_GetPartialFile(IVssComponentEx2 *iface, UINT index, BSTR *path, BSTR *filename,
        BSTR *range, BSTR *metadata)
{
    static const char *const names[] = {"path", "filename", "ranges", "metadata"};
    BSTR *outs[] = {path, filename, range, metadata};

    return component_item(iface, COMPONENT_PARTIAL_FILE, index, names, outs, ARRAY_SIZE(outs));
}

static HRESULT WINAPI component_IsSelectedForRestore(IVssComponentEx2 *iface, boolean *selected)
{
    if (!selected)
        return E_INVALIDARG;
    *selected = bcd_component_flag(component_element(iface), BCD_SELECTED_FOR_RESTORE);
    return S_OK;
}

static HRESULT WINAPI component_GetAdditionalRestores(IVssComponentEx2 *iface, boolean *additional)
{
    if (!additional)
        return E_INVALIDARG;
    *additional = bcd_component_flag(component_element(iface), BCD_ADDITIONAL_RESTORES);
    return S_OK;
}

static HRESULT WINAPI component_GetNewTargetCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, "NEW_TARGET", count);
}

static HRESULT WINAPI component_GetNewTarget(IVssComponentEx2 *iface, UINT index, IVssWMFiledesc **filedesc)
{
    return component_filedesc(iface, "NEW_TARGET", index, filedesc);
}

static HRESULT WINAPI component_AddDirectedTarget(IVssComponentEx2 *iface, LPCWSTR source_path,
        LPCWSTR source_filename, LPCWSTR source_ranges, LPCWSTR destination_path, LPCWSTR destination_filename,
        LPCWSTR destination_ranges)
{
    return component_writer_only(iface, "AddDirectedTarget");
}

static HRESULT WINAPI component_GetDirectedTargetCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, COMPONENT_DIRECTED_TARGET, count);
}

static HRESULT WINAPI component_GetDirectedTarget(IVssComponentEx2 *iface, UINT index, BSTR *source_path,
        BSTR *source_filename, BSTR *source_ranges, BSTR *destination_path, BSTR *destination_filename,
        BSTR *destination_ranges)
{
    static const char *const names[] = {"sourcePath", "sourceFilename", "sourceRangeList", "destinationPath",
            "destinationFilename", "destinationRangeList"};
    BSTR *outs[] = {source_path, source_filename, source_ranges, destination_path, destination_filename,
            destination_ranges};

    return component_item(iface, COMPONENT_DIRECTED_TARGET, index, names, outs, ARRAY_SIZE(outs));
}

static HRESULT WINAPI component_SetRestoreMetadata(IVssComponentEx2 *iface, LPCWSTR metadata)
{
    return component_writer_only(iface, "SetRestoreMetadata");
}

static HRESULT WINAPI component_GetRestoreMetadata(IVssComponentEx2 *iface, BSTR *metadata)
{
    return component_metadata(iface, COMPONENT_RESTORE_METADATA, metadata);
}

static HRESULT WINAPI component_SetRestoreTarget(IVssComponentEx2 *iface, VSS_RESTORE_TARGET target)
{
    return component_writer_only(iface, "SetRestoreTarget");
}

static HRESULT WINAPI component_GetRestoreTarget(IVssComponentEx2 *iface, VSS_RESTORE_TARGET *target)
{
    static const char *const names[] = {"undefined", "original", "alternate", "directed", "originalLocation"};
    const xml_char *value;
    unsigned int i;

    if (!target)
        return E_INVALIDARG;
    *target = VSS_RT_UNDEFINED;
    if (!(value = xml_get_attribute(component_element(iface), COMPONENT_RESTORE_TARGET)))
        return S_OK;
    for (i = 0; i < ARRAY_SIZE(names); ++i)
    {
        if (xml_is_ascii(value, names[i]))
            *target = i;
    }
    return S_OK;
}

static HRESULT WINAPI component_SetPreRestoreFailureMsg(IVssComponentEx2 *iface, LPCWSTR message)
{
    return component_writer_only(iface, "SetPreRestoreFailureMsg");
}

static HRESULT WINAPI component_GetPreRestoreFailureMsg(IVssComponentEx2 *iface, BSTR *message)
{
    return attribute_bstr(component_element(iface), COMPONENT_PRE_RESTORE_FAILURE, message);
}

static HRESULT WINAPI component_SetPostRestoreFailureMsg(IVssComponentEx2 *iface, LPCWSTR message)
{
    return component_writer_only(iface, "SetPostRestoreFailureMsg");
}

static HRESULT WINAPI component_GetPostRestoreFailureMsg(IVssComponentEx2 *iface, BSTR *message)
{
    return attribute_bstr(component_element(iface), COMPONENT_POST_RESTORE_FAILURE, message);
}

static HRESULT WINAPI component_SetBackupStamp(IVssComponentEx2 *iface, LPCWSTR stamp)
{
    return component_writer_only(iface, "SetBackupStamp");
}

static HRESULT WINAPI component_GetBackupStamp(IVssComponentEx2 *iface, BSTR *stamp)
{
    return attribute_bstr(component_element(iface), COMPONENT_BACKUP_STAMP, stamp);
}

static HRESULT component_field(IVssComponentEx2 *iface, enum bcd_field field, BSTR *out)
{
    if (!out)
        return E_INVALIDARG;
    return bstr_from_xml((const xml_char *)bcd_component_string(component_element(iface), field), out);
}

static HRESULT WINAPI component_GetPreviousBackupStamp(IVssComponentEx2 *iface, BSTR *stamp)
{
    return component_field(iface, BCD_PREVIOUS_BACKUP_STAMP, stamp);
}

static HRESULT WINAPI component_GetBackupOptions(IVssComponentEx2 *iface, BSTR *options)
{
    return component_field(iface, BCD_BACKUP_OPTIONS, options);
}

static HRESULT WINAPI component_GetRestoreOptions(IVssComponentEx2 *iface, BSTR *options)
{
    return component_field(iface, BCD_RESTORE_OPTIONS, options);
}

static HRESULT WINAPI component_GetRestoreSubcomponentCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, "RESTORE_SUBCOMPONENT", count);
}

static HRESULT WINAPI component_GetRestoreSubcomponent(IVssComponentEx2 *iface, UINT index, BSTR *logical_path,
        BSTR *name, boolean *repair)
{
    static const char *const names[] = {"logicalPath", "componentName"};
    BSTR *outs[] = {logical_path, name};
    HRESULT hr;

    if (!repair)
        return E_INVALIDARG;
    if ((hr = component_item(iface, "RESTORE_SUBCOMPONENT", index, names, outs, ARRAY_SIZE(outs))) == S_OK)
        *repair = attribute_yes(child_at(component_element(iface), "RESTORE_SUBCOMPONENT", index), "repair");
    return hr;
}

static HRESULT WINAPI component_GetFileRestoreStatus(IVssComponentEx2 *iface, VSS_FILE_RESTORE_STATUS *status)
{
    if (!status)
        return E_INVALIDARG;
    *status = bcd_component_number(component_element(iface), BCD_FILE_RESTORE_STATUS);
    return S_OK;
}

static HRESULT WINAPI component_AddDifferencedFilesByLastModifyTime(IVssComponentEx2 *iface, LPCWSTR path,
        LPCWSTR filespec, BOOL recursive, FILETIME time)
{
    return component_writer_only(iface, "AddDifferencedFilesByLastModifyTime");
}

static HRESULT WINAPI component_AddDifferencedFilesByLastModifyLSN(IVssComponentEx2 *iface, LPCWSTR path,
        LPCWSTR filespec, BOOL recursive, BSTR lsn)
{
    return component_writer_only(iface, "AddDifferencedFilesByLastModifyLSN");
}

static HRESULT WINAPI component_GetDifferencedFilesCount(IVssComponentEx2 *iface, UINT *count)
{
    return component_count(iface, COMPONENT_DIFFERENCED_FILE, count);
}

static HRESULT WINAPI component_GetDifferencedFile(IVssComponentEx2 *iface, UINT index, BSTR *path,
        BSTR *filespec, BOOL *recursive, BSTR *lsn, FILETIME *time)
{
    static const char *const names[] = {"path", "filespec", "lsnString"};
    BSTR *outs[] = {path, filespec, lsn};
    const struct xml_node *element;
    ULONGLONG ticks;
    HRESULT hr;

    if (!recursive || !time)
        return E_INVALIDARG;
    if ((hr = component_item(iface, COMPONENT_DIFFERENCED_FILE, index, names, outs, ARRAY_SIZE(outs))) != S_OK)
        return hr;
    element = child_at(component_element(iface), COMPONENT_DIFFERENCED_FILE, index);
    *recursive = attribute_yes(element, "recursive");
    /* FILETIME ticks, in decimal. */
    ticks = attribute_number(element, "lastModifyTime");
    time->dwLowDateTime = (DWORD)ticks;
    time->dwHighDateTime = (DWORD)(ticks >> 32);
    return S_OK;
}

static HRESULT WINAPI component_SetPrepareForBackupFailureMsg(IVssComponentEx2 *iface, LPCWSTR message)
{
    return component_writer_only(iface, "SetPrepareForBackupFailureMsg");
}

static HRESULT WINAPI component_SetPostSnapshotFailureMsg(IVssComponentEx2 *iface, LPCWSTR message)
{
    return component_writer_only(iface, "SetPostSnapshotFailureMsg");
}

static HRESULT WINAPI component_GetPrepareForBackupFailureMsg(IVssComponentEx2 *iface, BSTR *message)
{
    return attribute_bstr(component_element(iface), COMPONENT_PREPARE_BACKUP_FAILURE, message);
}

static HRESULT WINAPI component_GetPostSnapshotFailureMsg(IVssComponentEx2 *iface, BSTR *message)
{
    return attribute_bstr(component_element(iface), COMPONENT_POST_SNAPSHOT_FAILURE, message);
}

static HRESULT WINAPI component_GetAuthoritativeRestore(IVssComponentEx2 *iface, boolean *authoritative)
{
    if (!authoritative)
        return E_INVALIDARG;
    *authoritative = bcd_component_flag(component_element(iface), BCD_AUTHORITATIVE_RESTORE);
    return S_OK;
}

static HRESULT WINAPI component_GetRollForward(IVssComponentEx2 *iface, VSS_ROLLFORWARD_TYPE *type, BSTR *point)
{
    if (!type || !point)
        return E_INVALIDARG;
    *type = bcd_component_number(component_element(iface), BCD_ROLL_FORWARD);
    return component_field(iface, BCD_ROLL_FORWARD, point);
}

static HRESULT WINAPI component_GetRestoreName(IVssComponentEx2 *iface, BSTR *name)
{
    return component_field(iface, BCD_RESTORE_NAME, name);
}

static HRESULT WINAPI component_SetFailure(IVssComponentEx2 *iface, HRESULT hr, HRESULT application_hr,
        LPCWSTR message, DWORD reserved)
{
    return component_writer_only(iface, "SetFailure");
}

static HRESULT WINAPI component_GetFailure(IVssComponentEx2 *iface, HRESULT *hr, HRESULT *application_hr,
        BSTR *message, DWORD *reserved)
{
    const struct xml_node *failure;

    if (!hr || !application_hr || !message || !reserved)
        return E_INVALIDARG;
    /* No FAILURE element: the writer reported no failure. */
    failure = xml_first_element(component_element(iface), COMPONENT_FAILURE);
    *hr = failure ? (HRESULT)attribute_number(failure, "hr") : S_OK;
    *application_hr = failure ? (HRESULT)attribute_number(failure, "applicationHr") : S_OK;
    *reserved = 0;
    return attribute_bstr(failure, "applicationMessage", message);
}

static const IVssComponentEx2Vtbl component_vtbl =
{
    component_QueryInterface,
    component_AddRef,
    component_Release,
    component_GetLogicalPath,
    component_GetComponentType,
    component_GetComponentName,
    component_GetBackupSucceeded,
    component_GetAlternateLocationMappingCount,
    component_GetAlternateLocationMapping,
    component_SetBackupMetadata,
    component_GetBackupMetadata,
    component_AddPartialFile,
    component_GetPartialFileCount,
    component_GetPartialFile,
    component_IsSelectedForRestore,
    component_GetAdditionalRestores,
    component_GetNewTargetCount,
    component_GetNewTarget,
    component_AddDirectedTarget,
    component_GetDirectedTargetCount,
    component_GetDirectedTarget,
    component_SetRestoreMetadata,
    component_GetRestoreMetadata,
    component_SetRestoreTarget,
    component_GetRestoreTarget,
    component_SetPreRestoreFailureMsg,
    component_GetPreRestoreFailureMsg,
    component_SetPostRestoreFailureMsg,
    component_GetPostRestoreFailureMsg,
    component_SetBackupStamp,
    component_GetBackupStamp,
    component_GetPreviousBackupStamp,
    component_GetBackupOptions,
    component_GetRestoreOptions,
    component_GetRestoreSubcomponentCount,
    component_GetRestoreSubcomponent,
    component_GetFileRestoreStatus,
    component_AddDifferencedFilesByLastModifyTime,
    component_AddDifferencedFilesByLastModifyLSN,
    component_GetDifferencedFilesCount,
    component_GetDifferencedFile,
    component_SetPrepareForBackupFailureMsg,
    component_SetPostSnapshotFailureMsg,
    component_GetPrepareForBackupFailureMsg,
    component_GetPostSnapshotFailureMsg,
    component_GetAuthoritativeRestore,
    component_GetRollForward,
    component_GetRestoreName,
    component_SetFailure,
    component_GetFailure,
};

/* IVssWriterComponentsExt: the IVssWriterComponents table at offset 0. */

static inline struct writer_components *impl_from_IVssWriterComponentsExt(IVssWriterComponentsExt *iface)
{
    return CONTAINING_RECORD(iface, struct writer_components, IVssWriterComponentsExt_iface);
}

static HRESULT WINAPI writer_components_GetComponentCount(IVssWriterComponentsExt *iface, UINT *count)
{
    struct writer_components *writer = impl_from_IVssWriterComponentsExt(iface);

    TRACE("%p, %p.\n", iface, count);

    if (!count)
        return E_INVALIDARG;
    *count = xml_count_elements(writer->writer, "COMPONENT");
    return S_OK;
}

static HRESULT WINAPI writer_components_GetWriterInfo(IVssWriterComponentsExt *iface, VSS_ID *instance,
        VSS_ID *writer_id)
{
    struct writer_components *writer = impl_from_IVssWriterComponentsExt(iface);

    TRACE("%p, %p, %p.\n", iface, instance, writer_id);

    if (!instance || !writer_id)
        return E_INVALIDARG;
    /* An identifier the document does not hold in the usual form is GUID_NULL. */
    if (!bcd_parse_guid((const WCHAR *)xml_get_attribute(writer->writer, "instanceId"), instance))
        *instance = GUID_NULL;
    if (!bcd_parse_guid((const WCHAR *)xml_get_attribute(writer->writer, "writerId"), writer_id))
        *writer_id = GUID_NULL;
    return S_OK;
}

static HRESULT WINAPI writer_components_GetComponent(IVssWriterComponentsExt *iface, UINT index,
        IVssComponent **out)
{
    struct writer_components *writer = impl_from_IVssWriterComponentsExt(iface);
    const struct xml_node *element;
    struct component *component;

    TRACE("%p, %u, %p.\n", iface, index, out);

    if (!out)
        return E_INVALIDARG;
    *out = NULL;
    if (!(element = child_at(writer->writer, "COMPONENT", index)))
    {
        WARN("%p: no component %u.\n", iface, index);
        return E_INVALIDARG;
    }
    if (!(component = calloc(1, sizeof(*component))))
        return E_OUTOFMEMORY;
    component->IVssComponentEx2_iface.lpVtbl = &component_vtbl;
    component->refcount = 1;
    component->owner = writer;
    component->element = element;
    writer_components_addref(writer);
    *out = (IVssComponent *)&component->IVssComponentEx2_iface;
    return S_OK;
}

static const IVssWriterComponentsExtVtbl writer_components_vtbl =
{
    writer_components_GetComponentCount,
    writer_components_GetWriterInfo,
    writer_components_GetComponent,
};

/* The IUnknown table at offset sizeof(void *). */

static inline struct writer_components *impl_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct writer_components, IUnknown_iface);
}

static HRESULT WINAPI writer_components_QueryInterface(IUnknown *iface, REFIID riid, void **out)
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

static ULONG WINAPI writer_components_AddRef(IUnknown *iface)
{
    struct writer_components *writer = impl_from_IUnknown(iface);
    ULONG refcount = InterlockedIncrement(&writer->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI writer_components_Release(IUnknown *iface)
{
    struct writer_components *writer = impl_from_IUnknown(iface);
    ULONG refcount = InterlockedDecrement(&writer->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    if (!refcount)
    {
        xml_free(writer->writer);
        free(writer);
        vssapi_unlock_module();
    }
    return refcount;
}

static const IUnknownVtbl writer_components_unknown_vtbl =
{
    writer_components_QueryInterface,
    writer_components_AddRef,
    writer_components_Release,
};

HRESULT writer_components_create(struct xml_node *element, IVssWriterComponentsExt **out)
{
    struct writer_components *writer;

    if (!(writer = calloc(1, sizeof(*writer))))
    {
        xml_free(element);
        return E_OUTOFMEMORY;
    }
    writer->IVssWriterComponentsExt_iface.lpVtbl = &writer_components_vtbl;
    writer->IUnknown_iface.lpVtbl = &writer_components_unknown_vtbl;
    writer->refcount = 1;
    writer->writer = element;
    vssapi_lock_module();
    *out = &writer->IVssWriterComponentsExt_iface;
    return S_OK;
}
