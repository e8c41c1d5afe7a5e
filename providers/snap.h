/*
 * snap.h: the snapshot provider library of winevss.
 *
 * A provider turns a directory of the host (the Unix directory behind a Wine
 * drive) into a snapshot placed at a destination path, and later deletes it.
 * Every provider is one `struct snap_provider` ops table:
 *
 *   btrfs      read-only btrfs snapshot of the subvolume rooted at the source
 *              (O(1), atomic, read-only enforced by the kernel)
 *   lvm-thin   lvcreate --snapshot of the thin volume mounted at the source,
 *              mounted read-only at the destination (O(1), atomic; root only)
 *   zfs        zfs snapshot of the dataset mounted at the source, reached by
 *              a symbolic link at the destination (O(1), atomic)
 *   reflink    clone of the whole tree with FICLONE (shares data blocks)
 *   copy       copy of the whole tree with copy_file_range
 *
 * reflink and copy walk the live tree: they are NOT atomic point-in-time
 * snapshots.  A file changed while the walk runs may be seen before or after
 * the change, and two files changed together may be seen inconsistently.  The
 * caller (the agent) must hold writers for the duration if it needs a
 * consistent image.
 *
 * Conventions, after libbtrfsutil:
 * - every function that can fail returns `enum snap_error` and leaves errno
 *   set to the underlying cause;
 * - flags are checked against a mask; unknown bits give
 *   %SNAP_ERROR_INVALID_ARGUMENT;
 * - the library has no global mutable state: every call is independent and
 *   may run concurrently with calls on other destinations.
 *
 * Destination rules (all providers): the destination must not exist, its
 * parent directory must exist, and its last component must be a plain name
 * (not "." or "..").  create() either completes or leaves nothing at the
 * destination.  Next to the destination it places a small marker file,
 * ".NAME.snapmark", that records which provider made the snapshot and the
 * identity (device, inode, birth time) of what it made; delete() refuses any
 * path whose marker is missing or does not match, so it can never remove a
 * live directory, a symbolic link's target, or a snapshot made by someone
 * else.
 */
#ifndef WINEVSS_SNAP_H
#define WINEVSS_SNAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum snap_error - snapshot provider error codes.
 *
 * All functions of this library that can fail return this type and set
 * errno to the underlying system error.
 */
enum snap_error {
	SNAP_OK,
	/* The provider cannot snapshot this source: wrong file system, not a
	 * subvolume or volume root, FICLONE impossible, tool absent. */
	SNAP_ERROR_NOT_SUPPORTED,
	SNAP_ERROR_NO_SPACE,
	SNAP_ERROR_PERMISSION,
	SNAP_ERROR_NOT_FOUND,
	SNAP_ERROR_EXISTS,
	SNAP_ERROR_INVALID_ARGUMENT,
	SNAP_ERROR_IO,
	SNAP_ERROR_CANCELLED,
	SNAP_ERROR_BUSY,
	SNAP_ERROR_NO_MEMORY,
	/* delete(): the path is not a snapshot this library made. */
	SNAP_ERROR_NOT_SNAPSHOT,
};

/**
 * snap_strerror() - Convert a snap_error to a human-readable string.
 * @err: Error code.
 *
 * Return: a static string; "Unknown error" for a value outside the enum.
 */
const char *snap_strerror(enum snap_error err);

/**
 * snap_error_from_errno() - Map an errno value to the snap_error it means.
 * @err: A positive errno value.
 *
 * Used by the providers and by callers that got an errno from elsewhere.
 *
 * Return: the matching code; %SNAP_ERROR_IO for errno values with no closer
 * meaning, %SNAP_OK for 0.
 */
enum snap_error snap_error_from_errno(int err);

/* Capabilities reported by probe(). */
/* The snapshot is one point in time for the whole source. */
#define SNAP_CAP_ATOMIC		(1U << 0)
/* Creation time does not depend on the number of files. */
#define SNAP_CAP_CONSTANT_TIME	(1U << 1)
/* The kernel refuses writes to the snapshot, root's included.  reflink and
 * copy: on btrfs always (the tree is a read-only subvolume), elsewhere only
 * when the caller may set the immutable attribute (CAP_LINUX_IMMUTABLE). */
#define SNAP_CAP_READ_ONLY	(1U << 2)
/* Owners, modes, timestamps and extended attributes are kept exactly. */
#define SNAP_CAP_KEEPS_OWNERS	(1U << 3)

/**
 * struct snap_probe - what probe() found out about a source.
 * @fs_type: File system type of the source ("btrfs", "xfs", "tmpfs", ...).
 * @fs_magic: statfs() f_type of the source.
 * @caps: SNAP_CAP_* bits the provider offers for this source, for the
 * calling process's privileges.
 * @volume: The provider's name for the volume holding the source: the btrfs
 * subvolume id ("subvolume 256"), "vg/lv" for LVM, the dataset for ZFS, the
 * mount point otherwise.
 */
