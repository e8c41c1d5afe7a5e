/*
 * treesuite.c: see treesuite.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"
#include "testfs.h"
#include "treesuite.h"

bool nothing_left(const char *dir, const char *name)
{
	char path[PATH_MAX], prefix[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(prefix, sizeof(prefix), ".%s.", name);
	return lstat(path, &st) < 0 && errno == ENOENT && !dir_has_prefix(dir, prefix);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

struct cancel_after {
	atomic_bool cancel;
	unsigned int calls, after;
};

static void cancel_progress(const struct snap_stats *stats, void *data)
{
	struct cancel_after *c = data;

	(void)stats;
	if (++c->calls >= c->after)
		atomic_store(&c->cancel, true);
}

/* Writes into a sealed snapshot: every one must fail. */
static void suite_read_only(const char *snap, bool sealed, const char *label)
{
	char path[PATH_MAX];
	const char *why = "not read-only: the caller may not set the immutable attribute";
	int fd;

	if (!sealed) {
		tap_skip_n(4, why, "read-only enforcement");
		return;
	}
	snprintf(path, sizeof(path), "%s/a.txt", snap);
	fd = open(path, O_WRONLY | O_APPEND);
	check(fd < 0 && (errno == EPERM || errno == EROFS),
	      "%s: writing a file of the snapshot fails (even as root)", label);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/dir1/new", snap);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	check(fd < 0, "%s: creating a file in the snapshot fails", label);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/dir1/sub/c.txt", snap);
	check(unlink(path) < 0, "%s: deleting a file of the snapshot fails", label);
	snprintf(path, sizeof(path), "%s/secret.txt", snap);
	check(chmod(path, 0666) < 0, "%s: chmod in the snapshot fails", label);
}

static void suite_failures(const struct snap_provider *p, const char *dir,
			   const char *src, const char *snaps, const char *label)
{
	char path[PATH_MAX], other[PATH_MAX];
	struct cancel_after c = { .after = 2 };
	struct snap_job job = SNAP_JOB_INIT;

	snprintf(path, sizeof(path), "%s/existing", snaps);
	mkdir(path, 0755);
	check_err(p->create(src, path, 0, NULL), SNAP_ERROR_EXISTS, "destination exists");
	check(dir_count(path) == 0 && !dir_has_prefix(snaps, ".existing."),
	      "%s: the existing destination is untouched, nothing added", label);
	rmdir(path);

	snprintf(other, sizeof(other), "%s/no-such-source", dir);
	snprintf(path, sizeof(path), "%s/s-missing", snaps);
	check_err(p->create(other, path, 0, NULL), SNAP_ERROR_NOT_FOUND, "source missing");
	check(nothing_left(snaps, "s-missing"), "%s: nothing left after a missing source", label);
	snprintf(path, sizeof(path), "%s/no-such-dir/snap", snaps);
	check_err(p->create(src, path, 0, NULL), SNAP_ERROR_NOT_FOUND, "destination parent missing");
	snprintf(path, sizeof(path), "%s/s-flags", snaps);
	check_err(p->create(src, path, 1 << 20, NULL), SNAP_ERROR_INVALID_ARGUMENT, "unknown flag refused");
	snprintf(path, sizeof(path), "%s/dir1/inside", src);
	check_err(p->create(src, path, 0, NULL), SNAP_ERROR_INVALID_ARGUMENT,
		  "destination inside the source refused");
	snprintf(other, sizeof(other), "%s/dir1", src);
	check(nothing_left(other, "inside"), "%s: nothing left inside the source", label);

	snprintf(path, sizeof(path), "%s/s-cancel", snaps);
	atomic_init(&c.cancel, true);
	job.cancel = &c.cancel;
	check_err(p->create(src, path, 0, &job), SNAP_ERROR_CANCELLED, "cancelled before start");
	atomic_store(&c.cancel, false);
	job.progress = cancel_progress;
	job.data = &c;
	job.workers = 1;
	check_err(p->create(src, path, 0, &job), SNAP_ERROR_CANCELLED, "cancelled midway");
	check(c.calls >= 2 && job.stats.files > 0 && nothing_left(snaps, "s-cancel"),
	      "%s: cancelled midway after %llu files: nothing left", label,
	      (unsigned long long)job.stats.files);
}

static void suite_delete(const struct snap_provider *p, const char *src,
			 const char *snaps, const char *snap, const char *label)
{
	char path[PATH_MAX], moved[PATH_MAX];
	const struct snap_provider *btrfs = snap_provider_lookup("btrfs");

	check_err(p->delete(src), SNAP_ERROR_NOT_SNAPSHOT, "delete of the live source refused");
	snprintf(path, sizeof(path), "%s/a.txt", src);
	check(exists(path), "%s: the source is intact", label);
	snprintf(path, sizeof(path), "%s/link-to-snap", snaps);
	symlink(snap, path);
	check_err(p->delete(path), SNAP_ERROR_NOT_SNAPSHOT, "delete through a symlink refused");
	unlink(path);
	check_err(btrfs->delete(snap), SNAP_ERROR_NOT_SNAPSHOT, "btrfs provider refuses a tree snapshot");

	/* A marker copied beside another directory: its recorded identity
	 * does not match that directory. */
	snprintf(moved, sizeof(moved), "%s/decoy", snaps);
	mkdir(moved, 0755);
	testfs_sh("cp '%s/.snap1.snapmark' '%s/.decoy.snapmark'", snaps, snaps);
	check_err(p->delete(moved), SNAP_ERROR_NOT_SNAPSHOT,
		  "delete of a directory with another snapshot's marker refused");
	check(exists(moved), "%s: that directory is untouched", label);
	snprintf(path, sizeof(path), "%s/.decoy.snapmark", snaps);
	unlink(path);
	rmdir(moved);

	check_err(p->delete(snap), SNAP_OK, "delete");
	snprintf(path, sizeof(path), "%s/../outside/target.txt", snaps);
	check(!exists(snap) && nothing_left(snaps, "snap1") && exists(path),
	      "%s: snapshot and marker gone, symlink target outside kept", label);
}

