/*
 * snap-lvm.c: the lvm-thin provider, through LVM's command-line tools.
 *
 * create: the source must be the mount point of an active thin logical
 * volume VG/LV (found with `lvs` by the source's device number).  Then
 *
 *   lvcreate --snapshot --setactivationskip n --addtag winevss --name NAME VG/LV
 *   mount -o ro[,nouuid] /dev/VG/NAME DESTINATION       (nouuid for XFS)
 *
 * where NAME is the destination's last component, and the marker records
 * "VG/NAME".  A thin snapshot is atomic and O(1); the file system inside is
 * crash-consistent (as after a power cut) and mounted read-only.
 *
 * delete: after checking the marker and that VG/NAME carries the winevss tag
 * (`lvs -o lv_tags`), `umount DESTINATION`, `lvremove --yes VG/NAME`, then
 * the empty mount point and the marker are removed.
 *
 * Privileges: root (device-mapper and mount).  Offered only when lvs,
 * lvcreate, lvremove, mount and umount are on PATH.  Tool failures map to
 * snap_error by exit status and message (snap-exec.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "snap-private.h"

#define LVM_TAG "winevss"

struct lvm_volume {
	char vg[128];
	char lv[128];
	struct snap_probe probe;
};

/* LVM's name rules: [A-Za-z0-9+_.-], not starting with '-'. */
static bool lvm_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len && len < 128 && name[0] != '-' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789+_.-") == len;
}

static int lvm_tools(void)
{
	static const char *const tools[] = { "lvs", "lvcreate", "lvremove",
					     "mount", "umount" };

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (snap_exec_find(tools[i]) < 0)
			return -ENOTSUP;
	return 0;
}

/* Find the thin volume among `lvs` lines "vg|lv|segtype|major|minor". */
static int lvm_match(char *out, dev_t dev, struct lvm_volume *vol)
{
	char *line, *save = NULL, vg[128], lv[128], seg[32];
	int major, minor;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %127[^|]|%127[^|]|%31[^|]|%d|%d", vg, lv, seg,
			   &major, &minor) != 5)
			continue;
		if (major < 0 || minor < 0 || makedev(major, minor) != dev)
			continue;
		if (strcmp(seg, "thin") || !lvm_name_valid(vg) || !lvm_name_valid(lv))
			return -ENOTSUP;	/* not thin: no O(1) snapshot */
		snprintf(vol->vg, sizeof(vol->vg), "%s", vg);
		snprintf(vol->lv, sizeof(vol->lv), "%s", lv);
		return 0;
	}
	return -ENOTSUP;
}

static enum snap_error lvm_find(const char *source, struct lvm_volume *vol)
{
	static const char *const argv[] = {
		"lvs", "--noheadings", "--nosuffix", "--separator", "|", "-o",
		"vg_name,lv_name,segtype,lv_kernel_major,lv_kernel_minor", NULL
	};
	_cleanup_close_ int fd = -1;
	_cleanup_free_ struct snap_exec *ex = NULL;
	enum snap_error err;
	struct stat st;
	int r;

	memset(vol, 0, sizeof(*vol));
	if (!source)
		return snap_fail(EINVAL);
	if (lvm_tools() < 0)
		return snap_fail(ENOTSUP);
	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return snap_fail(errno);
	r = snap_fs_describe(fd, &vol->probe);
	if (r >= 0)
		r = snap_fs_is_mount_root(fd);
	if (r <= 0)
		return snap_fail(r < 0 ? -r : ENOTSUP);
	ex = malloc(sizeof(*ex));
	if (!ex)
		return snap_fail(ENOMEM);
	err = snap_exec_check(argv, ex);
	if (err)
		return err;
	r = lvm_match(ex->out, st.st_dev, vol);
	if (r < 0)
		return snap_fail(-r);
	snprintf(vol->probe.volume, sizeof(vol->probe.volume), "%s/%s", vol->vg, vol->lv);
	vol->probe.caps = SNAP_CAP_ATOMIC | SNAP_CAP_CONSTANT_TIME |
			  SNAP_CAP_READ_ONLY | SNAP_CAP_KEEPS_OWNERS;
	return SNAP_OK;
}

