/*
 * snap-btrfs.c: the btrfs provider: a read-only snapshot of the subvolume
 * whose root is the source directory (libbtrfsutil).
 *
 * Atomic and O(1): one ioctl, whatever the number of files.  Read-only is
 * enforced by btrfs for everyone, root included.  Nested subvolumes appear
 * as empty directories in the snapshot (btrfs does not recurse).
 *
 * Privileges:
 * - create: none beyond owning the source subvolume's root directory
 *   (otherwise CAP_FOWNER) and write access to the destination's parent;
 *   the destination must be on the same btrfs file system.
 * - delete: CAP_SYS_ADMIN, or, on a file system mounted with
 *   user_subvol_rm_allowed, ownership of the snapshot and write access to
 *   its parent.  btrfs refuses an unprivileged delete of a read-only
 *   subvolume, so the unprivileged path first clears the read-only flag
 *   (allowed to the owner) and restores it if the delete still fails.
 *
 * The marker records the snapshot's subvolume UUID; delete() checks it, so
 * it only ever destroys the subvolume this provider created.
 */
#define _GNU_SOURCE
#include <btrfsutil.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "snap-private.h"

/* libbtrfsutil sets errno; the two "wrong kind of path" codes may not. */
static enum snap_error btrfs_fail(enum btrfs_util_error err)
{
	if (err == BTRFS_UTIL_ERROR_NOT_BTRFS || err == BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		return snap_fail(ENOTSUP);
	if (err == BTRFS_UTIL_ERROR_NO_MEMORY)
		return snap_fail(ENOMEM);
	return snap_fail(errno ? errno : EIO);
}

static int btrfs_uuid_text(int fd, char *buf, size_t size)
{
	struct btrfs_util_subvolume_info info;
	size_t len = 0;

	if (btrfs_util_subvolume_info_fd(fd, 0, &info))
		return errno ? -errno : -EIO;
	for (size_t i = 0; i < sizeof(info.uuid) && len + 3 <= size; i++)
		len += snprintf(buf + len, size - len, "%02x", info.uuid[i]);
	return 0;
}

/* 0 when @destination_dir is on the same btrfs file system as @src_fd (a
 * snapshot cannot leave its file system), -EXDEV when not. */
static int btrfs_same_fs(int src_fd, const char *destination_dir)
{
	struct btrfs_ioctl_fs_info_args a = { 0 }, b = { 0 };
	_cleanup_close_ int fd = -1;

	fd = open(destination_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(src_fd, BTRFS_IOC_FS_INFO, &a) < 0 || ioctl(fd, BTRFS_IOC_FS_INFO, &b) < 0)
		return errno == ENOTTY ? -EXDEV : -errno;
	return memcmp(a.fsid, b.fsid, sizeof(a.fsid)) ? -EXDEV : 0;
}

/**
 * btrfs_probe() - Is @source the root of a btrfs subvolume we may snapshot?
 * @source: Directory to snapshot.
 * @destination_dir: Optional: where snapshots will go; it must then be on
 * the same btrfs file system.
 * @probe: Optional result; volume is "subvolume ID".
 *
 * Return: %SNAP_OK; %SNAP_ERROR_NOT_SUPPORTED when @source is not on btrfs,
 * not a subvolume root, or @destination_dir is on another file system;
 * %SNAP_ERROR_PERMISSION when the caller neither owns the subvolume nor is
 * root.
 */
static enum snap_error btrfs_probe(const char *source, const char *destination_dir,
				   struct snap_probe *probe)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error berr;
	struct snap_probe p = { 0 };
	uint64_t id = 0;
	struct stat st;
	int r;

	if (!source)
		return snap_fail(EINVAL);
	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return snap_fail(errno);
	r = snap_fs_describe(fd, &p);
	if (r < 0)
		return snap_fail(-r);
	berr = btrfs_util_is_subvolume_fd(fd);
	if (!berr)
		berr = btrfs_util_subvolume_id_fd(fd, &id);
	if (berr)
		return btrfs_fail(berr);
	if (geteuid() != 0 && st.st_uid != geteuid())
		return snap_fail(EPERM);
	r = destination_dir ? btrfs_same_fs(fd, destination_dir) : 0;
	if (r < 0)
		return snap_fail(-r == EXDEV ? ENOTSUP : -r);
	snprintf(p.volume, sizeof(p.volume), "subvolume %llu", (unsigned long long)id);
	p.caps = SNAP_CAP_ATOMIC | SNAP_CAP_CONSTANT_TIME | SNAP_CAP_READ_ONLY |
		 SNAP_CAP_KEEPS_OWNERS;
	if (probe)
		*probe = p;
	return SNAP_OK;
}

/* The snapshot is in place: record it, or take it back. */
static enum snap_error btrfs_publish(const struct snap_dest *dest, bool durable)
{
	_cleanup_close_ int fd = -1;
	char uuid[64] = "";
	int r;

