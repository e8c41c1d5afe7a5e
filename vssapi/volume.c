/*
 * vssapi.dll: volume names as requesters give them.
 *
 * The one place where a requester's volume name is checked and turned into
 * what the agent needs: the mount manager's "\\?\Volume{GUID}\" name and the
 * volume's root as a DOS path.  Accepted: "C:\", "c:\" and
 * "\\?\Volume{GUID}\" of a drive, and mount folders ("C:\mnt\data\", a
 * directory where another file system starts, which Wine shows as a
 * reparse point), always with the trailing backslash.  The mount manager
 * does not know mount folders: the agent names them.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

static BOOL is_drive_root_prefix(const WCHAR *name)
{
    return ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'))
            && name[1] == ':' && name[2] == '\\';
}

static BOOL is_drive_root(const WCHAR *name)
{
    return is_drive_root_prefix(name) && !name[3];
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

static BOOL is_mount_folder(const WCHAR *name)
{
    size_t len = wcslen(name);
    DWORD attributes;

    if (len <= 3 || len >= MAX_PATH || !is_drive_root_prefix(name) || name[len - 1] != '\\'
            || wcsstr(name, L"\\\\"))
        return FALSE;
    attributes = GetFileAttributesW(name);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)
            && (attributes & FILE_ATTRIBUTE_REPARSE_POINT);
}

HRESULT volume_from_name(const WCHAR *name, WCHAR guid_name[VOLUME_NAME_SIZE], WCHAR root[MAX_PATH])
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

    if (is_mount_folder(name))
    {
        guid_name[0] = 0;
        lstrcpyW(root, name);
        root[0] = towupper(root[0]);
        return S_FALSE;
    }

    /* Names without the trailing backslash, plain directories, shares. */
    TRACE("%s is not a volume winevss knows.\n", debugstr_w(name));
    return VSS_E_OBJECT_NOT_FOUND;
}

/* The shared answer of "which volumes can be snapshotted", for
 * IVssSnapshotMgmt::QueryVolumesSupportedForSnapshots (and through it
 * vssadmin's "list volumes"): every fixed drive with a volume name that the
 * provider takes, in drive letter order. */
HRESULT volume_list_supported(struct agent_session *session, const VSS_ID *provider,
        struct supported_volume **out, ULONG *count)
{
    struct supported_volume *volumes;
    DWORD drives = GetLogicalDrives();
    WCHAR root[] = L"A:\\";
    BOOL supported;
    ULONG n = 0;
    HRESULT hr;
    int i;

    *out = NULL;
    *count = 0;
    if (!(volumes = calloc(26, sizeof(*volumes))))
        return E_OUTOFMEMORY;
    for (i = 0; i < 26; ++i)
    {
        if (!(drives & (1u << i)))
            continue;
        root[0] = 'A' + i;
        if (GetDriveTypeW(root) != DRIVE_FIXED
                || !GetVolumeNameForVolumeMountPointW(root, volumes[n].name, VOLUME_NAME_SIZE))
            continue;
        supported = FALSE;
        hr = agent_is_volume_supported(session, provider, root, &supported);
        if (hr == VSS_E_OBJECT_NOT_FOUND || hr == VSS_E_VOLUME_NOT_SUPPORTED
                || hr == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER)
            continue;
        if (FAILED(hr))
        {
            free(volumes);
            return hr;
        }
        if (!supported)
            continue;
        lstrcpyW(volumes[n].root, root);
        TRACE("%s (%s) can be snapshotted.\n", debugstr_w(root), debugstr_w(volumes[n].name));
        ++n;
    }
    *out = volumes;
    *count = n;
    return S_OK;
}
