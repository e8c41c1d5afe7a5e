/*
 * test-snap-lvm: the lvm-thin provider's command contract, with fake lvs,
 * lvcreate, lvremove, mount and umount on PATH that log their argv: exact
 * arguments, error mapping from exit status and message, clean-up after
 * every failure, and delete safety.  No device-mapper here: one skip line
 * says the real thing is absent.  The source must be a mount point, so the
 * checks need root to mount a tmpfs as the "volume".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/fake.h"
#include "lib/fixture.h"
#include "lib/tap.h"
#include "lib/testfs.h"
#include "lib/treesuite.h"

#define LVM_CHECKS 35

static const struct snap_provider *p = &snap_provider_lvm_thin;
static char fakes[PATH_MAX], src[PATH_MAX], snaps[PATH_MAX], snap[PATH_MAX];
static char lvs_call[512], create_calls[2 * PATH_MAX], delete_calls[2 * PATH_MAX];

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

static void lvm_listing(const char *segtype)
{
	char out[512];
	struct stat st;

	stat(src, &st);
	snprintf(out, sizeof(out), "  vg0|swap|linear|254|0\n  vg0|root|%s|%u|%u\n  vg0|pool|thin-pool|254|2\n",
		 segtype, major(st.st_dev), minor(st.st_dev));
	fake_reply(fakes, "lvs", 0, out, NULL);
}

static void lvm_probe_checks(void)
{
	char path[PATH_MAX];
	struct snap_probe probe;

	check_err(p->probe(src, NULL, &probe), SNAP_OK, "probe a thin volume's mount point");
	check(!strcmp(probe.volume, "vg0/root") && (probe.caps & SNAP_CAP_ATOMIC) &&
	      (probe.caps & SNAP_CAP_READ_ONLY), "probe: volume %s, atomic, read-only", probe.volume);
	log_is(lvs_call, "probe");
	snprintf(path, sizeof(path), "%s/sub", src);
	mkdir(path, 0755);
	check_err(p->probe(path, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe a directory that is no mount point");
	log_is("", "no mount point: no lvs");
	lvm_listing("linear");
	check_err(p->probe(src, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "probe a linear (not thin) volume");
	lvm_listing("thin");
	fake_log_take(fakes);
}

static void lvm_create_delete(void)
{
	check_err(p->create(src, snap, 0, NULL), SNAP_OK, "create");
	log_is(create_calls, "create");
	check(dir_has_prefix(snaps, ".snap1.snapmark") && dir_count(snap) == 0,
	      "mount point and marker in place");
	check_err(p->delete(snap), SNAP_OK, "delete");
	log_is(delete_calls, "delete");
	check(nothing_left(snaps, "snap1"), "mount point and marker gone");
}

static void lvm_lvcreate_fails(const char *err, enum snap_error want, const char *what)
{
	char calls[1024];

	fake_reply(fakes, "lvcreate", 5, NULL, err);
	check_err(p->create(src, snap, 0, NULL), want, what);
	snprintf(calls, sizeof(calls), "%s%.*s", lvs_call,
		 (int)strcspn(create_calls + strlen(lvs_call), "\n") + 1, create_calls + strlen(lvs_call));
	log_is(calls, what);
	check(nothing_left(snaps, "snap1"), "%s: nothing left", what);
	fake_reply(fakes, "lvcreate", 0, NULL, NULL);
}

static void lvm_mount_fails(void)
{
	char want[2 * PATH_MAX];

	fake_reply(fakes, "mount", 32, NULL, "mount: /x: wrong fs type, bad option, bad superblock.\n");
	check_err(p->create(src, snap, 0, NULL), SNAP_ERROR_IO, "mount of the snapshot fails");
	snprintf(want, sizeof(want), "%slvremove [--yes] [vg0/snap1]\n", create_calls);
	log_is(want, "failed mount: the snapshot LV is removed again");
	check(nothing_left(snaps, "snap1"), "failed mount: nothing left");
	fake_reply(fakes, "mount", 0, NULL, NULL);
}

static void lvm_delete_safety(void)
{
	char want[PATH_MAX];

	p->create(src, snap, 0, NULL);
	fake_reply(fakes, "umount", 32, NULL, "umount: /x: target is busy.\n");
	fake_log_take(fakes);
	check_err(p->delete(snap), SNAP_ERROR_BUSY, "delete while the snapshot is in use");
	snprintf(want, sizeof(want), "lvs [--noheadings] [-o] [lv_tags] [vg0/snap1]\numount [%s]\n", snap);
	log_is(want, "busy: no lvremove");
	check(!nothing_left(snaps, "snap1"), "busy: mount point and marker stay for a retry");
	fake_reply(fakes, "umount", 0, NULL, NULL);

	fake_reply(fakes, "lvs-tags", 0, "  someone-else\n", NULL);
	check_err(p->delete(snap), SNAP_ERROR_NOT_SNAPSHOT, "an LV without the winevss tag is refused");
	log_is("lvs [--noheadings] [-o] [lv_tags] [vg0/snap1]\n", "untagged: no umount, no lvremove");
	fake_reply(fakes, "lvs-tags", 0, "  winevss\n", NULL);
	check_err(p->delete(snap), SNAP_OK, "delete after the refusals");
	fake_log_take(fakes);

	check_err(p->delete(src), SNAP_ERROR_NOT_SNAPSHOT, "delete of the live volume refused");
	log_is("", "live volume: no tool runs");
	snprintf(want, sizeof(want), "%s/bad name", snaps);
	check_err(p->create(src, want, 0, NULL), SNAP_ERROR_INVALID_ARGUMENT, "a name LVM does not allow");
	check(!strstr(fake_log_take(fakes), "lvcreate"), "no lvcreate for a refused name");
}

static void lvm_setup_calls(void)
{
	snprintf(lvs_call, sizeof(lvs_call), "lvs [--noheadings] [--nosuffix] [--separator] [|] [-o] "
		 "[vg_name,lv_name,segtype,lv_kernel_major,lv_kernel_minor]\n");
	snprintf(create_calls, sizeof(create_calls), "%slvcreate [--snapshot] [--setactivationskip] [n] "
		 "[--addtag] [winevss] [--name] [snap1] [vg0/root]\nmount [-o] [ro] [/dev/vg0/snap1] [%s]\n",
		 lvs_call, snap);
	snprintf(delete_calls, sizeof(delete_calls), "lvs [--noheadings] [-o] [lv_tags] [vg0/snap1]\n"
		 "umount [%s]\nlvremove [--yes] [vg0/snap1]\n", snap);
}

int main(void)
{
	const char *why = testfs_unavailable_type("tmpfs");
	char dir[PATH_MAX], *saved = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	struct testfs fs;

	tap_skip("no device-mapper or LVM thin pool on this machine", "real lvcreate and lvremove");
	if (why || testfs_make(&fs, "tmpfs", 16, NULL, NULL) < 0 || testfs_tmpdir(dir, sizeof(dir)) < 0) {
		tap_skip_n(LVM_CHECKS, why ? why : "tmpfs mount failed", "lvm-thin command contract");
		return tap_done("test-snap-lvm");
	}
	snprintf(src, sizeof(src), "%s", fs.mnt);
	snprintf(snaps, sizeof(snaps), "%s/snaps", dir);
	snprintf(snap, sizeof(snap), "%s/snap1", snaps);
	mkdir(snaps, 0755);
	lvm_setup_calls();

	fake_setup(fakes, sizeof(fakes));
	setenv("PATH", fakes, 1);
	check_err(p->probe(src, NULL, NULL), SNAP_ERROR_NOT_SUPPORTED, "no LVM tools: not offered");
	setenv("PATH", saved, 1);
	fake_setup(fakes, sizeof(fakes));
	fake_tool(fakes, "lvs", "case \"$*\" in *lv_tags*) n=lvs-tags;; esac");
	fake_tool(fakes, "lvcreate", NULL);
	fake_tool(fakes, "lvremove", NULL);
	fake_tool(fakes, "mount", NULL);
	fake_tool(fakes, "umount", NULL);
	fake_reply(fakes, "lvs-tags", 0, "  winevss\n", NULL);
	lvm_listing("thin");

	lvm_probe_checks();
	lvm_create_delete();
	lvm_lvcreate_fails("  Volume group \"vg0\" has insufficient free space (0 extents): 1 required.\n",
			   SNAP_ERROR_NO_SPACE, "thin pool full");
	lvm_lvcreate_fails("  Logical Volume \"snap1\" already exists in volume group \"vg0\"\n",
			   SNAP_ERROR_EXISTS, "LV exists");
	lvm_lvcreate_fails("  /dev/mapper/control: open failed: Permission denied\n",
			   SNAP_ERROR_PERMISSION, "not root");
	lvm_mount_fails();
	lvm_delete_safety();
	testfs_destroy(&fs);
	free(saved);
	return tap_done("test-snap-lvm");
}
