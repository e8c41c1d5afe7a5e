/*
 * What several conformance tests share: waiting for an IVssAsync, small
 * file helpers, and taking a snapshot the way volume-mode backup programs
 * do (REQUESTERS.md).  Every helper reports through ok() at the caller's
 * line.
 */

#ifndef __WINEVSS_WINETEST_COMMON_H
#define __WINEVSS_WINETEST_COMMON_H

/* The emulated Windows version, once init_os() has run. */
#define OS(major, minor, sp) (((major) << 16) | ((minor) << 8) | (sp))
extern DWORD os_version;
extern BOOL os_server;
void init_os(void);

/* Waits for the operation, releases it and returns its final status. */
#define wait_async(a) wait_async_(__FILE__, __LINE__, a)
HRESULT wait_async_(const char *file, unsigned int line, IVssAsync *async);

BOOL write_text(const WCHAR *path, const char *text, BOOL append);
/* The file's first 255 bytes as a string (a static buffer), or NULL. */
const char *read_text(const WCHAR *path);

/* Whether winevssd answers in this prefix (probing drive U:). */
BOOL agent_available(void);

/* StartSnapshotSet, AddToSnapshotSet(root), PrepareForBackup and
 * DoSnapshotSet in the context; returns the object with its set created,
 * or NULL after reporting the failure. */
#define backup_snapshot(r, c, i) backup_snapshot_(__FILE__, __LINE__, r, c, i)
IVssBackupComponents *backup_snapshot_(const char *file, unsigned int line, const WCHAR *root, LONG context,
        VSS_ID *snapshot_id);

#endif
