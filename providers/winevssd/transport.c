/*
 * winevssd: transportable snapshot sets.
 *
 * On Windows a transportable set is made on one machine and imported on
 * another that sees the same storage.  Here the "machines" are two Wine
 * prefixes of one host: prefix A makes the set with the transportable
 * attribute, vssapi.dll writes each snapshot's locator (the host path of
 * the snapshot) into the Backup Components Document, and prefix B's agent
 * imports the set from that document.
 *
 * The making prefix offers each snapshot with a file beside it when it
 * hands out the locator.  Import checks that each locator names a snapshot
 * made by the provider library (its marker and identity, as delete()
 * checks them) and offered so, and claims it with another file beside it,
 * created exclusively, so that a set is imported once.  From then on the snapshot is B's: B lists it, exposes it and
 * deletes it; A forgets its own record the next time it looks, without
 * touching the host snapshot, and removes the claim once the snapshot is
 * gone.  A failed import leaves no record and no claim.
 *
 * BreakSnapshotSet takes an imported set out of VSS management: the records
 * and device links go, the host snapshots stay where they are (their
 * directories, and any drive letter or folder they were exposed at, keep
 * working).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <btrfsutil.h>

#include "agent.h"
#include "expose.h"
#include "log.h"
#include "requests.h"

#define CLAIM_SUFFIX ".winevss-import"
#define OFFER_SUFFIX ".winevss-transportable"

/* VSS_BREAKEX_FLAG_MAKE_READ_WRITE (vsbackup.h). */
#define BREAK_MAKE_READ_WRITE 0x2

