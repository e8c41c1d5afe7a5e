/*
 * Native tests of winevssd: a real agent on a scratch prefix, driven over
 * its socket with the shared protocol code, as vssapi.dll drives it.
 *
 *   test-agent [AGENT_BINARY]     (default: $WINEVSS_AGENT)
 *
 * Covers authentication, volume resolution, the one-set-in-creation lock,
 * all-or-nothing commits, GLOBALROOT device links, auto-release when a
 * session ends or its process is killed, persistent snapshots across agent
 * restarts, deletion, and the sweep after the agent is killed during a
 * commit.  On a btrfs of its own (loop-mounted): revert to a snapshot,
 * what cannot be reverted, a crash during a revert, and the limit of 512
 * snapshots per volume.  Checks that need root (tmpfs for a volume that
 * runs out of space, the btrfs) are skipped otherwise.
 */


#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "snap.h"

#define VSS_CTX_BACKUP 0
#define VSS_CTX_APP_ROLLBACK 0x9
#define VSS_OBJECT_SNAPSHOT_SET 2
#define VSS_OBJECT_SNAPSHOT 3

static unsigned int passed, failed, skipped, counter;
static const char *agent_binary;
static char top[PATH_MAX], prefix[PATH_MAX];
static pid_t agent_pid;
static bool on_tmpfs;

#define check(cond, ...) report(!!(cond), __LINE__, __VA_ARGS__)

static void report(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	counter++;
	printf("%s %u - line %d: ", ok ? "ok" : "not ok", counter, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static void skip(const char *why)
{
	printf("skip %u - %s\n", ++counter, why);
	skipped++;
}

/* --- scratch prefix and agent process --- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static void path_join(char *out, const char *a, const char *b)
{
	snprintf(out, PATH_MAX, "%s/%s", a, b);
}

static void make_volume(const char *letter, const char *dir)
{
	char link[PATH_MAX], file[PATH_MAX];

	mkdir(dir, 0755);
	snprintf(link, sizeof(link), "%s/dosdevices/%s:", prefix, letter);
	if (symlink(dir, link) < 0 && errno != EEXIST) {
		perror(link);
		exit(2);
	}
	path_join(file, dir, "file.txt");
	write_file(file, "original");
}

static const char *crash_at;
static const char *hold_timeout = "10000";
static uid_t agent_uid;          /* run the agent as this user when not 0 */
static const char *revert_delay; /* WINEVSSD_REVERT_DELAY_MS for the agent */

static void start_agent(void)
{
	char port_file[PATH_MAX], log[PATH_MAX];
	int i, fd;

	path_join(port_file, prefix, "winevss/agent.port");
	unlink(port_file);
	path_join(log, top, "agent.log");
	if (!(agent_pid = fork())) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		if (crash_at)
			setenv("WINEVSSD_CRASH_AT", crash_at, 1);
		if (revert_delay)
			setenv("WINEVSSD_REVERT_DELAY_MS", revert_delay, 1);
		if (agent_uid && (setgroups(0, NULL) || setgid(agent_uid) || setuid(agent_uid)))
			_exit(126);
		execl(agent_binary, agent_binary, "--prefix", prefix, "--foreground", "--idle-timeout", "30",
		      "--hold-timeout", hold_timeout, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && access(port_file, F_OK); i++)
		usleep(10000);
	if (access(port_file, F_OK)) {
		fprintf(stderr, "the agent did not start; see %s\n", log);
		exit(2);
	}
}

static void stop_agent(int sig)
{
	if (agent_pid <= 0)
		return;
	kill(agent_pid, sig);
	waitpid(agent_pid, NULL, 0);
	agent_pid = 0;
}

/* --- a client --- */

struct client {
	int fd;
	uint32_t next_id;
	uint8_t *payload;
	struct proto_reader r;
};

static bool read_secret(uint16_t *port, uint8_t secret[PROTO_SECRET_SIZE])
{
	char path[PATH_MAX], *text;
	unsigned int v, i;
	int n;

	path_join(path, prefix, "winevss/agent.port");
	if (!(text = read_file(path)) || sscanf(text, "%u %n", &v, &n) != 1)
		return false;
	*port = v;
	for (i = 0; i < PROTO_SECRET_SIZE; i++) {
		if (sscanf(text + n + 2 * i, "%2x", &v) != 1)
			return false;
		secret[i] = v;
	}
	return true;
}

static int client_send(struct client *c, struct proto_writer *w)
{
	free(c->payload);
	c->payload = NULL;
	if (proto_writer_finish(w) || write(c->fd, w->data, w->size) != (ssize_t)w->size)
		return -1;
	return 0;
}

/* The status of the answer; c->r reads the rest. */
static int client_receive(struct client *c)
{
	uint8_t raw[PROTO_HEADER_SIZE];
	struct proto_header h;
	size_t done;
	ssize_t n;

	for (done = 0; done < sizeof(raw); done += n)
		if ((n = read(c->fd, raw + done, sizeof(raw) - done)) <= 0)
			return -1;
	if (proto_header_parse(raw, &h) || !(c->payload = malloc(h.length + 1)))
		return -1;
	for (done = 0; done < h.length; done += n)
		if ((n = read(c->fd, c->payload + done, h.length - done)) <= 0)
			return -1;
	proto_reader_init(&c->r, c->payload, h.length);
	return (int)proto_get_u32(&c->r);
}

static int client_call(struct client *c, struct proto_writer *w)
{
	return client_send(c, w) ? -1 : client_receive(c);
}

static void begin(struct client *c, struct proto_writer *w, enum proto_type type)
{
	proto_writer_init(w);
	proto_writer_begin(w, type, ++c->next_id);
}

static int simple(struct client *c, struct proto_writer *w)
{
	int status = client_call(c, w);

	proto_writer_free(w);
	return status;
}

static int client_hello(struct client *c, const uint8_t *secret)
{
	struct proto_writer w;

	begin(c, &w, PROTO_HELLO);
	proto_put_bytes(&w, secret, PROTO_SECRET_SIZE);
	proto_put_u32(&w, getpid());
	return simple(c, &w);
}

static bool client_open_with(struct client *c, bool good_secret)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	uint8_t secret[PROTO_SECRET_SIZE];
	uint16_t port;

	memset(c, 0, sizeof(*c));
	if (!read_secret(&port, secret))
		return false;
	if (!good_secret)
		secret[0] ^= 0xff;
	addr.sin_port = htons(port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return false;
	return client_hello(c, secret) == PROTO_OK;
}

static void client_open(struct client *c)
{
	if (!client_open_with(c, true)) {
		fprintf(stderr, "cannot connect to the agent\n");
		exit(2);
	}
}

static void client_close(struct client *c)
{
	close(c->fd);
	free(c->payload);
	c->payload = NULL;
}

static char volume_names[26][64];

static const char *folder_name;   /* the agent's name of a mount folder */

static void put_volume(struct proto_writer *w, const char *root)
{
	struct proto_volume v;
	int i = root[0] - 'A';

	snprintf(volume_names[i], sizeof(volume_names[i]),
		 "\\\\?\\Volume{00000000-0000-0000-0000-0000000000%02x}\\", root[0]);
	v.name = strlen(root) > 3 ? (folder_name ? folder_name : "") : volume_names[i];
	v.root = root;
	proto_put_volume(w, &v);
}

static char resolved_name[64];

static int resolve(struct client *c, const char *root, uint32_t *supported)
{
	static const struct proto_guid any;
	struct proto_writer w;
	struct proto_guid provider;
	int status;

	begin(c, &w, PROTO_RESOLVE_VOLUME);
	put_volume(&w, root);
	proto_put_guid(&w, &any);
	status = client_call(c, &w);
	proto_writer_free(&w);
	if (status == PROTO_OK) {
		proto_get_guid(&c->r, &provider);
		*supported = proto_get_u32(&c->r);
		snprintf(resolved_name, sizeof(resolved_name), "%s", proto_get_string(&c->r));
		if (proto_reader_end(&c->r))
			return -1;
	}
	return status;
}

static void make_guid(struct proto_guid *g, unsigned int n)
{
	memset(g, 0, sizeof(*g));
	g->bytes[0] = n;
	g->bytes[1] = n >> 8;
	g->bytes[15] = 0x5a;
}

static int begin_set(struct client *c, const struct proto_guid *set, uint32_t context)
{
	struct proto_writer w;

	begin(c, &w, PROTO_BEGIN_SET);
	proto_put_guid(&w, set);
	proto_put_u32(&w, context);
	return simple(c, &w);
}

static int add_volume(struct client *c, const struct proto_guid *set, const char *root,
		      const struct proto_guid *snapshot)
{
	static const struct proto_guid any;
	struct proto_writer w;

	begin(c, &w, PROTO_ADD_VOLUME);
	proto_put_guid(&w, set);
	put_volume(&w, root);
	proto_put_guid(&w, &any);
	proto_put_guid(&w, snapshot);
	return simple(c, &w);
}

static int commit_set(struct client *c, const struct proto_guid *set)
{
	struct proto_writer w;

	begin(c, &w, PROTO_COMMIT_SET);
	proto_put_guid(&w, set);
	return simple(c, &w);
}

static int query_count(struct client *c, uint32_t context, uint32_t *count)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_QUERY_SNAPSHOTS);
	proto_put_u32(&w, context);
	status = client_call(c, &w);
	proto_writer_free(&w);
	*count = status == PROTO_OK ? proto_get_u32(&c->r) : 0;
	return status;
}