/**
 * lvm_probe() - Is @source the mount point of a thin LV we may snapshot?
 * @source: Directory to snapshot.
 * @destination_dir: Unused.
 * @probe: Optional result; volume is "VG/LV".
 *
 * Runs `lvs`.  Return: %SNAP_OK; %SNAP_ERROR_NOT_SUPPORTED without the tools,
 * when @source is not a mount point or not on a thin LV;
 * %SNAP_ERROR_PERMISSION when not root.
 */
static enum snap_error lvm_probe(const char *source, const char *destination_dir,
				 struct snap_probe *probe)
{
	struct lvm_volume vol;
	enum snap_error err;

	(void)destination_dir;
	err = lvm_find(source, &vol);
	if (!err && geteuid() != 0)
		err = snap_fail(EPERM);
	if (!err && probe)
		*probe = vol.probe;
	return err;
}

static enum snap_error lvm_run(struct snap_exec *ex, const char *const argv[])
{
	return snap_exec_check(argv, ex);
}

static void lvm_remove(struct snap_exec *ex, const char *lvpath)
{
	int saved = errno;

	lvm_run(ex, (const char *const[]){ "lvremove", "--yes", lvpath, NULL });
	errno = saved;
}

/* The snapshot VG/NAME exists: mount it at the destination and record it. */
static enum snap_error lvm_publish(struct snap_exec *ex, const struct lvm_volume *vol,
				   const struct snap_dest *dest, const char *destination,
				   const char *lvpath)
{
	const char *options = strcmp(vol->probe.fs_type, "xfs") ? "ro" : "ro,nouuid";
	char device[PATH_MAX];
	enum snap_error err;
	int r;

	snprintf(device, sizeof(device), "/dev/%s", lvpath);
	if (mkdirat(dest->parent_fd, dest->name, 0755) < 0)
		return snap_fail(errno);
	err = lvm_run(ex, (const char *const[]){ "mount", "-o", options, device,
						 destination, NULL });
	if (err) {
		unlinkat(dest->parent_fd, dest->name, AT_REMOVEDIR);
		return err;
	}
	r = snap_marker_write(dest, "lvm-thin", lvpath, true);
	if (r < 0) {
		lvm_run(ex, (const char *const[]){ "umount", destination, NULL });
		unlinkat(dest->parent_fd, dest->name, AT_REMOVEDIR);
		return snap_fail(-r);
	}
	return SNAP_OK;
}

static enum snap_error lvm_snapshot(struct snap_exec *ex, const char *source,
				    const char *destination, const struct snap_dest *dest,
				    const struct snap_job *job)
{
	struct lvm_volume vol;
	char origin[300], lvpath[300];
	enum snap_error err;
	int r;

	err = lvm_find(source, &vol);
	if (err)
		return err;
	r = snap_dest_check_free(dest);
	if (r < 0)
		return snap_fail(-r);
	if (!lvm_name_valid(dest->name))
		return snap_fail(EINVAL);
	if (job && job->cancel && atomic_load(job->cancel))
		return snap_fail(ECANCELED);
	snprintf(origin, sizeof(origin), "%s/%s", vol.vg, vol.lv);
	snprintf(lvpath, sizeof(lvpath), "%s/%s", vol.vg, dest->name);
	err = lvm_run(ex, (const char *const[]){
		"lvcreate", "--snapshot", "--setactivationskip", "n", "--addtag",
		LVM_TAG, "--name", dest->name, origin, NULL });
	if (err)
		return err;
	err = lvm_publish(ex, &vol, dest, destination, lvpath);
	if (err)
		lvm_remove(ex, lvpath);
	return err;
}