/* ".NAME<suffix>" beside the snapshot NAME. */
static int sidecar_path(const char *storage, const char *suffix, char *path, size_t size)
{
	const char *slash = strrchr(storage, '/');

	if (!slash || !slash[1])
		return -EINVAL;
	if (snprintf(path, size, "%.*s/.%s%s", (int)(slash - storage), storage, slash + 1, suffix) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static int claim_path(const char *storage, char *path, size_t size)
{
	return sidecar_path(storage, CLAIM_SUFFIX, path, size);
}

/* The offer: the making prefix's word that a snapshot was made
 * transportable, without which no document can get it imported. */
static int offer_make(const char *storage)
{
	char path[PATH_MAX];
	int fd, r;

	if ((r = sidecar_path(storage, OFFER_SUFFIX, path, sizeof(path))))
		return r;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -errno;
	r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static bool offer_exists(const char *storage)
{
	char path[PATH_MAX];
	struct stat st;

	return !sidecar_path(storage, OFFER_SUFFIX, path, sizeof(path)) && lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void transport_drop_offer(const struct catalog_snapshot *c)
{
	char path[PATH_MAX];

	if ((c->attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE)
			&& !sidecar_path(c->storage, OFFER_SUFFIX, path, sizeof(path)))
		unlink(path);
}

/* The prefix that claimed a snapshot, or "" when nobody did. */
static void claim_owner(const char *storage, char *owner, size_t size)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	*owner = 0;
	if (claim_path(storage, path, sizeof(path)))
		return;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	n = read(fd, owner, size - 1);
	close(fd);
	owner[n > 0 ? n : 0] = 0;
}

static int claim_take(struct agent *a, const char *storage)
{
	char path[PATH_MAX];
	size_t len = strlen(a->prefix);
	int fd, r;

	if ((r = claim_path(storage, path, sizeof(path))))
		return r;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -errno;
	r = write(fd, a->prefix, len) == (ssize_t)len ? 0 : -EIO;
	if (!r && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (r)
		unlink(path);
	return r;
}

static void claim_drop(const char *storage)
{
	char path[PATH_MAX];

	if (!claim_path(storage, path, sizeof(path)) && unlink(path) < 0 && errno != ENOENT)
		log_error("import claim %s: %s", path, strerror(errno));
}

bool transport_claimed_elsewhere(struct agent *a, const struct catalog_snapshot *c)
{
	char owner[PATH_MAX];

	if (!(c->attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE) || (c->attributes & VSS_VOLSNAP_ATTR_IMPORTED))
		return false;
	claim_owner(c->storage, owner, sizeof(owner));
	return *owner && strcmp(owner, a->prefix);
}

void transport_release_claim(struct agent *a, const struct catalog_snapshot *c)
{
	char owner[PATH_MAX];

	claim_owner(c->storage, owner, sizeof(owner));
	if (!strcmp(owner, a->prefix))
		claim_drop(c->storage);
}

int transport_forget(struct agent *a, const struct catalog_snapshot *c)
{
	int r;

	log_info("forgetting snapshot %s, which this prefix does not own", c->storage);
	if (*c->exposed_name && (r = exposure_remove(a, c)))
		log_error("unexposing %s: %s", c->exposed_name, strerror(-r));
	if (c->device && (r = expose_unlink(a, c->device)))
		log_error("unlinking device %u: %s", c->device, strerror(-r));
	if ((c->attributes & VSS_VOLSNAP_ATTR_IMPORTED) && !c->committed)
		transport_release_claim(a, c);
	/* The importer deleted the snapshot and left the claim for us: the
	 * last one to know of it removes it. */
	if (!(c->attributes & VSS_VOLSNAP_ATTR_IMPORTED) && access(c->storage, F_OK) < 0 && errno == ENOENT) {
		claim_drop(c->storage);
		transport_drop_offer(c);
	}
	pthread_mutex_lock(&a->lock);
	r = catalog_remove(a->catalog, &c->id);
	pthread_mutex_unlock(&a->lock);
	return r ? PROTO_E_INTERNAL : PROTO_OK;
}

void handle_get_locator(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct record_list list;
	int status;

	if (!(status = find_requested_snapshot(s, r, &list))
			&& !(list.items[0].attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE))
		status = PROTO_E_NOT_FOUND;
	if (!status && offer_make(list.items[0].storage)) {
		log_error("cannot offer %s for import: %s", list.items[0].storage, strerror(errno));
		status = PROTO_E_INTERNAL;
	}
	respond_status(w, status);
	if (!status)
		proto_put_string(w, list.items[0].storage);
	records_free(&list);
}

/* A locator is accepted only as an absolute, normalised path to a snapshot
 * the provider library made and its prefix offered for import. */
static int check_locator(const char *locator, const struct snap_provider **provider)
{
	enum snap_error err;

	if (locator[0] != '/' || strstr(locator, "/../") || strstr(locator, "/./") || strstr(locator, "//"))
		return PROTO_E_NOT_FOUND;
	if ((err = snap_identify(locator, provider))) {
		log_info("import: %s is not a snapshot: %s", locator, snap_strerror(err));
		return PROTO_E_NOT_FOUND;
	}
	if (!offer_exists(locator)) {
		log_info("import: %s was not made transportable", locator);
		return PROTO_E_NOT_FOUND;
	}
	return PROTO_OK;
}

static bool snapshot_known(struct agent *a, const struct proto_guid *id)
{
	struct record_list list;
	bool known;

	pthread_mutex_lock(&a->lock);
	known = records_collect(a, CATALOG_ID, id, NULL, &list) || list.count;
	pthread_mutex_unlock(&a->lock);
	records_free(&list);
	return known;
}

static bool set_known(struct agent *a, const struct proto_guid *set_id)
{
	struct record_list list;
	bool known;

	pthread_mutex_lock(&a->lock);
	known = records_collect(a, CATALOG_SET, set_id, NULL, &list) || list.count;
	pthread_mutex_unlock(&a->lock);
	records_free(&list);
	return known;
}

struct import_item {
	struct proto_import in;
	const struct snap_provider *provider;
	bool claimed;
	bool recorded;
};

static int import_record(struct session *s, const struct proto_guid *set_id, uint32_t context,
			 uint32_t count, struct import_item *item)
{
	struct agent *a = s->agent;
	bool auto_release = context_auto_release(item->in.attributes);
	struct catalog_snapshot c = {
		.id = item->in.id,
		.set_id = *set_id,
		.set_count = count,
		.volume_name = (char *)item->in.original_volume,
		.volume_root = "",
		.provider = (char *)item->provider->name,
		.provider_id = item->in.provider_id,
		.storage = (char *)item->in.locator,
		.attributes = item->in.attributes | VSS_VOLSNAP_ATTR_IMPORTED,
		.created = item->in.created ? item->in.created : filetime_now(),
		.run_id = auto_release ? a->run_id : 0,
		.session = auto_release ? s->id : 0,
	};
	int r;

	pthread_mutex_lock(&a->lock);
	r = catalog_insert_intent(a->catalog, &c);
	pthread_mutex_unlock(&a->lock);
	return r;
}

/* Undoes an import that did not finish: its records, device links and
 * claims, and nothing an earlier import made. */
static void import_undo(struct agent *a, struct import_item *items, uint32_t n)
{
	struct record_list list;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (items[i].recorded) {
			pthread_mutex_lock(&a->lock);
			if (!records_collect(a, CATALOG_ID, &items[i].in.id, NULL, &list) && list.count == 1
					&& list.items[0].device)
				expose_unlink(a, list.items[0].device);
			records_free(&list);
			catalog_remove(a->catalog, &items[i].in.id);
			pthread_mutex_unlock(&a->lock);
		}
		if (items[i].claimed)
			claim_drop(items[i].in.locator);
	}
}

static int import_set(struct session *s, const struct proto_guid *set_id, uint32_t context,
		      struct import_item *items, uint32_t n)
{
	struct agent *a = s->agent;
	uint32_t i;
	int status = PROTO_OK, r;

	/* A set is imported once, under its own id. */
	if (set_known(a, set_id))
		status = PROTO_E_EXISTS;
	for (i = 0; !status && i < n; i++) {
		if (guid_is_null(&items[i].in.id))
			status = PROTO_E_BAD_REQUEST;
		else if (!(items[i].in.attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE))
			status = PROTO_E_NOT_FOUND;   /* described, but not as transportable */
		else if (snapshot_known(a, &items[i].in.id))
			status = PROTO_E_EXISTS;
		else
			status = check_locator(items[i].in.locator, &items[i].provider);
	}
	for (i = 0; !status && i < n; i++) {
		if ((r = claim_take(a, items[i].in.locator))) {
			log_info("import: cannot claim %s: %s", items[i].in.locator, strerror(-r));
			status = r == -EEXIST ? PROTO_E_EXISTS : PROTO_E_INTERNAL;
		} else {
			items[i].claimed = true;
		}
	}
	for (i = 0; !status && i < n; i++) {
		if (import_record(s, set_id, context, n, &items[i]))
			status = PROTO_E_INTERNAL;
		else
			items[i].recorded = true;
	}
	pthread_mutex_lock(&a->lock);
	if (!status && catalog_commit_set(a->catalog, set_id))
		status = PROTO_E_INTERNAL;
	pthread_mutex_unlock(&a->lock);
	if (!status && set_link_devices(a, set_id))
		status = PROTO_E_INTERNAL;
	if (status)
		import_undo(a, items, n);
	return status;
}

void handle_import_snapshots(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct import_item items[AGENT_MAX_VOLUMES];
	struct agent *a = s->agent;
	struct proto_guid set_id;
	uint32_t context, n, i;
	int status;

	proto_get_guid(r, &set_id);
	context = proto_get_u32(r);
	n = proto_get_u32(r);
	if (n == 0 || n > AGENT_MAX_VOLUMES)
		return respond_status(w, PROTO_E_BAD_REQUEST);
	memset(items, 0, sizeof(items));
	for (i = 0; i < n; i++)
		proto_get_import(r, &items[i].in);
	if (proto_reader_end(r) || guid_is_null(&set_id))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	pthread_mutex_lock(&a->import_lock);
	status = import_set(s, &set_id, context, items, n);
	pthread_mutex_unlock(&a->import_lock);
	log_info("import of %u snapshots: %s", n, proto_status_name(status));
	respond_status(w, status);
	if (!status)
		proto_put_u32(w, n);
}

/* Makes a broken snapshot writable, as VSS_BREAKEX_FLAG_MAKE_READ_WRITE
 * asks: only the btrfs provider's read-only flag can be lifted without
 * rewriting the tree. */
static int make_writable(const struct catalog_snapshot *c)
{
	if (strcmp(c->provider, "btrfs"))
		return PROTO_E_PROVIDER_VETO;
	if (btrfs_util_set_subvolume_read_only(c->storage, false)) {
		log_error("break: %s stays read-only: %s", c->storage, strerror(errno));
		return PROTO_E_PROVIDER_FAILED;
	}
	return PROTO_OK;
}

static int break_one(struct agent *a, const struct catalog_snapshot *c, uint32_t flags)
{
	int status = PROTO_OK;

	if ((flags & BREAK_MAKE_READ_WRITE) && (status = make_writable(c)))
		return status;
	/* The host snapshot is nobody's now.  The claim stays, so that the
	 * prefix that made it keeps forgetting it rather than deleting it. */
	if (c->device && expose_unlink(a, c->device))
		log_error("break: device link %u stays", c->device);
	pthread_mutex_lock(&a->lock);
	if (catalog_remove(a->catalog, &c->id))
		status = PROTO_E_INTERNAL;
	pthread_mutex_unlock(&a->lock);
	return status;
}

void handle_break_set(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct record_list list;
	struct proto_guid set_id;
	uint32_t context, flags, broken = 0;
	int status = PROTO_OK;
	size_t i;

	proto_get_guid(r, &set_id);
	context = proto_get_u32(r);
	flags = proto_get_u32(r);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	pthread_mutex_lock(&a->lock);
	if (records_collect(a, CATALOG_SET, &set_id, NULL, &list))
		status = PROTO_E_INTERNAL;
	pthread_mutex_unlock(&a->lock);

	/* Only imported sets can be broken; a set this prefix's providers made
	 * is a software provider's, which vetoes (the page's answer). */
	if (!status) {
		status = PROTO_E_NOT_FOUND;
		for (i = 0; i < list.count; i++) {
			if (!list.items[i].committed || !snapshot_in_context(&list.items[i], context))
				continue;
			if (!(list.items[i].attributes & VSS_VOLSNAP_ATTR_IMPORTED)) {
				status = PROTO_E_PROVIDER_VETO;
				break;
			}
			status = PROTO_OK;
		}
	}
	for (i = 0; !status && i < list.count; i++)
		if (list.items[i].committed && snapshot_in_context(&list.items[i], context)
				&& !(status = break_one(a, &list.items[i], flags)))
			broken++;
	respond_status(w, status);
	if (!status)
		proto_put_u32(w, broken);
	records_free(&list);
}
