/*
 * snap-copy.c: the copy provider: the tree walker of snap-tree.c with
 * copy_file_range as its data step.
 *
 * Works on every file system, also across file systems (falling back to
 * read/write where copy_file_range cannot), and keeps holes of sparse files.
 * On file systems that share extents the kernel may clone instead of
 * copying; the result is the same.  NOT atomic (see snap.h), and takes time
 * and space in proportion to the data.  Privileges as for reflink: none for
 * readable files; CAP_CHOWN, CAP_MKNOD and CAP_LINUX_IMMUTABLE to keep
 * owners, device nodes and make the copy read-only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "snap-private.h"

/* Bytes per copy_file_range call: the cancel flag is checked between them. */
#define COPY_CHUNK (8 << 20)
#define COPY_BUFFER (1 << 20)

static bool copy_cancelled(const atomic_bool *cancel)
{
	return cancel && atomic_load_explicit(cancel, memory_order_relaxed);
}

static bool copy_kernel_refused(int err)
{
	return err == EXDEV || err == EINVAL || err == ENOTSUP || err == ENOSYS ||
	       err == EBADF;
}

/* read/write for what copy_file_range refuses. */
static int copy_range_slow(int src, int dst, off_t off, off_t end,
			   const atomic_bool *cancel, uint64_t *bytes)
{
	_cleanup_free_ char *buf = malloc(COPY_BUFFER);
	ssize_t n, w;

	if (!buf)
		return -ENOMEM;
	while (off < end) {
		if (copy_cancelled(cancel))
			return -ECANCELED;
		n = pread(src, buf, end - off < COPY_BUFFER ? end - off : COPY_BUFFER, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;	/* 0: the file shrank */
		for (ssize_t done = 0; done < n; done += w) {
			w = pwrite(dst, buf + done, n - done, off + done);
			if (w < 0 && errno != EINTR)
				return -errno;
			if (w < 0)
				w = 0;
		}
		off += n;
		*bytes += n;
	}
	return 0;
}

/* Copy [@off, @end) at the same offsets. */
static int copy_range(int src, int dst, off_t off, off_t end,
		      const atomic_bool *cancel, uint64_t *bytes)
{
	while (off < end) {
		loff_t in = off, out = off;
		size_t len = end - off < COPY_CHUNK ? end - off : COPY_CHUNK;
		ssize_t n;

		if (copy_cancelled(cancel))
			return -ECANCELED;
		n = copy_file_range(src, &in, dst, &out, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && copy_kernel_refused(errno))
			return copy_range_slow(src, dst, off, end, cancel, bytes);
		if (n <= 0)
			return n < 0 ? -errno : 0;	/* 0: the file shrank */
		off += n;
		*bytes += n;
	}
	return 0;
}

/* A file with holes: copy the data segments only, then set the size. */
static int copy_sparse(int src, int dst, const struct stat *st,
		       const atomic_bool *cancel, uint64_t *bytes)
{
	off_t off = 0, data, hole;
	int r;

	while (off < st->st_size) {
		data = lseek(src, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;		/* only a hole is left */
		if (data < 0)
			return copy_range(src, dst, off, st->st_size, cancel, bytes);
		hole = lseek(src, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > st->st_size)
			hole = st->st_size;
		r = copy_range(src, dst, data, hole, cancel, bytes);
		if (r < 0)
			return r;
		off = hole;
	}
	return ftruncate(dst, st->st_size) < 0 ? -errno : 0;
}

static int copy_data(int src_fd, int dst_fd, const struct stat *st,
		     const atomic_bool *cancel, uint64_t *bytes)
{
	if (!st->st_size)
		return 0;
	if ((off_t)st->st_blocks * 512 < st->st_size)
		return copy_sparse(src_fd, dst_fd, st, cancel, bytes);
	return copy_range(src_fd, dst_fd, 0, st->st_size, cancel, bytes);
}

static const struct snap_tree_ops copy_ops = {
	.name = "copy",
	.data = copy_data,
};

/**
 * copy_probe() - Can the copy provider snapshot @source?
 * @source: Directory to snapshot.
 * @destination_dir: Ignored (a copy can go anywhere).
 * @probe: Optional result.
 *
 * Return: %SNAP_OK for any directory the caller can open, else its error.
 */
static enum snap_error copy_probe(const char *source, const char *destination_dir,
				  struct snap_probe *probe)
{
	(void)destination_dir;
	return snap_tree_probe(source, probe);
}

/**
 * copy_create() - Copy the tree at @source to @destination.
 * @source: Directory to snapshot.
 * @destination: New path, on any file system; see snap.h's rules.
 * @flags: SNAP_CREATE_* flags.
 * @job: Optional progress, cancel flag (also checked every 8 MiB of a large
 * file), workers and statistics.
 *
 * Not atomic point-in-time (see snap.h).  Read-only only with
 * CAP_LINUX_IMMUTABLE on a file system with the immutable attribute.
 *
 * Return: %SNAP_OK or an error (%SNAP_ERROR_NO_SPACE, %SNAP_ERROR_EXISTS,
 * %SNAP_ERROR_CANCELLED, ...); nothing is left at @destination on error.
 */
static enum snap_error copy_create(const char *source, const char *destination,
				   int flags, struct snap_job *job)
{
	return snap_tree_create(&copy_ops, source, destination, flags, job);
}

const struct snap_provider snap_provider_copy = {
	.name = "copy",
	.probe = copy_probe,
	.create = copy_create,
	.delete = snap_tree_delete,
};
