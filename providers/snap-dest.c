/*
 * snap-dest.c: destination paths and the marker beside each snapshot.
 *
 * Model: a destination is "PARENT/NAME".  PARENT must exist; NAME must not.
 * Every step after snap_dest_open() works relative to the open PARENT, so a
 * concurrent rename of PARENT's path cannot redirect us.
 *
 * The marker ".NAME.snapmark" lives in PARENT, not inside the snapshot, so
 * the snapshot's content stays exactly the source's.  It is written last by
 * create() (temp file, rename; with SNAP_CREATE_DURABLE also fsync of both
 * and of PARENT) and removed last by
 * delete(), so an interrupted delete can be finished.  It records the
 * provider and the identity of PARENT/NAME as lstat() sees it (device, inode,
 * birth time).  Invariant: delete() acts only when a marker owned by the
 * caller or root names its provider and the identity matches; anything else
 * at NAME (a live directory, a symlink, a later directory of the same name)
 * is refused with SNAP_ERROR_NOT_SNAPSHOT.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "snap-private.h"

#define SNAP_MARKER_MAGIC "winevss-snapmark 1"
#define SNAP_MARKER_SUFFIX ".snapmark"
/* Room a name needs for the longest derived name (".NAME.snaptmp-XXXXXX",
 * ".NAME.snapmark.tmp"). */
#define SNAP_DEST_NAME_MAX (NAME_MAX - 20)

int snap_dest_open(struct snap_dest *dest, const char *destination)
{
	char path[PATH_MAX];
	char *slash, *name;
	const char *parent;
	size_t len;

	dest->parent_fd = -1;
	if (!destination || !*destination)
		return -EINVAL;
	len = strlen(destination);
	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, destination, len + 1);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		parent = slash == path ? "/" : path;
	} else {
		name = path;
		parent = ".";
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (strlen(name) > SNAP_DEST_NAME_MAX)
		return -ENAMETOOLONG;
	snprintf(dest->name, sizeof(dest->name), "%s", name);
	snprintf(dest->marker, sizeof(dest->marker), ".%s" SNAP_MARKER_SUFFIX, name);
	dest->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dest->parent_fd < 0 ? -errno : 0;
}

void snap_dest_close(struct snap_dest *dest)
{
	if (dest->parent_fd >= 0)
		close(dest->parent_fd);
	dest->parent_fd = -1;
}

int snap_dest_check_free(const struct snap_dest *dest)
{
	struct stat st;

	if (!fstatat(dest->parent_fd, dest->name, &st, AT_SYMLINK_NOFOLLOW))
		return -EEXIST;
	return errno == ENOENT ? 0 : -errno;
}

static int snap_dest_identity(const struct snap_dest *dest, struct statx *stx)
{
	if (statx(dest->parent_fd, dest->name, AT_SYMLINK_NOFOLLOW,
		  STATX_INO | STATX_BTIME, stx) < 0)
		return -errno;
	if (!(stx->stx_mask & STATX_BTIME))
		stx->stx_btime = (struct statx_timestamp){ 0 };
	return 0;
}

static int snap_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

int snap_marker_write(const struct snap_dest *dest, const char *provider,
		      const char *volume, bool durable)
{
	char text[1024], tmp[PATH_MAX];
	struct statx stx;
	int fd, r, len;

	if (strlen(volume) > SNAP_MARKER_VOLUME_MAX || strchr(volume, '\n'))
		return -EINVAL;
	r = snap_dest_identity(dest, &stx);
	if (r < 0)
		return r;
	len = snprintf(text, sizeof(text),
		       SNAP_MARKER_MAGIC "\nprovider %s\ndevice %u:%u\ninode %llu\n"
		       "birth %lld.%09u\nvolume %s\n", provider,
		       stx.stx_dev_major, stx.stx_dev_minor,
		       (unsigned long long)stx.stx_ino,
		       (long long)stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec,
		       volume);
	snprintf(tmp, sizeof(tmp), "%s.tmp", dest->marker);
	unlinkat(dest->parent_fd, tmp, 0);
	fd = openat(dest->parent_fd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = snap_write_all(fd, text, len);
	if (!r && durable && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && renameat(dest->parent_fd, tmp, dest->parent_fd, dest->marker) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dest->parent_fd, tmp, 0);
		return r;
	}
	/* The rename must be durable before a caller records the snapshot. */
	return durable && fsync(dest->parent_fd) < 0 ? -errno : 0;
}

static enum snap_error snap_marker_parse(const char *text,
					 struct snap_marker *m)
{
	unsigned int major, minor;
	unsigned long long ino;
	long long sec;
	int used = 0;

	memset(m, 0, sizeof(*m));
	if (strncmp(text, SNAP_MARKER_MAGIC "\n", sizeof(SNAP_MARKER_MAGIC)))
		return snap_not_snapshot(EINVAL);
	text += sizeof(SNAP_MARKER_MAGIC);
	if (sscanf(text, "provider %31s\ndevice %u:%u\ninode %llu\nbirth %lld.%u\nvolume %n",
		   m->provider, &major, &minor, &ino, &sec, &m->btime_nsec,
		   &used) != 6 || !used)
		return snap_not_snapshot(EINVAL);
	m->dev = makedev(major, minor);
	m->ino = ino;
	m->btime_sec = sec;
	text += used;
	snprintf(m->volume, sizeof(m->volume), "%.*s", (int)strcspn(text, "\n"), text);
	return SNAP_OK;
}

enum snap_error snap_marker_read(const struct snap_dest *dest,
				 struct snap_marker *marker)
{
	_cleanup_close_ int fd = -1;
	char text[1025];
	struct stat st;
	ssize_t n;

	fd = openat(dest->parent_fd, dest->marker, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return snap_not_snapshot(errno);
		return snap_fail(errno);
	}
	if (fstat(fd, &st) < 0)
		return snap_fail(errno);
	/* Only a marker written by the caller (or by root) is believed. */
	if (!S_ISREG(st.st_mode) || st.st_size >= (off_t)sizeof(text) ||
	    (st.st_uid != geteuid() && st.st_uid != 0))
		return snap_not_snapshot(EPERM);
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0)
		return snap_fail(errno);
	text[n] = '\0';
	return snap_marker_parse(text, marker);
}

enum snap_error snap_marker_check(const struct snap_dest *dest,
				  const char *const providers[],
				  struct snap_marker *marker)
{
	enum snap_error err;
	struct statx stx;
	size_t i;
	int r;

	err = snap_marker_read(dest, marker);
	if (err)
		return err;
	for (i = 0; providers[i] && strcmp(providers[i], marker->provider); i++)
		;
	if (!providers[i])
		return snap_not_snapshot(EINVAL);
	r = snap_dest_identity(dest, &stx);
	if (r < 0)
		return snap_fail(-r);
	if (makedev(stx.stx_dev_major, stx.stx_dev_minor) != marker->dev ||
	    stx.stx_ino != marker->ino ||
	    stx.stx_btime.tv_sec != marker->btime_sec ||
	    stx.stx_btime.tv_nsec != marker->btime_nsec)
		return snap_not_snapshot(ESTALE);
	return SNAP_OK;
}

int snap_marker_remove(const struct snap_dest *dest)
{
	if (unlinkat(dest->parent_fd, dest->marker, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