static int get_snapshot(struct client *c, const struct proto_guid *id, uint32_t context,
			struct proto_snapshot *s)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_GET_SNAPSHOT);
	proto_put_guid(&w, id);
	proto_put_u32(&w, context);
	status = client_call(c, &w);
	proto_writer_free(&w);
	if (status == PROTO_OK)
		proto_get_snapshot(&c->r, s);
	return status;
}

static int delete_snapshots(struct client *c, const struct proto_guid *id, uint32_t type, uint32_t *deleted)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_DELETE_SNAPSHOTS);
	proto_put_guid(&w, id);
	proto_put_u32(&w, type);
	proto_put_u32(&w, 0xffffffffu);
	proto_put_u32(&w, 1);
	status = client_call(c, &w);
	proto_writer_free(&w);
	*deleted = proto_get_u32(&c->r);
	return status;
}

/* --- what the host shows --- */

static bool device_exists(unsigned int n)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dosdevices/globalroot/Device/HarddiskVolumeShadowCopy%u", prefix, n);
	return lstat(path, &st) == 0;
}

static unsigned int count_devices(void)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/dosdevices/globalroot/Device", prefix);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "HarddiskVolumeShadowCopy", 24);
	closedir(d);
	return n;
}

/* Entries in the storage directory, markers and temporaries included. */
static unsigned int count_storage(void)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	path_join(path, prefix, "winevss/snapshots");
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (getenv("TEST_AGENT_VERBOSE"))
			printf("# stored: %s\n", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static char *device_file(unsigned int n, const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/dosdevices/globalroot/Device/HarddiskVolumeShadowCopy%u/%s",
		 prefix, n, name);
	return read_file(path);
}

static bool wait_for(bool (*cond)(void), int ms)
{
	for (; ms > 0; ms -= 10) {
		if (cond())
			return true;
		usleep(10000);
	}
	return cond();
}

static bool no_devices(void) { return count_devices() == 0; }
static bool no_storage(void) { return count_storage() == 0; }

static unsigned int device_number(const char *device)
{
	const char *p = strstr(device, "HarddiskVolumeShadowCopy");

	return p ? strtoul(p + 24, NULL, 10) : 0;
}

/* --- the tests --- */

static void test_authentication(void)
{
	struct client c;

	check(!client_open_with(&c, false), "a wrong secret is refused");
	if (c.fd > 0)
		close(c.fd);
	check(client_open_with(&c, true), "the right secret is accepted");
	client_close(&c);
}

static void test_resolve(void)
{
	struct client c;
	uint32_t supported = 0;

	client_open(&c);
	check(resolve(&c, "C:\\", &supported) == PROTO_OK && supported, "C:\\ resolves and is supported");
	check(resolve(&c, "Q:\\", &supported) == PROTO_E_NOT_FOUND, "a missing drive is not found");
	check(resolve(&c, "C:", &supported) == PROTO_E_NOT_FOUND, "no trailing backslash: not found");
	check(resolve(&c, "C:\\..\\", &supported) == PROTO_E_NOT_FOUND, "a path below a drive is not a volume");
	client_close(&c);
}

/* A mount folder: a directory of a drive where another file system
 * starts.  The agent names it and snapshots it; plain directories and
 * symbolic links are not volumes. */
static void test_mount_folder(void)
{
	char dir[PATH_MAX], link[PATH_MAX], name[64], file[PATH_MAX];
	struct proto_guid set, snap, other;
	struct proto_snapshot s;
	struct client c;
	uint32_t supported = 0;
	int status;

	if (!on_tmpfs) {
		skip("a mount folder needs a mount (root)");
		return;
	}
	path_join(dir, top, "vol_c/mnt/Data");
	mkdir(dir, 0755);
	path_join(dir, top, "vol_c/mnt");
	mkdir(dir, 0755);
	path_join(dir, top, "vol_c/mnt/Data");
	mkdir(dir, 0755);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=4m")) {
		skip("cannot mount tmpfs");
		return;
	}
	path_join(file, dir, "inside.txt");
	write_file(file, "mounted");
	path_join(link, top, "vol_c/link");
	symlink(dir, link);

	client_open(&c);
	status = resolve(&c, "C:\\mnt\\Data\\", &supported);
	check(status == PROTO_OK && supported && !strncmp(resolved_name, "\\\\?\\Volume{", 11),
	      "a mount folder resolves, named %s", resolved_name);
	snprintf(name, sizeof(name), "%s", resolved_name);
	status = resolve(&c, "C:\\MNT\\data\\", &supported);
	check(status == PROTO_OK && !strcmp(resolved_name, name), "names are matched case-insensitively");
	check(resolve(&c, "C:\\mnt\\", &supported) == PROTO_E_NOT_FOUND, "a plain directory is not a volume");
	check(resolve(&c, "C:\\link\\", &supported) == PROTO_E_NOT_FOUND, "a symbolic link is not followed");
	check(resolve(&c, "C:\\mnt\\..\\mnt\\Data\\", &supported) == PROTO_E_NOT_FOUND, "'..' is refused");

	make_guid(&set, 70);
	make_guid(&snap, 71);
	make_guid(&other, 72);
	check(begin_set(&c, &set, VSS_CTX_BACKUP) == PROTO_OK, "begin a set");
	folder_name = "\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\";
	check(add_volume(&c, &set, "C:\\mnt\\Data\\", &other) == PROTO_E_BAD_REQUEST,
	      "a mount folder under another name is refused");
	folder_name = name;
	check(add_volume(&c, &set, "C:\\mnt\\Data\\", &snap) == PROTO_OK, "add the mount folder");
	check(add_volume(&c, &set, "C:\\", &other) == PROTO_OK, "and the drive it is in");
	check(commit_set(&c, &set) == PROTO_OK, "commit");
	write_file(file, "changed");
	check(get_snapshot(&c, &snap, VSS_CTX_BACKUP, &s) == PROTO_OK && !strcmp(s.original_volume, name),
	      "the snapshot's original volume is %s", name);
	check(!strcmp(device_file(device_number(s.device), "inside.txt") ?: "", "mounted"),
	      "the snapshot holds the mount's old content");
	folder_name = NULL;
	client_close(&c);
	wait_for(no_devices, 1000);
	unlink(link);
	umount2(dir, MNT_DETACH);
}

/* providers.conf overrides the system provider's choice per drive. */
static void test_provider_config(void)
{
	char path[PATH_MAX];
	struct client c;
	uint32_t supported = 1;

	path_join(path, prefix, "winevss/providers.conf");
	write_file(path, "# test\nC: btrfs\nD: copy  # comment\nE: nonsense\n");
	client_open(&c);
	check(resolve(&c, "C:\\", &supported) == PROTO_OK && !supported,
	      "C: configured for btrfs on a non-btrfs directory is not supported");
	check(resolve(&c, "D:\\", &supported) == PROTO_OK && supported, "D: configured for copy is supported");
	client_close(&c);
	unlink(path);
	client_open(&c);
	check(resolve(&c, "C:\\", &supported) == PROTO_OK && supported, "without the file C: is supported again");
	client_close(&c);
}

