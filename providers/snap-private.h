/*
 * snap-private.h: the only contract between the provider library's files.
 *
 * Internal convention (dbus-broker style): helpers return 0 or a negative
 * errno; only the public entry points (the ops tables and snap.c) turn that
 * into `enum snap_error` with snap_fail(), which also leaves errno set.
 */
#ifndef WINEVSS_SNAP_PRIVATE_H
#define WINEVSS_SNAP_PRIVATE_H

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "snap.h"

/* Scoped resources. */
static inline void snap_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void snap_freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_close_ __attribute__((cleanup(snap_closep)))
#define _cleanup_free_ __attribute__((cleanup(snap_freep)))

/* Return @err (a positive errno) as a snap_error, with errno set to it. */
static inline enum snap_error snap_fail(int err)
{
	errno = err;
	return snap_error_from_errno(err);
}

/* Same for an internal 0 / -errno result. */
static inline enum snap_error snap_result(int r)
{
	return r < 0 ? snap_fail(-r) : SNAP_OK;
}

/* delete() refusal: not a snapshot of ours, with errno set to @err. */
static inline enum snap_error snap_not_snapshot(int err)
{
	errno = err;
	return SNAP_ERROR_NOT_SNAPSHOT;
}

/* snap.c: file system description shared by the probes. */
int snap_fs_describe(int fd, struct snap_probe *probe);
int snap_fs_is_mount_root(int fd);

/*
 * snap-dest.c: destinations and markers.
 *
 * struct snap_dest splits a destination path into its parent directory (held
 * open, so later steps cannot be redirected by a rename of a path component)
 * and its last component.
 */
struct snap_dest {
	int parent_fd;
	char name[NAME_MAX + 1];
	char marker[NAME_MAX + 1];
};

#define SNAP_DEST_NULL { .parent_fd = -1 }

int snap_dest_open(struct snap_dest *dest, const char *destination);
void snap_dest_close(struct snap_dest *dest);
int snap_dest_check_free(const struct snap_dest *dest);

/* Longest volume text a marker holds. */
#define SNAP_MARKER_VOLUME_MAX 255

/*
 * struct snap_marker - the record beside a snapshot (".NAME.snapmark").
 * @provider: Name of the provider that made the snapshot.
 * @volume: The provider's identity of the snapshot (btrfs subvolume UUID,
 * "vg/lv", "dataset@snap"); empty for tree providers.
 * @dev, @ino, @btime_sec, @btime_nsec: Identity of the destination itself
 * (lstat, never followed), checked before anything is deleted.
 */
struct snap_marker {
	char provider[32];
	char volume[SNAP_MARKER_VOLUME_MAX + 1];
	uint64_t dev;
	uint64_t ino;
	int64_t btime_sec;
	uint32_t btime_nsec;
};

int snap_marker_write(const struct snap_dest *dest, const char *provider,
		      const char *volume, bool durable);
enum snap_error snap_marker_read(const struct snap_dest *dest,
				 struct snap_marker *marker);
enum snap_error snap_marker_check(const struct snap_dest *dest,
				  const char *const providers[],
				  struct snap_marker *marker);
int snap_marker_remove(const struct snap_dest *dest);

/*
 * snap-tree.c: the tree walker shared by reflink and copy.
 *
 * struct snap_tree_ops - what differs between the two.
 * @name: Provider name (written to the marker).
 * @prepare: Optional: called once with the destination's temporary root
 * before the walk; returns 0 or a negative errno (reflink checks FICLONE).
 * @data: Fill the newly created, empty @dst_fd with the data of @src_fd
 * (@st is its stat); returns 0 or a negative errno.  @cancel is checked by
 * long copies between chunks; @bytes receives the bytes transferred.
 */
struct snap_tree_ops {
	const char *name;
	int (*prepare)(int tmp_root_fd);
	int (*data)(int src_fd, int dst_fd, const struct stat *st,
		    const atomic_bool *cancel, uint64_t *bytes);
};

enum snap_error snap_tree_create(const struct snap_tree_ops *ops,
				 const char *source, const char *destination,
				 int flags, struct snap_job *job);
enum snap_error snap_tree_delete(const char *destination);
enum snap_error snap_tree_probe(const char *source, struct snap_probe *probe);
int snap_tree_remove_at(int parent_fd, const char *name);

/*
 * snap-exec.c: running the command-line tools of lvm-thin and zfs.
 *
 * struct snap_exec - result of one run.
 * @status: wait() status.
 * @out, @err: What the tool printed (NUL-terminated, truncated to fit).
 */
struct snap_exec {
	int status;
	char out[16384];
	char err[4096];
};

int snap_exec_find(const char *tool);
int snap_exec_run(const char *const argv[], struct snap_exec *ex);
enum snap_error snap_exec_error(const struct snap_exec *ex);
enum snap_error snap_exec_check(const char *const argv[], struct snap_exec *ex);

/*
 * snap_exec_snapshot_fn - makes the snapshot of @source at @destination
 * (opened as @dest) by running tools through @ex; on failure nothing of it
 * is left.
 */
typedef enum snap_error (*snap_exec_snapshot_fn)(struct snap_exec *ex, const char *source,
						 const char *destination,
						 const struct snap_dest *dest,
						 const struct snap_job *job);
enum snap_error snap_exec_create(snap_exec_snapshot_fn snapshot, const char *source,
				 const char *destination, int flags,
				 struct snap_job *job);

#endif /* WINEVSS_SNAP_PRIVATE_H */
