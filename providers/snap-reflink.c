/*
 * snap-reflink.c: the reflink provider: the tree walker of snap-tree.c with
 * FICLONE as its data step.
 *
 * Every regular file of the snapshot shares its data blocks with the source
 * until either side is written, so creation costs metadata only: time and
 * space grow with the number of files, not their size.  NOT atomic: the tree
 * is walked while it may change (see snap.h).  Needs the destination on the
 * same file system as the source, and a file system with FICLONE (btrfs,
 * XFS made with reflink=1, bcachefs); anything else gives
 * SNAP_ERROR_NOT_SUPPORTED before a single file is written.
 *
 * Privileges: none to create a snapshot of files the caller can read.
 * Keeping other users' ownership needs CAP_CHOWN, device nodes CAP_MKNOD,
 * trusted.* attributes CAP_SYS_ADMIN, and the read-only seal (the immutable
 * attribute) CAP_LINUX_IMMUTABLE; without them see SNAP_CREATE_* in snap.h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>

#include "snap-private.h"

/* FICLONE's "this file system cannot" answers all mean NOT_SUPPORTED. */
static int reflink_errno(int err)
{
	if (err == EINVAL || err == ENOTSUP || err == ENOTTY || err == ENOSYS)
		return -ENOTSUP;
	return -err;
}

static int reflink_data(int src_fd, int dst_fd, const struct stat *st,
			const atomic_bool *cancel, uint64_t *bytes)
{
	(void)cancel;
	if (!st->st_size)
		return 0;
	if (ioctl(dst_fd, FICLONE, src_fd) < 0)
		return reflink_errno(errno);
	*bytes = st->st_size;
	return 0;
}

/* Clone a small temporary file inside @dir: 0 when FICLONE works there. */
static int reflink_try_clone(int dir)
{
	char a[64], b[64], block[4096] = { 1 };
	unsigned int rnd;
	int fa = -1, fb = -1, r = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -errno;
	snprintf(a, sizeof(a), ".snap-clone-probe-%d-%08x-a", getpid(), rnd);
	snprintf(b, sizeof(b), ".snap-clone-probe-%d-%08x-b", getpid(), rnd);
	fa = openat(dir, a, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fa < 0)
		return -errno;
	fb = openat(dir, b, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fb < 0)
		r = -errno;
	else if (write(fa, block, sizeof(block)) != sizeof(block))
		r = -EIO;
	else if (ioctl(fb, FICLONE, fa) < 0)
		r = reflink_errno(errno);
	close(fa);
	unlinkat(dir, a, 0);
	if (fb >= 0) {
		close(fb);
		unlinkat(dir, b, 0);
	}
	return r;
}

static int reflink_prepare(int tmp_root_fd)
{
	return reflink_try_clone(tmp_root_fd);
}

static const struct snap_tree_ops reflink_ops = {
	.name = "reflink",
	.prepare = reflink_prepare,
	.data = reflink_data,
};

/* Without a destination to try in, judge by file system type. */
static bool reflink_fs_may_clone(uint64_t magic)
{
	return magic == BTRFS_SUPER_MAGIC || magic == XFS_SUPER_MAGIC ||
	       magic == 0xca451a4e /* bcachefs */;
}

static int reflink_probe_destination(const char *destination_dir,
				     const struct snap_probe *src)
{
	_cleanup_close_ int fd = -1;
	struct snap_probe dst;
	int r;

	fd = open(destination_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = snap_fs_describe(fd, &dst);
	if (r < 0)
		return r;
	if (dst.fs_magic != src->fs_magic)
		return -EXDEV;
	return reflink_try_clone(fd);
}

/**
 * reflink_probe() - Can the reflink provider snapshot @source?
 * @source: Directory to snapshot.
 * @destination_dir: Optional: where snapshots will go.  When given, a
 * temporary file is cloned there (it must be writable) and the file system
 * must be the source's; when NULL the answer is by file system type only.
 * @probe: Optional result.
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SUPPORTED without FICLONE, or the error
 * of opening @source.
 */
static enum snap_error reflink_probe(const char *source,
				     const char *destination_dir,
				     struct snap_probe *probe)
{
	struct snap_probe p;
	enum snap_error err;
	int r;

	err = snap_tree_probe(source, &p);
	if (err)
		return err;
	if (destination_dir)
		r = reflink_probe_destination(destination_dir, &p);
	else
		r = reflink_fs_may_clone(p.fs_magic) ? 0 : -ENOTSUP;
	if (r < 0)
		return snap_fail(-r);
	if (probe)
		*probe = p;
	return SNAP_OK;
}

/**
 * reflink_create() - Clone the tree at @source to @destination.
 * @source: Directory to snapshot (any directory, not only a volume root).
 * @destination: New path on the same file system; see snap.h's rules.
 * @flags: SNAP_CREATE_* flags.
 * @job: Optional progress, cancel flag, workers and statistics.
 *
 * Not atomic point-in-time: files are cloned one after another while the
 * source may change.  Read-only only with CAP_LINUX_IMMUTABLE (stats say).
 *
 * Return: %SNAP_OK; %SNAP_ERROR_NOT_SUPPORTED when FICLONE is impossible;
 * %SNAP_ERROR_EXISTS, %SNAP_ERROR_NOT_FOUND, %SNAP_ERROR_NO_SPACE,
 * %SNAP_ERROR_PERMISSION, %SNAP_ERROR_CANCELLED, ...  Nothing is left at
 * @destination on error.
 */
static enum snap_error reflink_create(const char *source, const char *destination,
				      int flags, struct snap_job *job)
{
	return snap_tree_create(&reflink_ops, source, destination, flags, job);
}

const struct snap_provider snap_provider_reflink = {
	.name = "reflink",
	.probe = reflink_probe,
	.create = reflink_create,
	.delete = snap_tree_delete,
};
