/*
 * winevssd: volumes.  A requester names a volume by its DOS root ("C:\");
 * the agent resolves it through the prefix's dosdevices directory only, so a
 * name from a client never becomes an unchecked path, and decides where the
 * volume's snapshots are stored.
 *
 * A volume is a drive ("X:\\") or a mount folder ("X:\\mnt\\data\\", a
 * directory of a drive where another file system or btrfs subvolume
 * starts).  Mount folders, which Wine's mount manager does not know, get a
 * stable \\?\Volume{GUID}\\ name made from their directory.
 *
 * Storage rule: snapshots never appear inside the live volume's own tree.
 * They go to $WINEPREFIX/winevss/snapshots when that is on the volume's file
 * system (btrfs and reflink need the same file system), else to
 * .winevss-snapshots/<prefix id> at the root of the volume's file system,
 * else again to $WINEPREFIX/winevss/snapshots, where only the copy provider
 * can work.
 */

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "volume.h"

static int resolve_drive(struct agent *a, char letter, char **unix_root)
{
	char link[PATH_MAX], *resolved;
	struct stat st;

	snprintf(link, sizeof(link), "%s/dosdevices/%c:", a->prefix, tolower((unsigned char)letter));
	if (!(resolved = realpath(link, NULL)))
		return PROTO_E_NOT_FOUND;
	if (stat(resolved, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(resolved);
		return PROTO_E_NOT_FOUND;
	}
	*unix_root = resolved;
	return PROTO_OK;
}

/* Opens name in dir, never through a symbolic link; Windows names are
 * matched case-insensitively, as Wine does, when no exact match exists.
 * Returns the fd and the name as it is on disk. */
static int open_component(int dir, const char *name, char *found, size_t size)
{
	struct dirent *e;
	DIR *d;
	int fd, dup_fd;

	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT) {
		snprintf(found, size, "%s", name);
		return fd;
	}
	if ((dup_fd = dup(dir)) < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	fd = -1;
	while ((e = readdir(d)))
		if (!strcasecmp(e->d_name, name)) {
			fd = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			snprintf(found, size, "%s", e->d_name);
			break;
		}
	closedir(d);
	return fd;
}

/* "X:\dir\dir\": a directory below a drive; with must_be_mount, one on
 * which another file system or btrfs subvolume is mounted (a different
 * device than its parent). */
static int resolve_folder(struct agent *a, const char *root, bool must_be_mount, char **unix_root)
{
	char *drive = NULL, *copy, *component, *save, path[PATH_MAX], found[256];
	struct stat parent, st;
	int status, dir, next;
	size_t len;

	if ((status = resolve_drive(a, root[0], &drive)))
		return status;
	len = strlen(root);
	if (!(copy = strndup(root + 3, len - 4))) {
		free(drive);
		return PROTO_E_INTERNAL;
	}
	snprintf(path, sizeof(path), "%s", drive);
	dir = open(drive, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	status = dir < 0 ? PROTO_E_NOT_FOUND : PROTO_OK;
	for (component = strtok_r(copy, "\\", &save); !status && component;
	     component = strtok_r(NULL, "\\", &save)) {
		if (!strcmp(component, ".") || !strcmp(component, "..") || strchr(component, '/')) {
			status = PROTO_E_NOT_FOUND;
			break;
		}
		fstat(dir, &parent);
		next = open_component(dir, component, found, sizeof(found));
		close(dir);
		dir = next;
		if (dir < 0 || strlen(path) + strlen(found) + 2 > sizeof(path)) {
			status = PROTO_E_NOT_FOUND;
			break;
		}
		strcat(path, "/");
		strcat(path, found);
	}
	if (!status && (fstat(dir, &st) < 0 || (must_be_mount && st.st_dev == parent.st_dev)))
		status = PROTO_E_NOT_FOUND;   /* a plain directory is not a volume */
	if (dir >= 0)
		close(dir);
	free(copy);
	free(drive);
	if (!status && !(*unix_root = strdup(path)))
		status = PROTO_E_INTERNAL;
	return status;
}

int volume_resolve(struct agent *a, const char *root, char **unix_root)
{
	size_t len = strlen(root);

	/* "X:\" or "X:\folder\...\", always with the trailing backslash. */
	if (len < 3 || !isalpha((unsigned char)root[0]) || root[1] != ':' || root[2] != '\\' ||
	    root[len - 1] != '\\' || strstr(root, "\\\\"))
		return PROTO_E_NOT_FOUND;
	if (len == 3)
		return resolve_drive(a, root[0], unix_root);
	return resolve_folder(a, root, true, unix_root);
}

int volume_resolve_folder(struct agent *a, const char *folder, char **unix_path)
{
	size_t len = strlen(folder);

	if (len < 4 || !isalpha((unsigned char)folder[0]) || folder[1] != ':' || folder[2] != '\\' ||
	    folder[len - 1] != '\\' || strstr(folder, "\\\\"))
		return PROTO_E_NOT_FOUND;
	return resolve_folder(a, folder, false, unix_path);
}

void volume_folder_name(const char *unix_root, char name[50])
{
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	const char *p;

	/* Mount folders have no mount manager name: make a stable one from
	 * the directory, in the \\?\Volume{GUID}\ form requesters expect. */
	for (p = unix_root; *p; p++) {
		h1 = (h1 ^ (unsigned char)*p) * 0x100000001b3ull;
		h2 = (h2 ^ (unsigned char)*p) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
	}
	snprintf(name, 50, "\\\\?\\Volume{%08x-%04x-%04x-%04x-%012llx}\\",
		 (unsigned int)(h1 >> 32), (unsigned int)(h1 >> 16) & 0xffff,
		 ((unsigned int)h1 & 0x0fff) | 0x5000, ((unsigned int)(h2 >> 48) & 0x3fff) | 0x8000,
		 (unsigned long long)(h2 & 0xffffffffffffull));
}

static bool path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

/*
 * File systems are told apart by their mount (from /proc/self/mountinfo),
 * not by st_dev or statfs: every btrfs subvolume has a device and a file
 * system id of its own, yet snapshots and clones work across them.
 */
struct mount_info {
	char point[PATH_MAX];
	char device[32];             /* major:minor of the mounted file system */
};

/* The mount whose mount point is the longest prefix of path (a real path). */
static bool find_mount(const char *path, struct mount_info *out)
{
	char line[2 * PATH_MAX], device[32], point[PATH_MAX];
	size_t best = 0, len;
	FILE *f;

	if (!(f = fopen("/proc/self/mountinfo", "re")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %31s %*s %4095s", device, point) != 2)
			continue;
		mountinfo_unescape(point);
		len = strlen(point);
		if (len < best || strncmp(path, point, len) || (path[len] != '/' && path[len] && len != 1))
			continue;
		best = len;
		snprintf(out->point, sizeof(out->point), "%s", point);
		snprintf(out->device, sizeof(out->device), "%s", device);
	}
	fclose(f);
	return best > 0;
}

static bool same_fs(const char *a, const char *b)
{
	struct mount_info ma, mb;
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	bool same = ra && rb && find_mount(ra, &ma) && find_mount(rb, &mb) && !strcmp(ma.device, mb.device);

	free(ra);
	free(rb);
	return same;
}

/* The mount point of the file system holding path. */
static char *fs_top(const char *path)
{
	struct mount_info m;
	char *real = realpath(path, NULL);
	bool found = real && find_mount(real, &m);

	free(real);
	return found ? strdup(m.point) : NULL;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static uint64_t prefix_id(const char *prefix)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *prefix; prefix++)
		h = (h ^ (unsigned char)*prefix) * 0x100000001b3ull;
	return h;
}

int volume_storage_dir(struct agent *a, const char *unix_root, char **dir)
{
	char own[PATH_MAX], other[PATH_MAX], *top;
	int r;

	snprintf(own, sizeof(own), "%s/snapshots", a->state_dir);
	if ((r = mkdir_p(own, 0700)))
		return r;

	if (!path_inside(own, unix_root) && same_fs(own, unix_root))
		return (*dir = strdup(own)) ? 0 : -ENOMEM;

	if ((top = fs_top(unix_root))) {
		snprintf(other, sizeof(other), "%s/.winevss-snapshots/%016llx", strcmp(top, "/") ? top : "",
			 (unsigned long long)prefix_id(a->prefix));
		free(top);
		if (!path_inside(other, unix_root) && !mkdir_p(other, 0700))
			return (*dir = strdup(other)) ? 0 : -ENOMEM;
	}

	if (path_inside(own, unix_root))
		return -EXDEV;
	return (*dir = strdup(own)) ? 0 : -ENOMEM;
}
