/*
 * snap.c: errors, the provider registry, automatic choice and the file
 * system facts the probes share.
 *
 * The registry is a constant array in order of preference; nothing here has
 * mutable state.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "snap-private.h"

static const char *const snap_error_messages[] = {
	[SNAP_OK] = "Success",
	[SNAP_ERROR_NOT_SUPPORTED] = "Not supported by this provider or file system",
	[SNAP_ERROR_NO_SPACE] = "No space left",
	[SNAP_ERROR_PERMISSION] = "Permission denied",
	[SNAP_ERROR_NOT_FOUND] = "Not found",
	[SNAP_ERROR_EXISTS] = "Destination already exists",
	[SNAP_ERROR_INVALID_ARGUMENT] = "Invalid argument",
	[SNAP_ERROR_IO] = "I/O error",
	[SNAP_ERROR_CANCELLED] = "Cancelled",
	[SNAP_ERROR_BUSY] = "Busy",
	[SNAP_ERROR_NO_MEMORY] = "Cannot allocate memory",
	[SNAP_ERROR_NOT_SNAPSHOT] = "Not a snapshot made by this library",
};

const char *snap_strerror(enum snap_error err)
{
	size_t n = sizeof(snap_error_messages) / sizeof(snap_error_messages[0]);

	if ((size_t)err >= n || !snap_error_messages[err])
		return "Unknown error";
	return snap_error_messages[err];
}

enum snap_error snap_error_from_errno(int err)
{
	switch (err) {
	case 0:
		return SNAP_OK;
	case ENOTSUP:
	case ENOTTY:
	case EXDEV:
	case ENOSYS:
	case ENOEXEC:
		return SNAP_ERROR_NOT_SUPPORTED;
	case ENOSPC:
	case EDQUOT:
	case EMLINK:
		return SNAP_ERROR_NO_SPACE;
	case EPERM:
	case EACCES:
	case EROFS:
		return SNAP_ERROR_PERMISSION;
	case ENOENT:
	case ENOTDIR:
		return SNAP_ERROR_NOT_FOUND;
	case EEXIST:
	case ENOTEMPTY:
		return SNAP_ERROR_EXISTS;
	case EINVAL:
	case ENAMETOOLONG:
	case ELOOP:
	case EISDIR:
		return SNAP_ERROR_INVALID_ARGUMENT;
	case ECANCELED:
		return SNAP_ERROR_CANCELLED;
	case EBUSY:
	case ETXTBSY:
	case EAGAIN:
		return SNAP_ERROR_BUSY;
	case ENOMEM:
		return SNAP_ERROR_NO_MEMORY;
	default:
		return SNAP_ERROR_IO;
	}
}

/* In order of preference: O(1) atomic providers first. */
static const struct snap_provider *const snap_providers[] = {
	&snap_provider_btrfs,
	&snap_provider_zfs,
	&snap_provider_lvm_thin,
	&snap_provider_reflink,
	&snap_provider_copy,
};

const struct snap_provider *snap_provider_get(size_t index)
{
	if (index >= sizeof(snap_providers) / sizeof(snap_providers[0]))
		return NULL;
	return snap_providers[index];
}

const struct snap_provider *snap_provider_lookup(const char *name)
{
	const struct snap_provider *p;

	for (size_t i = 0; name && (p = snap_provider_get(i)); i++)
		if (!strcmp(p->name, name))
			return p;
	errno = ENOENT;
	return NULL;
}

enum snap_error snap_provider_choose(const char *source,
				     const char *destination_dir,
				     const struct snap_provider **provider_ret,
				     struct snap_probe *probe_ret)
{
	const struct snap_provider *p;
	struct snap_probe probe;
	enum snap_error err = SNAP_ERROR_NOT_SUPPORTED;

	if (!source || !provider_ret)
		return snap_fail(EINVAL);
	for (size_t i = 0; (p = snap_provider_get(i)); i++) {
		err = p->probe(source, destination_dir, &probe);
		if (err == SNAP_OK) {
			*provider_ret = p;
			if (probe_ret)
				*probe_ret = probe;
			return SNAP_OK;
		}
	}
	/* The last provider (copy) accepts every readable directory, so its
	 * error says what is wrong with the source. */
	return err;
}

