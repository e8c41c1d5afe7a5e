/*
 * winevssd: one thread per client connection.
 *
 * The thread reads a request, answers it and repeats until the client goes
 * away; then it releases everything the session held.  The first request
 * must be a HELLO carrying the secret, anything else closes the connection.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

/* 0 on success, 1 on a clean end of stream before any byte, -errno otherwise. */
static int read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = read(fd, p + done, n - done);
		if (got == 0)
			return done ? -EPROTO : 1;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += got;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	ssize_t done;

	while (n) {
		done = write(fd, p, n);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += done;
		n -= done;
	}
	return 0;
}

static void session_end(struct session *s)
{
	struct agent *a = s->agent;

	session_release(s);
	pthread_mutex_lock(&a->lock);
	a->connections--;
	a->last_disconnect = time(NULL);
	pthread_mutex_unlock(&a->lock);
	close(s->fd);
	log_debug("session %llu: closed", (unsigned long long)s->id);
	free(s);
}

void *session_thread(void *arg)
{
	struct session *s = arg;
	uint8_t raw[PROTO_HEADER_SIZE];
	struct proto_header h;
	struct proto_reader r;
	struct proto_writer w;
	uint8_t *payload = NULL;
	int ret;

	proto_writer_init(&w);
	for (;;) {
		if ((ret = read_full(s->fd, raw, sizeof(raw))))
			break;
		if (proto_header_parse(raw, &h)) {
			log_error("session %llu: malformed header, closing", (unsigned long long)s->id);
			break;
		}
		if (!s->authenticated && h.type != PROTO_HELLO)
			break;
		free(payload);
		if (!(payload = malloc(h.length ? h.length : 1)))
			break;
		if (read_full(s->fd, payload, h.length))
			break;

		proto_reader_init(&r, payload, h.length);
		proto_writer_begin(&w, h.type, h.id);
		request_dispatch(s, &h, &r, &w);
		if (proto_writer_finish(&w) || write_full(s->fd, w.data, w.size))
			break;
		if (!s->authenticated)
			break;
	}
	free(payload);
	proto_writer_free(&w);
	session_end(s);
	return NULL;
}
