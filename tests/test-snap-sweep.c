/*
 * Tests of snap_sweep_unfinished(): the work directories of interrupted
 * creates go, sealed contents included; nothing else in the directory is
 * touched, and symbolic links are never followed.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../providers/snap.h"
#include "lib/tap.h"

static char dir[] = "/tmp/winevss-sweep-XXXXXX";

static void make_file(const char *path, bool seal)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	unsigned int flags;

	if (fd < 0)
		return;
	if (write(fd, "data", 4) != 4) {}
	/* Sealing needs CAP_LINUX_IMMUTABLE and file system support. */
	if (seal && !ioctl(fd, FS_IOC_GETFLAGS, &flags)) {
		flags |= FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

static bool exists(const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

int main(void)
{
	char path[4096], outside[4096];

	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/.{id}.snaptmp-abc123", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.{id}.snaptmp-abc123/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.{id}.snaptmp-abc123/sub/file", dir);
	make_file(path, true);

	/* A finished snapshot and its marker, and look-alikes, must stay. */
	snprintf(path, sizeof(path), "%s/{id}", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.{id}.snapmark", dir);
	make_file(path, false);
	snprintf(path, sizeof(path), "%s/.x.snaptmp-toolongname", dir);
	mkdir(path, 0755);

	/* A link named like a work directory is removed as a link, and its
	 * target survives. */
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	mkdir(outside, 0755);
	snprintf(path, sizeof(path), "%s/outside/keep", dir);
	make_file(path, false);
	snprintf(path, sizeof(path), "%s/.{link}.snaptmp-zzzzzz", dir);
	if (symlink(outside, path)) {}

	check_err(snap_sweep_unfinished(dir), SNAP_OK, "sweep");
	check(!exists(".{id}.snaptmp-abc123"), "the work directory with a sealed file is gone");
	check(exists("{id}") && exists(".{id}.snapmark"), "the finished snapshot and its marker stay");
	check(exists(".x.snaptmp-toolongname"), "a name of another shape stays");
	check(!exists(".{link}.snaptmp-zzzzzz") && exists("outside/keep"),
	      "a link is removed without following it");
	snprintf(path, sizeof(path), "%s/missing", dir);
	check_err(snap_sweep_unfinished(path), SNAP_OK, "a missing directory is fine");

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path)) {}
	return tap_done("test-snap-sweep");
}
