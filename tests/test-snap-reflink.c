/*
 * test-snap-reflink: the reflink provider on loop-mounted btrfs and XFS
 * (reflink=1), and its refusals: XFS without reflink, tmpfs, a destination
 * on another file system, a full file system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/fixture.h"
#include "lib/tap.h"
#include "lib/testfs.h"
#include "lib/treesuite.h"

static const struct snap_provider *p = &snap_provider_reflink;

/* Does the first extent of @path say it is shared (cloned)? */
static bool extent_shared(const char *path)
{
	struct {
		struct fiemap map;
		struct fiemap_extent extent[1];
	} f = { .map = { .fm_length = ~0ULL, .fm_flags = FIEMAP_FLAG_SYNC,
			 .fm_extent_count = 1 } };
	int fd = open(path, O_RDONLY);
	bool shared;

	if (fd < 0)
		return false;
	shared = !ioctl(fd, FS_IOC_FIEMAP, &f.map) && f.map.fm_mapped_extents &&
		 (f.extent[0].fe_flags & FIEMAP_EXTENT_SHARED);
	close(fd);
	return shared;
}

/* Data blocks shared with the source; one worker gives the same tree. */
static void reflink_sharing(const char *mnt, const char *label)
{
	char src[PATH_MAX], snap[PATH_MAX], path[PATH_MAX], *a, *b;
	struct snap_job job = SNAP_JOB_INIT;

	snprintf(src, sizeof(src), "%s/share-src", mnt);
	snprintf(snap, sizeof(snap), "%s/share-snap", mnt);
	mkdir(src, 0755);
	fixture_build(src, mnt, FIXTURE_XATTRS | FIXTURE_SPECIALS | FIXTURE_PRIVILEGED);
	job.workers = 1;
	check_err(p->create(src, snap, 0, &job), SNAP_OK, "create with one worker");
	snprintf(path, sizeof(path), "%s/dir1/b.bin", snap);
	check(extent_shared(path), "%s: the clone shares its data extents with the source", label);
	a = manifest(src, 0);
	b = manifest(snap, 0);
	check(manifest_same(a, b), "%s: one worker makes the same tree", label);
	check_err(p->delete(snap), SNAP_OK, "delete");
	free(a);
	free(b);
}

static void reflink_on(const char *type, const char *mkfs_args, const char *label)
{
	const char *why = testfs_unavailable_type(type);
	struct testfs fs;

	if (why || testfs_make(&fs, type, 320, mkfs_args, NULL) < 0) {
		tap_skip_n(TREE_SUITE_CHECKS + 4, why ? why : "mkfs or mount failed", label);
		return;
	}
	tree_suite(p, fs.mnt, label);
	reflink_sharing(fs.mnt, label);
	testfs_destroy(&fs);
}

/* A file system where FICLONE is impossible: NOT_SUPPORTED, nothing left. */
static void reflink_refused(const char *type, const char *mkfs_args, const char *label)
{
	const char *why = testfs_unavailable_type(type);
	char src[PATH_MAX], snap[PATH_MAX];
	struct testfs fs;

	if (why || testfs_make(&fs, type, 320, mkfs_args, NULL) < 0) {
		tap_skip_n(3, why ? why : "mkfs or mount failed", label);
		return;
	}
	snprintf(src, sizeof(src), "%s/src", fs.mnt);
	snprintf(snap, sizeof(snap), "%s/snap", fs.mnt);
	mkdir(src, 0755);
	fixture_build(src, fs.mnt, 0);
	check_err(p->probe(src, fs.mnt, NULL), SNAP_ERROR_NOT_SUPPORTED, label);
	check_err(p->create(src, snap, 0, NULL), SNAP_ERROR_NOT_SUPPORTED, label);
	check(nothing_left(fs.mnt, "snap"), "%s: nothing left", label);
	testfs_destroy(&fs);
}

