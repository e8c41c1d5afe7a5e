/*
 * winevssd: start-up, the listening socket and the idle exit.
 *
 *   winevssd [--prefix DIR] [--foreground] [--idle-timeout SECONDS]
 *            [--hold-timeout MILLISECONDS]
 *
 * --hold-timeout bounds how long a commit may hold the prefix's programs
 * (hold.h); Windows' own bound, 10 seconds, is the default.
 * One agent serves one prefix.  It takes $prefix/winevss/agent.lock, so a
 * second agent started for the same prefix (two requesters starting it at
 * once) exits at once and its clients find the first one through
 * $prefix/winevss/agent.port ("<port> <secret in hex>\n", mode 0600).  It
 * exits after --idle-timeout seconds without any connection.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "expose.h"
#include "log.h"
#include "requests.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: winevssd [--prefix DIR] [--foreground] [--idle-timeout SECONDS]\n"
		   "                [--hold-timeout MILLISECONDS]\n");
}

static char *default_prefix(void)
{
	const char *env = getenv("WINEPREFIX"), *home = getenv("HOME");
	char *p;

	if (env && *env)
		return strdup(env);
	if (!home || asprintf(&p, "%s/.wine", home) < 0)
		return NULL;
	return p;
}

/* An agent that is exiting (idle) still holds the lock for a moment; a
 * client that found it gone has just started us, so wait that moment out
 * before leaving the prefix to a running agent. */
#define LOCK_WAIT_MS 3000

static int take_lock(struct agent *a)
{
	char path[PATH_MAX];
	int fd, waited;

	snprintf(path, sizeof(path), "%s/agent.lock", a->state_dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return -errno;
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 50) {
		if (errno != EWOULDBLOCK || waited >= LOCK_WAIT_MS) {
			close(fd);
			return -EBUSY;
		}
		usleep(50000);
	}
	return fd;   /* kept open for the agent's lifetime */
}

static int listen_loopback(uint16_t *port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int fd;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*port = ntohs(addr.sin_port);
	return fd;
}

static int write_port_file(struct agent *a, uint16_t port)
{
	char text[16 + 2 * PROTO_SECRET_SIZE];
	int n, i;

	n = snprintf(text, sizeof(text), "%u ", port);
	for (i = 0; i < PROTO_SECRET_SIZE; i++)
		n += snprintf(text + n, sizeof(text) - n, "%02x", a->secret[i]);
	text[n++] = '\n';
	return write_file_atomic(a->state_dir, "agent.port", text, n, 0600);
}

static void detach(struct agent *a)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/agent.log", a->state_dir);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	setsid();
}

static void accept_one(struct agent *a, int listener)
{
	struct session *s;
	pthread_attr_t attr;
	pthread_t thread;
	int fd, one = 1;

	if ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!(s = calloc(1, sizeof(*s)))) {
		close(fd);
		return;
	}
	s->agent = a;
	s->fd = fd;
	pthread_mutex_lock(&a->lock);
	s->id = ++a->next_session;
	a->connections++;
	pthread_mutex_unlock(&a->lock);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thread, &attr, session_thread, s)) {
		pthread_mutex_lock(&a->lock);
		a->connections--;
		pthread_mutex_unlock(&a->lock);
		close(fd);
		free(s);
	}
	pthread_attr_destroy(&attr);
}

static bool idle_expired(struct agent *a)
{
	bool expired;

	pthread_mutex_lock(&a->lock);
	expired = !a->connections && time(NULL) - a->last_disconnect >= (time_t)a->idle_timeout;
	pthread_mutex_unlock(&a->lock);
	return expired;
}

static int serve(struct agent *a, int listener)
{
	struct pollfd pfd = { .fd = listener, .events = POLLIN };
	char path[PATH_MAX];

	a->last_disconnect = time(NULL);
	for (;;) {
		if (poll(&pfd, 1, 500) > 0)
			accept_one(a, listener);
		if (idle_expired(a))
			break;
	}
	/* Clients that read the port file from now on fail to connect and
	 * start a new agent, which waits for our lock. */
	snprintf(path, sizeof(path), "%s/agent.port", a->state_dir);
	unlink(path);
	close(listener);
	log_info("idle for %u s, exiting", a->idle_timeout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "hold-timeout", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct agent a = { .idle_timeout = 60, .hold_timeout = 10000 };
	char path[PATH_MAX], *prefix = NULL;
	bool foreground = false;
	int c, r, lock, listener;
	uint16_t port = 0;

	while ((c = getopt_long(argc, argv, "p:fi:H:h", options, NULL)) != -1) {
		switch (c) {
		case 'p': prefix = optarg; break;
		case 'f': foreground = true; break;
		case 'i': a.idle_timeout = strtoul(optarg, NULL, 10); break;
		case 'H': a.hold_timeout = strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	if (!(a.prefix = prefix ? realpath(prefix, NULL) : default_prefix())) {
		fprintf(stderr, "winevssd: prefix %s: %s\n", prefix ? prefix : "(default)", strerror(errno));
		return 1;
	}
	if (asprintf(&a.state_dir, "%s/winevss", a.prefix) < 0)
		return 1;
	if (mkdir(a.state_dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "winevssd: %s: %s\n", a.state_dir, strerror(errno));
		return 1;
	}
	if ((lock = take_lock(&a)) < 0) {
		if (lock == -EBUSY)
			return 0;   /* another agent serves this prefix */
		fprintf(stderr, "winevssd: lock: %s\n", strerror(-lock));
		return 1;
	}
	if (!foreground)
		detach(&a);

	pthread_mutex_init(&a.lock, NULL);
	pthread_mutex_init(&a.import_lock, NULL);
	gethostname(a.hostname, sizeof(a.hostname) - 1);
	if (random_bytes(a.secret, sizeof(a.secret)) || random_bytes(&a.run_id, sizeof(a.run_id)))
		return 1;
	a.run_id |= 1;   /* never 0, which marks persistent snapshots */

	snprintf(path, sizeof(path), "%s/catalog.db", a.state_dir);
	if ((r = catalog_open(path, &a.catalog))) {
		log_error("catalog %s: %s", path, strerror(-r));
		return 1;
	}
	if ((r = expose_init(&a)))
		log_error("globalroot device directory: %s", strerror(-r));
	/* A revert a crash interrupted is finished (or undone) first: the
	 * volume's root must exist before anything else looks at it. */
	if ((r = revert_recover(&a)))
		log_error("revert recovery: %s", strerror(-r));
	if ((r = agent_sweep(&a)))
		log_error("sweep: %s", strerror(-r));

	if ((listener = listen_loopback(&port)) < 0) {
		log_error("listen: %s", strerror(-listener));
		return 1;
	}
	if ((r = write_port_file(&a, port))) {
		log_error("port file: %s", strerror(-r));
		return 1;
	}
	log_info("serving %s on 127.0.0.1:%u", a.prefix, port);
	r = serve(&a, listener);
	catalog_close(a.catalog);
	return r;
}
