/*
 * vssapi.dll: volume names as requesters give them.
 *
 * The one place where a requester's volume name is checked and turned into
 * what the agent needs: the mount manager's "\\?\Volume{GUID}\" name and the
 * volume's root as a DOS path.  Accepted: "C:\", "c:\" and
 * "\\?\Volume{GUID}\" of a drive, always with the trailing backslash.
 */

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

static BOOL is_drive_root(const WCHAR *name)
{
    return ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'))
            && name[1] == ':' && name[2] == '\\' && !name[3];
}

static BOOL is_volume_guid_name(const WCHAR *name)
{
    return !wcsnicmp(name, L"\\\\?\\Volume{", 11) && wcslen(name) == 49
            && name[47] == '}' && name[48] == '\\';
}

static BOOL drive_volume_name(WCHAR letter, WCHAR *guid_name, DWORD size)
{
    WCHAR root[] = L"A:\\";

    root[0] = letter;
    if (GetDriveTypeW(root) <= DRIVE_NO_ROOT_DIR)
        return FALSE;
    return GetVolumeNameForVolumeMountPointW(root, guid_name, size);
}

HRESULT volume_from_name(const WCHAR *name, WCHAR guid_name[VOLUME_NAME_SIZE], WCHAR root[4])
{
    WCHAR letter, found[VOLUME_NAME_SIZE];

    if (is_drive_root(name))
    {
        if (!drive_volume_name(name[0], guid_name, VOLUME_NAME_SIZE))
        {
            TRACE("no volume behind %s, error %lu.\n", debugstr_w(name), GetLastError());
            return VSS_E_OBJECT_NOT_FOUND;
        }
        root[0] = towupper(name[0]);
        root[1] = ':';
        root[2] = '\\';
        root[3] = 0;
        return S_OK;
    }

    if (is_volume_guid_name(name))
    {
        for (letter = 'A'; letter <= 'Z'; ++letter)
        {
            if (!drive_volume_name(letter, found, VOLUME_NAME_SIZE) || wcsicmp(found, name))
                continue;
            lstrcpyW(guid_name, found);
            root[0] = letter;
            root[1] = ':';
            root[2] = '\\';
            root[3] = 0;
            return S_OK;
        }
    }

    /* Mount folders, names without the trailing backslash, shares. */
    TRACE("%s is not a volume winevss knows.\n", debugstr_w(name));
    return VSS_E_OBJECT_NOT_FOUND;
}
