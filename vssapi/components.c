/*
 * vssapi.dll: the component methods of the backup components object: the
 * requester's annotations of components in the Backup Components Document
 * during a backup (SetBackupOptions, SetPreviousBackupStamp,
 * SetBackupSucceeded) and a restore (selection, options, targets, file
 * status, and the Ex2 restore hints).
 *
 * Each checks its own arguments, then asks backup.c
 * (backup_components_find_component) whether the object is in a state
 * where the method may be called and whether the component exists.
 */

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

BOOL components_is_valid_type(VSS_COMPONENT_TYPE type)
{
    return type == VSS_CT_DATABASE || type == VSS_CT_FILEGROUP;
}

HRESULT WINAPI backup_components_SetBackupSucceeded(IVssBackupComponentsEx4 *iface, VSS_ID instance,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean succeeded)
{
    TRACE("%p, %s, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&instance), debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), succeeded);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    /* Only once the set exists and before BackupComplete. */
    return policy_result(backup_components_find_component(iface, COMPONENT_BACKUP_CREATED, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetBackupOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(options));

    if (!name || !options || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_BACKUP_EDIT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetSelectedForRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected)
{
    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), selected);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetRestoreOptions(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(options));

    if (!name || !options || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetAdditionalRestores(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean additional)
{
    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), additional);

    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetPreviousBackupStamp(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp)
{
    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(stamp));

    if (!name || !stamp || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_BACKUP_EDIT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_AddAlternativeLocationMapping(IVssBackupComponentsEx4 *iface,
        VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
        LPCWSTR filespec, boolean recursive, LPCWSTR destination)
{
    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), debugstr_w(path), debugstr_w(filespec), recursive,
            debugstr_w(destination));

    if (!name || !path || !filespec || !destination || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_ANNOTATE, &writer, logical_path, name));
}

HRESULT WINAPI backup_components_AddRestoreSubcomponent(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR sub_logical_path,
        LPCWSTR sub_name, boolean repair)
{
    TRACE("%p, %s, %d, %s, %s, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(sub_logical_path), debugstr_w(sub_name), repair);

    /* bRepair is reserved and must be false. */
    if (!name || !sub_logical_path || !sub_name || (repair & 0xff) || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetFileRestoreStatus(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_FILE_RESTORE_STATUS status)
{
    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), status);

    if (!name || !components_is_valid_type(type) || status < VSS_RS_UNDEFINED || status > VSS_RS_FAILED)
        return E_INVALIDARG;
    /* Between PreRestore and PostRestore. */
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_FILES, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_AddNewTarget(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR path, LPCWSTR filename,
        boolean recursive, LPCWSTR alternate_path)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type,
            debugstr_w(logical_path), debugstr_w(name), debugstr_w(path), debugstr_w(filename), recursive,
            debugstr_w(alternate_path));

    if ((hr = policy_method_available(SLOT_ADD_NEW_TARGET)) != S_OK)
        return hr;
    if (!name || !path || !filename || !alternate_path || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetRangesFilePath(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, UINT partial_file, LPCWSTR ranges_file)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %u, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), partial_file, debugstr_w(ranges_file));

    if ((hr = policy_method_available(SLOT_SET_RANGES_FILE_PATH)) != S_OK)
        return hr;
    if (!name || !ranges_file || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_ANNOTATE, &writer, logical_path, name));
}

HRESULT WINAPI backup_components_SetSelectedForRestoreEx(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean selected, VSS_ID instance)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), selected, debugstr_guid(&instance));

    if ((hr = policy_method_available(SLOT_SET_SELECTED_FOR_RESTORE_EX)) != S_OK)
        return hr;
    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetAuthoritativeRestore(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, boolean authoritative)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), authoritative);

    if ((hr = policy_method_available(SLOT_SET_AUTHORITATIVE_RESTORE)) != S_OK)
        return hr;
    if (!name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetRollForward(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, VSS_ROLLFORWARD_TYPE roll_type,
        LPCWSTR point)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), roll_type, debugstr_w(point));

    if ((hr = policy_method_available(SLOT_SET_ROLL_FORWARD)) != S_OK)
        return hr;
    /* A partial roll-forward needs the point to stop at. */
    if (!name || !components_is_valid_type(type) || roll_type < VSS_RF_UNDEFINED || roll_type > VSS_RF_PARTIAL
            || (roll_type == VSS_RF_PARTIAL && !point))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}

HRESULT WINAPI backup_components_SetRestoreName(IVssBackupComponentsEx4 *iface, VSS_ID writer,
        VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name)
{
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s.\n", iface, debugstr_guid(&writer), type, debugstr_w(logical_path),
            debugstr_w(name), debugstr_w(restore_name));

    if ((hr = policy_method_available(SLOT_SET_RESTORE_NAME)) != S_OK)
        return hr;
    if (!name || !restore_name || !components_is_valid_type(type))
        return E_INVALIDARG;
    return policy_result(backup_components_find_component(iface, COMPONENT_RESTORE_SELECT, &writer,
            logical_path, name));
}
