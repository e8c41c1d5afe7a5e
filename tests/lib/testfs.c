/*
 * testfs.c: throwaway loop-mounted file systems and temporary directories
 * (see testfs.h).  State: one list of what this process made, used by the
 * exit and signal handlers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "testfs.h"

static struct testfs *testfs_list;
static bool testfs_handlers;

int testfs_sh(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 20, fmt, ap);
	va_end(ap);
	strcat(cmd, " >/dev/null 2>&1");
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void testfs_teardown(struct testfs *fs)
{
	if (fs->owner != getpid())
		return;
	if (fs->mounted) {
		testfs_sh("chattr -R -i '%s'", fs->mnt);
		if (umount2(fs->mnt, 0) < 0)
			umount2(fs->mnt, MNT_DETACH);
		fs->mounted = false;
	}
	if (fs->loop[0]) {
		testfs_sh("losetup -d '%s'", fs->loop);
		fs->loop[0] = '\0';
	}
	if (fs->dir[0]) {
		testfs_sh("chattr -R -i '%s'", fs->dir);
		testfs_sh("rm -rf '%s'", fs->dir);
		fs->dir[0] = '\0';
	}
}

static void testfs_teardown_all(void)
{
	for (struct testfs *fs = testfs_list; fs; fs = fs->next)
		testfs_teardown(fs);
}

static void testfs_signal(int sig)
{
	testfs_teardown_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void testfs_register(struct testfs *fs)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT };

	if (!testfs_handlers) {
		atexit(testfs_teardown_all);
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], testfs_signal);
		testfs_handlers = true;
	}
	fs->owner = getpid();
	fs->next = testfs_list;
	testfs_list = fs;
}

static void testfs_unregister(struct testfs *fs)
{
	for (struct testfs **p = &testfs_list; *p; p = &(*p)->next)
		if (*p == fs) {
			*p = fs->next;
			return;
		}
}

const char *testfs_unavailable(void)
{
	if (geteuid() != 0)
		return "needs root (loop devices and mount)";
	if (access("/dev/loop-control", F_OK) < 0)
		return "no loop devices (/dev/loop-control missing)";
	if (testfs_sh("command -v losetup"))
		return "losetup not installed";
	return NULL;
}

const char *testfs_unavailable_type(const char *type)
{
	const char *why;

	if (!strcmp(type, "tmpfs"))
		return geteuid() ? "needs root (mount -t tmpfs)" : NULL;
	why = testfs_unavailable();
	if (why)
		return why;
	if (!strcmp(type, "btrfs") && testfs_sh("command -v mkfs.btrfs"))
		return "mkfs.btrfs not installed";
	if (!strcmp(type, "xfs") && testfs_sh("command -v mkfs.xfs"))
		return "mkfs.xfs not installed";
	return NULL;
}

static int testfs_mkdtemp(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/winevss-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(buf) ? 0 : -1;
}

int testfs_tmpdir(char *buf, size_t size)
{
	struct testfs *fs = calloc(1, sizeof(*fs));

	if (!fs || testfs_mkdtemp(fs->dir, sizeof(fs->dir)) < 0) {
		free(fs);
		return -1;
	}
	snprintf(fs->type, sizeof(fs->type), "dir");
	testfs_register(fs);
	snprintf(buf, size, "%s", fs->dir);
	return 0;
}

static int testfs_attach(struct testfs *fs, unsigned int size_mb)
{
	char cmd[PATH_MAX + 64];
	FILE *p;

	snprintf(fs->image, sizeof(fs->image), "%s/image", fs->dir);
	if (testfs_sh("truncate -s %uM '%s'", size_mb, fs->image))
		return -1;
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s'", fs->image);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(fs->loop, sizeof(fs->loop), p))
		fs->loop[0] = '\0';
	pclose(p);
	fs->loop[strcspn(fs->loop, "\n")] = '\0';
	return fs->loop[0] == '/' ? 0 : -1;
}

static int testfs_format(struct testfs *fs, const char *mkfs_args)
{
	if (!strcmp(fs->type, "btrfs"))
		return testfs_sh("mkfs.btrfs -q -f %s '%s'", mkfs_args ? mkfs_args : "",
				 fs->loop);
	/* xfsprogs refuses file systems under 300 MB outside its own test
	 * suite unless these are set. */
	return testfs_sh("TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f %s '%s'",
			 mkfs_args ? mkfs_args : "", fs->loop);
}

int testfs_make(struct testfs *fs, const char *type, unsigned int size_mb,
		const char *mkfs_args, const char *mount_opts)
{
	const char *why = testfs_unavailable_type(type);
	int r;

	memset(fs, 0, sizeof(*fs));
	snprintf(fs->type, sizeof(fs->type), "%s", type);
	if (why || testfs_mkdtemp(fs->dir, sizeof(fs->dir)) < 0) {
		fprintf(stderr, "testfs: %s\n", why ? why : strerror(errno));
		return -1;
	}
	testfs_register(fs);
	snprintf(fs->mnt, sizeof(fs->mnt), "%s/mnt", fs->dir);
	if (mkdir(fs->mnt, 0755) < 0)
		goto fail;
	if (!strcmp(type, "tmpfs")) {
		r = testfs_sh("mount -t tmpfs -o size=%um%s%s tmpfs '%s'", size_mb,
			      mount_opts ? "," : "", mount_opts ? mount_opts : "",
			      fs->mnt);
	} else {
		if (testfs_attach(fs, size_mb) < 0 || testfs_format(fs, mkfs_args))
			goto fail;
		r = testfs_sh("mount %s%s '%s' '%s'", mount_opts ? "-o " : "",
			      mount_opts ? mount_opts : "", fs->loop, fs->mnt);
	}
	if (r)
		goto fail;
	fs->mounted = true;
	return 0;
fail:
	fprintf(stderr, "testfs: could not make a %s file system\n", type);
	testfs_destroy(fs);
	return -1;
}

void testfs_destroy(struct testfs *fs)
{
	testfs_teardown(fs);
	testfs_unregister(fs);
}

int testfs_as_user(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
			_exit(254);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
