/*
 * snap-exec.c: running the command-line tools behind the lvm-thin and zfs
 * providers, and turning their failures into snap_error codes.
 *
 * Tools are found on PATH (so tests can put fakes first), run with stdin
 * from /dev/null, LC_ALL=C (their messages are matched in English) and
 * their stdout and stderr captured.  Nothing goes through a shell: argv is
 * passed as is.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "snap-private.h"

extern char **environ;

/* 0 if @tool is an executable on PATH, else -ENOENT. */
int snap_exec_find(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		if (len && snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path,
				    tool) < (int)sizeof(buf) &&
		    !access(buf, X_OK))
			return 0;
		path += len + (path[len] == ':');
	}
	return -ENOENT;
}

/* The environment with LC_ALL=C; caller frees the array (not the strings). */
static char **snap_exec_env(void)
{
	size_t n = 0, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7))
			env[j++] = environ[i];
	env[j] = (char *)"LC_ALL=C";
	return env;
}

static void snap_exec_collect(int out_fd, int err_fd, struct snap_exec *ex)
{
	struct pollfd pfd[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	char *buf[2] = { ex->out, ex->err };
	size_t size[2] = { sizeof(ex->out), sizeof(ex->err) }, len[2] = { 0, 0 };
	char discard[512];

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (len[i] + 1 < size[i]) {
				n = read(pfd[i].fd, buf[i] + len[i], size[i] - 1 - len[i]);
				if (n > 0)
					len[i] += n;
			} else {
				n = read(pfd[i].fd, discard, sizeof(discard));
			}
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				pfd[i].fd = -1;
		}
	}
	ex->out[len[0]] = '\0';
	ex->err[len[1]] = '\0';
}

/* Run @argv (argv[0] looked up on PATH) to completion.  Returns 0 with
 * ex->status set, or a negative errno when it could not be started. */
int snap_exec_run(const char *const argv[], struct snap_exec *ex)
{
	posix_spawn_file_actions_t fa;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, r;
	_cleanup_free_ char **env = snap_exec_env();
	pid_t pid;

	ex->status = -1;
	ex->out[0] = ex->err[0] = '\0';
	if (!env)
		return -ENOMEM;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		snap_closep(&out[0]);
		snap_closep(&out[1]);
		return r;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	r = -posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	if (!r)
		snap_exec_collect(out[0], err[0], ex);
	close(out[0]);
	close(err[0]);
	while (!r && waitpid(pid, &ex->status, 0) < 0)
		if (errno != EINTR)
			r = -errno;
	return r;
}

/* What a tool's failure means, from its message (LC_ALL=C). */
static const struct {
	const char *text;
	int err;
} snap_exec_messages[] = {
	{ "already exists", EEXIST },
	{ "insufficient free space", ENOSPC },
	{ "out of space", ENOSPC },
	{ "no space", ENOSPC },
	{ "permission denied", EACCES },
	{ "not permitted", EPERM },
	{ "must be root", EPERM },
	{ "dependent clones", EBUSY },
	{ "busy", EBUSY },
	{ "in use", EBUSY },
	{ "does not exist", ENOENT },
	{ "not found", ENOENT },
	{ "failed to find", ENOENT },
	{ "no such", ENOENT },
	{ "invalid", EINVAL },
};

/* SNAP_OK when the run succeeded, else the error it means (errno set). */
enum snap_error snap_exec_error(const struct snap_exec *ex)
{
	if (WIFEXITED(ex->status) && !WEXITSTATUS(ex->status))
		return SNAP_OK;
	if (WIFEXITED(ex->status) && WEXITSTATUS(ex->status) == 127)
		return snap_fail(ENOTSUP);	/* command not found */
	if (!WIFEXITED(ex->status))
		return snap_fail(EIO);		/* killed */
	for (size_t i = 0; i < sizeof(snap_exec_messages) / sizeof(snap_exec_messages[0]); i++)
		if (strcasestr(ex->err, snap_exec_messages[i].text))
			return snap_fail(snap_exec_messages[i].err);
	return snap_fail(EIO);
}

enum snap_error snap_exec_check(const char *const argv[], struct snap_exec *ex)
{
	int r = snap_exec_run(argv, ex);

	if (r == -ENOENT)
		return snap_fail(ENOTSUP);
	if (r < 0)
		return snap_fail(-r);
	return snap_exec_error(ex);
}

/**
 * snap_exec_create() - The create operation of a provider whose snapshots
 * the tools make atomically (lvm-thin, zfs).
 * @snapshot: The provider's part: find the volume, run the tools, publish.
 * @source, @destination, @flags, @job: As for snap_provider.create.
 *
 * Checks @flags, opens @destination's parent and reports the snapshot as
 * read-only through @job.
 *
 * Return: %SNAP_OK or the error of the first step that failed.
 */
enum snap_error snap_exec_create(snap_exec_snapshot_fn snapshot, const char *source,
				 const char *destination, int flags,
				 struct snap_job *job)
{
	struct snap_dest dest = SNAP_DEST_NULL;
	_cleanup_free_ struct snap_exec *ex = NULL;
	enum snap_error err;
	int r;

	if (job)
		job->stats = (struct snap_stats){ 0 };
	if (flags & ~SNAP_CREATE_MASK)
		return snap_fail(EINVAL);
	ex = malloc(sizeof(*ex));
	if (!ex)
		return snap_fail(ENOMEM);
	r = snap_dest_open(&dest, destination);
	if (r < 0)
		return snap_fail(-r);
	err = snapshot(ex, source, destination, &dest, job);
	snap_dest_close(&dest);
	if (!err && job) {
		job->stats.read_only = true;
		if (job->progress)
			job->progress(&job->stats, job->data);
	}
	return err;
}
