/*
 * test-snap-choose: the registry, lookup by name, and the automatic choice
 * on real file systems: a btrfs subvolume root gets btrfs, a btrfs
 * directory below it and an XFS with reflink get reflink, XFS without
 * reflink, tmpfs and a plain directory get copy.
 */
#define _GNU_SOURCE
#include <btrfsutil.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/tap.h"
#include "lib/testfs.h"

static void choose_registry(void)
{
	static const char *const names[] = { "btrfs", "zfs", "lvm-thin", "reflink", "copy" };
	const struct snap_provider *p;
	size_t n = 0;
	bool all = true;

	while ((p = snap_provider_get(n))) {
		all &= n < 5 && !strcmp(p->name, names[n]) && p->probe && p->create && p->delete;
		n++;
	}
	check(n == 5 && all, "five providers in order of preference");
	for (size_t i = 0; i < 5; i++)
		check(snap_provider_lookup(names[i]) && !strcmp(snap_provider_lookup(names[i])->name, names[i]),
		      "lookup \"%s\"", names[i]);
	errno = 0;
	check(!snap_provider_lookup("nfs") && errno == ENOENT, "lookup of an unknown name: NULL, ENOENT");
	check(!snap_provider_lookup(NULL), "lookup of NULL: NULL");
	check(!strcmp(snap_strerror(SNAP_ERROR_NO_SPACE), "No space left") &&
	      !strcmp(snap_strerror((enum snap_error)999), "Unknown error"), "snap_strerror, bounds checked");
	check(snap_error_from_errno(ENOSPC) == SNAP_ERROR_NO_SPACE &&
	      snap_error_from_errno(EEXIST) == SNAP_ERROR_EXISTS &&
	      snap_error_from_errno(EXDEV) == SNAP_ERROR_NOT_SUPPORTED &&
	      snap_error_from_errno(EBUSY) == SNAP_ERROR_BUSY &&
	      snap_error_from_errno(ECANCELED) == SNAP_ERROR_CANCELLED &&
	      snap_error_from_errno(EACCES) == SNAP_ERROR_PERMISSION &&
	      snap_error_from_errno(EIO) == SNAP_ERROR_IO, "errno mapping");
}

/* choose(@source, @dest) picks @want. */
static void choose_expect(const char *source, const char *dest, const char *want,
			  const char *what)
{
	const struct snap_provider *p = NULL;
	struct snap_probe probe;
	enum snap_error err;

	err = snap_provider_choose(source, dest, &p, &probe);
	check(!err && p && !strcmp(p->name, want), "%s: %s (got %s, %s, fs %s)", what, want,
	      p ? p->name : "none", snap_strerror(err), err ? "?" : probe.fs_type);
}

static void choose_btrfs(void)
{
	const char *why = testfs_unavailable_type("btrfs");
	char vol[PATH_MAX], dir[PATH_MAX];
	struct testfs fs;

	if (why || testfs_make(&fs, "btrfs", 256, NULL, NULL) < 0) {
		tap_skip_n(3, why ? why : "mkfs or mount failed", "choice on btrfs");
		return;
	}
	snprintf(vol, sizeof(vol), "%s/vol", fs.mnt);
	snprintf(dir, sizeof(dir), "%s/vol/dir", fs.mnt);
	btrfs_util_create_subvolume(vol, 0, NULL, NULL);
	mkdir(dir, 0755);
	choose_expect(vol, fs.mnt, "btrfs", "btrfs subvolume root");
	choose_expect(dir, fs.mnt, "reflink", "btrfs directory that is no subvolume root");
	choose_expect(dir, NULL, "reflink", "the same without a destination to try");
	testfs_destroy(&fs);
}

static void choose_fs(const char *type, const char *mkfs_args, const char *want,
		      const char *what)
{
	const char *why = testfs_unavailable_type(type);
	char dir[PATH_MAX];
	struct testfs fs;

	if (why || testfs_make(&fs, type, 320, mkfs_args, NULL) < 0) {
		tap_skip(why ? why : "mkfs or mount failed", "%s", what);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/src", fs.mnt);
	mkdir(dir, 0755);
	choose_expect(dir, fs.mnt, want, what);
	testfs_destroy(&fs);
}

static void choose_plain(void)
{
	const struct snap_provider *p = NULL;
	char dir[PATH_MAX], missing[PATH_MAX];

	if (testfs_tmpdir(dir, sizeof(dir)) < 0) {
		tap_skip_n(3, "mkdtemp failed", "choice on a plain directory");
		return;
	}
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	check_err(snap_provider_choose(missing, NULL, &p, NULL), SNAP_ERROR_NOT_FOUND,
		  "choice for a missing source");
	check_err(snap_provider_choose(NULL, NULL, &p, NULL), SNAP_ERROR_INVALID_ARGUMENT,
		  "choice without a source");
	check_err(snap_provider_choose("/proc/self/status", NULL, &p, NULL), SNAP_ERROR_NOT_FOUND,
		  "choice for a file that is no directory");
}

int main(void)
{
	choose_registry();
	choose_btrfs();
	choose_fs("xfs", "-m reflink=1", "reflink", "XFS with reflink=1");
	choose_fs("xfs", "-m reflink=0", "copy", "XFS without reflink");
	choose_fs("tmpfs", NULL, "copy", "tmpfs");
	choose_plain();
	return tap_done("test-snap-choose");
}