	fd = openat(dest->parent_fd, dest->name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = fd < 0 ? -errno : btrfs_uuid_text(fd, uuid, sizeof(uuid));
	if (!r)
		r = snap_marker_write(dest, "btrfs", uuid, durable);
	if (r < 0)
		btrfs_util_delete_subvolume_fd(dest->parent_fd, dest->name, 0);
	return snap_result(r);
}

static enum snap_error btrfs_snapshot(const char *source,
				      const struct snap_dest *dest, int flags,
				      const struct snap_job *job)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error berr;
	int r;

	r = snap_dest_check_free(dest);
	if (r < 0)
		return snap_fail(-r);
	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return snap_fail(errno);
	berr = btrfs_util_is_subvolume_fd(fd);
	if (berr)
		return btrfs_fail(berr);
	if (job && job->cancel && atomic_load(job->cancel))
		return snap_fail(ECANCELED);
	errno = 0;
	berr = btrfs_util_create_snapshot_fd2(fd, dest->parent_fd, dest->name,
					      BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY,
					      NULL, NULL);
	if (berr)
		return btrfs_fail(berr);
	/* Snapshot creation commits a btrfs transaction: only the marker
	 * needs syncing for SNAP_CREATE_DURABLE. */
	return btrfs_publish(dest, flags & SNAP_CREATE_DURABLE);
}

/**
 * btrfs_create() - Take a read-only snapshot of the subvolume at @source.
 * @source: Root directory of a btrfs subvolume.
 * @destination: New path on the same btrfs file system.
 * @flags: SNAP_CREATE_* flags (all are satisfied by a btrfs snapshot).
 * @job: Optional; the cancel flag is checked once before the ioctl, the
 * progress callback called once after it.
 *
 * Atomic point-in-time, O(1), read-only.  See the top of this file for
 * privileges.
 *
 * Return: %SNAP_OK; %SNAP_ERROR_NOT_SUPPORTED when @source is not a
 * subvolume root or the destination is on another file system;
 * %SNAP_ERROR_EXISTS, %SNAP_ERROR_PERMISSION, %SNAP_ERROR_NO_SPACE, ...
 */
static enum snap_error btrfs_create(const char *source, const char *destination,
				    int flags, struct snap_job *job)
{
	struct snap_dest dest = SNAP_DEST_NULL;
	enum snap_error err;
	int r;

	if (job)
		job->stats = (struct snap_stats){ 0 };
	if ((flags & ~SNAP_CREATE_MASK) || !source)
		return snap_fail(EINVAL);
	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = btrfs_snapshot(source, &dest, flags, job);
	snap_dest_close(&dest);
	if (!err && job) {
		job->stats.directories = 1;
		job->stats.read_only = true;
		if (job->progress)
			job->progress(&job->stats, job->data);
	}
	return err;
}

/* Delete as an unprivileged owner: btrfs wants the subvolume writable. */
static enum btrfs_util_error btrfs_delete_owned(int fd, const struct snap_dest *dest)
{
	enum btrfs_util_error berr;
	int saved;

	if (btrfs_util_set_subvolume_read_only_fd(fd, false))
		return BTRFS_UTIL_ERROR_SNAP_DESTROY_FAILED;
	berr = btrfs_util_delete_subvolume_fd(dest->parent_fd, dest->name, 0);
	if (berr) {
		saved = errno;
		btrfs_util_set_subvolume_read_only_fd(fd, true);
		errno = saved;
	}
	return berr;
}

static enum snap_error btrfs_destroy(const struct snap_dest *dest,
				     const struct snap_marker *marker)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error berr;
	char uuid[64] = "";
	int r;

	fd = openat(dest->parent_fd, dest->name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return snap_fail(errno);
	if (btrfs_util_is_subvolume_fd(fd) || btrfs_uuid_text(fd, uuid, sizeof(uuid)) ||
	    strcmp(uuid, marker->volume))
		return snap_not_snapshot(ESTALE);
	errno = 0;
	berr = btrfs_util_delete_subvolume_fd(dest->parent_fd, dest->name, 0);
	if (berr && geteuid() != 0 && (errno == EPERM || errno == EROFS ||
				       errno == EACCES))
		berr = btrfs_delete_owned(fd, dest);
	if (berr)
		return btrfs_fail(berr);
	r = snap_marker_remove(dest);
	return snap_result(r);
}

/**
 * btrfs_delete() - Delete a snapshot made by btrfs_create().
 * @destination: The snapshot's path.
 *
 * Checks the marker and the subvolume UUID it records, then deletes the
 * subvolume (btrfs frees its space in the background).  See the top of this
 * file for privileges.
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT, %SNAP_ERROR_PERMISSION, ...
 */
static enum snap_error btrfs_delete(const char *destination)
{
	static const char *const providers[] = { "btrfs", NULL };
	struct snap_dest dest = SNAP_DEST_NULL;
	struct snap_marker marker;
	enum snap_error err;
	int r;

	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = snap_marker_check(&dest, providers, &marker);
	if (err == SNAP_ERROR_NOT_FOUND)
		snap_marker_remove(&dest);	/* finish an interrupted delete */
	if (!err)
		err = btrfs_destroy(&dest, &marker);
	snap_dest_close(&dest);
	return err;
}

const struct snap_provider snap_provider_btrfs = {
	.name = "btrfs",
	.probe = btrfs_probe,
	.create = btrfs_create,
	.delete = btrfs_delete,
};