static bool tool_exists(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static void test_providers(void)
{
	struct proto_provider p;
	struct proto_writer w;
	struct client c;
	bool lvm = false, zfs = false;
	uint32_t n, i;

	client_open(&c);
	begin(&c, &w, PROTO_QUERY_PROVIDERS);
	check(client_call(&c, &w) == PROTO_OK, "query providers");
	proto_writer_free(&w);
	n = proto_get_u32(&c.r);
	proto_get_provider(&c.r, &p);
	check(n >= 4 && p.type == 1, "%u providers, the first of type %u (system)", n, p.type);
	for (i = 1; i < n; i++) {
		proto_get_provider(&c.r, &p);
		if (strstr(p.name, "LVM"))
			lvm = true;
		if (strstr(p.name, "ZFS"))
			zfs = true;
	}
	check(!proto_reader_end(&c.r), "the list decodes");
	check(lvm == tool_exists("lvcreate"), "lvm-thin is offered only with its tools (%d)", lvm);
	check(zfs == tool_exists("zfs"), "zfs is offered only with its tool (%d)", zfs);
	client_close(&c);
}

static void test_backup_set(void)
{
	int status;
	struct proto_guid set, snap_c, snap_d, other;
	struct proto_snapshot s;
	struct client a, b;
	uint32_t count = 0;
	unsigned int n;
	char path[PATH_MAX], *text;

	make_guid(&set, 1);
	make_guid(&snap_c, 2);
	make_guid(&snap_d, 3);
	make_guid(&other, 4);
	client_open(&a);
	client_open(&b);

	check(begin_set(&a, &set, VSS_CTX_BACKUP) == PROTO_OK, "begin a set");
	check(begin_set(&b, &other, VSS_CTX_BACKUP) == PROTO_E_SET_IN_PROGRESS,
	      "a second session cannot begin a set meanwhile");
	check(add_volume(&a, &set, "C:\\", &snap_c) == PROTO_OK, "add C:");
	check(add_volume(&a, &set, "C:\\", &other) == PROTO_E_EXISTS, "adding C: twice fails");
	check(add_volume(&a, &set, "D:\\", &snap_d) == PROTO_OK, "add D:");
	check(add_volume(&a, &set, "Q:\\", &other) == PROTO_E_NOT_FOUND, "adding a missing drive fails");
	check(commit_set(&a, &set) == PROTO_OK, "commit");
	check(begin_set(&b, &other, VSS_CTX_BACKUP) == PROTO_OK, "the lock is free after the commit");
	client_close(&b);

	/* The snapshot keeps the old content while the volume changes. */
	path_join(path, top, "vol_c/file.txt");
	write_file(path, "changed");
	check(get_snapshot(&a, &snap_c, VSS_CTX_BACKUP, &s) == PROTO_OK, "get the snapshot of C:");
	n = device_number(s.device);
	check(n && device_exists(n), "device %s exists", s.device);
	text = device_file(n, "file.txt");
	check(text && !strcmp(text, "original"), "the snapshot holds the old content (%s)", text ? text : "none");
	check(s.set_count == 2 && s.state == 12, "set count %u, state %u", s.set_count, s.state);
	status = query_count(&a, VSS_CTX_BACKUP, &count);
	check(status == PROTO_OK && count == 2, "query lists %u", count);
	status = query_count(&a, VSS_CTX_APP_ROLLBACK, &count);
	check(status == PROTO_OK && count == 0, "another context lists none (%u)", count);

	/* Auto-release: the snapshots go with the session. */
	client_close(&a);
	check(wait_for(no_devices, 1000), "device links gone within 1 s of the session's end");
	check(wait_for(no_storage, 1000), "host snapshots gone within 1 s of the session's end");
	write_file(path, "original");
}

static void test_client_killed(void)
{
	struct proto_guid set, snap;
	int pipefd[2];
	pid_t child;
	char c;

	make_guid(&set, 10);
	make_guid(&snap, 11);
	if (pipe(pipefd))
		return;
	if (!(child = fork())) {
		struct client cl;

		client_open(&cl);
		if (begin_set(&cl, &set, VSS_CTX_BACKUP) || add_volume(&cl, &set, "C:\\", &snap) ||
		    commit_set(&cl, &set))
			_exit(1);
		write(pipefd[1], "x", 1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	check(read(pipefd[0], &c, 1) == 1 && count_devices() == 1, "a child process made a snapshot");
	close(pipefd[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	check(wait_for(no_devices, 1000) && wait_for(no_storage, 1000),
	      "its snapshot is gone within 1 s of kill -9");
}

static void test_persistent(void)
{
	int status;
	struct proto_guid set, snap;
	struct proto_snapshot s;
	struct client c;
	uint32_t count = 0, deleted = 0;

	make_guid(&set, 20);
	make_guid(&snap, 21);
	client_open(&c);
	check(begin_set(&c, &set, VSS_CTX_APP_ROLLBACK) == PROTO_OK && add_volume(&c, &set, "C:\\", &snap) == PROTO_OK &&
	      commit_set(&c, &set) == PROTO_OK, "commit a persistent set");
	client_close(&c);
	usleep(200000);
	check(count_devices() == 1, "it survives the session");

	stop_agent(SIGTERM);
	start_agent();
	client_open(&c);
	status = query_count(&c, VSS_CTX_APP_ROLLBACK, &count);
	check(status == PROTO_OK && count == 1, "it survives an agent restart (%u listed)", count);
	status = get_snapshot(&c, &snap, 0xffffffffu, &s);
	check(status == PROTO_OK && (s.attributes & 0x9) == 0x9,
	      "its attributes say persistent, no auto-release (%#x)", s.attributes);
	status = delete_snapshots(&c, &set, VSS_OBJECT_SNAPSHOT_SET, &deleted);
	check(status == PROTO_OK && deleted == 1, "delete the set (%u deleted)", deleted);
	check(delete_snapshots(&c, &set, VSS_OBJECT_SNAPSHOT_SET, &deleted) == PROTO_E_NOT_FOUND,
	      "deleting it again: not found");
	check(count_devices() == 0 && count_storage() == 0, "nothing left after the delete");
	client_close(&c);
}

static void fill_volume(const char *dir, unsigned int files, size_t size)
{
	char path[PATH_MAX];
	char *data = malloc(size);
	unsigned int i;
	FILE *f;

	memset(data, 'x', size);
	for (i = 0; i < files; i++) {
		snprintf(path, sizeof(path), "%s/bulk%05u", dir, i);
		if ((f = fopen(path, "w"))) {
			fwrite(data, 1, size, f);
			fclose(f);
		}
	}
	free(data);
}

/* True when the prefix holds no snapshot, or exactly the one given, fully
 * there (listed, linked, stored): what a crash may leave behind. */
static bool consistent(struct client *c, unsigned int allowed)
{
	uint32_t count = 99;

	query_count(c, 0xffffffffu, &count);
	if (count == 0)
		return count_devices() == 0 && count_storage() == 0;
	return count <= allowed && count_devices() == count;
}

static void delete_all(struct client *c, unsigned int first, unsigned int last)
{
	struct proto_guid set;
	uint32_t deleted;
	unsigned int i;

	for (i = first; i <= last; i++) {
		make_guid(&set, i);
		delete_snapshots(c, &set, VSS_OBJECT_SNAPSHOT_SET, &deleted);
	}
}

/* The agent dies (as with kill -9) at each step of a commit; once it runs
 * again, its sweep leaves exactly what the catalog had committed. */
static void test_crash_points(void)
{
	static const struct { const char *point; uint32_t context; unsigned int left; } cases[] = {
		{ "intent", VSS_CTX_APP_ROLLBACK, 0 },
		{ "created", VSS_CTX_APP_ROLLBACK, 0 },
		{ "committed", VSS_CTX_APP_ROLLBACK, 1 },
		{ "committed", VSS_CTX_BACKUP, 0 },
	};
	struct proto_guid set, snap;
	struct client c;
	uint32_t count;
	unsigned int i;
	int status;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stop_agent(SIGTERM);
		crash_at = cases[i].point;
		start_agent();
		crash_at = NULL;
		make_guid(&set, 50 + 2 * i);
		make_guid(&snap, 51 + 2 * i);
		client_open(&c);
		begin_set(&c, &set, cases[i].context);
		add_volume(&c, &set, "C:\\", &snap);
		status = commit_set(&c, &set);
		check(status == -1, "crash at %s: the client sees the connection end", cases[i].point);
		client_close(&c);
		waitpid(agent_pid, NULL, 0);
		agent_pid = 0;

		start_agent();
		client_open(&c);
		count = 99;
		query_count(&c, 0xffffffffu, &count);
		check(count == cases[i].left && count_devices() == count,
		      "crash at %s (context %#x): %u snapshot(s) and %u link(s) left after the sweep, expected %u",
		      cases[i].point, cases[i].context, count, count_devices(), cases[i].left);
		delete_all(&c, 50 + 2 * i, 50 + 2 * i);
		check(count_devices() == 0 && count_storage() == 0, "crash at %s: clean after deleting", cases[i].point);
		client_close(&c);
	}
}

/* A stand-in for a Windows program of the prefix: a process whose
 * executable is called wine64 and whose WINEPREFIX is the prefix. */
static pid_t start_fake_wine_process(void)
{
	char exe[PATH_MAX], cmd[2 * PATH_MAX];
	pid_t pid;

	path_join(exe, top, "wine64");
	snprintf(cmd, sizeof(cmd), "cp /bin/sleep '%s'", exe);
	if (system(cmd))
		return 0;
	if (!(pid = fork())) {
		setenv("WINEPREFIX", prefix, 1);
		execl(exe, "wine64", "1000", (char *)NULL);
		_exit(127);
	}
	usleep(50000);
	return pid;
}

static char process_state(pid_t pid)
{
	char path[64], *text, *paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(text = read_file(path)) || !(paren = strrchr(text, ')')))
		return '?';
	return paren[2];
}

struct watch {
	pid_t pid;
	volatile bool stop;
	bool seen_stopped;
};

static void *watch_thread(void *arg)
{
	struct watch *wt = arg;

	while (!wt->stop) {
		if (process_state(wt->pid) == 'T')
			wt->seen_stopped = true;
		usleep(500);
	}
	return NULL;
}

/* A copy commit holds the prefix's programs and lets them go afterwards;
 * past the hold window it fails with HOLD_TIMEOUT and leaves nothing. */
static void test_write_hold(void)
{
	struct proto_guid set, snap;
	struct watch wt = { 0 };
	struct client c;
	pthread_t thread;
	uint32_t count = 99;
	char dir[PATH_MAX];
	pid_t fake;
	int status;

	path_join(dir, top, "vol_e");
	make_volume("e", dir);
	fill_volume(dir, 2000, 16384);
	if (!(fake = start_fake_wine_process())) {
		skip("cannot start a stand-in Wine process");
		return;
	}

	make_guid(&set, 60);
	make_guid(&snap, 61);
	wt.pid = fake;
	pthread_create(&thread, NULL, watch_thread, &wt);
	client_open(&c);
	check(begin_set(&c, &set, VSS_CTX_BACKUP) == PROTO_OK && add_volume(&c, &set, "E:\\", &snap) == PROTO_OK,
	      "a copy set of a 32 MiB volume");
	status = commit_set(&c, &set);
	wt.stop = true;
	pthread_join(thread, NULL);
	check(status == PROTO_OK, "the commit succeeds (%s)", proto_status_name(status));
	check(wt.seen_stopped, "the prefix's program was stopped during the commit");
	check(process_state(fake) != 'T', "and runs again after it (state %c)", process_state(fake));
	client_close(&c);
	wait_for(no_devices, 1000);

	/* A one-millisecond window is too short for the copy. */
	stop_agent(SIGTERM);
	hold_timeout = "1";
	start_agent();
	hold_timeout = "10000";
	client_open(&c);
	make_guid(&set, 62);
	make_guid(&snap, 63);
	begin_set(&c, &set, VSS_CTX_BACKUP);
	add_volume(&c, &set, "E:\\", &snap);
	status = commit_set(&c, &set);
	check(status == PROTO_E_HOLD_TIMEOUT, "past the hold window the commit fails (%s)", proto_status_name(status));
	query_count(&c, 0xffffffffu, &count);
	check(count == 0 && count_devices() == 0 && count_storage() == 0,
	      "nothing is left (%u listed, %u links, %u stored)", count, count_devices(), count_storage());
	check(process_state(fake) != 'T', "the program runs again (state %c)", process_state(fake));
	check(begin_set(&c, &snap, VSS_CTX_BACKUP) == PROTO_OK, "the creation lock was released");
	client_close(&c);

	/* The agent dies while it holds the prefix: its guardian lets the
	 * programs run again. */
	stop_agent(SIGTERM);
	crash_at = "intent";
	start_agent();
	crash_at = NULL;
	client_open(&c);
	make_guid(&set, 64);
	make_guid(&snap, 65);
	begin_set(&c, &set, VSS_CTX_BACKUP);
	add_volume(&c, &set, "E:\\", &snap);
	check(commit_set(&c, &set) == -1, "the agent dies during a held commit");
	client_close(&c);
	waitpid(agent_pid, NULL, 0);
	agent_pid = 0;
	for (int i = 0; i < 100 && process_state(fake) == 'T'; i++)
		usleep(10000);
	check(process_state(fake) != 'T', "the program runs again within 1 s (state %c)", process_state(fake));
	start_agent();

	kill(fake, SIGKILL);
	waitpid(fake, NULL, 0);
}

/* A real kill -9 while a large copy runs: whatever the timing, the agent
 * comes back consistent. */
static void test_agent_killed_during_commit(void)
{
	struct proto_guid set, snap;
	struct proto_writer w;
	struct client c;

	make_guid(&set, 30);
	make_guid(&snap, 31);
	client_open(&c);
	check(begin_set(&c, &set, VSS_CTX_APP_ROLLBACK) == PROTO_OK && add_volume(&c, &set, "E:\\", &snap) == PROTO_OK,
	      "prepare a set of a 32 MiB volume");
	begin(&c, &w, PROTO_COMMIT_SET);
	proto_put_guid(&w, &set);
	proto_writer_finish(&w);
	check(write(c.fd, w.data, w.size) == (ssize_t)w.size, "send the commit");
	proto_writer_free(&w);
	usleep(20000);
	stop_agent(SIGKILL);
	client_close(&c);

	start_agent();
	client_open(&c);
	check(consistent(&c, 1), "after kill -9 and a restart: nothing half done (%u links, %u stored)",
	      count_devices(), count_storage());
	delete_all(&c, 30, 30);
	check(count_devices() == 0 && count_storage() == 0, "clean after deleting");
	client_close(&c);
}

static void test_all_or_nothing(void)
{
	struct proto_guid set, snap1, snap2;
	struct client c;
	char dir[PATH_MAX], path[PATH_MAX];
	uint32_t count = 0;
	int status;

	struct statvfs sv;

	if (!on_tmpfs) {
		skip("running out of space needs the scratch tmpfs (root)");
		return;
	}
	/* A file that fits once in what is free, but not twice. */
	path_join(dir, top, "vol_f");
	make_volume("f", dir);
	if (statvfs(top, &sv))
		return;
	fill_volume(dir, 1, (size_t)sv.f_bavail * sv.f_frsize * 6 / 10);

	make_guid(&set, 40);
	make_guid(&snap1, 41);
	make_guid(&snap2, 42);
	client_open(&c);
	check(begin_set(&c, &set, VSS_CTX_BACKUP) == PROTO_OK && add_volume(&c, &set, "C:\\", &snap1) == PROTO_OK &&
	      add_volume(&c, &set, "F:\\", &snap2) == PROTO_OK, "a set of C: and a nearly full F:");
	status = commit_set(&c, &set);
	check(status == PROTO_E_NO_SPACE, "the commit fails with no space (%s)", proto_status_name(status));
	status = query_count(&c, 0xffffffffu, &count);
	check(status == PROTO_OK && count == 0, "no snapshot is listed (%u)", count);
	check(count_devices() == 0 && count_storage() == 0, "the snapshot of C: was removed too (%u, %u)",
	      count_devices(), count_storage());
	check(begin_set(&c, &snap1, VSS_CTX_BACKUP) == PROTO_OK, "the creation lock was released");
	client_close(&c);
	path_join(path, dir, "bulk00000");
	unlink(path);
}

/* --- revert (btrfs) --- */

/* A loop-mounted btrfs of the test's own, for the volumes a revert needs
 * (root only): mnt/vol_X are subvolumes, each drive X: of the prefix. */
static char btrfs_dir[PATH_MAX], btrfs_mnt[PATH_MAX];

static bool btrfs_setup(void)
{
	char cmd[4 * PATH_MAX];

	if (geteuid() || !tool_exists("mkfs.btrfs") || !tool_exists("btrfs"))
		return false;
	snprintf(btrfs_dir, sizeof(btrfs_dir), "%s/winevss-agent-btrfs-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(btrfs_dir)) {
		btrfs_dir[0] = 0;
		return false;
	}
	path_join(btrfs_mnt, btrfs_dir, "mnt");
	snprintf(cmd, sizeof(cmd), "truncate -s 1G '%s/img' && mkfs.btrfs -q '%s/img' >/dev/null 2>&1 && mkdir '%s' && "
		 "mount -o loop '%s/img' '%s'", btrfs_dir, btrfs_dir, btrfs_mnt, btrfs_dir, btrfs_mnt);
	if (system(cmd)) {
		btrfs_mnt[0] = 0;
		return false;
	}
	return true;
}

static void btrfs_cleanup(void)
{
	char cmd[2 * PATH_MAX];

	if (btrfs_mnt[0] && umount2(btrfs_mnt, 0) && umount2(btrfs_mnt, MNT_DETACH))
		perror(btrfs_mnt);
	if (btrfs_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", btrfs_dir);
		if (system(cmd)) {}
	}
}

/* Drive X: as the btrfs subvolume mnt/NAME, or a plain directory there
 * (which the reflink provider serves). */
static void make_btrfs_volume(const char *letter, const char *name, bool subvolume, char *root)
{
	char cmd[2 * PATH_MAX];

	path_join(root, btrfs_mnt, name);
	if (subvolume) {
		snprintf(cmd, sizeof(cmd), "btrfs subvolume create '%s' >/dev/null", root);
		if (system(cmd)) {
			fprintf(stderr, "cannot create the subvolume %s\n", root);
			exit(2);
		}
	}
	make_volume(letter, root);
}

static int take_snapshot(struct client *c, unsigned int n, const char *root, uint32_t context,
			 struct proto_guid *snap)
{
	struct proto_guid set;
	int status;

	make_guid(&set, n);
	make_guid(snap, n + 1);
	if ((status = begin_set(c, &set, context)) || (status = add_volume(c, &set, root, snap)))
		return status;
	return commit_set(c, &set);
}

static int revert(struct client *c, const struct proto_guid *snap, uint32_t force)
{
	struct proto_writer w;

	begin(c, &w, PROTO_REVERT);
	proto_put_guid(&w, snap);
	proto_put_u32(&w, force);
	return simple(c, &w);
}

static int revert_status(struct client *c, const char *root, uint32_t *busy)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_REVERT_STATUS);
	put_volume(&w, root);
	status = client_call(c, &w);
	proto_writer_free(&w);
	*busy = 99;
	if (status == PROTO_OK) {
		*busy = proto_get_u32(&c->r);
		if (proto_reader_end(&c->r))
			return -1;
	}
	return status;
}

static const char *volume_file(const char *root, const char *name)
{
	char path[PATH_MAX];

	path_join(path, root, name);
	return read_file(path) ?: "(missing)";
}

/* What a revert leaves beside the root and in the state directory once it
 * is over: nothing. */
static bool revert_leftovers(const char *root)
{
	char path[PATH_MAX], *slash;
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s", root);
	slash = strrchr(path, '/');
	*slash = 0;
	if ((d = opendir(path))) {
		while ((e = readdir(d)))
			found |= strstr(e->d_name, ".winevss-revert-") != NULL;
		closedir(d);
	}
	path_join(path, prefix, "winevss");
	if ((d = opendir(path))) {
		while ((e = readdir(d)))
			found |= !strncmp(e->d_name, "revert-", 7);
		closedir(d);
	}
	return found;
}

static void change_volume(const char *root)
{
	char path[PATH_MAX];

	path_join(path, root, "file.txt");
	write_file(path, "changed");
	path_join(path, root, "keep.txt");
	unlink(path);
	path_join(path, root, "new.txt");
	write_file(path, "new");
	path_join(path, root, "sub/deep.txt");
	unlink(path);
}

static bool volume_is_original(const char *root)
{
	char path[PATH_MAX];

	path_join(path, root, "new.txt");
	return !strcmp(volume_file(root, "file.txt"), "original") && !strcmp(volume_file(root, "keep.txt"), "kept") &&
	       !strcmp(volume_file(root, "sub/deep.txt"), "deep") && access(path, F_OK) < 0;
}

static void fill_revert_volume(const char *root)
{
	char path[PATH_MAX];

	path_join(path, root, "keep.txt");
	write_file(path, "kept");
	path_join(path, root, "sub");
	mkdir(path, 0755);
	path_join(path, root, "sub/deep.txt");
	write_file(path, "deep");
}

static char revert_root[PATH_MAX];

/* RevertToSnapshot's agent side: a persistent btrfs snapshot brings the
 * volume back, whatever changed since, and stays; everything else is
 * refused with the code the DLL turns into the documented one. */
static void test_revert(void)
{
	struct proto_guid snap, other, unknown;
	char root[PATH_MAX], path[PATH_MAX], text[32];
	struct proto_snapshot s;
	struct client c, keep;
	uint32_t busy, deleted;
	ssize_t n;
	int status, fd;

	if (!btrfs_setup()) {
		skip("revert needs a loop-mounted btrfs (root, mkfs.btrfs)");
		return;
	}
	make_btrfs_volume("r", "vol_r", true, revert_root);
	fill_revert_volume(revert_root);
	client_open(&c);
	status = take_snapshot(&c, 90, "R:\\", VSS_CTX_APP_ROLLBACK, &snap);
	check(status == PROTO_OK, "a persistent snapshot of the btrfs volume R: (%s)", proto_status_name(status));
	check(revert_status(&c, "R:\\", &busy) == PROTO_OK && busy == 0, "no revert of R: is running (%u)", busy);

	change_volume(revert_root);
	status = revert(&c, &snap, 0);
	check(status == PROTO_OK, "revert R: to it (%s)", proto_status_name(status));
	check(volume_is_original(revert_root), "files changed, created and deleted since are as in the snapshot");
	check(get_snapshot(&c, &snap, 0xffffffffu, &s) == PROTO_OK, "the snapshot still exists");
	check(!strcmp(device_file(device_number(s.device), "file.txt") ?: "", "original"),
	      "and still reads through its device");
	check(!revert_leftovers(revert_root), "no temporary subvolume or journal is left");
	check(revert_status(&c, "R:\\", &busy) == PROTO_OK && busy == 0, "no revert is running afterwards");

	/* A file open in the volume: refused without force, cut off with it. */
	change_volume(revert_root);
	path_join(path, revert_root, "file.txt");
	fd = open(path, O_RDONLY);
	status = revert(&c, &snap, 0);
	check(status == PROTO_E_VOLUME_IN_USE, "a volume in use is not reverted without force (%s)",
	      proto_status_name(status));
	check(!strcmp(volume_file(revert_root, "file.txt"), "changed"), "and is left as it was");
	status = revert(&c, &snap, 1);
	check(status == PROTO_OK, "with force it is (%s)", proto_status_name(status));
	check(volume_is_original(revert_root), "the volume shows the snapshot's content");
	n = pread(fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = 0;
	check(!strcmp(text, "changed"), "the open file keeps the old tree (%s)", text);
	close(fd);

	/* Auto-release snapshots cannot be reverted to. */
	client_open(&keep);
	status = take_snapshot(&keep, 92, "R:\\", VSS_CTX_BACKUP, &other);
	check(status == PROTO_OK, "an auto-release snapshot of R:");
	status = revert(&c, &other, 1);
	check(status == PROTO_E_UNSUPPORTED_CONTEXT, "reverting to it: unsupported context (%s)",
	      proto_status_name(status));
	client_close(&keep);
	make_guid(&unknown, 99);
	check(revert(&c, &unknown, 1) == PROTO_E_NOT_FOUND, "an unknown snapshot is not found");

	/* reflink (a plain directory of the btrfs) and copy cannot revert. */
	make_btrfs_volume("k", "plain_k", false, root);
	status = take_snapshot(&c, 94, "K:\\", VSS_CTX_APP_ROLLBACK, &other);
	check(status == PROTO_OK, "a persistent reflink snapshot of K:");
	status = revert(&c, &other, 1);
	check(status == PROTO_E_CANNOT_REVERT, "reverting to it: the provider cannot (%s)", proto_status_name(status));
	check(revert_status(&c, "K:\\", &busy) == PROTO_E_VOLUME_NOT_SUPPORTED, "K: is not revertible");
	delete_snapshots(&c, &other, VSS_OBJECT_SNAPSHOT, &deleted);
	status = take_snapshot(&c, 96, "C:\\", VSS_CTX_APP_ROLLBACK, &other);
	check(status == PROTO_OK, "a persistent copy snapshot of C:");
	status = revert(&c, &other, 1);
	check(status == PROTO_E_CANNOT_REVERT, "reverting to it: the provider cannot (%s)", proto_status_name(status));
	check(revert_status(&c, "C:\\", &busy) == PROTO_E_VOLUME_NOT_SUPPORTED, "C: is not revertible");
	delete_snapshots(&c, &other, VSS_OBJECT_SNAPSHOT, &deleted);
	check(revert_status(&c, "Q:\\", &busy) == PROTO_E_NOT_FOUND, "a missing drive is not found");

	/* A subvolume inside the volume would be lost with the old tree. */
	make_btrfs_volume("n", "vol_n", true, root);
	snprintf(path, sizeof(path), "btrfs subvolume create '%s/inner' >/dev/null", root);
	check(!system(path), "a volume N: with a subvolume inside");
	status = take_snapshot(&c, 98, "N:\\", VSS_CTX_APP_ROLLBACK, &other);
	check(status == PROTO_OK, "a persistent btrfs snapshot of N:");
	status = revert(&c, &other, 1);
	check(status == PROTO_E_VOLUME_NOT_SUPPORTED, "reverting N: is not supported (%s)", proto_status_name(status));
	check(revert_status(&c, "N:\\", &busy) == PROTO_E_VOLUME_NOT_SUPPORTED, "N: is not revertible");
	path_join(path, root, "inner");
	check(access(path, F_OK) == 0, "its inner subvolume is still there");
	delete_snapshots(&c, &other, VSS_OBJECT_SNAPSHOT, &deleted);

	delete_snapshots(&c, &snap, VSS_OBJECT_SNAPSHOT, &deleted);
	client_close(&c);
}

/* The agent dies in the middle of a revert: once it runs again the volume
 * is whole, back as it was before the swap started, or reverted once the
 * live tree had been moved aside. */
/* While a revert runs (held back by WINEVSSD_REVERT_DELAY_MS), the status
 * of its volume says so and a second revert of the volume is refused. */
static void test_revert_in_progress(void)
{
	struct proto_guid snap;
	struct proto_writer w;
	struct client c, other;
	uint32_t busy = 0, deleted;
	int status, sent;

	if (!btrfs_mnt[0] || !revert_root[0]) {
		skip("revert needs a loop-mounted btrfs (root, mkfs.btrfs)");
		return;
	}
	stop_agent(SIGTERM);
	revert_delay = "1500";
	start_agent();
	revert_delay = NULL;
	client_open(&c);
	client_open(&other);
	status = take_snapshot(&c, 110, "R:\\", VSS_CTX_APP_ROLLBACK, &snap);
	check(status == PROTO_OK, "a persistent snapshot of R: (%s)", proto_status_name(status));

	begin(&c, &w, PROTO_REVERT);
	proto_put_guid(&w, &snap);
	proto_put_u32(&w, 1);
	sent = client_send(&c, &w);
	usleep(300000);
	status = revert_status(&other, "R:\\", &busy);
	check(status == PROTO_OK && busy == 1, "a revert under way shows (%s, %u)", proto_status_name(status), busy);
	status = revert(&other, &snap, 1);
	check(status == PROTO_E_REVERT_IN_PROGRESS, "a second revert of the volume meanwhile: in progress (%s)",
	      proto_status_name(status));
	status = sent ? -1 : client_receive(&c);
	proto_writer_free(&w);
	check(status == PROTO_OK, "the first revert finishes (%s)", proto_status_name(status));
	check(revert_status(&other, "R:\\", &busy) == PROTO_OK && busy == 0, "and is no longer under way");
	delete_snapshots(&c, &snap, VSS_OBJECT_SNAPSHOT, &deleted);
	client_close(&c);
	client_close(&other);
	stop_agent(SIGTERM);
	start_agent();
}

static void test_revert_crash(void)
{
	static const struct { const char *point; bool reverted; } cases[] = {
		{ "revert-new", false },
		{ "revert-aside", true },
		{ "revert-in", true },
	};
	struct proto_guid snap;
	struct client c;
	uint32_t deleted;
	unsigned int i;
	int status;

	if (!revert_root[0]) {
		skip("revert needs a loop-mounted btrfs (root, mkfs.btrfs)");
		return;
	}
	client_open(&c);
	status = take_snapshot(&c, 100, "R:\\", VSS_CTX_APP_ROLLBACK, &snap);
	check(status == PROTO_OK, "a persistent snapshot of R: (%s)", proto_status_name(status));
	client_close(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stop_agent(SIGTERM);
		crash_at = cases[i].point;
		start_agent();
		crash_at = NULL;
		change_volume(revert_root);
		client_open(&c);
		check(revert(&c, &snap, 1) == -1, "crash at %s: the client sees the connection end", cases[i].point);
		client_close(&c);
		waitpid(agent_pid, NULL, 0);
		agent_pid = 0;
		if (!strcmp(cases[i].point, "revert-aside"))
			check(access(revert_root, F_OK) < 0, "crash at %s: the root was moved aside", cases[i].point);

		start_agent();
		check(access(revert_root, F_OK) == 0, "crash at %s: the volume's root exists after the restart",
		      cases[i].point);
		if (cases[i].reverted)
			check(volume_is_original(revert_root), "crash at %s: the revert was completed", cases[i].point);
		else
			check(!strcmp(volume_file(revert_root, "file.txt"), "changed"),
			      "crash at %s: the volume is as before the revert", cases[i].point);
		check(!revert_leftovers(revert_root), "crash at %s: nothing is left over", cases[i].point);
	}
	client_open(&c);
	delete_snapshots(&c, &snap, VSS_OBJECT_SNAPSHOT, &deleted);
	client_close(&c);
}

/* 512 snapshots per volume, as Windows: the 513th is refused until one is
 * deleted. */
static void test_snapshot_limit(void)
{
	struct proto_guid set, snap, extra;
	struct proto_writer w;
	char root[PATH_MAX];
	unsigned int i, made = 0;
	struct client c;
	uint32_t deleted, total = 0;
	int status;

	if (!revert_root[0]) {
		skip("512 btrfs snapshots need a loop-mounted btrfs (root, mkfs.btrfs)");
		return;
	}
	make_btrfs_volume("l", "vol_l", true, root);
	client_open(&c);
	for (i = 0; i < 512; i++)
		made += take_snapshot(&c, 10000 + 2 * i, "L:\\", VSS_CTX_APP_ROLLBACK, &snap) == PROTO_OK;
	check(made == 512, "512 persistent snapshots of L: (%u made)", made);
	make_guid(&set, 9000);
	make_guid(&extra, 9001);
	check(begin_set(&c, &set, VSS_CTX_APP_ROLLBACK) == PROTO_OK, "begin a set for the 513th");
	status = add_volume(&c, &set, "L:\\", &extra);
	check(status == PROTO_E_MAX_SNAPSHOTS, "the 513th is refused (%s)", proto_status_name(status));
	begin(&c, &w, PROTO_ABORT_SET);
	proto_put_guid(&w, &set);
	proto_put_u32(&w, 1);
	check(simple(&c, &w) == PROTO_OK, "abort that set");

	make_guid(&set, 10000);
	check(delete_snapshots(&c, &set, VSS_OBJECT_SNAPSHOT_SET, &deleted) == PROTO_OK, "delete one");
	status = take_snapshot(&c, 9002, "L:\\", VSS_CTX_APP_ROLLBACK, &extra);
	check(status == PROTO_OK, "then one more can be made (%s)", proto_status_name(status));

	delete_all(&c, 10002, 10000 + 2 * 511);
	delete_snapshots(&c, &extra, VSS_OBJECT_SNAPSHOT, &deleted);
	query_count(&c, 0xffffffffu, &total);
	check(total == 0, "all deleted (%u left)", total);
	client_close(&c);
}

/* --- exposure, transport, break --- */

#define VSS_CTX_TRANSPORTABLE_ROLLBACK (VSS_CTX_APP_ROLLBACK | 0x20)
#define ATTR_IMPORTED 0x00080000
#define ATTR_EXPOSED_LOCALLY 0x00100000

static int expose(struct client *c, const struct proto_guid *id, const char *target, char *name, char *dir)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_EXPOSE_SNAPSHOT);
	proto_put_guid(&w, id);
	proto_put_u32(&w, 0xffffffffu);
	proto_put_string(&w, target);
	status = simple(c, &w);
	if (status == PROTO_OK) {
		snprintf(name, PATH_MAX, "%s", proto_get_string(&c->r));
		snprintf(dir, PATH_MAX, "%s", proto_get_string(&c->r));
		if (proto_reader_end(&c->r))
			return -1;
	}
	return status;
}

