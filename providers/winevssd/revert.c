/*
 * winevssd: RevertToSnapshot and QueryRevertStatus.
 *
 * Only the btrfs provider reverts, and only a volume that is a btrfs
 * subvolume of its own: its root is swapped for a writable snapshot of the
 * read-only snapshot, in constant time whatever the size of the volume.
 * Everything happens in the directory that holds the volume's root ROOT:
 *
 *   1. journal  $state_dir/revert-{SNAPSHOT}.journal names ROOT
 *   2. new      writable snapshot of the snapshot at .ROOT.winevss-revert-new
 *   3. aside    rename ROOT to .ROOT.winevss-revert-old
 *   4. in       rename .ROOT.winevss-revert-new to ROOT
 *   5. drop     delete the old subvolume, then the journal
 *
 * A crash leaves the journal behind.  revert_recover() reads it at start-up
 * and goes forward when step 3 was done (the old tree is out of sight
 * already), back otherwise, so ROOT is never missing once the agent runs
 * again.  The snapshot itself, and every other snapshot of the volume, stay
 * (docs/decisions.md).
 *
 * The drive's dosdevices link still names ROOT, so Wine shows the reverted
 * tree at once.  Files open inside the volume and working directories there
 * keep the old tree: without force that is refused (the volume is in use);
 * with force they are cut off from the volume, as a dismount would do.
 */

#include <btrfsutil.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "requests.h"
#include "volume.h"

#define JOURNAL_PREFIX "revert-"
#define JOURNAL_SUFFIX ".journal"

/* A revert under way; one per volume at a time.  The list is the agent's
 * (agent->reverts), protected by agent->lock. */
struct revert_running {
	struct revert_running *next;
	const char *name;              /* \\?\Volume{GUID}\ of the volume */
	const char *root;              /* its Unix root, as the catalog has it */
};


/* The three places of one revert, all in the directory of the root. */
struct revert_paths {
	char root[PATH_MAX];
	char fresh[PATH_MAX];          /* step 2: the snapshot's writable copy */
	char old[PATH_MAX];            /* step 3: the live tree, set aside */
};

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool path_below(const char *path, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == 0);
}

/* The hidden names beside the root are derived from it, never read from a
 * journal, so that recovery can only ever touch these two names. */
static int revert_paths(const char *root, struct revert_paths *p)
{
	const char *slash = strrchr(root, '/');
	int n = slash ? (int)(slash - root) : 0;

	if (!slash || !slash[1] || strchr(root, '\n'))
		return -EINVAL;
	if (snprintf(p->root, sizeof(p->root), "%s", root) >= (int)sizeof(p->root) ||
	    snprintf(p->fresh, sizeof(p->fresh), "%.*s/.%s.winevss-revert-new", n, root, slash + 1)
			>= (int)sizeof(p->fresh) ||
	    snprintf(p->old, sizeof(p->old), "%.*s/.%s.winevss-revert-old", n, root, slash + 1)
			>= (int)sizeof(p->old))
		return -ENAMETOOLONG;
	return 0;
}

/* Caller holds agent->lock.  A drive is matched by its volume name too:
 * between steps 3 and 4 its root does not exist and cannot be resolved. */
static bool revert_is_running(struct agent *a, const char *name, const char *root)
{
	struct revert_running *e;

	for (e = a->reverts; e; e = e->next)
		if ((name && *name && !strcasecmp(e->name, name)) || (root && !strcmp(e->root, root)))
			return true;
	return false;
}

static int revert_claim(struct agent *a, const struct catalog_snapshot *c, struct revert_running *entry)
{
	int status = PROTO_OK;

	entry->name = c->volume_name;
	entry->root = c->volume_root;
	pthread_mutex_lock(&a->lock);
	if (revert_is_running(a, entry->name, entry->root)) {
		status = PROTO_E_REVERT_IN_PROGRESS;
	} else {
		entry->next = a->reverts;
		a->reverts = entry;
	}
	pthread_mutex_unlock(&a->lock);
	return status;
}

