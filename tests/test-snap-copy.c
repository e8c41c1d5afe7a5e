/*
 * test-snap-copy: the copy provider on a plain directory, on tmpfs, across
 * file systems, on a full file system and without privileges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/fixture.h"
#include "lib/tap.h"
#include "lib/testfs.h"
#include "lib/treesuite.h"

#define NOBODY 65534

static const struct snap_provider *p = &snap_provider_copy;

static void copy_plain_dir(void)
{
	char dir[PATH_MAX];

	if (testfs_tmpdir(dir, sizeof(dir)) < 0) {
		tap_skip_n(TREE_SUITE_CHECKS, "mkdtemp failed", "copy on a plain directory");
		return;
	}
	tree_suite(p, dir, "plain dir");
}

static void copy_tmpfs(void)
{
	const char *why = testfs_unavailable_type("tmpfs");
	struct testfs fs;

	if (why || testfs_make(&fs, "tmpfs", 256, NULL, NULL) < 0) {
		tap_skip_n(TREE_SUITE_CHECKS, why ? why : "tmpfs mount failed", "copy on tmpfs");
		return;
	}
	tree_suite(p, fs.mnt, "tmpfs");
	testfs_destroy(&fs);
}

/* Source on tmpfs, destination on XFS. */
static void copy_cross_fs(void)
{
	const char *why = testfs_unavailable_type("xfs");
	char src[PATH_MAX], snap[PATH_MAX], *before = NULL, *after = NULL;
	struct testfs a, b;

	if (why || testfs_make(&a, "tmpfs", 64, NULL, NULL) < 0) {
		tap_skip_n(3, why ? why : "tmpfs mount failed", "copy across file systems");
		return;
	}
	if (testfs_make(&b, "xfs", 300, NULL, NULL) < 0) {
		testfs_destroy(&a);
		tap_skip_n(3, "mkfs.xfs or mount failed", "copy across file systems");
		return;
	}
	snprintf(src, sizeof(src), "%s/src", a.mnt);
	snprintf(snap, sizeof(snap), "%s/snap", b.mnt);
	mkdir(src, 0755);
	fixture_build(src, a.mnt, FIXTURE_XATTRS | FIXTURE_SPECIALS | FIXTURE_PRIVILEGED);
	before = manifest(src, 0);
	check_err(p->create(src, snap, 0, NULL), SNAP_OK, "copy from tmpfs to XFS");
	after = manifest(snap, 0);
	check(manifest_same(before, after), "tmpfs -> XFS: the copy equals the source");
	check_err(p->delete(snap), SNAP_OK, "delete the cross-file-system copy");
	free(before);
	free(after);
	testfs_destroy(&b);
	testfs_destroy(&a);
}

/* A 2 MiB tmpfs cannot take 8 MiB: NO_SPACE midway, nothing left. */
static void copy_no_space(void)
{
	const char *why = testfs_unavailable_type("tmpfs");
	char src[PATH_MAX], path[PATH_MAX], snap[PATH_MAX];
	struct testfs small;

	if (why || testfs_make(&small, "tmpfs", 2, NULL, NULL) < 0 ||
	    testfs_tmpdir(src, sizeof(src)) < 0) {
		tap_skip_n(2, why ? why : "tmpfs mount failed", "copy to a full file system");
		return;
	}
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "%s/file%d", src, i);
		file_write_pattern(path, 1 << 20, i);
	}
	snprintf(snap, sizeof(snap), "%s/snap", small.mnt);
	check_err(p->create(src, snap, 0, NULL), SNAP_ERROR_NO_SPACE, "copy to a full tmpfs");
	check(nothing_left(small.mnt, "snap") && dir_count(small.mnt) == 0,
	      "nothing left on the full file system");
	testfs_destroy(&small);
}

/* --- without privileges (a child running as nobody) --- */

static char u_src[PATH_MAX], u_snaps[PATH_MAX], u_snap[PATH_MAX];
static int u_flags;