/* btrfs seals with a read-only subvolume, for users too. */
static bool on_btrfs(const char *dir)
{
	struct statfs sfs;

	return !statfs(dir, &sfs) && sfs.f_type == BTRFS_SUPER_MAGIC;
}

void tree_suite(const struct snap_provider *p, const char *dir, const char *label)
{
	char src[PATH_MAX], outside[PATH_MAX], snaps[PATH_MAX], snap[PATH_MAX];
	char snap2[PATH_MAX], path[PATH_MAX];
	_Bool privileged = geteuid() == 0;
	unsigned int fx = FIXTURE_XATTRS | FIXTURE_SPECIALS | (privileged ? FIXTURE_PRIVILEGED : 0);
	char *before, *after, *now, *changed;
	struct snap_job job = SNAP_JOB_INIT;
	struct stat st, st2;

	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	snprintf(snaps, sizeof(snaps), "%s/snaps", dir);
	snprintf(snap, sizeof(snap), "%s/snap1", snaps);
	snprintf(snap2, sizeof(snap2), "%s/snap2", snaps);
	mkdir(src, 0755);
	mkdir(outside, 0755);
	mkdir(snaps, 0755);
	check(!fixture_build(src, outside, fx), "%s: test tree built", label);
	before = manifest(src, 0);

	check_err(p->create(src, snap, 0, &job), SNAP_OK, "create");
	check(job.stats.hardlinks == 2 && job.stats.symlinks == 4 &&
	      job.stats.specials == 2u + privileged && job.stats.files >= 10,
	      "%s: stats: %llu files, %llu hard links, %llu symlinks, %llu specials", label,
	      (unsigned long long)job.stats.files, (unsigned long long)job.stats.hardlinks,
	      (unsigned long long)job.stats.symlinks, (unsigned long long)job.stats.specials);
	snprintf(path, sizeof(path), "%s/a.txt", snap);
	check(!stat(path, &st) && st.st_atim.tv_sec == 1000000000 &&
	      st.st_atim.tv_nsec == 111111111, "%s: access time kept to the nanosecond", label);
	after = manifest(snap, 0);
	check(manifest_same(before, after),
	      "%s: snapshot equals the source (modes, owners, ns mtimes, xattrs, links, specials)", label);
	check(dir_has_prefix(snaps, ".snap1.snapmark") && !dir_has_prefix(snaps, ".snap1.snaptmp"),
	      "%s: marker beside the snapshot, no temporary left", label);
	snprintf(path, sizeof(path), "%s/sparse.img", snap);
	check(!stat(path, &st) && st.st_size == 16 << 20 && st.st_blocks < 2048,
	      "%s: sparse file stays sparse (%lld blocks)", label, (long long)st.st_blocks);
	snprintf(path, sizeof(path), "%s/dir2/hl2", snap);
	stat(path, &st2);
	snprintf(path, sizeof(path), "%s/dir1/hl1", snap);
	check(!stat(path, &st) && st.st_ino == st2.st_ino && st.st_nlink == 3,
	      "%s: hard links stay one inode with 3 names", label);
	snprintf(path, sizeof(path), "%s/link-out", snap);
	check(!lstat(path, &st) && S_ISLNK(st.st_mode), "%s: outward symlink copied as a link", label);

	check(!fixture_modify(src, fx), "%s: source modified", label);
	changed = manifest(src, 0);
	check(before && changed && strcmp(before, changed), "%s: the source really changed", label);
	now = manifest(snap, 0);
	check(manifest_same(before, now), "%s: snapshot still has the old content and metadata", label);
	suite_read_only(snap, job.stats.read_only, label);
	check(job.stats.read_only == (privileged || on_btrfs(dir)),
	      "%s: read_only=%d as expected for %s", label, job.stats.read_only,
	      privileged ? "root" : "a user");

	check_err(p->create(src, snap2, 0, NULL), SNAP_OK, "second snapshot of the changed source");
	free(now);
	now = manifest(snap2, 0);
	check(manifest_same(changed, now), "%s: second snapshot equals the changed source", label);
	free(now);

	suite_failures(p, dir, src, snaps, label);
	suite_delete(p, src, snaps, snap, label);
	check_err(snap_delete(snap2), SNAP_OK, "snap_delete() finds the provider by the marker");
	check(dir_count(snaps) == 0, "%s: nothing left in the snapshot directory", label);
	free(before);
	free(after);
	free(changed);
}
