/*
 * vssapi.dll: the component methods of the backup components object: the
 * requester's annotations of components in the Backup Components Document
 * during a backup (SetBackupOptions, SetPreviousBackupStamp,
 * SetBackupSucceeded) and a restore (selection, options, targets, file
 * status, and the Ex2 restore hints).
 *
 * Each checks its own arguments, then asks backup.c
 * (backup_components_annotate) to check that the object is in a state
 * where the method may be called and to write the annotation into the
 * component of the document (bcd_annotate), which must be there: only a
 * loaded document has components, since no writer runs to add any.
 */

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* The component a method names (its arguments writer, type, logical_path
 * and name), and which of its fields the method writes. */
#define COMPONENT(field_) .writer = writer, .type = type, .logical_path = logical_path, .name = name, .field = (field_)

BOOL components_is_valid_type(VSS_COMPONENT_TYPE type)
{
    return type == VSS_CT_DATABASE || type == VSS_CT_FILEGROUP;
}

HRESULT WINAPI backup_components_SetBackupSucceeded(IVssBackupComponentsEx4 *iface, VSS_ID instance,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean succeeded)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_BACKUP_SUCCEEDED), .flag = succeeded & 0xff};

    TRACE("%p, %s, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&instance), debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), succeeded);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    /* Only once the set exists and before BackupComplete. */
    return policy_result(backup_components_annotate(iface, COMPONENT_BACKUP_CREATED, &annotation));
}

HRESULT WINAPI backup_components_SetBackupOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_BACKUP_OPTIONS), .strings = {options}};

    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(options));

    if (!name || !options || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_BACKUP_EDIT, &annotation));
}

HRESULT WINAPI backup_components_SetSelectedForRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_SELECTED_FOR_RESTORE), .flag = selected & 0xff};

    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), selected);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetRestoreOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_RESTORE_OPTIONS), .strings = {options}};

    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(options));

    if (!name || !options || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetAdditionalRestores(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean additional)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_ADDITIONAL_RESTORES), .flag = additional & 0xff};

    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), additional);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetPreviousBackupStamp(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_PREVIOUS_BACKUP_STAMP), .strings = {stamp}};

    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(stamp));

    if (!name || !stamp || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_BACKUP_EDIT, &annotation));
}

HRESULT WINAPI backup_components_AddAlternativeLocationMapping(IVssBackupComponentsEx4 *iface,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
        LPCWSTR filespec, boolean recursive, LPCWSTR destination)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_ALTERNATE_LOCATION),
            .flag = recursive & 0xff, .strings = {path, filespec, destination}};

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), debugstr_w(path), debugstr_w(filespec), recursive,
            debugstr_w(destination));

    if (!name || !path || !filespec || !destination || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_ANNOTATE, &annotation));
}

HRESULT WINAPI backup_components_AddRestoreSubcomponent(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR sub_logical_path,
        LPCWSTR sub_name, boolean repair)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_RESTORE_SUBCOMPONENT), .strings = {sub_logical_path, sub_name}};

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(sub_logical_path), debugstr_w(sub_name), repair);

    /* bRepair is reserved and must be false. */
    if (!name || !sub_logical_path || !sub_name || (repair & 0xff) || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetFileRestoreStatus(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_FILE_RESTORE_STATUS status)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_FILE_RESTORE_STATUS), .number = status};

    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), status);

    if (!name || !components_is_valid_type(type) || status < VSS_RS_UNDEFINED || status > VSS_RS_FAILED)
        return E_INVALIDARG;
    /* Between PreRestore and PostRestore. */
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_FILES, &annotation));
}

HRESULT WINAPI backup_components_AddNewTarget(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path, LPCWSTR filename,
        boolean recursive, LPCWSTR alternate_path)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_NEW_TARGET),
            .flag = recursive & 0xff, .strings = {path, filename, alternate_path}};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), debugstr_w(path), debugstr_w(filename), recursive,
            debugstr_w(alternate_path));

    if ((hr = policy_method_available(SLOT_ADD_NEW_TARGET)) != S_OK)
        return hr;
    if (!name || !path || !filename || !alternate_path || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetRangesFilePath(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, UINT partial_file, LPCWSTR ranges_file)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_RANGES_FILE), .number = partial_file, .strings = {ranges_file}};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %u, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), partial_file, debugstr_w(ranges_file));

    if ((hr = policy_method_available(SLOT_SET_RANGES_FILE_PATH)) != S_OK)
        return hr;
    if (!name || !ranges_file || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_ANNOTATE, &annotation));
}

HRESULT WINAPI backup_components_SetSelectedForRestoreEx(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected, VSS_ID instance)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_FIELD_NONE)};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), selected, debugstr_guid(&instance));

    if ((hr = policy_method_available(SLOT_SET_SELECTED_FOR_RESTORE_EX)) != S_OK)
        return hr;
    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    /* Restoring to another instance needs that instance running, and no
     * writer runs. */
    if ((hr = backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation)) == S_OK
            && !IsEqualGUID(&instance, &GUID_NULL))
    {
        WARN("writer instance %s is not running.\n", debugstr_guid(&instance));
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    if (hr != S_OK)
        return policy_result(hr);
    annotation.field = BCD_SELECTED_FOR_RESTORE;
    annotation.flag = selected & 0xff;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetAuthoritativeRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean authoritative)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_AUTHORITATIVE_RESTORE), .flag = authoritative & 0xff};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), authoritative);

    if ((hr = policy_method_available(SLOT_SET_AUTHORITATIVE_RESTORE)) != S_OK)
        return hr;
    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetRollForward(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_ROLLFORWARD_TYPE roll_type,
        LPCWSTR point)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_ROLL_FORWARD), .number = roll_type, .strings = {point}};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), roll_type, debugstr_w(point));

    if ((hr = policy_method_available(SLOT_SET_ROLL_FORWARD)) != S_OK)
        return hr;
    /* A partial roll-forward needs the point to stop at. */
    if (!name || !components_is_valid_type(type) || roll_type < VSS_RF_UNDEFINED || roll_type > VSS_RF_PARTIAL
            || (roll_type == VSS_RF_PARTIAL && !point))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}

HRESULT WINAPI backup_components_SetRestoreName(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name)
{
    struct bcd_annotation annotation = {COMPONENT(BCD_RESTORE_NAME), .strings = {restore_name}};
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(restore_name));

    if ((hr = policy_method_available(SLOT_SET_RESTORE_NAME)) != S_OK)
        return hr;
    if (!name || !restore_name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_annotate(iface, COMPONENT_RESTORE_SELECT, &annotation));
}
