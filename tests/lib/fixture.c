/*
 * fixture.c: the test tree and manifests (see fixture.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"

#define OTHER_UID 12345
#define OTHER_GID 54321

static int fx_fail(const char *what, const char *path)
{
	fprintf(stderr, "fixture: %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

int file_write_pattern(const char *path, size_t size, unsigned int seed)
{
	char buf[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fx_fail("create", path);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)((i * 31 + seed * 7) ^ (i >> 8));
	while (size) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return fx_fail("write", path);
		}
		size -= n;
	}
	return close(fd);
}

static int fx_text(const char *root, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return fx_fail("create", path);
	if (write(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0) {
		close(fd);
		return fx_fail("write", path);
	}
	return close(fd);
}

static int fx_mtime(const char *root, const char *name, long long sec, long nsec)
{
	char path[PATH_MAX];
	struct timespec ts[2] = { { 1000000000, 111111111 }, { sec, nsec } };

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0 ?
		fx_fail("utimensat", path) : 0;
}

static int fx_sh(const char *root, const char *fmt, ...)
{
	char path[PATH_MAX], cmd[2 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", root, path);
	return system(cmd) ? fx_fail("command", path) : 0;
}

static int fx_socket(const char *root, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", root, name);
	if (strlen(root) + strlen(name) + 2 > sizeof(sa.sun_path)) {
		/* Too long for a socket address: mknod makes the same inode. */
		close(fd);
		return mknod(sa.sun_path, S_IFSOCK | 0755, 0) < 0 ? fx_fail("mknod", name) : 0;
	}
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r < 0 ? fx_fail("bind", sa.sun_path) : 0;
}

static int fx_xattr(const char *root, const char *name, const char *key, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return lsetxattr(path, key, value, strlen(value), 0) < 0 ?
		fx_fail("setxattr", path) : 0;
}

