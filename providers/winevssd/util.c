/*
 * winevssd: small helpers (GUIDs, time, randomness, atomic file writes).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

/* Windows GUID memory layout: Data1..Data3 little-endian, Data4 as bytes. */
void guid_to_string(const struct proto_guid *g, char out[39])
{
	const uint8_t *b = g->bytes;

	snprintf(out, 39, "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
		 b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int guid_from_string(const char *s, struct proto_guid *g)
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned int v;
	int i, pos = 1;

	memset(g, 0, sizeof(*g));
	if (!s || strlen(s) != 38 || s[0] != '{' || s[37] != '}')
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		if (pos == 9 || pos == 14 || pos == 19 || pos == 24) {
			if (s[pos] != '-')
				return -EINVAL;
			pos++;
		}
		if (sscanf(s + pos, "%2x", &v) != 1)
			return -EINVAL;
		g->bytes[order[i]] = v;
		pos += 2;
	}
	return 0;
}

bool guid_is_null(const struct proto_guid *g)
{
	static const struct proto_guid zero;

	return !memcmp(g, &zero, sizeof(zero));
}

bool guid_equal(const struct proto_guid *a, const struct proto_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

int random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t got;

	while (n) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += got;
		n -= got;
	}
	return 0;
}

void guid_random(struct proto_guid *g)
{
	if (random_bytes(g->bytes, sizeof(g->bytes)))
		abort();
	g->bytes[7] = (g->bytes[7] & 0x0f) | 0x40;   /* version 4 */
	g->bytes[8] = (g->bytes[8] & 0x3f) | 0x80;
}

uint64_t filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + ts.tv_nsec / 100;
}

/* temp file, fsync, rename, fsync the directory: the file is either the old
 * one or the complete new one, even after a crash. */
int write_file_atomic(const char *dir, const char *name, const char *data, size_t len, int mode)
{
	char tmp[4096], path[4096];
	int fd, dirfd, r = 0;
	ssize_t done;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)) < 0)
		return -errno;
	while (len) {
		done = write(fd, data, len);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		data += done;
		len -= done;
	}
	if (!r && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dirfd);
		close(dirfd);
	}
	return 0;
}

char *mountinfo_unescape(char *s)
{
	char *in = s, *out = s;

	/* /proc/self/mountinfo writes space, tab, newline and backslash in
	 * paths as three octal digits after a backslash. */
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
