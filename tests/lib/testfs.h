/*
 * testfs.h: throwaway file systems for the native tests.
 *
 * testfs_make() creates a loop-mounted btrfs or XFS image (sparse file in a
 * mkdtemp directory under $TMPDIR or /tmp, `losetup -f --show`, mkfs,
 * mount) or a tmpfs, and testfs_tmpdir() a plain temporary directory.
 * Everything made is recorded and torn down at exit, on a fatal signal
 * (SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT) or by
 * testfs_destroy(): unmount (lazily if busy), detach the loop device,
 * remove the directory.  Immutable attributes are cleared first.  Only the
 * process that made a file system tears it down (forked children do not).
 */
#ifndef WINEVSS_TEST_TESTFS_H
#define WINEVSS_TEST_TESTFS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct testfs {
	char type[16];
	char dir[PATH_MAX];	/* the mkdtemp directory */
	char image[PATH_MAX];
	char loop[64];
	char mnt[PATH_MAX];	/* where the file system is mounted */
	bool mounted;
	pid_t owner;
	struct testfs *next;
};

/* NULL when loop-mounted file systems can be made, else why not. */
const char *testfs_unavailable(void);
/* NULL when @type ("btrfs", "xfs", "tmpfs") can be made, else why not. */
const char *testfs_unavailable_type(const char *type);

/* @mkfs_args: extra mkfs arguments ("-m reflink=1") or NULL;
 * @mount_opts: mount options or NULL.  0 or -1 (with a message). */
int testfs_make(struct testfs *fs, const char *type, unsigned int size_mb,
		const char *mkfs_args, const char *mount_opts);
void testfs_destroy(struct testfs *fs);

/* A plain temporary directory (removed at exit); 0 or -1. */
int testfs_tmpdir(char *buf, size_t size);

/* Run a shell command quietly; its exit status. */
int testfs_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run @fn(@arg) in a child as @uid/@gid (no supplementary groups); its
 * return value (0..255), or -1 when the child failed to run. */
int testfs_as_user(uid_t uid, gid_t gid, int (*fn)(void *), void *arg);

#endif