static void revert_unclaim(struct agent *a, struct revert_running *entry)
{
	struct revert_running **e;

	pthread_mutex_lock(&a->lock);
	for (e = &a->reverts; *e; e = &(*e)->next)
		if (*e == entry) {
			*e = entry->next;
			break;
		}
	pthread_mutex_unlock(&a->lock);
}

/* Whether the root is a mount point (it cannot be renamed) or something is
 * mounted inside it (it would go with the old tree). */
static bool mounts_at_or_below(const char *root)
{
	char line[2 * PATH_MAX], point[PATH_MAX];
	bool found = false;
	FILE *f;

	if (!(f = fopen("/proc/self/mountinfo", "re")))
		return true;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1)
			found = path_below(mountinfo_unescape(point), root);
	fclose(f);
	return found;
}

/* Whether the btrfs provider can revert the volume rooted at root:
 * PROTO_OK; PROTO_E_CANNOT_REVERT when it is not a btrfs subvolume root;
 * PROTO_E_VOLUME_NOT_SUPPORTED when other volumes live inside it, which
 * the swap would take away from the volume (docs/decisions.md). */
static int revert_capable(const char *root)
{
	struct btrfs_util_subvolume_iterator *iter;
	enum btrfs_util_error err;
	uint64_t id;
	char *path;

	if (btrfs_util_is_subvolume(root))
		return PROTO_E_CANNOT_REVERT;
	if (mounts_at_or_below(root))
		return PROTO_E_VOLUME_NOT_SUPPORTED;
	/* Unprivileged listing needs Linux 4.18; without it we cannot tell,
	 * and refuse rather than risk losing a nested volume. */
	if (btrfs_util_create_subvolume_iterator(root, 0, 0, &iter)) {
		log_error("revert: cannot list the subvolumes below %s: %s", root, strerror(errno));
		return PROTO_E_VOLUME_NOT_SUPPORTED;
	}
	err = btrfs_util_subvolume_iterator_next(iter, &path, &id);
	btrfs_util_destroy_subvolume_iterator(iter);
	if (!err) {
		log_info("revert: %s holds the subvolume %s", root, path);
		free(path);
	}
	return err == BTRFS_UTIL_ERROR_STOP_ITERATION ? PROTO_OK : PROTO_E_VOLUME_NOT_SUPPORTED;
}

static bool link_below(const char *link, const char *root)
{
	char target[PATH_MAX];
	ssize_t n;

	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return false;
	target[n] = 0;
	return path_below(target, root);
}

/* Whether any process has a file open, its working directory, its root or
 * its executable inside the volume.  Processes we may not inspect are not
 * seen (an unprivileged agent sees its user's only). */
static bool volume_in_use(const char *root)
{
	static const char * const links[] = { "cwd", "root", "exe" };
	char path[PATH_MAX];
	struct dirent *p, *f;
	DIR *proc, *fds;
	bool used = false;
	size_t i;

	if (!(proc = opendir("/proc")))
		return false;
	while (!used && (p = readdir(proc))) {
		if (!isdigit((unsigned char)p->d_name[0]) || atoi(p->d_name) == getpid())
			continue;
		for (i = 0; !used && i < sizeof(links) / sizeof(links[0]); i++) {
			snprintf(path, sizeof(path), "/proc/%s/%s", p->d_name, links[i]);
			used = link_below(path, root);
		}
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if (used || !(fds = opendir(path)))
			continue;
		while (!used && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			used = link_below(path, root);
		}
		closedir(fds);
		if (used)
			log_info("revert: process %s uses %s", p->d_name, root);
	}
	closedir(proc);
	return used;
}

static void journal_name(const struct proto_guid *id, char out[64])
{
	char text[39];

	guid_to_string(id, text);
	snprintf(out, 64, JOURNAL_PREFIX "%s" JOURNAL_SUFFIX, text);
}

static void journal_remove(struct agent *a, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", a->state_dir, name);
	if (unlink(path) < 0 && errno != ENOENT)
		log_error("revert: removing %s: %s", path, strerror(errno));
}

