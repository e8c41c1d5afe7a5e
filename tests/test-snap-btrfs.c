/*
 * test-snap-btrfs: the btrfs provider on a loop-mounted btrfs: probe,
 * read-only snapshot of a subvolume, old content kept, refusals, delete
 * safety, and create/delete by an unprivileged owner on a file system
 * mounted with user_subvol_rm_allowed.
 */
#define _GNU_SOURCE
#include <btrfsutil.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/fixture.h"
#include "lib/tap.h"
#include "lib/testfs.h"
#include "lib/treesuite.h"

#define NOBODY 65534
#define BTRFS_CHECKS 30
#define BTRFS_USER_CHECKS 5

static const struct snap_provider *p = &snap_provider_btrfs;

static bool is_read_only_subvolume(const char *path)
{
	bool ro = false;

	return !btrfs_util_is_subvolume(path) &&
	       !btrfs_util_get_subvolume_read_only(path, &ro) && ro;
}

static void btrfs_writes_refused(const char *snap)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/a.txt", snap);
	fd = open(path, O_WRONLY | O_APPEND);
	check(fd < 0 && errno == EROFS, "writing a file of the snapshot fails with EROFS (even as root)");
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/new", snap);
	check(mkdir(path, 0755) < 0 && errno == EROFS, "creating in the snapshot fails with EROFS");
	snprintf(path, sizeof(path), "%s/dir1/sub/c.txt", snap);
	check(unlink(path) < 0, "deleting in the snapshot fails");
}