static int fx_privileged(const char *root)
{
	char path[PATH_MAX];

	if (fx_text(root, "other-owner.txt", "someone else's\n", 0644) ||
	    fx_text(root, "setuid-other", "#!/bin/sh\n", 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/other-owner.txt", root);
	if (chown(path, OTHER_UID, OTHER_GID) < 0)
		return fx_fail("chown", path);
	snprintf(path, sizeof(path), "%s/setuid-other", root);
	if (chown(path, OTHER_UID, OTHER_GID) < 0 || chmod(path, 04755) < 0)
		return fx_fail("chown/chmod", path);
	snprintf(path, sizeof(path), "%s/dir2/other-dir", root);
	if (mkdir(path, 0750) < 0 || chown(path, OTHER_UID, OTHER_GID) < 0)
		return fx_fail("mkdir", path);
	snprintf(path, sizeof(path), "%s/null-device", root);
	if (mknod(path, S_IFCHR | 0640, makedev(1, 3)) < 0)
		return fx_fail("mknod", path);
	return fx_xattr(root, "a.txt", "trusted.winevss", "trusted value");
}

int fixture_build(const char *root, const char *outside, unsigned int options)
{
	char path[PATH_MAX], target[PATH_MAX];
	int fd;

	if (fx_sh(root, "mkdir -p dir1/sub dir2/deep/deeper empty-dir ro-dir setgid-dir") ||
	    fx_text(root, "a.txt", "alpha\n", 0644) ||
	    fx_text(root, "dir1/sub/c.txt", "charlie\n", 0640) ||
	    fx_text(root, "secret.txt", "only the owner\n", 0600) ||
	    fx_text(root, "ro-dir/inside.txt", "in a read-only directory\n", 0444) ||
	    fx_text(root, "setgid-dir/g.txt", "group\n", 0664) ||
	    fx_text(root, "dir2/deep/deeper/d.txt", "delta\n", 0644) ||
	    fx_text(root, "empty", "", 0644))
		return -1;
	snprintf(path, sizeof(path), "%s/dir1/b.bin", root);
	if (file_write_pattern(path, 300 * 1024 + 17, 1))
		return -1;
	/* Three names of one inode, two of them in another directory. */
	if (fx_text(root, "dir1/hl1", "hard link\n", 0644) ||
	    fx_sh(root, "ln dir1/hl1 dir2/hl2 && ln dir1/hl1 dir2/deep/hl3"))
		return -1;
	snprintf(target, sizeof(target), "%s/target.txt", outside);
	if (fx_text(outside, "target.txt", "outside the tree\n", 0644))
		return -1;
	snprintf(path, sizeof(path), "%s/link-out", root);
	if (symlink(target, path) < 0 ||
	    fx_sh(root, "ln -s a.txt link-rel && ln -s nowhere link-dangling && "
			"ln -s ../dir1 dir2/link-dir"))
		return fx_fail("symlink", path);
	/* 16 MiB with 4 KiB of data in the middle. */
	snprintf(path, sizeof(path), "%s/sparse.img", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pwrite(fd, "sparse data", 11, 8 << 20) != 11 ||
	    ftruncate(fd, 16 << 20) < 0 || close(fd) < 0)
		return fx_fail("sparse", path);
	if ((options & FIXTURE_SPECIALS) &&
	    (fx_sh(root, "mkfifo -m 0620 fifo") || fx_socket(root, "sock")))
		return -1;
	if ((options & FIXTURE_XATTRS) &&
	    (fx_xattr(root, "a.txt", "user.winevss", "xattr value") ||
	     fx_xattr(root, "dir1", "user.dir", "on a directory") ||
	     fx_xattr(root, "empty", "user.empty", "")))
		return -1;
	if ((options & FIXTURE_PRIVILEGED) && fx_privileged(root))
		return -1;
	if (fx_sh(root, "chmod 0555 ro-dir && chmod 02775 setgid-dir"))
		return -1;
	/* Timestamps last, innermost first (nanoseconds on purpose). */
	return fx_mtime(root, "a.txt", 1234567890, 123456789) ||
	       fx_mtime(root, "link-rel", 1111111111, 987654321) ||
	       fx_mtime(root, "dir1/sub", 1300000000, 1) ||
	       fx_mtime(root, "dir1", 1300000001, 999999999) ||
	       fx_mtime(root, "ro-dir", 1400000000, 500000000) ||
	       fx_mtime(root, ".", 1500000000, 42) ? -1 : 0;
}

int fixture_modify(const char *root, unsigned int options)
{
	char path[PATH_MAX];

	if (fx_sh(root, "echo appended >> a.txt && echo changed > dir1/sub/c.txt && "
			"rm dir2/deep/deeper/d.txt && echo new > new.txt && "
			"mv secret.txt secret-renamed.txt && chmod 0600 a.txt && "
			"echo through-link >> dir2/hl2 && touch dir1 && mkdir dir1/newdir && "
			"rm link-rel && ln -s secret-renamed.txt link-rel && "
			"dd if=/dev/zero of=sparse.img bs=4096 seek=100 count=1 conv=notrunc "
			"status=none && chmod u+w ro-dir && rm ro-dir/inside.txt"))
		return -1;
	snprintf(path, sizeof(path), "%s/dir1/b.bin", root);
	if (file_write_pattern(path, 4096, 99))
		return -1;
	if ((options & FIXTURE_XATTRS) && fx_xattr(root, "a.txt", "user.winevss", "changed"))
		return -1;
	return 0;
}

/* --- manifests ---------------------------------------------------------- */

struct mf {
	char *buf;
	size_t len, size;
	unsigned int options;
	struct { dev_t dev; ino_t ino; char path[256]; } groups[64];
	size_t ngroups;
};

static void mf_printf(struct mf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < m->size - m->len)
			break;
		m->size = m->size * 2 + n + 1;
		m->buf = realloc(m->buf, m->size);
	}
	m->len += n;
}

static uint64_t mf_hash(const char *path)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOATIME);

	if (fd < 0)
		fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
	close(fd);
	return h;
}

static void mf_xattrs(struct mf *m, const char *path)
{
	char names[4096], value[4096];
	ssize_t len = llistxattr(path, names, sizeof(names));

	/* Sorted order is what listxattr gives on each fs?  Not guaranteed:
	 * print each name on its own sorted line instead. */
	char *sorted[64];
	size_t n = 0;

	for (char *p = names; len > 0 && p < names + len && n < 64; p += strlen(p) + 1)
		if (strncmp(p, "security.", 9))
			sorted[n++] = p;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(sorted[i], sorted[j]) > 0) {
				char *t = sorted[i];
				sorted[i] = sorted[j];
				sorted[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		ssize_t v = lgetxattr(path, sorted[i], value, sizeof(value) - 1);

		value[v < 0 ? 0 : v] = '\0';
		mf_printf(m, " xattr[%s=%s]", sorted[i], value);
	}
}

