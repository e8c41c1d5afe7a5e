/*
 * winevssd: the write hold.  See hold.h.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hold.h"
#include "log.h"

static bool is_wine_loader(pid_t pid)
{
	static const char * const names[] = { "wine64-preloader", "wine-preloader", "wine64", "wine" };
	char path[64], exe[PATH_MAX], *base;
	ssize_t len;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	if ((len = readlink(path, exe, sizeof(exe) - 1)) < 0)
		return false;
	exe[len] = 0;
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(base, names[i]))
			return true;
	return false;
}

/* The prefix a Wine process runs in, from its environment; malloc'd. */
static char *process_prefix(pid_t pid)
{
	char path[64], *env = NULL, *p, *prefix = NULL, *home = NULL, *result;
	size_t size = 0, len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	if (!(f = fopen(path, "re")))
		return NULL;
	len = getdelim(&env, &size, EOF, f);
	fclose(f);
	if ((ssize_t)len <= 0) {
		free(env);
		return NULL;
	}
	for (p = env; p < env + len; p += strlen(p) + 1) {
		if (!strncmp(p, "WINEPREFIX=", 11) && p[11])
			prefix = p + 11;
		else if (!strncmp(p, "HOME=", 5))
			home = p + 5;
	}
	result = NULL;
	if (prefix)
		result = realpath(prefix, NULL);
	else if (home && asprintf(&p, "%s/.wine", home) >= 0) {
		result = realpath(p, NULL);
		free(p);
	}
	free(env);
	return result;
}

static int hold_add(struct hold *h, pid_t pid)
{
	pid_t *pids = realloc(h->pids, (h->count + 1) * sizeof(*pids));

	if (!pids)
		return -ENOMEM;
	h->pids = pids;
	h->pids[h->count++] = pid;
	return 0;
}

/* The guardian: resumes every pid it was told about once the pipe closes. */
static void guardian_main(int fd)
{
	pid_t pids[4096];
	size_t count = 0, i;
	ssize_t got;
	pid_t pid;

	while ((got = read(fd, &pid, sizeof(pid))) == sizeof(pid) || (got < 0 && errno == EINTR))
		if (got == sizeof(pid) && count < sizeof(pids) / sizeof(pids[0]))
			pids[count++] = pid;
	for (i = 0; i < count; i++)
		kill(pids[i], SIGCONT);
	_exit(0);
}

static int guardian_start(struct hold *h)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if ((h->guardian = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!h->guardian) {
		/* Nothing but the pipe: an inherited agent.lock would keep a
		 * restarted agent out while the guardian finishes. */
		if (dup2(fds[0], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		guardian_main(3);
	}
	close(fds[0]);
	h->guardian_fd = fds[1];
	return 0;
}

static void guardian_stop(struct hold *h)
{
	if (h->guardian_fd >= 0)
		close(h->guardian_fd);
	if (h->guardian > 0)
		waitpid(h->guardian, NULL, 0);
	h->guardian_fd = -1;
	h->guardian = 0;
}

int hold_begin(const char *prefix, pid_t keep, struct hold *h)
{
	struct dirent *e;
	char *theirs;
	pid_t pid, self = getpid();
	DIR *d;
	int r = 0;

	h->pids = NULL;
	h->count = 0;
	h->guardian_fd = -1;
	h->guardian = 0;
	if ((r = guardian_start(h)))
		return r;
	if (!(d = opendir("/proc"))) {
		guardian_stop(h);
		return -errno;
	}
	while ((e = readdir(d)) && !r) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = atoi(e->d_name);
		if (pid == keep || pid == self || !is_wine_loader(pid))
			continue;
		if (!(theirs = process_prefix(pid)))
			continue;
		/* The guardian learns the pid before it is stopped. */
		if (!strcmp(theirs, prefix) && write(h->guardian_fd, &pid, sizeof(pid)) == sizeof(pid) &&
		    !kill(pid, SIGSTOP))
			r = hold_add(h, pid);
		free(theirs);
	}
	closedir(d);
	if (r)
		hold_end(h);
	else
		log_debug("hold: stopped %zu process(es)", h->count);
	return r;
}

void hold_end(struct hold *h)
{
	size_t i;

	for (i = 0; i < h->count; i++)
		kill(h->pids[i], SIGCONT);
	guardian_stop(h);
	free(h->pids);
	h->pids = NULL;
	h->count = 0;
}

/* The inode of the socket at the other end of a loopback connection. */
static unsigned long peer_socket_inode(int fd)
{
	struct sockaddr_in local, remote;
	socklen_t len = sizeof(local);
	char line[512];
	unsigned int la, lp, ra, rp;
	unsigned long inode = 0, ino;
	FILE *f;

	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		return 0;
	len = sizeof(remote);
	if (getpeername(fd, (struct sockaddr *)&remote, &len) < 0)
		return 0;
	if (!(f = fopen("/proc/net/tcp", "re")))
		return 0;
	/* The peer's socket has our remote address as its local one. */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %x:%x %x:%x %*x %*x:%*x %*x:%*x %*x %*u %*u %lu",
			   &la, &lp, &ra, &rp, &ino) != 5)
			continue;
		if (lp == ntohs(remote.sin_port) && rp == ntohs(local.sin_port) &&
		    la == remote.sin_addr.s_addr) {
			inode = ino;
			break;
		}
	}
	fclose(f);
	return inode;
}

pid_t hold_peer_pid(int fd)
{
	unsigned long inode = peer_socket_inode(fd);
	char path[PATH_MAX], target[64], want[64];
	struct dirent *p, *e;
	DIR *procs, *fds;
	pid_t found = 0;
	ssize_t len;

	if (!inode || !(procs = opendir("/proc")))
		return 0;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	/* wineserver keeps its own copy of every Windows socket: look for the
	 * Wine process holding it. */
	while (!found && (p = readdir(procs))) {
		if (!isdigit((unsigned char)p->d_name[0]) || !is_wine_loader(atoi(p->d_name)))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if (!(fds = opendir(path)))
			continue;
		while ((e = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, e->d_name);
			if ((len = readlink(path, target, sizeof(target) - 1)) < 0)
				continue;
			target[len] = 0;
			if (!strcmp(target, want)) {
				found = atoi(p->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(procs);
	return found;
}