/* The renames must be on disk before the journal that describes them
 * goes, and the journal is on another file system: a full commit of the
 * volume's file system (btrfs may leave subvolume renames out of a
 * directory fsync). */
static void sync_fs_of(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		return;
	*slash = 0;
	if ((fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (syncfs(fd) < 0)
			log_error("revert: syncing %s: %s", dir, strerror(errno));
		close(fd);
	}
}

static int delete_subvolume(const char *path)
{
	errno = 0;
	if (btrfs_util_delete_subvolume(path, 0)) {
		log_error("revert: deleting the subvolume %s: %s", path, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* Steps 1 to 5 for a volume that may be reverted; the caller has claimed
 * it. */
static int revert_swap(struct agent *a, const struct revert_paths *p, const char *snapshot, const char *journal)
{
	char text[PATH_MAX + 2];
	int r, saved;

	if (exists(p->fresh) || exists(p->old)) {
		/* Only a failed deletion leaves these; the next start retries it. */
		log_error("revert: %s or %s is still there", p->fresh, p->old);
		return PROTO_E_PROVIDER_VETO;
	}
	snprintf(text, sizeof(text), "%s\n", p->root);
	if ((r = write_file_atomic(a->state_dir, journal, text, strlen(text), 0600))) {
		log_error("revert: journal %s: %s", journal, strerror(-r));
		return PROTO_E_INTERNAL;
	}
	errno = 0;
	if (btrfs_util_create_snapshot(snapshot, p->fresh, 0, NULL, NULL)) {
		saved = errno ? errno : EIO;
		log_error("revert: snapshot of %s at %s: %s", snapshot, p->fresh, strerror(saved));
		journal_remove(a, journal);
		return map_snap_error(snap_error_from_errno(saved));
	}
	crash_point("revert-new");
	if (rename(p->root, p->old) < 0) {
		saved = errno;
		log_error("revert: moving %s aside: %s", p->root, strerror(saved));
		if (!delete_subvolume(p->fresh))
			journal_remove(a, journal);
		return saved == EBUSY ? PROTO_E_VOLUME_IN_USE : PROTO_E_PROVIDER_FAILED;
	}
	crash_point("revert-aside");
	if (rename(p->fresh, p->root) < 0) {
		log_error("revert: moving %s in: %s", p->fresh, strerror(errno));
		if (rename(p->old, p->root) < 0)
			return PROTO_E_PROVIDER_FAILED;   /* the journal finishes it at the next start */
		if (!delete_subvolume(p->fresh))
			journal_remove(a, journal);
		return PROTO_E_PROVIDER_FAILED;
	}
	sync_fs_of(p->root);
	crash_point("revert-in");
	/* The revert is done; an old tree that cannot be deleted now keeps
	 * its journal, so that the next start tries again. */
	if (!delete_subvolume(p->old))
		journal_remove(a, journal);
	return PROTO_OK;
}

/* Test knob: WINEVSSD_REVERT_DELAY_MS=<ms> in the agent's environment
 * holds every revert back that long before it swaps anything, so that a
 * test can see one under way. */
static void revert_test_delay(void)
{
	const char *delay = getenv("WINEVSSD_REVERT_DELAY_MS");
	long ms = delay ? strtol(delay, NULL, 10) : 0;

	if (ms > 0)
		usleep((useconds_t)(ms < 60000 ? ms : 60000) * 1000);
}

static int revert_volume(struct agent *a, const struct catalog_snapshot *c, const struct proto_guid *id,
			 bool force)
{
	struct revert_paths p;
	char journal[64];
	int status;

	if (revert_paths(c->volume_root, &p))
		return PROTO_E_VOLUME_NOT_SUPPORTED;
	if (!exists(p.root))
		return PROTO_E_NOT_FOUND;
	if ((status = revert_capable(p.root)))
		return status;
	if (!force && volume_in_use(p.root))
		return PROTO_E_VOLUME_IN_USE;
	revert_test_delay();
	journal_name(id, journal);
	return revert_swap(a, &p, c->storage, journal);
}

void handle_revert(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct revert_running entry;
	struct catalog_snapshot *c;
	struct record_list list;
	struct proto_guid id;
	uint32_t force;
	char text[39];
	int status;

	proto_get_guid(r, &id);
	force = proto_get_u32(r);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	if (!(status = record_find(a, &id, VSS_CTX_ALL, &list))) {
		c = &list.items[0];
		if (!(c->attributes & VSS_VOLSNAP_ATTR_PERSISTENT))
			status = PROTO_E_UNSUPPORTED_CONTEXT;
		else if (strcmp(c->provider, snap_provider_btrfs.name))
			status = PROTO_E_CANNOT_REVERT;
		else if (!(status = revert_claim(a, c, &entry))) {
			status = revert_volume(a, c, &id, force);
			revert_unclaim(a, &entry);
		}
		guid_to_string(&id, text);
		log_info("session %llu: revert of %s to %s%s: %s", (unsigned long long)s->id, c->volume_root,
			 text, force ? " (forced)" : "", proto_status_name(status));
	}
	records_free(&list);
	respond_status(w, status);
}

void handle_revert_status(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct proto_volume v;
	char *root = NULL;
	bool busy;
	int status;

	proto_get_volume(r, &v);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	pthread_mutex_lock(&a->lock);
	busy = revert_is_running(a, v.name, NULL);
	pthread_mutex_unlock(&a->lock);
	if (!busy) {
		if ((status = volume_resolve(a, v.root, &root)))
			return respond_status(w, status);
		pthread_mutex_lock(&a->lock);
		busy = revert_is_running(a, NULL, root);
		pthread_mutex_unlock(&a->lock);
		status = busy ? PROTO_OK : revert_capable(root);
		free(root);
		if (status)
			return respond_status(w, PROTO_E_VOLUME_NOT_SUPPORTED);
	}
	respond_status(w, PROTO_OK);
	proto_put_u32(w, busy);
}

/* One journal: forward when the live root is gone (step 3 was done), back
 * when only the old tree is left, then the leftovers go.  The journal stays
 * while anything could not be done, for the next start. */
static void recover_one(struct agent *a, const char *journal)
{
	char path[PATH_MAX], line[PATH_MAX + 2];
	struct revert_paths p;
	bool done = true;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", a->state_dir, journal);
	if (!(f = fopen(path, "re")))
		return;
	line[0] = 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (line[0] != '/' || revert_paths(line, &p)) {
		log_error("revert: %s is not a journal; removing it", path);
		journal_remove(a, journal);
		return;
	}

	if (!exists(p.root) && exists(p.fresh)) {
		log_info("revert: completing the revert of %s", p.root);
		if (rename(p.fresh, p.root) < 0)
			log_error("revert: moving %s in: %s", p.fresh, strerror(errno));
	} else if (!exists(p.root) && exists(p.old)) {
		log_info("revert: rolling back the revert of %s", p.root);
		if (rename(p.old, p.root) < 0)
			log_error("revert: moving %s back: %s", p.old, strerror(errno));
	}
	if (!exists(p.root)) {
		log_error("revert: %s is missing and cannot be restored", p.root);
		return;
	}
	sync_fs_of(p.root);
	if (exists(p.fresh) && delete_subvolume(p.fresh))
		done = false;
	if (exists(p.old) && delete_subvolume(p.old))
		done = false;
	if (done)
		journal_remove(a, journal);
}

int revert_recover(struct agent *a)
{
	size_t prefix = strlen(JOURNAL_PREFIX), suffix = strlen(JOURNAL_SUFFIX), len;
	struct dirent *e;
	DIR *d;

	if (!(d = opendir(a->state_dir)))
		return -errno;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (len > prefix + suffix && !strncmp(e->d_name, JOURNAL_PREFIX, prefix) &&
		    !strcmp(e->d_name + len - suffix, JOURNAL_SUFFIX))
			recover_one(a, e->d_name);
	}
	closedir(d);
	return 0;
}
