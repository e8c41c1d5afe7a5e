/*
 * vssapi.dll: drive letters for exposed snapshots, through Wine's mount
 * manager.
 *
 * DefineDosDeviceW letters do not reach files in Wine 8 (WINE8.md section
 * 1.3(e)); the mount manager's Wine-specific IOCTL_MOUNTMGR_DEFINE_UNIX_DRIVE
 * does everything a drive needs at once: the dosdevices link, the volume
 * GUID, GetLogicalDrives and GetVolumeInformationW, for processes already
 * running too.  It is what winecfg uses.  The agent decides whether a letter
 * may be used and records the exposure; this file only talks to the mount
 * manager.
 */

#include <stdlib.h>

#include "vssapi_private.h"
#include "winioctl.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* The request as Wine 8's mount manager reads it (include/ddk/mountmgr.h
 * of Wine; mingw-w64 carries an older, shorter layout), followed by the
 * NUL-terminated Unix directory. */
struct unix_drive_request
{
    ULONG size;
    ULONG type;                 /* DRIVE_FIXED; DRIVE_NO_ROOT_DIR removes */
    ULONG fs_type;              /* 0: NTFS */
    DWORD serial;
    ULONGLONG unix_dev;
    WCHAR letter;
    USHORT mount_point_offset;
    USHORT device_offset;
    USHORT label_offset;
};

#define IOCTL_WINE_MOUNTMGR_DEFINE_UNIX_DRIVE \
    CTL_CODE('m', 32, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)

static HRESULT send_drive_request(WCHAR letter, UINT type, const char *unix_dir)
{
    size_t dir_len = unix_dir ? strlen(unix_dir) + 1 : 0;
    struct unix_drive_request *request;
    size_t size = sizeof(*request) + dir_len;
    HANDLE mountmgr;
    DWORD returned;
    BOOL ok;

    if (size > 0xffff)
        return E_INVALIDARG;
    if (!(request = calloc(1, size)))
        return E_OUTOFMEMORY;
    request->size = size;
    request->type = type;
    request->letter = letter;
    if (unix_dir)
    {
        request->mount_point_offset = sizeof(*request);
        memcpy(request + 1, unix_dir, dir_len);
    }

    mountmgr = CreateFileW(L"\\\\.\\MountPointManager", GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (mountmgr == INVALID_HANDLE_VALUE)
    {
        ERR("cannot open the mount manager, error %lu.\n", GetLastError());
        free(request);
        return VSS_E_UNEXPECTED_PROVIDER_ERROR;
    }
    ok = DeviceIoControl(mountmgr, IOCTL_WINE_MOUNTMGR_DEFINE_UNIX_DRIVE, request, size, NULL, 0,
            &returned, NULL);
    if (!ok)
        WARN("mount manager: drive %c: type %u: error %lu.\n", (char)letter, type, GetLastError());
    CloseHandle(mountmgr);
    free(request);
    return ok ? S_OK : VSS_E_UNEXPECTED_PROVIDER_ERROR;
}

HRESULT drive_define(WCHAR letter, const char *unix_dir)
{
    TRACE("%c: -> %s.\n", (char)letter, debugstr_a(unix_dir));
    return send_drive_request(letter, DRIVE_FIXED, unix_dir);
}

HRESULT drive_remove(WCHAR letter)
{
    TRACE("%c:.\n", (char)letter);
    return send_drive_request(letter, DRIVE_NO_ROOT_DIR, NULL);
}

BOOL drive_in_use(WCHAR letter)
{
    return !!(GetLogicalDrives() & (1u << (towupper(letter) - 'A')));
}
