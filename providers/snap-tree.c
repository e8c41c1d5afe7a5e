/*
 * snap-tree.c: the tree walker shared by the reflink and copy providers.
 *
 * Model.  create() builds the snapshot in a private directory beside the
 * destination, ".NAME.snaptmp-XXXXXX" (mode 0700), renames it to NAME with
 * RENAME_NOREPLACE when complete, then seals it (immutable attribute) and
 * writes the marker.  Any failure removes the private directory (or, after
 * the rename, NAME itself), so the destination either appears complete or
 * not at all.
 *
 * Walk.  Each source directory is a work item (struct tree_dir) on a stack
 * shared by job->workers threads (the calling thread is one of them).  A
 * worker opens the item's source and destination directories by relative
 * path with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so no symbolic
 * link is ever followed, lists the source, and recreates every entry:
 * regular files through ops->data (FICLONE or copy_file_range), symbolic
 * links with symlinkat, FIFOs, sockets and device nodes with mknodat, and
 * subdirectories with mkdirat, each pushed as a new work item.  A directory
 * on another device (a mount point, a nested btrfs subvolume) is recreated
 * empty, like a btrfs snapshot shows nested subvolumes.
 *
 * Metadata order per inode: data, owner, extended attributes, mode,
 * timestamps, immutable attribute (chown clears set-id bits and file
 * capabilities; anything written after the timestamps would change them).
 * A directory's metadata is applied when it and all its subdirectories are
 * done: tree_dir.pending counts its own processing plus each unfinished
 * subdirectory; the worker that drops it to zero finalises the directory and
 * then drops its parent's count.
 *
 * Hard links: files with st_nlink > 1 go through a table keyed by source
 * (dev, ino).  The first worker to meet an inode creates the file; later
 * names wait until it is ready and linkat() to it.  Such inodes are sealed
 * only after the walk (an immutable inode cannot gain links).
 *
 * Read-only, without touching modes or owners (they stay exactly the
 * source's), by one of two seals:
 * - btrfs: the private directory is created as a btrfs subvolume and made a
 *   read-only subvolume once published.  Every write then fails with EROFS,
 *   for root too, and no privilege is needed (the creator owns the
 *   subvolume).  delete() clears the flag and deletes the subvolume (or, if
 *   not allowed, empties it and removes it with rmdir).
 * - elsewhere, when the caller may set FS_IMMUTABLE_FL (CAP_LINUX_IMMUTABLE)
 *   and the file system supports it: every directory, regular file and hard
 *   link target is made immutable, so nobody, root included, can change it
 *   without first clearing the attribute.  FIFOs, sockets, device nodes and
 *   symbolic links cannot be opened safely to set it; they are protected by
 *   their immutable directory (no rename, unlink or replacement) but their
 *   own mode, owner and timestamps could still be changed by their owner.
 * Otherwise (unprivileged, off btrfs) the snapshot keeps the source's
 * permissions but is writable by whoever may write the source's files:
 * stats.read_only says which, and SNAP_CREATE_REQUIRE_READ_ONLY turns that
 * case into an error.
 *
 * Locking: tree.lock protects the work stack, tree.active, tree.error and
 * the hard-link table; tree.cond signals new work, the end of the walk and
 * ready hard-link targets.  Counters are atomics.  tree.progress_lock
 * serialises progress callbacks.
 */
#define _GNU_SOURCE
#include <btrfsutil.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "snap-private.h"

struct tree_xattrs {
	char *buf;		/* name '\0' u32 size value, repeated */
	size_t len;
};

struct tree_dir {
	struct tree_dir *parent;
	struct tree_dir *next;	/* work stack */
	atomic_int pending;
	struct stat st;		/* the source directory */
	struct tree_xattrs xattrs;
	char path[];		/* relative to both roots; "." for the root */
};

struct tree_link {
	struct tree_link *next;
	dev_t dev;
	ino_t ino;
	int state;		/* 1 ready, 0 being created, < 0 failed */
	char path[];		/* destination path of the first name */
};

#define TREE_LINK_BUCKETS 1024

struct tree {
	const struct snap_tree_ops *ops;
	int flags;
	struct snap_job *job;
	const atomic_bool *cancel;
	int src_root;
	int dst_root;
	dev_t src_dev;
	uid_t new_uid;		/* owner of what we create */
	gid_t new_gid;
	int umask;		/* the process's, or -1 when unknown */
	enum { TREE_SEAL_NONE, TREE_SEAL_INODES, TREE_SEAL_SUBVOLUME } seal;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct tree_dir *stack;
	unsigned int active;	/* queued + being processed */
	int error;
	atomic_bool failed;
	struct tree_link *links[TREE_LINK_BUCKETS];

	pthread_mutex_t progress_lock;
	atomic_uint_fast64_t directories, files, hardlinks, symlinks, specials;
	atomic_uint_fast64_t bytes, specials_skipped, owners_not_kept;
	atomic_uint_fast64_t xattrs_skipped;
};

/* An inode to act on: by fd, or (symbolic links, special files) by name. */
struct tree_node {
	int fd;
	int dir_fd;
	const char *name;
};

#define TREE_FD(f) ((struct tree_node){ .fd = (f), .dir_fd = -1 })
#define TREE_AT(d, n) ((struct tree_node){ .fd = -1, .dir_fd = (d), .name = (n) })