static void btrfs_probe_checks(const char *vol, const char *mnt)
{
	char path[PATH_MAX];
	struct snap_probe probe;

	check_err(p->probe(vol, NULL, &probe), SNAP_OK, "probe a subvolume root");
	check(probe.caps & SNAP_CAP_ATOMIC && probe.caps & SNAP_CAP_CONSTANT_TIME &&
	      probe.caps & SNAP_CAP_READ_ONLY && !strcmp(probe.fs_type, "btrfs") &&
	      !strncmp(probe.volume, "subvolume ", 10),
	      "probe: btrfs, atomic, O(1), read-only, %s", probe.volume);
	snprintf(path, sizeof(path), "%s/dir1", vol);
	check_err(p->probe(path, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe a directory that is no subvolume root");
	check_err(p->probe("/proc", NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe a directory on another file system");
	snprintf(path, sizeof(path), "%s/no-such-dir", mnt);
	check_err(p->probe(path, NULL, NULL), SNAP_ERROR_NOT_FOUND, "probe a missing directory");
	check_err(p->probe(vol, mnt, NULL), SNAP_OK, "probe with a destination on the same btrfs");
	check_err(p->probe(vol, "/tmp", NULL), SNAP_ERROR_NOT_SUPPORTED,
		  "probe with a destination on another file system");
}

static void btrfs_refusals(const char *vol, const char *snaps, const char *mnt)
{
	char path[PATH_MAX], other[PATH_MAX];
	atomic_bool cancel = true;
	struct snap_job job = SNAP_JOB_INIT;

	snprintf(other, sizeof(other), "%s/dir1", vol);
	snprintf(path, sizeof(path), "%s/not-root", snaps);
	check_err(p->create(other, path, 0, NULL), SNAP_ERROR_NOT_SUPPORTED, "create from a non-root directory refused");
	check(nothing_left(snaps, "not-root"), "nothing left after the refusal");
	snprintf(path, sizeof(path), "%s/existing", snaps);
	mkdir(path, 0755);
	check_err(p->create(vol, path, 0, NULL), SNAP_ERROR_EXISTS, "destination exists");
	check(dir_count(path) == 0, "the existing destination is untouched");
	rmdir(path);
	snprintf(other, sizeof(other), "%s/no-such-subvolume", mnt);
	snprintf(path, sizeof(path), "%s/missing", snaps);
	check_err(p->create(other, path, 0, NULL), SNAP_ERROR_NOT_FOUND, "source missing");
	check_err(p->create(vol, path, 1 << 20, NULL), SNAP_ERROR_INVALID_ARGUMENT, "unknown flag refused");
	job.cancel = &cancel;
	check_err(p->create(vol, path, 0, &job), SNAP_ERROR_CANCELLED, "cancelled before the ioctl");
	check(nothing_left(snaps, "missing"), "nothing left after the failures");
}

static void btrfs_delete_checks(const char *vol, const char *snaps, const char *snap)
{
	char path[PATH_MAX];

	check_err(p->delete(vol), SNAP_ERROR_NOT_SNAPSHOT, "delete of the live subvolume refused");
	check(!btrfs_util_is_subvolume(vol), "the live subvolume is intact");
	check_err(snap_provider_reflink.delete(snap), SNAP_ERROR_NOT_SNAPSHOT,
		  "the reflink provider refuses a btrfs snapshot");
	/* The snapshot's marker beside another subvolume: UUID/identity differ. */
	snprintf(path, sizeof(path), "%s/decoy", snaps);
	btrfs_util_create_subvolume(path, 0, NULL, NULL);
	testfs_sh("cp '%s/.snap1.snapmark' '%s/.decoy.snapmark'", snaps, snaps);
	check_err(p->delete(path), SNAP_ERROR_NOT_SNAPSHOT, "a copied marker does not authorise a delete");
	check(!btrfs_util_is_subvolume(path), "the decoy subvolume is intact");
	btrfs_util_delete_subvolume(path, 0);
	snprintf(path, sizeof(path), "%s/.decoy.snapmark", snaps);
	unlink(path);
	check_err(p->delete(snap), SNAP_OK, "delete the snapshot");
	check(nothing_left(snaps, "snap1"), "snapshot and marker gone");
}

static void btrfs_main(const struct testfs *fs)
{
	char vol[PATH_MAX], snaps[PATH_MAX], snap[PATH_MAX], outside[PATH_MAX];
	char *before, *after, *changed;
	struct snap_job job = SNAP_JOB_INIT;

	snprintf(vol, sizeof(vol), "%s/vol", fs->mnt);
	snprintf(snaps, sizeof(snaps), "%s/snaps", fs->mnt);
	snprintf(snap, sizeof(snap), "%s/snap1", snaps);
	snprintf(outside, sizeof(outside), "%s/outside", fs->mnt);
	mkdir(snaps, 0755);
	mkdir(outside, 0755);
	check(!btrfs_util_create_subvolume(vol, 0, NULL, NULL) &&
	      !fixture_build(vol, outside, FIXTURE_XATTRS | FIXTURE_SPECIALS | FIXTURE_PRIVILEGED),
	      "subvolume with the test tree");
	btrfs_probe_checks(vol, fs->mnt);
	before = manifest(vol, 0);
	check_err(p->create(vol, snap, 0, &job), SNAP_OK, "create");
	check(is_read_only_subvolume(snap) && job.stats.read_only, "the snapshot is a read-only subvolume");
	after = manifest(snap, 0);
	check(manifest_same(before, after), "snapshot equals the source");
	fixture_modify(vol, FIXTURE_XATTRS);
	changed = manifest(vol, 0);
	free(after);
	after = manifest(snap, 0);
	check(strcmp(before, changed) && manifest_same(before, after),
	      "after the source changed the snapshot still has the old content and metadata");
	btrfs_writes_refused(snap);
	btrfs_refusals(vol, snaps, fs->mnt);
	btrfs_delete_checks(vol, snaps, snap);
	free(before);
	free(after);
	free(changed);
}

/* --- an unprivileged owner --- */

static char u_vol[PATH_MAX], u_snap[PATH_MAX];

static int u_create(void *arg)
{
	(void)arg;
	return p->create(u_vol, u_snap, 0, NULL);
}

static int u_delete(void *arg)
{
	(void)arg;
	return p->delete(u_snap);
}

static void btrfs_user(void)
{
	const char *why = testfs_unavailable_type("btrfs");
	char snaps[PATH_MAX];
	struct testfs fs;
	int r;

	if (why || testfs_make(&fs, "btrfs", 256, NULL, "user_subvol_rm_allowed") < 0) {
		tap_skip_n(BTRFS_USER_CHECKS, why ? why : "mkfs or mount failed", "btrfs as a user");
		return;
	}
	chmod(fs.dir, 0755);
	snprintf(u_vol, sizeof(u_vol), "%s/uvol", fs.mnt);
	snprintf(snaps, sizeof(snaps), "%s/usnaps", fs.mnt);
	snprintf(u_snap, sizeof(u_snap), "%s/s", snaps);
	btrfs_util_create_subvolume(u_vol, 0, NULL, NULL);
	mkdir(snaps, 0755);
	fixture_build(u_vol, fs.mnt, FIXTURE_XATTRS);
	testfs_sh("chown -R %d:%d '%s' '%s'", NOBODY, NOBODY, u_vol, snaps);
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check(r == SNAP_OK, "user: snapshot of an owned subvolume (%s)", snap_strerror(r));
	check(is_read_only_subvolume(u_snap), "user: the snapshot is read-only");
	r = testfs_as_user(NOBODY, NOBODY, u_delete, NULL);
	check(r == SNAP_OK, "user: delete with user_subvol_rm_allowed (%s)", snap_strerror(r));
	check(nothing_left(snaps, "s"), "user: snapshot and marker gone");
	/* Someone else's subvolume: refused by probe and create. */
	chown(u_vol, 0, 0);
	r = testfs_as_user(NOBODY, NOBODY, u_create, NULL);
	check(r == SNAP_ERROR_PERMISSION && nothing_left(snaps, "s"),
	      "user: snapshot of root's subvolume refused (%s), nothing left", snap_strerror(r));
	testfs_destroy(&fs);
}

int main(void)
{
	const char *why = testfs_unavailable_type("btrfs");
	struct testfs fs;

	if (why || testfs_make(&fs, "btrfs", 256, NULL, NULL) < 0)
		tap_skip_n(BTRFS_CHECKS, why ? why : "mkfs.btrfs or mount failed", "btrfs provider");
	else {
		btrfs_main(&fs);
		testfs_destroy(&fs);
	}
	btrfs_user();
	return tap_done("test-snap-btrfs");
}
