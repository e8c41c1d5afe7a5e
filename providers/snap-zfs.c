/*
 * snap-zfs.c: the zfs provider, through the `zfs` command-line tool.
 *
 * create: the source must be the mount point of a ZFS file system DATASET
 * (found with `zfs list`).  Then
 *
 *   zfs snapshot DATASET@NAME
 *
 * where NAME is the destination's last component, and the destination
 * becomes a symbolic link to MOUNTPOINT/.zfs/snapshot/NAME, which ZFS
 * mounts read-only on first access.  The marker records "DATASET@NAME" and
 * the link's identity.  Atomic and O(1).
 *
 * delete: after checking the marker, that the destination is still that
 * link, and that the recorded name is a snapshot (exactly one '@': `zfs
 * destroy` of a bare dataset name would destroy the file system), `zfs
 * destroy DATASET@NAME`, then the link and the marker are removed.
 *
 * Privileges: root, or the snapshot/destroy/mount permissions delegated with
 * `zfs allow`.  Offered only when `zfs` is on PATH.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "snap-private.h"

struct zfs_volume {
	char dataset[SNAP_MARKER_VOLUME_MAX - 64];
	char mountpoint[PATH_MAX];
	struct snap_probe probe;
};

/* ZFS component rules: [A-Za-z0-9_.:-]; the snapshot part of a name. */
static bool zfs_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len && len < 64 && name[0] != '-' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.:-") == len;
}

/* `zfs list` lines are "DATASET\tMOUNTPOINT". */
static int zfs_match(char *out, const char *path, struct zfs_volume *vol)
{
	char *line, *save = NULL, *tab;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		tab = strchr(line, '\t');
		if (!tab || strcmp(tab + 1, path))
			continue;
		*tab = '\0';
		if (!*line || line[0] == '-' || strchr(line, '@') ||
		    strlen(line) >= sizeof(vol->dataset))
			return -ENOTSUP;
		snprintf(vol->dataset, sizeof(vol->dataset), "%s", line);
		snprintf(vol->mountpoint, sizeof(vol->mountpoint), "%s", path);
		return 0;
	}
	return -ENOTSUP;
}

static enum snap_error zfs_find(const char *source, struct zfs_volume *vol)
{
	static const char *const argv[] = {
		"zfs", "list", "-H", "-p", "-o", "name,mountpoint", "-t",
		"filesystem", NULL
	};
	_cleanup_close_ int fd = -1;
	_cleanup_free_ struct snap_exec *ex = NULL;
	_cleanup_free_ char *path = NULL;
	enum snap_error err;
	int r;

	memset(vol, 0, sizeof(*vol));
	if (!source)
		return snap_fail(EINVAL);
	if (snap_exec_find("zfs") < 0)
		return snap_fail(ENOTSUP);
	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return snap_fail(errno);
	r = snap_fs_describe(fd, &vol->probe);
	if (r < 0)
		return snap_fail(-r);
	path = realpath(source, NULL);
	ex = malloc(sizeof(*ex));
	if (!path || !ex)
		return snap_fail(path ? ENOMEM : errno);
	err = snap_exec_check(argv, ex);
	if (err)
		return err;
	r = zfs_match(ex->out, path, vol);
	if (r < 0)
		return snap_fail(-r);
	snprintf(vol->probe.volume, sizeof(vol->probe.volume), "%s", vol->dataset);
	vol->probe.caps = SNAP_CAP_ATOMIC | SNAP_CAP_CONSTANT_TIME |
			  SNAP_CAP_READ_ONLY | SNAP_CAP_KEEPS_OWNERS;
	return SNAP_OK;
}

/**
 * zfs_probe() - Is @source the mount point of a ZFS file system?
 * @source: Directory to snapshot.
 * @destination_dir: Unused.
 * @probe: Optional result; volume is the dataset name.
 *
 * Runs `zfs list`.  Return: %SNAP_OK, or %SNAP_ERROR_NOT_SUPPORTED without
 * the tool or when @source is not a dataset's mount point.
 */
static enum snap_error zfs_probe(const char *source, const char *destination_dir,
				 struct snap_probe *probe)
{
	struct zfs_volume vol;
	enum snap_error err;

	(void)destination_dir;
	err = zfs_find(source, &vol);
	if (!err && probe)
		*probe = vol.probe;
	return err;
}

static enum snap_error zfs_destroy_snapshot(struct snap_exec *ex, const char *name)
{
	return snap_exec_check((const char *const[]){ "zfs", "destroy", name, NULL }, ex);
}