/* Exit code: snap_error in bits 0-3, facts in bits 4-6. */
static int u_create(void *arg)
{
	struct snap_job job = SNAP_JOB_INIT;
	int r = p->create(u_src, u_snap, u_flags, &job);

	(void)arg;
	return r | (job.stats.specials_skipped == 1) << 4 |
	       (job.stats.owners_not_kept >= 1) << 5 | (!job.stats.read_only) << 6;
}

static int u_delete(void *arg)
{
	(void)arg;
	return p->delete(u_snap);
}

static void copy_unprivileged_failures(void)
{
	char path[PATH_MAX];
	int r;

	u_flags = SNAP_CREATE_REQUIRE_READ_ONLY;
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check((r & 15) == SNAP_ERROR_PERMISSION, "user: REQUIRE_READ_ONLY refused (%s)",
	      snap_strerror(r & 15));
	check(nothing_left(u_snaps, "u1"), "user: nothing left after REQUIRE_READ_ONLY");
	u_flags = SNAP_CREATE_STRICT;
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check((r & 15) == SNAP_ERROR_PERMISSION, "user: STRICT refuses to drop the device node (%s)",
	      snap_strerror(r & 15));
	check(nothing_left(u_snaps, "u1"), "user: nothing left after STRICT");
	u_flags = 0;
	snprintf(path, sizeof(path), "%s/dir2/root-secret", u_src);
	file_write_pattern(path, 100, 3);
	chmod(path, 0600);
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check((r & 15) == SNAP_ERROR_PERMISSION, "user: an unreadable file fails the copy (%s)",
	      snap_strerror(r & 15));
	check(nothing_left(u_snaps, "u1"), "user: nothing left after the unreadable file");
	unlink(path);
}

static void copy_unprivileged(void)
{
	const char *why = geteuid() ? "needs root to set up other users' files" : NULL;
	char dir[PATH_MAX], path[PATH_MAX], *before, *after;
	struct stat st;
	int r;

	if (why || testfs_tmpdir(dir, sizeof(dir)) < 0) {
		tap_skip_n(14, why ? why : "mkdtemp failed", "copy without privileges");
		return;
	}
	chmod(dir, 0755);
	snprintf(u_src, sizeof(u_src), "%s/src", dir);
	snprintf(u_snaps, sizeof(u_snaps), "%s/snaps", dir);
	snprintf(u_snap, sizeof(u_snap), "%s/u1", u_snaps);
	mkdir(u_src, 0755);
	mkdir(u_snaps, 0755);
	fixture_build(u_src, dir, FIXTURE_XATTRS | FIXTURE_SPECIALS);
	testfs_sh("chown -R %d:%d '%s' '%s'", NOBODY, NOBODY, u_src, u_snaps);
	snprintf(path, sizeof(path), "%s/root-file.txt", u_src);
	file_write_pattern(path, 1000, 2);
	snprintf(path, sizeof(path), "mknod -m 0644 '%s/null-device' c 1 3", u_src);
	testfs_sh("%s", path);
	before = manifest(u_src, MANIFEST_NO_OWNERS | MANIFEST_NO_DEVICES);

	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check((r & 15) == SNAP_OK, "user: copy (%s)", snap_strerror(r & 15));
	check(r & 16, "user: the device node is skipped and counted");
	check(r & 32, "user: the root-owned file is counted as owner not kept");
	check(r & 64, "user: read_only is false (no CAP_LINUX_IMMUTABLE)");
	after = manifest(u_snap, MANIFEST_NO_OWNERS | MANIFEST_NO_DEVICES);
	check(manifest_same(before, after), "user: copy equals the source but for owners and devices");
	snprintf(path, sizeof(path), "%s/root-file.txt", u_snap);
	check(!stat(path, &st) && st.st_uid == NOBODY, "user: the root file now belongs to the user");
	r = testfs_as_user(NOBODY, NOBODY, u_delete, NULL);
	check(r == SNAP_OK, "user: delete (%s)", snap_strerror(r));
	check(nothing_left(u_snaps, "u1"), "user: nothing left after delete");
	free(before);
	free(after);
	copy_unprivileged_failures();
}

int main(void)
{
	copy_plain_dir();
	copy_tmpfs();
	copy_cross_fs();
	copy_no_space();
	copy_unprivileged();
	return tap_done("test-snap-copy");
}
