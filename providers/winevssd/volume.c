/*
 * winevssd: volumes.  A requester names a volume by its DOS root ("C:\");
 * the agent resolves it through the prefix's dosdevices directory only, so a
 * name from a client never becomes an unchecked path, and decides where the
 * volume's snapshots are stored.
 *
 * Storage rule: snapshots never appear inside the live volume's own tree.
 * They go to $WINEPREFIX/winevss/snapshots when that is on the volume's file
 * system (btrfs and reflink need the same file system), else to
 * .winevss-snapshots/<prefix id> at the root of the volume's file system,
 * else again to $WINEPREFIX/winevss/snapshots, where only the copy provider
 * can work.
 */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "volume.h"

int volume_resolve(struct agent *a, const char *root, char **unix_root)
{
	char link[PATH_MAX], *resolved;
	struct stat st;

	/* Only drive roots for now: "X:\" exactly. */
	if (strlen(root) != 3 || !isalpha((unsigned char)root[0]) || root[1] != ':' || root[2] != '\\')
		return PROTO_E_NOT_FOUND;
	snprintf(link, sizeof(link), "%s/dosdevices/%c:", a->prefix, tolower((unsigned char)root[0]));
	if (!(resolved = realpath(link, NULL)))
		return PROTO_E_NOT_FOUND;
	if (stat(resolved, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(resolved);
		return PROTO_E_NOT_FOUND;
	}
	*unix_root = resolved;
	return PROTO_OK;
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

static char *mountinfo_unescape(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] && in[3]) {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = 0;
	return s;
}

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