static void tree_fail(struct tree *t, int r)
{
	pthread_mutex_lock(&t->lock);
	if (!t->error)
		t->error = r;
	atomic_store(&t->failed, true);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static bool tree_stopped(struct tree *t)
{
	if (atomic_load_explicit(&t->failed, memory_order_relaxed))
		return true;
	if (t->cancel && atomic_load_explicit(t->cancel, memory_order_relaxed)) {
		tree_fail(t, -ECANCELED);
		return true;
	}
	return false;
}

static void tree_count(atomic_uint_fast64_t *counter, uint64_t n)
{
	atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

static void tree_stats(struct tree *t, struct snap_stats *s)
{
	s->directories = atomic_load(&t->directories);
	s->files = atomic_load(&t->files);
	s->hardlinks = atomic_load(&t->hardlinks);
	s->symlinks = atomic_load(&t->symlinks);
	s->specials = atomic_load(&t->specials);
	s->bytes = atomic_load(&t->bytes);
	s->specials_skipped = atomic_load(&t->specials_skipped);
	s->owners_not_kept = atomic_load(&t->owners_not_kept);
	s->xattrs_skipped = atomic_load(&t->xattrs_skipped);
	s->read_only = t->seal != TREE_SEAL_NONE;
}

static void tree_progress(struct tree *t)
{
	struct snap_stats s;

	if (!t->job || !t->job->progress)
		return;
	pthread_mutex_lock(&t->progress_lock);
	tree_stats(t, &s);
	t->job->progress(&s, t->job->data);
	pthread_mutex_unlock(&t->progress_lock);
}

/* Open directory @path below @root without following any symbolic link or
 * leaving @root's mount. */
static int tree_open_dir(int root, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char buf[PATH_MAX], *comp, *save = NULL;
	int fd, next;

	fd = syscall(SYS_openat2, root, path, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd < 0 ? -errno : fd;
	/* Kernels before 5.6: one component at a time. */
	snprintf(buf, sizeof(buf), "%s", path);
	fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (comp = strtok_r(buf, "/", &save); fd >= 0 && comp;
	     comp = strtok_r(NULL, "/", &save)) {
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		snap_closep(&fd);
		fd = next;
	}
	return fd < 0 ? -errno : fd;
}

/* --- inode attributes --------------------------------------------------- */

static int tree_proc_path(char *buf, size_t size, const struct tree_node *n)
{
	int len = snprintf(buf, size, "/proc/self/fd/%d/%s", n->dir_fd, n->name);

	return len < (int)size ? 0 : -ENAMETOOLONG;
}

static ssize_t tree_listxattr(const struct tree_node *n, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (n->fd >= 0)
		return flistxattr(n->fd, buf, size);
	if (tree_proc_path(path, sizeof(path), n) < 0)
		return errno = ENAMETOOLONG, -1;
	return llistxattr(path, buf, size);
}

static ssize_t tree_getxattr(const struct tree_node *n, const char *name,
			     void *buf, size_t size)
{
	char path[PATH_MAX];

	if (n->fd >= 0)
		return fgetxattr(n->fd, name, buf, size);
	if (tree_proc_path(path, sizeof(path), n) < 0)
		return errno = ENAMETOOLONG, -1;
	return lgetxattr(path, name, buf, size);
}

static int tree_setxattr(const struct tree_node *n, const char *name,
			 const void *value, size_t size)
{
	char path[PATH_MAX];

	if (n->fd >= 0)
		return fsetxattr(n->fd, name, value, size, 0);
	if (tree_proc_path(path, sizeof(path), n) < 0)
		return errno = ENAMETOOLONG, -1;
	return lsetxattr(path, name, value, size, 0);
}

static int tree_xattrs_append(struct tree_xattrs *xa, const char *name,
			      const void *value, uint32_t size)
{
	size_t nlen = strlen(name) + 1;
	char *buf = realloc(xa->buf, xa->len + nlen + sizeof(size) + size);

	if (!buf)
		return -ENOMEM;
	xa->buf = buf;
	memcpy(buf + xa->len, name, nlen);
	memcpy(buf + xa->len + nlen, &size, sizeof(size));
	memcpy(buf + xa->len + nlen + sizeof(size), value, size);
	xa->len += nlen + sizeof(size) + size;
	return 0;
}

/* Read all extended attributes of @src into @xa (empty when none). */
static int tree_xattrs_load(const struct tree_node *src, struct tree_xattrs *xa)
{
	char small[1024], *names = small;
	_cleanup_free_ char *big = NULL, *value = NULL;
	ssize_t len, vlen;
	int r = 0;

	xa->buf = NULL;
	xa->len = 0;
	len = tree_listxattr(src, small, sizeof(small));
	if (len < 0 && errno == ERANGE) {
		len = tree_listxattr(src, NULL, 0);
		if (len > 0 && !(names = big = malloc(len)))
			return -ENOMEM;
		if (len > 0)
			len = tree_listxattr(src, big, len);
	}
	if (len < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (len > 0 && !(value = malloc(XATTR_SIZE_MAX)))
		return -ENOMEM;
	for (char *name = names; name < names + len && !r; name += strlen(name) + 1) {
		vlen = tree_getxattr(src, name, value, XATTR_SIZE_MAX);
		if (vlen < 0 && errno == ENODATA)
			continue;	/* removed meanwhile */
		r = vlen < 0 ? -errno : tree_xattrs_append(xa, name, value, vlen);
	}
	return r;
}

static bool tree_refused(int err)
{
	return err == EPERM || err == EACCES || err == ENOTSUP;
}

static int tree_xattrs_apply(struct tree *t, const struct tree_node *dst,
			     const struct tree_xattrs *xa)
{
	size_t off = 0;
	uint32_t size;

	while (off < xa->len) {
		const char *name = xa->buf + off;

		off += strlen(name) + 1;
		memcpy(&size, xa->buf + off, sizeof(size));
		off += sizeof(size);
		if (tree_setxattr(dst, name, xa->buf + off, size) < 0) {
			if (!tree_refused(errno) || (t->flags & SNAP_CREATE_STRICT))
				return -errno;
			tree_count(&t->xattrs_skipped, 1);
		}
		off += size;
	}
	return 0;
}

static int tree_xattrs_copy(struct tree *t, const struct tree_node *src,
			    const struct tree_node *dst)
{
	struct tree_xattrs xa;
	int r;

	r = tree_xattrs_load(src, &xa);
	if (!r)
		r = tree_xattrs_apply(t, dst, &xa);
	free(xa.buf);
	return r;
}

static int tree_owner(struct tree *t, const struct tree_node *n,
		      const struct stat *st)
{
	int r;

	if (st->st_uid == t->new_uid && st->st_gid == t->new_gid)
		return 0;
	if (n->fd >= 0)
		r = fchown(n->fd, st->st_uid, st->st_gid);
	else
		r = fchownat(n->dir_fd, n->name, st->st_uid, st->st_gid,
			     AT_SYMLINK_NOFOLLOW);
	if (!r)
		return 0;
	if (errno != EPERM || (t->flags & SNAP_CREATE_STRICT))
		return -errno;
	tree_count(&t->owners_not_kept, 1);
	return 0;
}

static int tree_mode(const struct tree_node *n, const struct stat *st)
{
	mode_t mode = st->st_mode & 07777;
	int r;

	if (S_ISLNK(st->st_mode))
		return 0;
	r = n->fd >= 0 ? fchmod(n->fd, mode) : fchmodat(n->dir_fd, n->name, mode, 0);
	return r < 0 ? -errno : 0;
}

static int tree_times(const struct tree_node *n, const struct stat *st)
{
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	int r;

	if (n->fd >= 0)
		r = futimens(n->fd, ts);
	else
		r = utimensat(n->dir_fd, n->name, ts, AT_SYMLINK_NOFOLLOW);
	return r < 0 ? -errno : 0;
}

static int tree_flags_change(int fd, int set, int clear)
{
	int flags, wanted;

	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return -errno;
	wanted = (flags | set) & ~clear;
	if (wanted != flags && ioctl(fd, FS_IOC_SETFLAGS, &wanted) < 0)
		return -errno;
	return 0;
}

static int tree_seal(struct tree *t, int fd)
{
	return t->seal == TREE_SEAL_INODES ? tree_flags_change(fd, FS_IMMUTABLE_FL, 0) : 0;
}

/* Owner, extended attributes, mode, times, seal: the order matters (see top). */
static int tree_metadata(struct tree *t, const struct tree_node *src,
			 const struct tree_node *dst, const struct stat *st,
			 const struct tree_xattrs *xattrs, bool mode_done, bool seal)
{
	int r;

	r = tree_owner(t, dst, st);
	if (!r && xattrs)
		r = tree_xattrs_apply(t, dst, xattrs);
	else if (!r && src)
		r = tree_xattrs_copy(t, src, dst);
	if (!r && !mode_done)
		r = tree_mode(dst, st);
	if (!r)
		r = tree_times(dst, st);
	if (!r && seal && dst->fd >= 0)
		r = tree_seal(t, dst->fd);
	return r;
}

/* --- hard links --------------------------------------------------------- */

static struct tree_link **tree_link_bucket(struct tree *t, const struct stat *st)
{
	uint64_t h = (uint64_t)st->st_ino * 0x9e3779b97f4a7c15ULL ^ st->st_dev;

	return &t->links[h % TREE_LINK_BUCKETS];
}

/*
 * Look up @st's inode; called with t->lock held.  Returns the entry of an
 * earlier name, or NULL after inserting a new entry for @path (the caller
 * then creates the file and calls tree_link_done()).
 */
static struct tree_link *tree_link_claim(struct tree *t, const struct stat *st,
					 const char *path, int *r)
{
	struct tree_link **bucket = tree_link_bucket(t, st), *l;
	size_t len = strlen(path) + 1;

	for (l = *bucket; l; l = l->next)
		if (l->dev == st->st_dev && l->ino == st->st_ino)
			return l;
	l = malloc(sizeof(*l) + len);
	if (!l) {
		*r = -ENOMEM;
		return NULL;
	}
	l->dev = st->st_dev;
	l->ino = st->st_ino;
	l->state = 0;
	memcpy(l->path, path, len);
	l->next = *bucket;
	*bucket = l;
	*r = 0;
	return NULL;
}

static void tree_link_done(struct tree *t, const struct stat *st, int r)
{
	struct tree_link *l;

	pthread_mutex_lock(&t->lock);
	for (l = *tree_link_bucket(t, st); l; l = l->next)
		if (l->dev == st->st_dev && l->ino == st->st_ino)
			l->state = r < 0 ? r : 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* Make @name in @dst_dir another name of the inode first created at
 * @l->path, once that one is ready. */
static int tree_link_make(struct tree *t, struct tree_link *l, int dst_dir,
			  const char *name)
{
	int state;

	pthread_mutex_lock(&t->lock);
	while (!(state = l->state) && !t->error)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	if (state <= 0)
		return -ECANCELED;	/* the walk already failed */
	if (linkat(t->dst_root, l->path, dst_dir, name, 0) < 0)
		return -errno;
	tree_count(&t->hardlinks, 1);
	return 0;
}

static void tree_links_free(struct tree *t)
{
	for (size_t i = 0; i < TREE_LINK_BUCKETS; i++)
		while (t->links[i]) {
			struct tree_link *l = t->links[i];

			t->links[i] = l->next;
			free(l);
		}
}

/* Seal the inodes with several names, now that all names exist. */
static int tree_links_seal(struct tree *t)
{
	struct tree_link *l;
	int fd, r;

	for (size_t i = 0; t->seal == TREE_SEAL_INODES && i < TREE_LINK_BUCKETS; i++)
		for (l = t->links[i]; l; l = l->next) {
			fd = openat(t->dst_root, l->path,
				    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			if (fd < 0)
				return -errno;
			r = tree_seal(t, fd);
			close(fd);
			if (r < 0)
				return r;
		}
	return 0;
}

/* --- entries ------------------------------------------------------------ */

static int tree_path_join(char *buf, const char *dir, const char *name)
{
	int len;

	if (!strcmp(dir, "."))
		len = snprintf(buf, PATH_MAX, "%s", name);
	else
		len = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return len < PATH_MAX ? 0 : -ENAMETOOLONG;
}

static int tree_file_create(struct tree *t, int src_fd, int dst_dir,
			    const char *name, const struct stat *st, bool seal)
{
	mode_t mode = st->st_mode & 07777;
	_cleanup_close_ int dst_fd = -1;
	uint64_t bytes = 0;
	bool exact;
	int r;

	/* Created with its final mode when the umask leaves it alone (the
	 * temporary root carries no default ACL) and no set-id bit could be
	 * cleared by a later chown: one fchmod less per file. */
	exact = t->umask >= 0 && !(mode & t->umask) && !(mode & 07000);
	dst_fd = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			exact ? mode : 0600);
	if (dst_fd < 0)
		return -errno;
	r = t->ops->data(src_fd, dst_fd, st, t->cancel, &bytes);
	if (!r)
		r = tree_metadata(t, &TREE_FD(src_fd), &TREE_FD(dst_fd), st, NULL,
				  exact, seal);
	if (r < 0)
		return r;
	tree_count(&t->files, 1);
	tree_count(&t->bytes, bytes);
	return 0;
}

/* A regular file, open as @src_fd; the first name of an inode creates it,
 * later names link to it. */
static int tree_file(struct tree *t, struct tree_dir *d, int src_fd, int dst_dir,
		     const char *name, const struct stat *st)
{
	char path[PATH_MAX];
	struct tree_link *l;
	int r;

	if (st->st_nlink < 2)
		return tree_file_create(t, src_fd, dst_dir, name, st, true);
	r = tree_path_join(path, d->path, name);
	if (r < 0)
		return r;
	pthread_mutex_lock(&t->lock);
	l = tree_link_claim(t, st, path, &r);
	pthread_mutex_unlock(&t->lock);
	if (r < 0)
		return r;
	if (l)
		return tree_link_make(t, l, dst_dir, name);
	r = tree_file_create(t, src_fd, dst_dir, name, st, false);
	tree_link_done(t, st, r);
	return r;
}

static int tree_symlink(struct tree *t, int src_dir, int dst_dir,
			const char *name, const struct stat *st)
{
	char target[PATH_MAX + 1];
	ssize_t len;
	int r;

	len = readlinkat(src_dir, name, target, sizeof(target));
	if (len < 0)
		return -errno;
	if (len >= (ssize_t)sizeof(target))
		return -ENAMETOOLONG;
	target[len] = '\0';
	if (symlinkat(target, dst_dir, name) < 0)
		return -errno;
	r = tree_metadata(t, &TREE_AT(src_dir, name), &TREE_AT(dst_dir, name),
			  st, NULL, false, false);
	if (!r)
		tree_count(&t->symlinks, 1);
	return r;
}

/* FIFOs and sockets are recreated by anyone; device nodes need CAP_MKNOD
 * and are otherwise skipped (counted) or, with SNAP_CREATE_STRICT, fatal. */
static int tree_special(struct tree *t, int src_dir, int dst_dir,
			const char *name, const struct stat *st)
{
	int r;

	if (mknodat(dst_dir, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0) {
		if (errno != EPERM || (t->flags & SNAP_CREATE_STRICT))
			return -errno;
		tree_count(&t->specials_skipped, 1);
		return 0;
	}
	r = tree_metadata(t, &TREE_AT(src_dir, name), &TREE_AT(dst_dir, name),
			  st, NULL, false, false);
	if (!r)
		tree_count(&t->specials, 1);
	return r;
}

/* A directory on another device: recreated empty (see top). */
static int tree_boundary(struct tree *t, int dst_dir, const char *name,
			 const struct stat *st)
{
	_cleanup_close_ int fd = -1;

	if (mkdirat(dst_dir, name, 0700) < 0)
		return -errno;
	fd = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	tree_count(&t->directories, 1);
	return tree_metadata(t, NULL, &TREE_FD(fd), st, NULL, false, true);
}

static void tree_push(struct tree *t, struct tree_dir *d)
{
	pthread_mutex_lock(&t->lock);
	d->next = t->stack;
	t->stack = d;
	t->active++;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static struct tree_dir *tree_dir_new(struct tree_dir *parent, const char *path,
				     const struct stat *st)
{
	size_t len = strlen(path) + 1;
	struct tree_dir *d = calloc(1, sizeof(*d) + len);

	if (!d)
		return NULL;
	d->parent = parent;
	atomic_init(&d->pending, 1);
	d->st = *st;
	memcpy(d->path, path, len);
	return d;
}

static int tree_subdir(struct tree *t, struct tree_dir *d, int dst_dir,
		       const char *name, const struct stat *st)
{
	char path[PATH_MAX];
	struct tree_dir *child;
	int r;

	if (st->st_dev != t->src_dev)
		return tree_boundary(t, dst_dir, name, st);
	r = tree_path_join(path, d->path, name);
	if (r < 0)
		return r;
	if (mkdirat(dst_dir, name, 0700) < 0)
		return -errno;
	child = tree_dir_new(d, path, st);
	if (!child)
		return -ENOMEM;
	atomic_fetch_add(&d->pending, 1);
	tree_push(t, child);
	return 0;
}

/* Open a directory entry that readdir() says is a regular file.  Returns the
 * fd (O_NONBLOCK: should a FIFO have replaced it, open does not hang), or
 * -ENOENT when it vanished, or another negative errno. */
static int tree_file_open(int src_dir, const char *name)
{
	int fd;

	fd = openat(src_dir, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOATIME | O_CLOEXEC);
	if (fd < 0 && errno == EPERM)	/* O_NOATIME needs ownership */
		fd = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A regular file: open it (never following a link), check it still is one. */
static int tree_regular(struct tree *t, struct tree_dir *d, int src_dir,
			int dst_dir, const char *name)
{
	struct stat st;
	int fd, r;

	fd = tree_file_open(src_dir, name);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EAGAIN;	/* replaced by something else meanwhile */
	else
		r = tree_file(t, d, fd, dst_dir, name, &st);
	close(fd);
	return r;
}

static int tree_entry(struct tree *t, struct tree_dir *d, int src_dir,
		      int dst_dir, const struct dirent *de)
{
	struct stat st;
	int r;

	/* The common case costs no stat() of its own. */
	if (de->d_type == DT_REG) {
		r = tree_regular(t, d, src_dir, dst_dir, de->d_name);
		if (r != -ELOOP && r != -EAGAIN)
			return r == -ENOENT ? 0 : r;
	}
	if (fstatat(src_dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return tree_subdir(t, d, dst_dir, de->d_name, &st);
	case S_IFLNK:
		return tree_symlink(t, src_dir, dst_dir, de->d_name, &st);
	case S_IFREG:
		r = tree_regular(t, d, src_dir, dst_dir, de->d_name);
		return r == -ENOENT ? 0 : r;
	default:
		return tree_special(t, src_dir, dst_dir, de->d_name, &st);
	}
}

static bool tree_dot(const char *name)
{
	return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* Recreate the entries of one directory. */
static int tree_dir_fill(struct tree *t, struct tree_dir *d, int src_fd, int dst_fd)
{
	struct dirent *de;
	DIR *dir;
	int r = 0;

	dir = fdopendir(src_fd);
	if (!dir)
		return -errno;
	while (!r && !tree_stopped(t)) {
		errno = 0;
		de = readdir(dir);
		if (!de) {
			r = -errno;
			break;
		}
		if (!tree_dot(de->d_name))
			r = tree_entry(t, d, src_fd, dst_fd, de);
	}
	closedir(dir);
	return r;
}

/* Apply a finished directory's metadata; then its parent may be finished. */
static void tree_dir_finish(struct tree *t, struct tree_dir *d)
{
	while (d && atomic_fetch_sub(&d->pending, 1) == 1) {
		struct tree_dir *parent = d->parent;
		int fd, r;

		if (!atomic_load(&t->failed)) {
			fd = tree_open_dir(t->dst_root, d->path);
			r = fd;
			if (fd >= 0) {
				/* The root is sealed after the rename. */
				r = tree_metadata(t, NULL, &TREE_FD(fd), &d->st,
						  &d->xattrs, false, parent != NULL);
				close(fd);
			}
			if (r < 0)
				tree_fail(t, r);
		}
		free(d->xattrs.buf);
		free(d);
		d = parent;
	}
}

static int tree_dir_process(struct tree *t, struct tree_dir *d)
{
	int src_fd, r;
	_cleanup_close_ int dst_fd = -1;

	src_fd = tree_open_dir(t->src_root, d->path);
	if (src_fd == -ENOENT || src_fd == -ENOTDIR)
		return 0;	/* replaced since the listing: stays empty */
	if (src_fd < 0)
		return src_fd;
	dst_fd = tree_open_dir(t->dst_root, d->path);
	if (dst_fd < 0) {
		close(src_fd);
		return dst_fd;
	}
	r = fstat(src_fd, &d->st) < 0 ? -errno :
	    tree_xattrs_load(&TREE_FD(src_fd), &d->xattrs);
	if (r < 0) {
		close(src_fd);
		return r;
	}
	tree_count(&t->directories, 1);
	return tree_dir_fill(t, d, src_fd, dst_fd);
}

static void *tree_worker(void *arg)
{
	struct tree *t = arg;
	struct tree_dir *d;
	int r;

	for (;;) {
		pthread_mutex_lock(&t->lock);
		while (!t->stack && t->active && !t->error)
			pthread_cond_wait(&t->cond, &t->lock);
		d = t->error ? NULL : t->stack;
		if (!d) {
			pthread_mutex_unlock(&t->lock);
			return NULL;
		}
		t->stack = d->next;
		pthread_mutex_unlock(&t->lock);

		r = tree_dir_process(t, d);
		if (r < 0)
			tree_fail(t, r);
		tree_dir_finish(t, d);
		tree_progress(t);

		pthread_mutex_lock(&t->lock);
		if (!--t->active)
			pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
}

static unsigned int tree_workers(const struct snap_job *job)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (job && job->workers)
		return job->workers > 64 ? 64 : job->workers;
	return n < 1 ? 1 : n > 8 ? 8 : n;
}

/* Run the walk from the root item on @n threads, this one included. */
static int tree_walk(struct tree *t, unsigned int n)
{
	pthread_t threads[64];
	unsigned int started = 0;
	struct tree_dir *root;
	struct stat st;

	if (fstat(t->src_root, &st) < 0)
		return -errno;
	root = tree_dir_new(NULL, ".", &st);
	if (!root)
		return -ENOMEM;
	tree_push(t, root);
	while (started + 1 < n &&
	       !pthread_create(&threads[started], NULL, tree_worker, t))
		started++;
	tree_worker(t);
	while (started)
		pthread_join(threads[--started], NULL);
	/* After a failure, items never processed still hold their parents. */
	while (t->stack) {
		struct tree_dir *d = t->stack;

		t->stack = d->next;
		tree_dir_finish(t, d);
	}
	return t->error;
}

/* --- the temporary root and the read-only probe -------------------------- */

/* On btrfs the private directory is a subvolume (see top); 1 if made so,
 * 0 after mkdir, negative errno. */
static int tree_tmp_mkdir(const struct snap_dest *dest, const char *name)
{
	struct statfs sfs;

	if (!fstatfs(dest->parent_fd, &sfs) && sfs.f_type == BTRFS_SUPER_MAGIC) {
		errno = 0;
		if (!btrfs_util_create_subvolume_fd(dest->parent_fd, name, 0, NULL, NULL))
			return 1;
		if (errno == EEXIST)
			return -EEXIST;
	}
	return mkdirat(dest->parent_fd, name, 0700) < 0 ? -errno : 0;
}

static int tree_tmp_create(const struct snap_dest *dest, char *name, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[6];
	int r;

	for (int tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -errno;
		snprintf(name, size, ".%s.snaptmp-%c%c%c%c%c%c", dest->name,
			 chars[rnd[0] % 36], chars[rnd[1] % 36], chars[rnd[2] % 36],
			 chars[rnd[3] % 36], chars[rnd[4] % 36], chars[rnd[5] % 36]);
		r = tree_tmp_mkdir(dest, name);
		if (r != -EEXIST)
			return r;
	}
	return -EEXIST;
}

/* Can we set FS_IMMUTABLE_FL in @dir?  1 yes, 0 no, negative errno. */
static int tree_immutable_probe(int dir)
{
	static const char name[] = ".snap-immutable-probe";
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dir, name, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = tree_flags_change(fd, FS_IMMUTABLE_FL, 0);
	if (!r)
		r = tree_flags_change(fd, 0, FS_IMMUTABLE_FL);
	unlinkat(dir, name, 0);
	if (!r)
		return 1;
	return r == -EPERM || r == -ENOTTY || r == -ENOTSUP || r == -EACCES ? 0 : r;
}

/* Refuse a destination inside the source tree (the walk would never end). */
static int tree_check_outside(int src_root, int dest_parent)
{
	struct stat src, cur, up;
	int fd, next;

	if (fstat(src_root, &src) < 0)
		return -errno;
	fd = dup(dest_parent);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (fstat(fd, &cur) < 0)
			break;
		if (cur.st_dev == src.st_dev && cur.st_ino == src.st_ino) {
			close(fd);
			return -EINVAL;
		}
		next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) < 0 ||
		    (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)) {
			if (next >= 0)
				close(next);
			break;
		}
		close(fd);
		fd = next;
	}
	close(fd);
	return 0;
}

/* The process umask, read without changing it (umask() would, for every
 * thread); -1 when unknown. */
static int tree_umask(void)
{
	char line[256];
	unsigned int mask;
	int r = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &mask) == 1) {
			r = mask & 0777;
			break;
		}
	fclose(f);
	return r;
}

/* The owner new inodes get inside the temporary root. */
static int tree_owner_init(struct tree *t)
{
	struct stat st;

	if (fstat(t->dst_root, &st) < 0)
		return -errno;
	t->new_uid = geteuid();
	t->new_gid = (st.st_mode & S_ISGID) ? st.st_gid : getegid();
	return 0;
}

static int tree_prepare(struct tree *t, bool subvolume)
{
	int r;

	r = tree_owner_init(t);
	if (r < 0)
		return r;
	/* Inherited from the destination's parent, default ACLs would mask the
	 * modes of everything created below and add ACLs of their own. */
	fremovexattr(t->dst_root, "system.posix_acl_default");
	fremovexattr(t->dst_root, "system.posix_acl_access");
	t->umask = tree_umask();
	if (subvolume) {
		t->seal = TREE_SEAL_SUBVOLUME;
		if (fchmod(t->dst_root, 0700) < 0)
			return -errno;
	} else {
		r = tree_immutable_probe(t->dst_root);
		if (r < 0)
			return r;
		t->seal = r ? TREE_SEAL_INODES : TREE_SEAL_NONE;
	}
	if (t->seal == TREE_SEAL_NONE && (t->flags & SNAP_CREATE_REQUIRE_READ_ONLY))
		return -EPERM;
	return t->ops->prepare ? t->ops->prepare(t->dst_root) : 0;
}

static int tree_init(struct tree *t, const struct snap_tree_ops *ops, int flags,
		     struct snap_job *job)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->flags = flags;
	t->job = job;
	t->cancel = job ? job->cancel : NULL;
	t->src_root = t->dst_root = -1;
	if (pthread_mutex_init(&t->lock, NULL) ||
	    pthread_mutex_init(&t->progress_lock, NULL) ||
	    pthread_cond_init(&t->cond, NULL))
		return -ENOMEM;
	return 0;
}

static void tree_deinit(struct tree *t)
{
	tree_links_free(t);
	snap_closep(&t->src_root);
	snap_closep(&t->dst_root);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->progress_lock);
	pthread_cond_destroy(&t->cond);
}

/* Build the tree in @tmp; on success it is complete, with metadata. */
static int tree_build(struct tree *t, const struct snap_dest *dest,
		      const char *tmp, bool subvolume)
{
	int r;

	t->dst_root = openat(dest->parent_fd, tmp,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t->dst_root < 0)
		return -errno;
	r = tree_prepare(t, subvolume);
	if (!r && t->cancel && atomic_load(t->cancel))
		r = -ECANCELED;
	if (!r)
		r = tree_walk(t, tree_workers(t->job));
	if (!r)
		r = tree_links_seal(t);
	return r;
}

static int tree_rename(const struct snap_dest *dest, const char *tmp)
{
	if (!renameat2(dest->parent_fd, tmp, dest->parent_fd, dest->name,
		       RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE. */
	if (snap_dest_check_free(dest) < 0)
		return -EEXIST;
	return renameat(dest->parent_fd, tmp, dest->parent_fd, dest->name) < 0 ? -errno : 0;
}

/* After the rename: seal the root, then write the marker. */
static int tree_publish(struct tree *t, const struct snap_dest *dest)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dest->parent_fd, dest->name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (t->seal == TREE_SEAL_SUBVOLUME) {
		errno = 0;
		r = btrfs_util_set_subvolume_read_only_fd(fd, true) ? -(errno ? errno : EIO) : 0;
	} else {
		r = tree_seal(t, fd);
	}
	if (!r && (t->flags & SNAP_CREATE_DURABLE) && syncfs(fd) < 0)
		r = -errno;
	if (!r)
		r = snap_marker_write(dest, t->ops->name, "",
				      t->flags & SNAP_CREATE_DURABLE);
	return r;
}

static int tree_create(struct tree *t, const char *source,
		       const struct snap_dest *dest)
{
	char tmp[PATH_MAX];
	struct stat st;
	int r;

	t->src_root = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->src_root < 0)
		return -errno;
	if (fstat(t->src_root, &st) < 0)
		return -errno;
	t->src_dev = st.st_dev;
	r = tree_check_outside(t->src_root, dest->parent_fd);
	if (!r)
		r = snap_dest_check_free(dest);
	if (!r)
		r = tree_tmp_create(dest, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	r = tree_build(t, dest, tmp, r == 1);
	if (!r)
		r = tree_rename(dest, tmp);
	if (r < 0) {
		snap_tree_remove_at(dest->parent_fd, tmp);
		return r;
	}
	r = tree_publish(t, dest);
	if (r < 0)
		snap_tree_remove_at(dest->parent_fd, dest->name);
	return r;
}

enum snap_error snap_tree_create(const struct snap_tree_ops *ops,
				 const char *source, const char *destination,
				 int flags, struct snap_job *job)
{
	struct snap_dest dest = SNAP_DEST_NULL;
	struct tree t;
	int r;

	if (job)
		job->stats = (struct snap_stats){ 0 };
	if ((flags & ~SNAP_CREATE_MASK) || !source)
		return snap_fail(EINVAL);
	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	r = tree_init(&t, ops, flags, job);
	if (!r)
		r = tree_create(&t, source, &dest);
	tree_progress(&t);
	if (job)
		tree_stats(&t, &job->stats);
	tree_deinit(&t);
	snap_dest_close(&dest);
	return snap_result(r);
}

/* --- removal ------------------------------------------------------------ */

/* Names of a directory, read in full before anything is removed. */
static int tree_names_read(int fd, char **names, size_t *len)
{
	struct dirent *de;
	size_t size = 0;
	char *buf;
	DIR *dir;
	int dfd, r = 0;

	*names = NULL;
	*len = 0;
	dfd = dup(fd);
	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -errno;
	}
	while (!r && (errno = 0, de = readdir(dir))) {
		size_t n = strlen(de->d_name) + 1;

		if (tree_dot(de->d_name))
			continue;
		if (*len + n > size) {
			size = (size + n) * 2;
			buf = realloc(*names, size);
			if (!buf) {
				r = -ENOMEM;
				break;
			}
			*names = buf;
		}
		memcpy(*names + *len, de->d_name, n);
		*len += n;
	}
	if (!r && errno)
		r = -errno;
	closedir(dir);
	return r;
}

static int tree_remove_dir_contents(int fd);

/* Clear the immutable and append-only attributes of a regular file or
 * directory entry (never opening anything else). */
static void tree_unseal_at(int dir, const char *name, const struct stat *st)
{
	int fd;

	if (!S_ISREG(st->st_mode))
		return;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		tree_flags_change(fd, 0, FS_IMMUTABLE_FL | FS_APPEND_FL);
		close(fd);
	}
}

/* Open a directory of the tree for removal, making it writable and
 * searchable for its owner if it was not. */
static int tree_remove_open(int dir, const char *name)
{
	char path[64];
	int fd;

	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		fd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		chmod(path, 0700);
		close(fd);
		fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

static int tree_remove_entry(int dir, const char *name)
{
	struct stat st;
	int fd, r;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode)) {
		tree_unseal_at(dir, name, &st);
		return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	}
	fd = tree_remove_open(dir, name);
	if (fd < 0)
		return fd;
	r = tree_remove_dir_contents(fd);
	close(fd);
	if (!r && unlinkat(dir, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

static int tree_remove_dir_contents(int fd)
{
	_cleanup_free_ char *names = NULL;
	struct stat st;
	size_t len;
	int r;

	tree_flags_change(fd, 0, FS_IMMUTABLE_FL | FS_APPEND_FL);
	if (!fstat(fd, &st) && (st.st_mode & S_IRWXU) != S_IRWXU &&
	    st.st_uid == geteuid())
		fchmod(fd, (st.st_mode & 07777) | S_IRWXU);
	r = tree_names_read(fd, &names, &len);
	for (size_t off = 0; !r && off < len; off += strlen(names + off) + 1)
		r = tree_remove_entry(fd, names + off);
	return r;
}

/**
 * snap_tree_remove_at() - Remove @name in @parent_fd and everything below
 * it, never following a symbolic link, clearing immutable attributes on the
 * way.  Returns 0 or a negative errno.
 */
int snap_tree_remove_at(int parent_fd, const char *name)
{
	bool ro = false;
	int fd;

	/* A btrfs subvolume (the btrfs seal): writable again, then deleted
	 * whole where permitted, else emptied and removed below. */
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !btrfs_util_is_subvolume_fd(fd)) {
		if (!btrfs_util_get_subvolume_read_only_fd(fd, &ro) && ro)
			btrfs_util_set_subvolume_read_only_fd(fd, false);
		if (!btrfs_util_delete_subvolume_fd(parent_fd, name, 0)) {
			close(fd);
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	return tree_remove_entry(parent_fd, name);
}

static const char *const tree_providers[] = { "reflink", "copy", NULL };

enum snap_error snap_tree_delete(const char *destination)
{
	struct snap_dest dest = SNAP_DEST_NULL;
	struct snap_marker marker;
	enum snap_error err;
	int r;

	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = snap_marker_check(&dest, tree_providers, &marker);
	if (err == SNAP_ERROR_NOT_FOUND)
		snap_marker_remove(&dest);	/* finish an interrupted delete */
	if (!err) {
		r = snap_tree_remove_at(dest.parent_fd, dest.name);
		if (!r)
			r = snap_marker_remove(&dest);
		err = snap_result(r);
	}
	snap_dest_close(&dest);
	return err;
}

/* Shared probe of the tree providers: any readable directory. */
enum snap_error snap_tree_probe(const char *source, struct snap_probe *probe)
{
	_cleanup_close_ int fd = -1;
	struct snap_probe p = { 0 };
	int r;

	if (!source)
		return snap_fail(EINVAL);
	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return snap_fail(errno);
	r = snap_fs_describe(fd, &p);
	if (r < 0)
		return snap_fail(-r);
	snprintf(p.volume, sizeof(p.volume), "%s", source);
	/* Root keeps owners and may seal with the immutable attribute; on
	 * btrfs anyone can seal with a read-only subvolume. */
	p.caps = 0;
	if (geteuid() == 0)
		p.caps |= SNAP_CAP_KEEPS_OWNERS | SNAP_CAP_READ_ONLY;
	if (p.fs_magic == BTRFS_SUPER_MAGIC)
		p.caps |= SNAP_CAP_READ_ONLY;
	if (probe)
		*probe = p;
	return SNAP_OK;
}
