/*
 * test-snap-zfs: the zfs provider's command contract, with a fake `zfs` on
 * PATH that logs its argv: exact arguments, the destination link, error
 * mapping from exit status and message, and delete safety.  No real ZFS
 * here (no kernel module): one skip line says so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/fake.h"
#include "lib/fixture.h"
#include "lib/tap.h"
#include "lib/testfs.h"
#include "lib/treesuite.h"

static const struct snap_provider *p = &snap_provider_zfs;
static char fakes[PATH_MAX], src[PATH_MAX], snaps[PATH_MAX], snap[PATH_MAX];

static void log_is(const char *want, const char *what)
{
	char *got = fake_log_take(fakes);

	check(!strcmp(got, want), "%s: tool calls as expected", what);
	if (strcmp(got, want)) {
		tap_note("expected:\n%s", want);
		tap_note("got:\n%s", got);
	}
	free(got);
}

static const char *list_call = "zfs [list] [-H] [-p] [-o] [name,mountpoint] [-t] [filesystem]\n";

static void zfs_create_delete(void)
{
	char want[4 * PATH_MAX], target[PATH_MAX], path[PATH_MAX];
	struct snap_probe probe;
	ssize_t len;

	check_err(p->probe(src, NULL, &probe), SNAP_OK, "probe a dataset's mount point");
	check(!strcmp(probe.volume, "tank/home") && (probe.caps & SNAP_CAP_ATOMIC) &&
	      (probe.caps & SNAP_CAP_CONSTANT_TIME), "probe: volume %s, atomic, O(1)", probe.volume);
	log_is(list_call, "probe");
	snprintf(path, sizeof(path), "%s/sub", src);
	mkdir(path, 0755);
	check_err(p->probe(path, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe a directory below the mount point");
	fake_log_take(fakes);

	check_err(p->create(src, snap, 0, NULL), SNAP_OK, "create");
	snprintf(want, sizeof(want), "%szfs [snapshot] [tank/home@snap1]\n", list_call);
	log_is(want, "create");
	len = readlink(snap, target, sizeof(target) - 1);
	target[len < 0 ? 0 : len] = '\0';
	snprintf(want, sizeof(want), "%s/.zfs/snapshot/snap1", src);
	check(!strcmp(target, want), "the destination links to %s", target);
	check(dir_has_prefix(snaps, ".snap1.snapmark"), "marker beside the link");
	check_err(p->delete(snap), SNAP_OK, "delete");
	log_is("zfs [destroy] [tank/home@snap1]\n", "delete");
	check(nothing_left(snaps, "snap1"), "link and marker gone");
}

static void zfs_create_fails(const char *err, enum snap_error want, const char *what)
{
	fake_reply(fakes, "zfs-snapshot", 1, NULL, err);
	check_err(p->create(src, snap, 0, NULL), want, what);
	check(nothing_left(snaps, "snap1"), "%s: nothing left", what);
	fake_log_take(fakes);
	fake_reply(fakes, "zfs-snapshot", 0, NULL, NULL);
}

static void zfs_delete_safety(void)
{
	char path[PATH_MAX];

	fake_reply(fakes, "zfs-destroy", 1, NULL, "cannot destroy snapshot tank/home@snap1: dataset is busy\n");
	p->create(src, snap, 0, NULL);
	fake_log_take(fakes);
	check_err(p->delete(snap), SNAP_ERROR_BUSY, "destroy of a busy snapshot");
	check(!nothing_left(snaps, "snap1"), "busy: link and marker stay for a retry");
	fake_reply(fakes, "zfs-destroy", 0, NULL, NULL);

	/* The link replaced by another: not ours any more. */
	unlink(snap);
	symlink("/", snap);
	fake_log_take(fakes);
	check_err(p->delete(snap), SNAP_ERROR_NOT_SNAPSHOT, "a replaced link is refused");
	log_is("", "replaced link: no zfs destroy");
	unlink(snap);
	snprintf(path, sizeof(path), "%s/.snap1.snapmark", snaps);
	unlink(path);

	/* A marker naming the bare dataset must never reach `zfs destroy`. */
	p->create(src, snap, 0, NULL);
	testfs_sh("sed -i 's/^volume .*/volume tank\\/home/' '%s'", path);
	fake_log_take(fakes);
	check_err(p->delete(snap), SNAP_ERROR_NOT_SNAPSHOT, "a marker without '@snapshot' is refused");
	log_is("", "bare dataset: no zfs destroy");
	unlink(snap);
	unlink(path);
	mkdir(snap, 0755);
	check_err(p->delete(snap), SNAP_ERROR_NOT_SNAPSHOT, "a directory without a marker is refused");
	rmdir(snap);
	check_err(p->create(src, "/nonexistent-dir/x", 0, NULL), SNAP_ERROR_NOT_FOUND, "destination parent missing");
	snprintf(path, sizeof(path), "%s/bad name", snaps);
	check_err(p->create(src, path, 0, NULL), SNAP_ERROR_INVALID_ARGUMENT, "a name ZFS does not allow");
	check(!strstr(fake_log_take(fakes), "snapshot"), "no zfs snapshot for refused names");
}

int main(void)
{
	char dir[PATH_MAX], *real, listing[2 * PATH_MAX];
	const char *path = getenv("PATH");
	char *saved = strdup(path ? path : "/usr/bin:/bin");

	tap_skip("no ZFS kernel module or pool on this machine", "real zfs snapshot and destroy");
	if (testfs_tmpdir(dir, sizeof(dir)) < 0 || fake_setup(fakes, sizeof(fakes)) < 0)
		return 1;
	snprintf(src, sizeof(src), "%s/home", dir);
	snprintf(snaps, sizeof(snaps), "%s/snaps", dir);
	snprintf(snap, sizeof(snap), "%s/snap1", snaps);
	mkdir(src, 0755);
	mkdir(snaps, 0755);
	real = realpath(src, NULL);
	snprintf(listing, sizeof(listing), "tank\t/tank\ntank/home\t%s\ntank/other\t/other\n", real);
	free(real);

	setenv("PATH", fakes, 1);
	check_err(p->probe(src, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "no zfs tool: not offered");
	setenv("PATH", saved, 1);
	fake_setup(fakes, sizeof(fakes));
	fake_tool(fakes, "zfs", "case \"$1\" in list) n=zfs-list;; snapshot) n=zfs-snapshot;; destroy) n=zfs-destroy;; esac");
	fake_reply(fakes, "zfs-list", 0, listing, NULL);

	zfs_create_delete();
	zfs_create_fails("cannot create snapshot 'tank/home@snap1': dataset already exists\n",
			 SNAP_ERROR_EXISTS, "snapshot exists");
	zfs_create_fails("cannot create snapshot 'tank/home@snap1': out of space\n",
			 SNAP_ERROR_NO_SPACE, "pool full");
	zfs_create_fails("cannot create snapshots : permission denied\n",
			 SNAP_ERROR_PERMISSION, "not permitted");
	zfs_create_fails("internal error: something odd\n", SNAP_ERROR_IO, "unknown failure");
	zfs_delete_safety();
	free(saved);
	return tap_done("test-snap-zfs");
}