enum snap_error snap_identify(const char *destination,
			      const struct snap_provider **provider_ret)
{
	struct snap_dest dest = SNAP_DEST_NULL;
	const char *names[2] = { NULL, NULL };
	struct snap_marker marker;
	enum snap_error err;
	int r;

	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = snap_marker_read(&dest, &marker);
	if (!err) {
		names[0] = marker.provider;
		err = snap_marker_check(&dest, names, &marker);
	}
	snap_dest_close(&dest);
	if (err)
		return err;
	if (!(*provider_ret = snap_provider_lookup(marker.provider)))
		return snap_not_snapshot(EINVAL);
	return SNAP_OK;
}

enum snap_error snap_delete(const char *destination)
{
	const struct snap_provider *p;
	enum snap_error err;

	/* The provider's delete() checks the marker again, against its own
	 * name: nothing is removed on the word of a marker alone. */
	if ((err = snap_identify(destination, &p)))
		return err;
	return p->delete(destination);
}

static const struct {
	uint64_t magic;
	const char *name;
} snap_fs_names[] = {
	{ BTRFS_SUPER_MAGIC, "btrfs" },
	{ XFS_SUPER_MAGIC, "xfs" },
	{ EXT4_SUPER_MAGIC, "ext4" },
	{ TMPFS_MAGIC, "tmpfs" },
	{ 0x2fc12fc1, "zfs" },
	{ 0xca451a4e, "bcachefs" },
	{ F2FS_SUPER_MAGIC, "f2fs" },
	{ OVERLAYFS_SUPER_MAGIC, "overlay" },
	{ NFS_SUPER_MAGIC, "nfs" },
	{ 0x65735546, "fuse" },
};

/* Fill the file system fields of @probe for the file system of @fd. */
int snap_fs_describe(int fd, struct snap_probe *probe)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	probe->fs_magic = (uint64_t)(unsigned long)sfs.f_type;
	snprintf(probe->fs_type, sizeof(probe->fs_type), "0x%llx",
		 (unsigned long long)probe->fs_magic);
	for (size_t i = 0; i < sizeof(snap_fs_names) / sizeof(snap_fs_names[0]); i++)
		if (snap_fs_names[i].magic == probe->fs_magic)
			snprintf(probe->fs_type, sizeof(probe->fs_type), "%s",
				 snap_fs_names[i].name);
	return 0;
}

/* 1 if @fd is the root of a mount, 0 if not, negative errno on failure. */
int snap_fs_is_mount_root(int fd)
{
	struct statx stx, parent;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO, &stx) < 0)
		return -errno;
	if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return !!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	/* Kernels before 5.8: a different device than the parent. */
	if (statx(fd, "..", 0, STATX_INO, &parent) < 0)
		return -errno;
	return stx.stx_dev_major != parent.stx_dev_major ||
	       stx.stx_dev_minor != parent.stx_dev_minor ||
	       stx.stx_ino == parent.stx_ino;
}

/* ".NAME.snaptmp-XXXXXX", as snap-tree.c names its work directories. */
static bool snap_is_unfinished_name(const char *name)
{
	const char *tag = strstr(name, ".snaptmp-");

	return name[0] == '.' && tag && tag > name + 1 && strlen(tag) == strlen(".snaptmp-XXXXXX");
}

enum snap_error snap_sweep_unfinished(const char *dir)
{
	enum snap_error err = SNAP_OK;
	struct dirent *e;
	DIR *d;
	int fd, r;

	if (!dir)
		return snap_fail(EINVAL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SNAP_OK : snap_fail(errno);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return snap_fail(errno);
	}
	while ((e = readdir(d))) {
		if (!snap_is_unfinished_name(e->d_name))
			continue;
		r = snap_tree_remove_at(dirfd(d), e->d_name);
		if (r < 0 && !err)
			err = snap_fail(-r);
	}
	closedir(d);
	return err;
}

bool snap_provider_available(const struct snap_provider *provider)
{
	return provider && (!provider->available || provider->available());
}