/**
 * lvm_create() - Snapshot the thin LV mounted at @source.
 * @source: Mount point of a thin logical volume.
 * @destination: New directory; its last component becomes the snapshot LV's
 * name (LVM name rules) and the snapshot is mounted read-only there.
 * @flags: SNAP_CREATE_* flags (all satisfied).
 * @job: Optional; cancel is checked before lvcreate.
 *
 * Atomic, O(1).  Root only.  On failure the snapshot LV and the mount point
 * are removed again.
 *
 * Return: %SNAP_OK, or the error the tools' failure means (%SNAP_ERROR_EXISTS,
 * %SNAP_ERROR_NO_SPACE, %SNAP_ERROR_PERMISSION, ...).
 */
static enum snap_error lvm_create(const char *source, const char *destination,
				  int flags, struct snap_job *job)
{
	return snap_exec_create(lvm_snapshot, source, destination, flags, job);
}

/* The marker's "VG/NAME", checked for LVM's name rules and our tag. */
static enum snap_error lvm_owned(struct snap_exec *ex, const char *lvpath)
{
	char vg[128], lv[128];
	enum snap_error err;

	if (sscanf(lvpath, "%127[^/]/%127s", vg, lv) != 2 ||
	    !lvm_name_valid(vg) || !lvm_name_valid(lv))
		return snap_not_snapshot(EINVAL);
	err = lvm_run(ex, (const char *const[]){ "lvs", "--noheadings", "-o",
						 "lv_tags", lvpath, NULL });
	if (err)
		return err;
	return strstr(ex->out, LVM_TAG) ? SNAP_OK : snap_not_snapshot(EPERM);
}

static enum snap_error lvm_destroy(struct snap_exec *ex, const struct snap_dest *dest,
				   const char *destination, const char *lvpath)
{
	enum snap_error err;

	err = lvm_owned(ex, lvpath);
	if (err)
		return err;
	err = lvm_run(ex, (const char *const[]){ "umount", destination, NULL });
	if (err && !strstr(ex->err, "not mounted"))
		return err;
	err = lvm_run(ex, (const char *const[]){ "lvremove", "--yes", lvpath, NULL });
	if (err)
		return err;
	if (unlinkat(dest->parent_fd, dest->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return snap_fail(errno);
	return snap_result(snap_marker_remove(dest));
}

/**
 * lvm_delete() - Unmount and remove a snapshot made by lvm_create().
 * @destination: The snapshot's mount point.
 *
 * Root only.  A delete interrupted after the unmount can be repeated: the
 * marker stays until the LV is gone.
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT, %SNAP_ERROR_BUSY (still in
 * use), or another tool error.
 */
static enum snap_error lvm_delete(const char *destination)
{
	static const char *const providers[] = { "lvm-thin", NULL };
	struct snap_dest dest = SNAP_DEST_NULL;
	_cleanup_free_ struct snap_exec *ex = NULL;
	struct snap_marker marker;
	enum snap_error err;
	int r;

	ex = malloc(sizeof(*ex));
	if (!ex)
		return snap_fail(ENOMEM);
	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = snap_marker_check(&dest, providers, &marker);
	/* Identity differs once unmounted (an interrupted delete): the LV tag
	 * check below still guards the destructive step. */
	if (err == SNAP_ERROR_NOT_SNAPSHOT && errno == ESTALE)
		err = SNAP_OK;
	if (err == SNAP_ERROR_NOT_FOUND)
		snap_marker_remove(&dest);
	if (!err)
		err = lvm_destroy(ex, &dest, destination, marker.volume);
	snap_dest_close(&dest);
	return err;
}

static bool lvm_available(void)
{
	return !lvm_tools();
}

const struct snap_provider snap_provider_lvm_thin = {
	.name = "lvm-thin",
	.probe = lvm_probe,
	.create = lvm_create,
	.delete = lvm_delete,
	.available = lvm_available,
};