static int unexpose(struct client *c, const struct proto_guid *id)
{
	struct proto_writer w;

	begin(c, &w, PROTO_UNEXPOSE_SNAPSHOT);
	proto_put_guid(&w, id);
	proto_put_u32(&w, 0xffffffffu);
	return simple(c, &w);
}

/* Makes a one-volume set of C: in the context; returns the status. */
static int make_set(struct client *c, const struct proto_guid *set, const struct proto_guid *snap,
		    uint32_t context)
{
	int status;

	if ((status = begin_set(c, set, context)) || (status = add_volume(c, set, "C:\\", snap)))
		return status;
	return commit_set(c, set);
}

static bool is_empty_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && rmdir(path) == 0 && mkdir(path, 0755) == 0;
}

static void test_expose(void)
{
	char mnt[PATH_MAX], name[PATH_MAX], dir[PATH_MAX], file[PATH_MAX], *text;
	struct proto_guid set, snap, other;
	struct proto_snapshot s;
	struct client c;
	uint32_t deleted;
	int status;

	make_guid(&set, 60);
	make_guid(&snap, 61);
	make_guid(&other, 62);
	snprintf(mnt, sizeof(mnt), "%s/vol_d/mnt", top);
	mkdir(mnt, 0755);
	client_open(&c);
	check(make_set(&c, &set, &snap, VSS_CTX_APP_ROLLBACK) == PROTO_OK, "a persistent snapshot to expose");

	check(expose(&c, &other, "D:\\mnt", name, dir) == PROTO_E_NOT_FOUND, "exposing an unknown snapshot: not found");
	check(expose(&c, &snap, "D:\\missing", name, dir) == PROTO_E_BAD_TARGET, "a missing folder is refused");
	check(expose(&c, &snap, "D:\\", name, dir) == PROTO_E_BAD_TARGET, "a drive in use is refused");
	check(expose(&c, &snap, "D:\\file.txt", name, dir) == PROTO_E_BAD_TARGET, "a file is refused");
	path_join(file, mnt, "x");
	write_file(file, "x");
	check(expose(&c, &snap, "D:\\mnt\\", name, dir) == PROTO_E_BAD_TARGET, "a folder that is not empty is refused");
	unlink(file);

	status = expose(&c, &snap, "D:\\mnt", name, dir);
	check(status == PROTO_OK && !strcmp(name, "D:\\mnt\\"), "expose in an empty folder (%d, %s)", status, name);
	path_join(file, mnt, "file.txt");
	text = read_file(file);
	check(text && !strcmp(text, "original"), "the folder shows the snapshot (%s)", text ? text : "nothing");
	status = get_snapshot(&c, &snap, 0xffffffffu, &s);
	check(status == PROTO_OK && !strcmp(s.exposed_name, "D:\\mnt\\") && (s.attributes & ATTR_EXPOSED_LOCALLY),
	      "the properties name the folder (%s, %#x)", status ? "?" : s.exposed_name, s.attributes);
	check(expose(&c, &snap, "D:\\mnt", name, dir) == PROTO_E_PROVIDER_VETO, "a second exposure is vetoed");
	check(unexpose(&c, &snap) == PROTO_OK && is_empty_dir(mnt), "unexposing gives the empty folder back");
	check(unexpose(&c, &snap) == PROTO_E_NOT_FOUND, "unexposing again: not found");

	status = expose(&c, &snap, "q:", name, dir);
	check(status == PROTO_OK && !strcmp(name, "Q:") && dir[0] == '/',
	      "a free drive letter is reserved, with the snapshot's directory (%s)", dir);
	check(get_snapshot(&c, &snap, 0xffffffffu, &s) == PROTO_OK && !strcmp(s.exposed_name, "Q:"),
	      "the properties name the letter");
	check(unexpose(&c, &snap) == PROTO_OK, "unexpose the letter");

	check(expose(&c, &snap, "D:\\mnt\\", name, dir) == PROTO_OK, "expose in the folder again");
	stop_agent(SIGTERM);
	start_agent();
	client_close(&c);
	client_open(&c);
	check(get_snapshot(&c, &snap, 0xffffffffu, &s) == PROTO_OK && !strcmp(s.exposed_name, "D:\\mnt\\"),
	      "the exposure survives an agent restart");
	status = delete_snapshots(&c, &snap, VSS_OBJECT_SNAPSHOT, &deleted);
	check(status == PROTO_OK && deleted == 1 && is_empty_dir(mnt), "deleting the snapshot unexposes it (%d)", status);
	client_close(&c);
	rmdir(mnt);
}