static const char *mf_group(struct mf *m, const struct stat *st, const char *rel)
{
	for (size_t i = 0; i < m->ngroups; i++)
		if (m->groups[i].dev == st->st_dev && m->groups[i].ino == st->st_ino)
			return m->groups[i].path;
	if (m->ngroups < 64) {
		m->groups[m->ngroups].dev = st->st_dev;
		m->groups[m->ngroups].ino = st->st_ino;
		snprintf(m->groups[m->ngroups].path, 256, "%s", rel);
		return m->groups[m->ngroups++].path;
	}
	return "?";
}

static int mf_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mf_entry(struct mf *m, const char *root, const char *rel);

static void mf_dir(struct mf *m, const char *root, const char *rel)
{
	char path[PATH_MAX], child[PATH_MAX], *names[512];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	d = opendir(path);
	if (!d) {
		mf_printf(m, "%s: cannot list: %s\n", rel, strerror(errno));
		return;
	}
	while ((de = readdir(d)) && n < 512)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), mf_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(child, sizeof(child), "%s/%s", rel, names[i]);
		mf_entry(m, root, child);
		free(names[i]);
	}
}

static void mf_entry(struct mf *m, const char *root, const char *rel)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t len;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (lstat(path, &st) < 0) {
		mf_printf(m, "%s: missing\n", rel);
		return;
	}
	if (S_ISCHR(st.st_mode) && (m->options & MANIFEST_NO_DEVICES))
		return;
	mf_printf(m, "%s mode=%o", rel, st.st_mode);
	if (!(m->options & MANIFEST_NO_OWNERS))
		mf_printf(m, " owner=%u:%u", st.st_uid, st.st_gid);
	if (!S_ISLNK(st.st_mode))	/* symlink times: see the dedicated check */
		mf_printf(m, " mtime=%lld.%09ld", (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec);
	else
		mf_printf(m, " lmtime=%lld.%09ld", (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec);
	if (S_ISREG(st.st_mode)) {
		mf_printf(m, " size=%lld nlink=%lu hash=%016llx",
			  (long long)st.st_size, (unsigned long)st.st_nlink,
			  (unsigned long long)mf_hash(path));
		if (st.st_nlink > 1)
			mf_printf(m, " group=%s", mf_group(m, &st, rel));
	} else if (S_ISLNK(st.st_mode)) {
		len = readlink(path, target, sizeof(target) - 1);
		target[len < 0 ? 0 : len] = '\0';
		mf_printf(m, " -> %s", target);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		mf_printf(m, " rdev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
	}
	mf_xattrs(m, path);
	mf_printf(m, "\n");
	if (S_ISDIR(st.st_mode))
		mf_dir(m, root, rel);
}

char *manifest(const char *root, unsigned int options)
{
	struct mf m = { .size = 4096, .options = options };

	m.buf = malloc(m.size);
	if (!m.buf)
		return NULL;
	m.buf[0] = '\0';
	mf_entry(&m, root, ".");
	return m.buf;
}

bool manifest_same(const char *a, const char *b)
{
	const char *pa = a, *pb = b;

	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true;
	while (*pa && *pb) {
		size_t la = strcspn(pa, "\n"), lb = strcspn(pb, "\n");

		if (la != lb || memcmp(pa, pb, la)) {
			tap_note("expected: %.*s", (int)la, pa);
			tap_note("got:      %.*s", (int)lb, pb);
			return false;
		}
		pa += la + (pa[la] == '\n');
		pb += lb + (pb[lb] == '\n');
	}
	tap_note("expected: %.80s", pa);
	tap_note("got:      %.80s", pb);
	return false;
}

int dir_count(const char *dir)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

bool dir_has_prefix(const char *dir, const char *prefix)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			found = true;
	closedir(d);
	return found;
}