static enum snap_error zfs_snapshot(struct snap_exec *ex, const char *source,
				    const char *destination, const struct snap_dest *dest,
				    const struct snap_job *job)
{
	struct zfs_volume vol;
	char name[SNAP_MARKER_VOLUME_MAX + 1], target[PATH_MAX + 64];
	enum snap_error err;
	int r;

	(void)destination; /* @dest names the link to make */
	err = zfs_find(source, &vol);
	if (err)
		return err;
	r = snap_dest_check_free(dest);
	if (r < 0)
		return snap_fail(-r);
	if (!zfs_name_valid(dest->name))
		return snap_fail(EINVAL);
	if (job && job->cancel && atomic_load(job->cancel))
		return snap_fail(ECANCELED);
	snprintf(name, sizeof(name), "%s@%s", vol.dataset, dest->name);
	snprintf(target, sizeof(target), "%s/.zfs/snapshot/%s",
		 strcmp(vol.mountpoint, "/") ? vol.mountpoint : "", dest->name);
	err = snap_exec_check((const char *const[]){ "zfs", "snapshot", name, NULL }, ex);
	if (err)
		return err;
	r = symlinkat(target, dest->parent_fd, dest->name) < 0 ? -errno : 0;
	if (!r) {
		r = snap_marker_write(dest, "zfs", name, true);
		if (r < 0)
			unlinkat(dest->parent_fd, dest->name, 0);
	}
	if (r < 0) {
		zfs_destroy_snapshot(ex, name);
		return snap_fail(-r);
	}
	return SNAP_OK;
}

/**
 * zfs_create() - Snapshot the ZFS file system mounted at @source.
 * @source: Mount point of a ZFS dataset.
 * @destination: New path; its last component is the snapshot's name (ZFS
 * name rules); it becomes a symbolic link into MOUNTPOINT/.zfs/snapshot.
 * @flags: SNAP_CREATE_* flags (all satisfied).
 * @job: Optional; cancel is checked before `zfs snapshot`.
 *
 * Atomic, O(1), read-only.  On failure the snapshot is destroyed again.
 *
 * Return: %SNAP_OK, or the error the tool's failure means.
 */
static enum snap_error zfs_create(const char *source, const char *destination,
				  int flags, struct snap_job *job)
{
	return snap_exec_create(zfs_snapshot, source, destination, flags, job);
}

/* The link still points at the recorded snapshot's directory. */
static bool zfs_link_matches(const struct snap_dest *dest, const char *snapshot)
{
	char target[PATH_MAX + 1], suffix[128];
	size_t tlen, slen;
	ssize_t len;

	len = readlinkat(dest->parent_fd, dest->name, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	snprintf(suffix, sizeof(suffix), "/.zfs/snapshot/%s", snapshot);
	tlen = strlen(target);
	slen = strlen(suffix);
	return tlen >= slen && !strcmp(target + tlen - slen, suffix);
}

static enum snap_error zfs_destroy(struct snap_exec *ex, const struct snap_dest *dest,
				   const char *name)
{
	const char *at = strchr(name, '@');
	enum snap_error err;

	if (!at || at == name || name[0] == '-' || strchr(at + 1, '@') ||
	    !zfs_name_valid(at + 1) || !zfs_link_matches(dest, at + 1))
		return snap_not_snapshot(EINVAL);
	err = zfs_destroy_snapshot(ex, name);
	if (err)
		return err;
	if (unlinkat(dest->parent_fd, dest->name, 0) < 0 && errno != ENOENT)
		return snap_fail(errno);
	return snap_result(snap_marker_remove(dest));
}

/**
 * zfs_delete() - Destroy a snapshot made by zfs_create().
 * @destination: The snapshot's link.
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT, %SNAP_ERROR_BUSY (held or with
 * dependent clones), or another tool error.
 */
static enum snap_error zfs_delete(const char *destination)
{
	static const char *const providers[] = { "zfs", NULL };
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
	if (err == SNAP_ERROR_NOT_FOUND)
		snap_marker_remove(&dest);
	if (!err)
		err = zfs_destroy(ex, &dest, marker.volume);
	snap_dest_close(&dest);
	return err;
}

static bool zfs_available(void)
{
	return snap_exec_find("zfs") == 0;
}

const struct snap_provider snap_provider_zfs = {
	.name = "zfs",
	.probe = zfs_probe,
	.create = zfs_create,
	.delete = zfs_delete,
	.available = zfs_available,
};