/* A second prefix of the same host, with an agent of its own. */
static char prefix_a[PATH_MAX], prefix_b[PATH_MAX];
static pid_t agent_a, agent_b;

static void switch_to(const char *p)
{
	if (!strcmp(p, prefix_a)) {
		agent_b = agent_pid;
		agent_pid = agent_a;
	} else {
		agent_a = agent_pid;
		agent_pid = agent_b;
	}
	snprintf(prefix, sizeof(prefix), "%s", p);
}

static int get_locator(struct client *c, const struct proto_guid *id, char *locator)
{
	struct proto_writer w;
	int status;

	begin(c, &w, PROTO_GET_LOCATOR);
	proto_put_guid(&w, id);
	proto_put_u32(&w, 0xffffffffu);
	if ((status = simple(c, &w)) == PROTO_OK)
		snprintf(locator, PATH_MAX, "%s", proto_get_string(&c->r));
	return status;
}

static void write_import(struct client *c, struct proto_writer *w, const struct proto_guid *set,
			 const struct proto_guid *ids, const char *const *locators, unsigned int n)
{
	unsigned int i;

	begin(c, w, PROTO_IMPORT_SNAPSHOTS);
	proto_put_guid(w, set);
	proto_put_u32(w, 0xffffffffu);
	proto_put_u32(w, n);
	for (i = 0; i < n; i++) {
		struct proto_import in = {
			.id = ids[i], .attributes = VSS_CTX_TRANSPORTABLE_ROLLBACK, .original_volume = "\\\\?\\Volume{x}\\",
			.originating_machine = "host", .locator = locators[i],
		};
		proto_put_import(w, &in);
	}
}

