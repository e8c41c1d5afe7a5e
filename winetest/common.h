/*
 * What several conformance tests share: the emulated version, creating the
 * backup components object, waiting for an IVssAsync, small file helpers,
 * and taking a snapshot the way volume-mode backup programs do
 * (REQUESTERS.md).  Every helper reports through ok() at the caller's line.
 */

#ifndef __WINEVSS_WINETEST_COMMON_H
#define __WINEVSS_WINETEST_COMMON_H

/* The name C++ programs import the factory by. */
#ifdef _WIN64
#define CREATE_BACKUP_COMPONENTS_MANGLED "?CreateVssBackupComponents@@YAJPEAPEAVIVssBackupComponents@@@Z"
#else
#define CREATE_BACKUP_COMPONENTS_MANGLED "?CreateVssBackupComponents@@YGJPAPAVIVssBackupComponents@@@Z"
#endif

/* The emulated Windows version, once init_os() has run. */
#define OS(major, minor, sp) (((major) << 16) | ((minor) << 8) | (sp))
extern DWORD os_version;
extern BOOL os_server;
void init_os(void);

/* XP, which XP x64 counts as, as on Microsoft's pages. */
BOOL os_is_xp(void);
/* Whether a feature of client version "client" and server version "server"
 * exists; OS_NEVER where one of the two never had it. */
#define OS_NEVER 0xffffffff
BOOL os_has(DWORD client, DWORD server);
/* Vista or Server 2003: SetContext, and contexts other than the default. */
BOOL has_set_context(void);

/* A Backup Components Document without components. */
extern const WCHAR empty_bcd[];

/* CreateVssBackupComponents; create_for_backup() then InitializeForBackup
 * (NULL), create_for_restore() InitializeForRestore(empty_bcd).  As void *,
 * so that the IVssBackupComponentsEx4 methods can be reached through the
 * one vtable even where the version lacks the interface. */
#define create_backup() create_backup_(__FILE__, __LINE__)
void *create_backup_(const char *file, unsigned int line);
#define create_for_backup() create_for_backup_(__FILE__, __LINE__)
void *create_for_backup_(const char *file, unsigned int line);
#define create_for_restore() create_for_restore_(__FILE__, __LINE__)
void *create_for_restore_(const char *file, unsigned int line);

/* Releases the object, which must have no other reference. */
#define release(a) release_(__FILE__, __LINE__, (IUnknown *)(a))
void release_(const char *file, unsigned int line, IUnknown *iface);

/* Waits for the operation, releases it and returns its final status. */
#define wait_async(a) wait_async_(__FILE__, __LINE__, a)
HRESULT wait_async_(const char *file, unsigned int line, IVssAsync *async);
/* Polls QueryStatus without Wait, as some requesters do, for two minutes at
 * the most; returns the final status and keeps the operation. */
#define poll_async(a) poll_async_(__FILE__, __LINE__, a)
HRESULT poll_async_(const char *file, unsigned int line, IVssAsync *async);
/* Checks the hr of the method that started the operation, polls it to its
 * end and releases it; returns the final status (or the failed hr). */
#define run_async(h, a) run_async_(__FILE__, __LINE__, h, a)
HRESULT run_async_(const char *file, unsigned int line, HRESULT hr, IVssAsync *async);

BOOL write_text(const WCHAR *path, const char *text, BOOL append);
/* The file's first 255 bytes as a string (a static buffer), or NULL. */
const char *read_text(const WCHAR *path);

/* Whether winevssd answers in this prefix (probing drive U:). */
BOOL agent_available(void);
/* Copies into volume (4 characters) the first of U:, T: and S:
 * (tests/volumes.sh) that the object's agent snapshots; FALSE, and volume
 * untouched, where there is none. */
BOOL find_test_volume(IVssBackupComponents *backup, WCHAR *volume);
/* agent_available(); when it is not, a failure where the test runner
 * provides the agent (WINEVSS_AGENT), a skip elsewhere. */
#define need_agent() need_agent_(__FILE__, __LINE__)
BOOL need_agent_(const char *file, unsigned int line);

/* StartSnapshotSet, AddToSnapshotSet(root), PrepareForBackup and
 * DoSnapshotSet in the context; returns the object with its set created,
 * or NULL after reporting the failure.  SetContext(VSS_CTX_BACKUP) is left
 * out where the version has no SetContext (XP). */
#define backup_snapshot(r, c, i) backup_snapshot_(__FILE__, __LINE__, r, c, NULL, i)
/* The same, giving the set's id too. */
#define backup_snapshot_set(r, c, s, i) backup_snapshot_(__FILE__, __LINE__, r, c, s, i)
IVssBackupComponents *backup_snapshot_(const char *file, unsigned int line, const WCHAR *root, LONG context,
        VSS_ID *set_id, VSS_ID *snapshot_id);

#endif