struct snap_probe {
	char fs_type[32];
	uint64_t fs_magic;
	unsigned int caps;
	char volume[256];
};

/**
 * struct snap_stats - what one create() did (filled in as it goes).
 * @directories: Directories created (the root included).
 * @files: Regular files cloned or copied (one per inode).
 * @hardlinks: Additional names of already created files.
 * @symlinks: Symbolic links recreated (never followed).
 * @specials: FIFOs, sockets and device nodes recreated.
 * @bytes: File data bytes: file sizes for clones, bytes written for copies
 * (holes excluded).
 * @specials_skipped: Device nodes left out because the caller may not
 * create them (CAP_MKNOD); zero with %SNAP_CREATE_STRICT.
 * @owners_not_kept: Entries whose owner could not be kept (the caller may
 * not chown to it) and that therefore belong to the caller.
 * @xattrs_skipped: Extended attributes the destination refused (trusted.*
 * and security.* without privilege, or a file system without support).
 * @read_only: True when the result is read-only for everyone, root
 * included.
 */
struct snap_stats {
	uint64_t directories;
	uint64_t files;
	uint64_t hardlinks;
	uint64_t symlinks;
	uint64_t specials;
	uint64_t bytes;
	uint64_t specials_skipped;
	uint64_t owners_not_kept;
	uint64_t xattrs_skipped;
	bool read_only;
};

/**
 * typedef snap_progress_fn - progress report of a running create().
 * @stats: Counters so far (a consistent copy, valid during the call).
 * @data: The caller's pointer from struct snap_job.
 *
 * Called after each directory and at the end.  Calls are serialised but may
 * come from any of the provider's worker threads; the callback must not call
 * back into the same create().  To stop the work, set the cancel flag.
 */
typedef void (*snap_progress_fn)(const struct snap_stats *stats, void *data);

/**
 * struct snap_job - the caller's side of one create().
 * @progress: Optional progress callback.
 * @data: Passed to @progress.
 * @cancel: Optional flag; once true, create() stops at the next file (or
 * chunk of a large file), removes what it made and returns
 * %SNAP_ERROR_CANCELLED.  O(1) providers check it once before they start.
 * @workers: Worker threads for tree providers; 0 means one per online CPU
 * (at most 8).  Ignored by the O(1) providers.
 * @stats: Output: what was done; valid after create() returns, successful
 * or not.
 *
 * Initialise with SNAP_JOB_INIT or zero it.
 */
struct snap_job {
	snap_progress_fn progress;
	void *data;
	const atomic_bool *cancel;
	unsigned int workers;
	struct snap_stats stats;
};

#define SNAP_JOB_INIT { 0 }

/* create() flags. */
/* Fail with %SNAP_ERROR_PERMISSION instead of making a writable snapshot
 * (reflink, copy: off btrfs without CAP_LINUX_IMMUTABLE). */
#define SNAP_CREATE_REQUIRE_READ_ONLY	(1 << 0)
/* Fail instead of leaving out what cannot be reproduced exactly: device
 * nodes without CAP_MKNOD, owners without CAP_CHOWN, extended attributes
 * the destination refuses. */
#define SNAP_CREATE_STRICT		(1 << 1)
/* Make the snapshot and its marker durable before returning: syncfs() of
 * the destination's file system, then fsync of the marker and of its
 * directory.  Without it, a crash shortly after create() may lose the
 * snapshot or its marker (the caller's own catalog must then treat it as
 * an orphan); with it, create() costs a full file system commit. */
#define SNAP_CREATE_DURABLE		(1 << 2)
#define SNAP_CREATE_MASK		((1 << 3) - 1)

/**
 * struct snap_provider - one snapshot backend.
 * @name: Short stable name ("btrfs", "reflink", "copy", "lvm-thin", "zfs"),
 * used in configuration and in the destination marker.
 * @probe: Tell whether this provider can snapshot a source directory.
 * @create: Make a snapshot of a source directory at a destination path.
 * @delete: Remove a snapshot this provider made.
 *
 * probe(source, destination_dir, probe):
 *   @source: the directory to snapshot; @destination_dir: optional (may be
 *   NULL) directory where snapshots will be created; reflink then checks
 *   FICLONE there by cloning a temporary file, otherwise it judges by file
 *   system type.  Fills @probe (may be NULL).  Needs no privilege beyond
 *   search permission; lvm-thin and zfs run their `lvs`/`zfs list` tools.
 *   Returns %SNAP_OK when create() can work, %SNAP_ERROR_NOT_SUPPORTED when
 *   this provider does not apply, another code when the source is unusable.
 *
 * create(source, destination, flags, job):
 *   @flags are SNAP_CREATE_*; @job may be NULL.  See the destination rules at
 *   the top of this file and each provider's notes in its source for
 *   privileges and atomicity.  Returns %SNAP_OK or an error; on error
 *   nothing is left at the destination (a crash midway can leave a hidden
 *   ".NAME.snaptmp-XXXXXX" directory, on btrfs a subvolume, beside it for an
 *   orphan sweep; snap_delete() does not take those, they have no marker).
 *
 * delete(destination):
 *   Removes exactly what create() made, after checking the marker; never
 *   follows symbolic links.  Returns %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT
 *   when the marker is missing, belongs to another provider or does not
 *   match, or another error.
 *
 * available():
 *   Optional (NULL: always).  Whether this host can use the provider at
 *   all, e.g. its command-line tools are installed; callers offer only the
 *   providers that are available.
 */