static int import(struct client *c, const struct proto_guid *set, const struct proto_guid *ids,
		  const char *const *locators, unsigned int n)
{
	struct proto_writer w;

	write_import(c, &w, set, ids, locators, n);
	return simple(c, &w);
}

/* Two clients ask at once: the imports run one after the other, and only
 * the first gets the set. */
static void test_concurrent_import(const struct proto_guid *set, const struct proto_guid *id, const char *locator)
{
	struct proto_writer w1, w2;
	struct client c1, c2;
	int s1, s2;

	client_open(&c1);
	client_open(&c2);
	write_import(&c1, &w1, set, id, &locator, 1);
	write_import(&c2, &w2, set, id, &locator, 1);
	s1 = client_send(&c1, &w1) ? -1 : 0;
	s2 = client_send(&c2, &w2) ? -1 : 0;
	if (!s1)
		s1 = client_receive(&c1);
	if (!s2)
		s2 = client_receive(&c2);
	proto_writer_free(&w1);
	proto_writer_free(&w2);
	check((s1 == PROTO_OK && s2 == PROTO_E_EXISTS) || (s1 == PROTO_E_EXISTS && s2 == PROTO_OK),
	      "two imports of one set at once: one gets it, the other hears it exists (%d, %d)", s1, s2);
	client_close(&c1);
	client_close(&c2);
}