/* Source on btrfs, destination on XFS: clones cannot cross. */
static void reflink_cross_fs(void)
{
	const char *why = testfs_unavailable();
	char src[PATH_MAX], snap[PATH_MAX];
	struct testfs a, b;

	if (why || testfs_make(&a, "btrfs", 256, NULL, NULL) < 0) {
		tap_skip_n(3, why ? why : "mkfs or mount failed", "reflink across file systems");
		return;
	}
	if (testfs_make(&b, "xfs", 300, "-m reflink=1", NULL) < 0) {
		testfs_destroy(&a);
		tap_skip_n(3, "mkfs.xfs or mount failed", "reflink across file systems");
		return;
	}
	snprintf(src, sizeof(src), "%s/src", a.mnt);
	snprintf(snap, sizeof(snap), "%s/snap", b.mnt);
	mkdir(src, 0755);
	fixture_build(src, a.mnt, 0);
	check_err(p->probe(src, b.mnt, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe btrfs source, XFS destination");
	check_err(p->create(src, snap, 0, NULL), SNAP_ERROR_NOT_SUPPORTED, "clone from btrfs to XFS");
	check(nothing_left(b.mnt, "snap"), "btrfs -> XFS: nothing left");
	testfs_destroy(&b);
	testfs_destroy(&a);
}

/* Fill an XFS to the last block and inode: NO_SPACE, nothing left. */
static void reflink_no_space(void)
{
	const char *why = testfs_unavailable_type("xfs");
	char src[PATH_MAX], snap[PATH_MAX], path[PATH_MAX];
	struct testfs fs;

	if (why || testfs_make(&fs, "xfs", 300, "-m reflink=1", NULL) < 0) {
		tap_skip_n(2, why ? why : "mkfs or mount failed", "reflink on a full file system");
		return;
	}
	snprintf(src, sizeof(src), "%s/src", fs.mnt);
	snprintf(snap, sizeof(snap), "%s/snap", fs.mnt);
	mkdir(src, 0755);
	fixture_build(src, fs.mnt, 0);
	snprintf(path, sizeof(path), "%s/fill", fs.mnt);
	testfs_sh("(fallocate -l 400M '%s'; true)", path);
	testfs_sh("cd '%s' && i=0; while echo x > f$i; do i=$((i+1)); done", fs.mnt);
	check_err(p->create(src, snap, 0, NULL), SNAP_ERROR_NO_SPACE, "clone on a full XFS");
	check(nothing_left(fs.mnt, "snap"), "full XFS: nothing left");
	testfs_destroy(&fs);
}

/* --- a user on btrfs: the read-only subvolume seal needs no privilege --- */

#define NOBODY 65534

static char u_src[PATH_MAX], u_snap[PATH_MAX];

static int u_create(void *arg)
{
	struct snap_job job = SNAP_JOB_INIT;
	int r;

	(void)arg;
	r = p->create(u_src, u_snap, SNAP_CREATE_REQUIRE_READ_ONLY | SNAP_CREATE_DURABLE, &job);
	return r | (job.stats.read_only << 4);
}

static int u_delete(void *arg)
{
	(void)arg;
	return p->delete(u_snap);
}

static void reflink_user(void)
{
	const char *why = testfs_unavailable_type("btrfs");
	char snaps[PATH_MAX], path[PATH_MAX], *a, *b;
	struct testfs fs;
	int r, fd;

	if (why || testfs_make(&fs, "btrfs", 256, NULL, NULL) < 0) {
		tap_skip_n(5, why ? why : "mkfs or mount failed", "reflink as a user on btrfs");
		return;
	}
	chmod(fs.dir, 0755);
	snprintf(u_src, sizeof(u_src), "%s/src", fs.mnt);
	snprintf(snaps, sizeof(snaps), "%s/snaps", fs.mnt);
	snprintf(u_snap, sizeof(u_snap), "%s/u", snaps);
	mkdir(u_src, 0755);
	mkdir(snaps, 0755);
	fixture_build(u_src, fs.mnt, FIXTURE_XATTRS | FIXTURE_SPECIALS);
	testfs_sh("chown -R %d:%d '%s' '%s'", NOBODY, NOBODY, u_src, snaps);
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check((r & 15) == SNAP_OK && (r & 16),
	      "user: read-only (REQUIRE_READ_ONLY) and durable clone on btrfs (%s)", snap_strerror(r & 15));
	a = manifest(u_src, 0);
	b = manifest(u_snap, 0);
	check(manifest_same(a, b), "user: the clone equals the source");
	snprintf(path, sizeof(path), "%s/a.txt", u_snap);
	fd = open(path, O_WRONLY | O_APPEND);
	check(fd < 0 && errno == EROFS, "user's clone: writing fails with EROFS even for root");
	if (fd >= 0)
		close(fd);
	r = testfs_as_user(NOBODY, NOBODY, u_delete, NULL);
	check(r == SNAP_OK, "user: delete without user_subvol_rm_allowed (%s)", snap_strerror(r));
	check(nothing_left(snaps, "u"), "user: nothing left");
	free(a);
	free(b);
	testfs_destroy(&fs);
}

int main(void)
{
	reflink_on("btrfs", NULL, "btrfs");
	reflink_on("xfs", "-m reflink=1", "xfs-reflink");
	reflink_refused("xfs", "-m reflink=0", "XFS without reflink refused");
	reflink_refused("tmpfs", NULL, "tmpfs refused");
	reflink_cross_fs();
	reflink_no_space();
	reflink_user();
	return tap_done("test-snap-reflink");
}