struct snap_provider {
	const char *name;
	enum snap_error (*probe)(const char *source,
				 const char *destination_dir,
				 struct snap_probe *probe);
	enum snap_error (*create)(const char *source, const char *destination,
				  int flags, struct snap_job *job);
	enum snap_error (*delete)(const char *destination);
	bool (*available)(void);
};

/**
 * snap_provider_available() - Whether this host can use a provider.
 * @provider: A provider of this library.
 *
 * Return: true unless the provider's tools are missing.
 */
bool snap_provider_available(const struct snap_provider *provider);

extern const struct snap_provider snap_provider_btrfs;
extern const struct snap_provider snap_provider_lvm_thin;
extern const struct snap_provider snap_provider_zfs;
extern const struct snap_provider snap_provider_reflink;
extern const struct snap_provider snap_provider_copy;

/**
 * snap_provider_get() - Enumerate the providers, in order of preference.
 * @index: 0, 1, 2, ...
 *
 * Return: the provider, or NULL past the last one.
 */
const struct snap_provider *snap_provider_get(size_t index);

/**
 * snap_provider_lookup() - Find a provider by name (configuration override).
 * @name: "btrfs", "lvm-thin", "zfs", "reflink" or "copy".
 *
 * Return: the provider, or NULL with errno set to ENOENT.
 */
const struct snap_provider *snap_provider_lookup(const char *name);

/**
 * snap_provider_choose() - Pick the best provider for a source directory.
 * @source: The directory to snapshot.
 * @destination_dir: Optional directory where the snapshots will go (lets
 * reflink be tested by a real clone there); may be NULL.
 * @provider_ret: Returns the chosen provider.
 * @probe_ret: Optional: returns the chosen provider's probe result.
 *
 * Order: btrfs when @source is a btrfs subvolume root; zfs and lvm-thin when
 * their tools exist and @source is the mount point of such a volume; reflink
 * when the file system supports FICLONE; copy otherwise.  Runs each
 * provider's probe() until one accepts.
 *
 * Return: %SNAP_OK, or the error of the copy provider's probe (the source
 * is missing or not a directory).
 */
enum snap_error snap_provider_choose(const char *source,
				     const char *destination_dir,
				     const struct snap_provider **provider_ret,
				     struct snap_probe *probe_ret);

/**
 * snap_delete() - Delete a snapshot with whichever provider made it.
 * @destination: A path create() returned %SNAP_OK for.
 *
 * Reads the marker beside @destination and calls that provider's delete().
 * Privileges are those of the provider's delete().
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT without a valid marker, or the
 * provider's error.
 */
enum snap_error snap_delete(const char *destination);

/**
 * snap_identify() - Tell which provider made a snapshot, without touching it.
 * @destination: A path create() may have returned %SNAP_OK for.
 * @provider_ret: Returns the provider named by the marker.
 *
 * Checks the marker beside @destination exactly as delete() would (the
 * provider exists, the identity of what is at @destination matches).  Used
 * to accept a snapshot that another process made, e.g. when a second Wine
 * prefix imports a transportable snapshot.
 *
 * Return: %SNAP_OK, %SNAP_ERROR_NOT_SNAPSHOT without a valid marker, or
 * the error met while reading it.
 */
enum snap_error snap_identify(const char *destination,
			      const struct snap_provider **provider_ret);

/**
 * snap_sweep_unfinished() - Remove what interrupted creates left in a
 * directory of destinations.
 * @dir: The directory the caller creates its destinations in.
 *
 * A create() killed midway (the process died) can leave its private work
 * directory, ".NAME.snaptmp-XXXXXX", beside the destination.  This removes
 * every such entry of @dir (clearing immutable attributes and read-only
 * subvolume flags on the way, never following a symbolic link) and nothing
 * else.  Call it only while no create() runs in @dir.
 *
 * Return: %SNAP_OK (also when @dir does not exist), or the first error met;
 * the remaining entries are still tried.
 */
enum snap_error snap_sweep_unfinished(const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* WINEVSS_SNAP_H */