static int break_set(struct client *c, const struct proto_guid *set, uint32_t flags)
{
	struct proto_writer w;

	begin(c, &w, PROTO_BREAK_SET);
	proto_put_guid(&w, set);
	proto_put_u32(&w, 0xffffffffu);
	proto_put_u32(&w, flags);
	return simple(c, &w);
}

static bool claim_exists(const char *locator)
{
	char path[PATH_MAX];
	const char *slash = strrchr(locator, '/');

	snprintf(path, sizeof(path), "%.*s/.%s.winevss-import", (int)(slash - locator), locator, slash + 1);
	return access(path, F_OK) == 0;
}

static void test_transport(void)
{
	char locator[PATH_MAX], locator2[PATH_MAX], file[PATH_MAX], *text;
	struct proto_guid set, snap, set2, snap2, plain_set, plain, ids[2], bad_set;
	const char *locators[2];
	struct proto_snapshot s;
	struct client a, b;
	uint32_t count = 0, deleted;
	int status;

	make_guid(&set, 70);
	make_guid(&snap, 71);
	make_guid(&set2, 72);
	make_guid(&snap2, 73);
	make_guid(&plain_set, 74);
	make_guid(&plain, 75);
	make_guid(&bad_set, 76);
	snprintf(prefix_a, sizeof(prefix_a), "%s", prefix);
	path_join(prefix_b, top, "prefix-b");
	mkdir(prefix_b, 0755);
	path_join(file, prefix_b, "dosdevices");
	mkdir(file, 0755);

	client_open(&a);
	check(make_set(&a, &set, &snap, VSS_CTX_TRANSPORTABLE_ROLLBACK) == PROTO_OK, "a transportable set in prefix A");
	check(make_set(&a, &set2, &snap2, VSS_CTX_TRANSPORTABLE_ROLLBACK) == PROTO_OK, "a second one");
	check(make_set(&a, &plain_set, &plain, VSS_CTX_APP_ROLLBACK) == PROTO_OK, "and one not transportable");
	check(get_locator(&a, &snap, locator) == PROTO_OK && locator[0] == '/', "its locator is a host path (%s)",
	      locator);
	check(get_locator(&a, &snap2, locator2) == PROTO_OK, "the second one's");
	check(get_locator(&a, &plain, file) == PROTO_E_NOT_FOUND, "a snapshot that is not transportable has none");
	check(break_set(&a, &plain_set, 0) == PROTO_E_PROVIDER_VETO, "breaking a set made here is vetoed");

	switch_to(prefix_b);
	start_agent();
	client_open(&b);
	ids[0] = snap;
	ids[1] = snap2;
	locators[0] = locator;
	locators[1] = "/etc";
	check(import(&b, &set, ids, locators, 2) == PROTO_E_NOT_FOUND, "an import naming a non-snapshot fails");
	check(query_count(&b, 0xffffffffu, &count) == PROTO_OK && count == 0 && !claim_exists(locator),
	      "and leaves nothing registered or claimed (%u)", count);
	locators[0] = "relative/path";
	check(import(&b, &set, ids, locators, 1) == PROTO_E_NOT_FOUND, "a relative locator is refused");
	snprintf(file, sizeof(file), "%s/../%s", prefix_a, strrchr(locator, '/') + 1);
	locators[0] = file;
	check(import(&b, &set, ids, locators, 1) == PROTO_E_NOT_FOUND, "a locator with .. is refused");

	snprintf(file, sizeof(file), "%.*s/{0000004b-0000-0000-0000-00000000005a}",
		 (int)(strrchr(locator, '/') - locator), locator);
	locators[0] = file;
	check(access(file, F_OK) == 0 && import(&b, &set, ids, locators, 1) == PROTO_E_NOT_FOUND,
	      "a snapshot its prefix never offered for transport is refused");
	locators[0] = locator;
	status = import(&b, &set, ids, locators, 1);
	check(status == PROTO_OK && proto_get_u32(&b.r) == 1, "prefix B imports the set (%d)", status);
	check(import(&b, &set, ids, locators, 1) == PROTO_E_EXISTS, "a set is imported once");
	status = get_snapshot(&b, &snap, 0xffffffffu, &s);
	check(status == PROTO_OK && (s.attributes & ATTR_IMPORTED), "B lists it as imported (%#x)", s.attributes);
	text = status ? NULL : device_file(device_number(s.device), "file.txt");
	check(text && !strcmp(text, "original"), "B's device shows the snapshot (%s)", text ? text : "nothing");

	switch_to(prefix_a);
	check(get_snapshot(&a, &snap, 0xffffffffu, &s) == PROTO_E_NOT_FOUND && access(locator, F_OK) == 0,
	      "A forgets it without deleting it");
	check(delete_snapshots(&a, &set, VSS_OBJECT_SNAPSHOT_SET, &deleted) == PROTO_E_NOT_FOUND,
	      "A cannot delete it any more");

	switch_to(prefix_b);
	check(break_set(&b, &set, 0x2) == PROTO_E_PROVIDER_VETO, "only btrfs snapshots can be made writable");
	check(break_set(&b, &set, 0) == PROTO_OK && proto_get_u32(&b.r) == 1, "B breaks the imported set");
	check(get_snapshot(&b, &snap, 0xffffffffu, &s) == PROTO_E_NOT_FOUND && access(locator, F_OK) == 0,
	      "the broken snapshot leaves VSS and stays on the host");
	check(break_set(&b, &set, 0) == PROTO_E_NOT_FOUND, "breaking it again: not found");

	test_concurrent_import(&set2, &snap2, locator2);
	ids[0] = snap2;
	locators[0] = locator2;
	check(import(&b, &set2, ids, locators, 1) == PROTO_E_EXISTS, "B has the second set already");
	check(delete_snapshots(&b, &set2, VSS_OBJECT_SNAPSHOT_SET, &deleted) == PROTO_OK && deleted == 1,
	      "B deletes it");
	check(access(locator2, F_OK) < 0 && claim_exists(locator2), "the host snapshot is gone, the claim stays for A");
	client_close(&b);
	stop_agent(SIGTERM);

	switch_to(prefix_a);
	status = query_count(&a, 0xffffffffu, &count);
	check(status == PROTO_OK && count == 1, "A keeps only its own set (%d, %u)", status, count);
	check(!claim_exists(locator2), "A forgot the deleted snapshot and removed the claim");
	delete_snapshots(&a, &plain_set, VSS_OBJECT_SNAPSHOT_SET, &deleted);
	client_close(&a);
	/* What the break left (snapshot, marker, claim) is the test's now. */
	check(snap_delete(locator) == SNAP_OK, "the broken snapshot can be deleted on the host");
	snprintf(file, sizeof(file), "%.*s/.%s.winevss-import", (int)(strrchr(locator, '/') - locator), locator,
		 strrchr(locator, '/') + 1);
	unlink(file);
	snprintf(file, sizeof(file), "%.*s/.%s.winevss-transportable", (int)(strrchr(locator, '/') - locator),
		 locator, strrchr(locator, '/') + 1);
	unlink(file);
	check(count_storage() == 0, "nothing left in A's storage");
}

