/*
 * winevssd: GLOBALROOT device links.  See expose.h.
 *
 * The agent only ever touches entries it created: every directory below
 * dosdevices is opened with O_NOFOLLOW, links are made in place with
 * symlinkat + renameat, and only names of the form
 * HarddiskVolumeShadowCopy<digits> are removed.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "expose.h"
#include "log.h"

#define DEVICE_PREFIX "HarddiskVolumeShadowCopy"

/* Device names that must keep working once globalroot exists. */
static const struct { const char *name, *target; } device_names[] = {
	{ "Null", "/dev/null" },
};

static int open_dir_nofollow(int at, const char *name, bool create)
{
	int fd;

	if (create && mkdirat(at, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* dosdevices/globalroot/Device, opened without following links below dosdevices. */
static int open_device_dir(struct agent *a, bool create)
{
	char path[4096];
	int dosdevices, globalroot, device;

	snprintf(path, sizeof(path), "%s/dosdevices", a->prefix);
	if ((dosdevices = open_dir_nofollow(AT_FDCWD, path, false)) < 0)
		return dosdevices;
	globalroot = open_dir_nofollow(dosdevices, "globalroot", create);
	close(dosdevices);
	if (globalroot < 0)
		return globalroot;
	device = open_dir_nofollow(globalroot, "Device", create);
	close(globalroot);
	return device;
}

static int link_at(int dir, const char *name, const char *target)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), ".%s.new", name);
	unlinkat(dir, tmp, 0);
	if (symlinkat(target, dir, tmp) < 0)
		return -errno;
	if (renameat(dir, tmp, dir, name) < 0) {
		int r = -errno;

		unlinkat(dir, tmp, 0);
		return r;
	}
	return 0;
}

int expose_init(struct agent *a)
{
	char current[4096];
	ssize_t len;
	size_t i;
	int dir, r = 0;

	if ((dir = open_device_dir(a, true)) < 0)
		return dir;
	for (i = 0; i < sizeof(device_names) / sizeof(device_names[0]); i++) {
		len = readlinkat(dir, device_names[i].name, current, sizeof(current) - 1);
		if (len >= 0) {
			current[len] = 0;
			if (!strcmp(current, device_names[i].target))
				continue;
		} else if (errno != ENOENT) {
			/* Something that is not our link: leave it alone. */
			continue;
		}
		if ((r = link_at(dir, device_names[i].name, device_names[i].target)))
			break;
	}
	close(dir);
	return r;
}

int expose_link(struct agent *a, uint32_t n, const char *target)
{
	char name[64];
	int dir, r;

	if ((dir = open_device_dir(a, true)) < 0)
		return dir;
	snprintf(name, sizeof(name), DEVICE_PREFIX "%u", n);
	r = link_at(dir, name, target);
	close(dir);
	return r;
}

int expose_unlink(struct agent *a, uint32_t n)
{
	char name[64];
	struct stat st;
	int dir, r = 0;

	if ((dir = open_device_dir(a, false)) < 0)
		return dir == -ENOENT ? 0 : dir;
	snprintf(name, sizeof(name), DEVICE_PREFIX "%u", n);
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISLNK(st.st_mode))
			r = -EPERM;
		else if (unlinkat(dir, name, 0) < 0)
			r = -errno;
	}
	close(dir);
	return r;
}

static bool parse_device_name(const char *name, uint32_t *n)
{
	const char *p = name + strlen(DEVICE_PREFIX);
	char *end;
	unsigned long v;

	if (strncmp(name, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) || *p < '1' || *p > '9')
		return false;
	v = strtoul(p, &end, 10);
	if (*end || v > UINT32_MAX)
		return false;
	*n = v;
	return true;
}

int expose_foreach(struct agent *a, int (*fn)(struct agent *a, uint32_t n, void *ctx), void *ctx)
{
	struct dirent *e;
	uint32_t n;
	DIR *d;
	int dir, r = 0;

	if ((dir = open_device_dir(a, false)) < 0)
		return dir == -ENOENT ? 0 : dir;
	if (!(d = fdopendir(dir))) {
		close(dir);
		return -errno;
	}
	while ((e = readdir(d)))
		if (e->d_type == DT_LNK && parse_device_name(e->d_name, &n) && (r = fn(a, n, ctx)))
			break;
	closedir(d);
	return r;
}