/* An agent that runs as an ordinary user, as it does for most Wine users,
 * meets a file it may not read: the host's "permission denied" reaches the
 * client as PROTO_E_DENIED (E_ACCESSDENIED in the DLL), and the set leaves
 * nothing behind. */
static void test_unprivileged(void)
{
	static const uid_t nobody = 65534;
	char saved[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
	struct proto_guid set, snap;
	struct client c;
	pid_t root_agent = agent_pid;
	int status;

	if (geteuid()) {
		skip("running the agent as another user needs root");
		return;
	}
	snprintf(saved, sizeof(saved), "%s", prefix);
	path_join(prefix, top, "prefix-user");
	mkdir(prefix, 0755);
	path_join(path, prefix, "dosdevices");
	mkdir(path, 0755);
	path_join(dir, top, "vol_user");
	mkdir(dir, 0755);
	path_join(path, dir, "readable.txt");
	write_file(path, "anyone may read this");
	if (chown(prefix, nobody, nobody) || chown(dir, nobody, nobody) || chown(path, nobody, nobody))
		perror("chown");
	/* Root's, and root's alone. */
	path_join(path, dir, "secret.txt");
	write_file(path, "root only");
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/dosdevices/c:", prefix);
	if (symlink(dir, path) || lchown(path, nobody, nobody))
		perror(path);

	agent_uid = nobody;
	agent_pid = 0;
	start_agent();
	agent_uid = 0;
	make_guid(&set, 90);
	make_guid(&snap, 91);
	client_open(&c);
	status = begin_set(&c, &set, VSS_CTX_BACKUP);
	if (!status)
		status = add_volume(&c, &set, "C:\\", &snap);
	if (!status)
		status = commit_set(&c, &set);
	check(status == PROTO_E_DENIED, "a file the agent may not read: denied (%d)", status);
	check(count_devices() == 0 && count_storage() == 0, "and nothing is left of the set");
	client_close(&c);
	stop_agent(SIGTERM);

	agent_pid = root_agent;
	snprintf(prefix, sizeof(prefix), "%s", saved);
}

static void cleanup(void)
{
	char cmd[PATH_MAX + 32];

	stop_agent(SIGTERM);
	btrfs_cleanup();
	if (top[0] && getenv("TEST_AGENT_VERBOSE")) {
		snprintf(cmd, sizeof(cmd), "cat '%s/agent.log'", top);
		if (system(cmd)) {}
	}
	if (on_tmpfs)
		umount2(top, MNT_DETACH);
	if (top[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd)) {}
	}
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], base[PATH_MAX];

	agent_binary = argc > 1 ? argv[1] : getenv("WINEVSS_AGENT");
	if (!agent_binary || argc > 2) {
		fprintf(stderr, "usage: test-agent [AGENT_BINARY]  (default: $WINEVSS_AGENT)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	snprintf(base, sizeof(base), "%s/winevss-agent-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(base))
		return 2;
	snprintf(top, sizeof(top), "%s", base);
	atexit(cleanup);
	/* As root, everything lives on a private tmpfs, which lets a test fill
	 * it; the copy provider serves it. */
	if (!geteuid() && !mount("tmpfs", top, "tmpfs", 0, "size=160m"))
		on_tmpfs = true;
	path_join(prefix, top, "prefix");
	mkdir(prefix, 0755);
	path_join(dir, prefix, "dosdevices");
	mkdir(dir, 0755);
	path_join(dir, top, "vol_c");
	make_volume("c", dir);
	path_join(dir, top, "vol_d");
	make_volume("d", dir);

	start_agent();
	test_authentication();
	test_resolve();
	test_providers();
	test_provider_config();
	test_mount_folder();
	test_backup_set();
	test_client_killed();
	test_persistent();
	test_crash_points();
	test_write_hold();
	test_agent_killed_during_commit();
	test_all_or_nothing();
	test_expose();
	test_transport();
	test_unprivileged();
	test_revert();
	test_revert_in_progress();
	test_revert_crash();
	test_snapshot_limit();

	printf("test-agent: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed != 0;
}
