/*
 * winevssd: the request handlers.
 *
 * Each handler decodes its request completely (rejecting it whole if any
 * field is malformed), does its work and encodes the response after the
 * status word.  Handlers run on the session's thread; shared state (the
 * creation lock, the catalog) is touched only under agent->lock, which is
 * NOT held while a provider creates or deletes host snapshots.
 */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "expose.h"
#include "hold.h"
#include "log.h"
#include "provider.h"
#include "requests.h"
#include "volume.h"

void respond_status(struct proto_writer *w, enum proto_status status)
{
	proto_put_u32(w, status);
}

int map_snap_error(enum snap_error err)
{
	switch (err) {
	case SNAP_OK: return PROTO_OK;
	case SNAP_ERROR_NO_SPACE: return PROTO_E_NO_SPACE;
	case SNAP_ERROR_PERMISSION: return PROTO_E_DENIED;
	case SNAP_ERROR_NOT_SUPPORTED: return PROTO_E_VOLUME_NOT_SUPPORTED;
	case SNAP_ERROR_NOT_FOUND:
	case SNAP_ERROR_EXISTS:
	case SNAP_ERROR_BUSY:
	case SNAP_ERROR_CANCELLED: return PROTO_E_PROVIDER_VETO;
	default: return PROTO_E_PROVIDER_FAILED;
	}
}

bool snapshot_in_context(const struct catalog_snapshot *s, uint32_t context)
{
	return context == VSS_CTX_ALL || (s->attributes & CONTEXT_MASK) == (context & CONTEXT_MASK);
}

bool context_auto_release(uint32_t context)
{
	return !(context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE);
}

/* --- hello --- */

static int constant_time_differs(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	while (n--)
		d |= *a++ ^ *b++;
	return d;
}

static void handle_hello(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	uint8_t secret[PROTO_SECRET_SIZE];
	uint32_t pid;

	proto_get_bytes(r, secret, sizeof(secret));
	pid = proto_get_u32(r);
	if (proto_reader_end(r)) {
		respond_status(w, PROTO_E_BAD_REQUEST);
		return;
	}
	if (constant_time_differs(secret, s->agent->secret, sizeof(secret))) {
		log_error("session %llu: wrong secret", (unsigned long long)s->id);
		respond_status(w, PROTO_E_DENIED);
		return;
	}
	s->authenticated = true;
	log_debug("session %llu: client pid %u", (unsigned long long)s->id, pid);
	respond_status(w, PROTO_OK);
	proto_put_u32(w, (uint32_t)getpid());
}

/* --- volumes --- */

static const struct agent_provider *provider_or_system(const struct proto_guid *id)
{
	return guid_is_null(id) ? provider_system() : provider_by_id(id);
}

/* Resolves a volume for a provider: the Unix root, the storage directory and
 * the backend.  Returns a proto status; on success the strings are malloc'd. */
static int volume_prepare(struct agent *a, const struct proto_volume *v, const struct agent_provider *p,
			  char **root, char **storage, const struct snap_provider **backend, unsigned int *caps)
{
	const struct agent_provider *configured;
	int status;

	*root = *storage = NULL;
	if ((status = volume_resolve(a, v->root, root)))
		return status;
	/* The configuration overrides the system provider's choice. */
	if (!p->snap && (configured = provider_configured(a->state_dir, v->root[0])))
		p = configured;
	if (volume_storage_dir(a, *root, storage)) {
		status = PROTO_E_VOLUME_NOT_SUPPORTED;
		goto fail;
	}
	if ((status = provider_resolve(p, *root, *storage, backend, caps)))
		goto fail;
	return PROTO_OK;
fail:
	free(*root);
	free(*storage);
	*root = *storage = NULL;
	return status;
}

static bool is_mount_folder(const struct proto_volume *v)
{
	return strlen(v->root) > 3;
}

/* The volume's \\?\Volume{GUID}\ name: the mount manager's, which the client
 * sent, for a drive; ours for a mount folder (the client cannot know it). */
static const char *canonical_name(const struct proto_volume *v, const char *unix_root, char buf[50])
{
	if (!is_mount_folder(v) || !unix_root)
		return v->name;
	volume_folder_name(unix_root, buf);
	return buf;
}

static void handle_resolve_volume(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	char name[50];
	const struct snap_provider *backend = NULL;
	const struct agent_provider *p;
	struct proto_volume v;
	struct proto_guid id;
	char *root, *storage;
	unsigned int caps;
	int status;

	proto_get_volume(r, &v);
	proto_get_guid(r, &id);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);
	if (!(p = provider_or_system(&id)))
		return respond_status(w, PROTO_E_PROVIDER_NOT_REGISTERED);

	status = volume_prepare(s->agent, &v, p, &root, &storage, &backend, &caps);
	if (status == PROTO_E_NOT_FOUND)
		return respond_status(w, status);
	respond_status(w, PROTO_OK);
	proto_put_guid(w, &p->id);
	proto_put_u32(w, status == PROTO_OK);
	proto_put_string(w, canonical_name(&v, root, name));
	free(root);
	free(storage);
}

/* --- snapshot sets --- */

static void set_free(struct snapshot_set *set)
{
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->count; i++) {
		free(set->volumes[i].name);
		free(set->volumes[i].root);
		free(set->volumes[i].storage);
	}
	free(set);
}

/* Gives up the set under creation and the creation lock. */
static void session_drop_set(struct session *s)
{
	struct agent *a = s->agent;

	if (!s->set)
		return;
	pthread_mutex_lock(&a->lock);
	if (a->creating == s)
		a->creating = NULL;
	pthread_mutex_unlock(&a->lock);
	set_free(s->set);
	s->set = NULL;
}

static void handle_begin_set(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct snapshot_set *set;
	struct proto_guid id;
	uint32_t context;
	int status = PROTO_OK;

	proto_get_guid(r, &id);
	context = proto_get_u32(r);
	if (proto_reader_end(r) || s->set || context == VSS_CTX_ALL)
		return respond_status(w, PROTO_E_BAD_REQUEST);
	if (!(set = calloc(1, sizeof(*set))))
		return respond_status(w, PROTO_E_INTERNAL);

	pthread_mutex_lock(&a->lock);
	if (a->creating)
		status = PROTO_E_SET_IN_PROGRESS;
	else
		a->creating = s;
	pthread_mutex_unlock(&a->lock);

	if (status) {
		free(set);
		return respond_status(w, status);
	}
	set->id = id;
	set->context = context;
	s->set = set;
	respond_status(w, PROTO_OK);
}

static bool set_has_volume(const struct snapshot_set *set, const char *name, const char *root)
{
	unsigned int i;

	for (i = 0; i < set->count; i++)
		if (!strcasecmp(set->volumes[i].name, name) || !strcmp(set->volumes[i].root, root))
			return true;
	return false;
}

static int check_volume_limit(struct agent *a, const char *name)
{
	unsigned int count = 0;
	int r;

	pthread_mutex_lock(&a->lock);
	r = catalog_count_volume(a->catalog, name, &count);
	pthread_mutex_unlock(&a->lock);
	if (r)
		return PROTO_E_INTERNAL;
	return count >= AGENT_MAX_SNAPSHOTS ? PROTO_E_MAX_SNAPSHOTS : PROTO_OK;
}

static void handle_add_volume(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	const struct snap_provider *backend;
	const struct agent_provider *p;
	struct proto_guid set_id, provider_id, snapshot_id;
	struct set_volume *vol;
	struct proto_volume v;
	char *root, *storage, name[50];
	unsigned int caps;
	int status;

	proto_get_guid(r, &set_id);
	proto_get_volume(r, &v);
	proto_get_guid(r, &provider_id);
	proto_get_guid(r, &snapshot_id);
	if (proto_reader_end(r) || !s->set || !guid_equal(&set_id, &s->set->id) ||
	    strncmp(v.name, "\\\\?\\Volume{", 11))
		return respond_status(w, PROTO_E_BAD_REQUEST);
	if (s->set->count >= AGENT_MAX_VOLUMES)
		return respond_status(w, PROTO_E_MAX_VOLUMES);
	if (!(p = provider_or_system(&provider_id)))
		return respond_status(w, PROTO_E_PROVIDER_NOT_REGISTERED);

	if ((status = volume_prepare(s->agent, &v, p, &root, &storage, &backend, &caps)))
		return respond_status(w, status);
	if (is_mount_folder(&v) && strcasecmp(v.name, canonical_name(&v, root, name)))
		status = PROTO_E_BAD_REQUEST;
	else if (set_has_volume(s->set, v.name, root))
		status = PROTO_E_EXISTS;
	else
		status = check_volume_limit(s->agent, v.name);
	if (status) {
		free(root);
		free(storage);
		return respond_status(w, status);
	}

	vol = &s->set->volumes[s->set->count];
	vol->snapshot_id = snapshot_id;
	vol->provider_id = p->id;
	vol->provider = backend;
	vol->root = root;
	vol->storage = storage;
	vol->atomic = caps & SNAP_CAP_ATOMIC;
	if (!(vol->name = strdup(v.name))) {
		free(root);
		free(storage);
		return respond_status(w, PROTO_E_INTERNAL);
	}
	s->set->count++;
	respond_status(w, PROTO_OK);
}

static char *snapshot_path(const struct set_volume *vol)
{
	char id[39], *path;

	guid_to_string(&vol->snapshot_id, id);
	if (asprintf(&path, "%s/%s", vol->storage, id) < 0)
		return NULL;
	return path;
}

static uint32_t snapshot_attributes(const struct snapshot_set *set, const struct snap_provider *backend)
{
	uint32_t attributes = set->context | VSS_VOLSNAP_ATTR_NOT_SURFACED;

	/* btrfs, reflink and thin snapshots share blocks with the volume; a copy
	 * is a full, independent copy. */
	attributes |= backend == &snap_provider_copy ? VSS_VOLSNAP_ATTR_PLEX : VSS_VOLSNAP_ATTR_DIFFERENTIAL;
	return attributes;
}

/* Crash points for tests: with WINEVSSD_CRASH_AT=<name> in its environment
 * the agent kills itself (SIGKILL, no cleanup at all) when it reaches that
 * point of a commit, so tests can check the sweep after a crash at every
 * step. */
void crash_point(const char *name)
{
	const char *want = getenv("WINEVSSD_CRASH_AT");

	if (want && !strcmp(want, name)) {
		log_info("crash point %s reached: killing myself", name);
		raise(SIGKILL);
	}
}

/* --- snapshot records --- */

static char *strdup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int collect_one(const struct catalog_snapshot *c, void *data)
{
	struct record_list *list = data;
	struct catalog_snapshot *copy, *items;

	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 16;

		if (!(items = realloc(list->items, capacity * sizeof(*items))))
			return -ENOMEM;
		list->items = items;
		list->capacity = capacity;
	}
	copy = &list->items[list->count];
	*copy = *c;
	copy->volume_name = strdup_or_empty(c->volume_name);
	copy->volume_root = strdup_or_empty(c->volume_root);
	copy->provider = strdup_or_empty(c->provider);
	copy->storage = strdup_or_empty(c->storage);
	copy->exposed_name = strdup_or_empty(c->exposed_name);
	copy->exposed_path = strdup_or_empty(c->exposed_path);
	if (!copy->volume_name || !copy->volume_root || !copy->provider || !copy->storage
			|| !copy->exposed_name || !copy->exposed_path) {
		free(copy->volume_name);
		free(copy->volume_root);
		free(copy->provider);
		free(copy->storage);
		free(copy->exposed_name);
		free(copy->exposed_path);
		return -ENOMEM;
	}
	list->count++;
	return 0;
}

void records_free(struct record_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].volume_name);
		free(list->items[i].volume_root);
		free(list->items[i].provider);
		free(list->items[i].storage);
		free(list->items[i].exposed_name);
		free(list->items[i].exposed_path);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* Copies the matching records out of the catalog, so that slow host work
 * can run without agent->lock.  Caller holds agent->lock. */
int records_collect(struct agent *a, enum catalog_filter filter, const struct proto_guid *key,
		    const char *text, struct record_list *list)
{
	memset(list, 0, sizeof(*list));
	return catalog_foreach(a->catalog, filter, key, text, collect_one, list);
}

/* Forgets, and reports as absent, a transportable snapshot that another
 * prefix imported since. */
static bool record_owned(struct agent *a, const struct catalog_snapshot *c)
{
	if (!transport_claimed_elsewhere(a, c))
		return true;
	transport_forget(a, c);
	return false;
}

int record_find(struct agent *a, const struct proto_guid *id, uint32_t context, struct record_list *list)
{
	int status;

	pthread_mutex_lock(&a->lock);
	status = records_collect(a, CATALOG_ID, id, NULL, list) ? PROTO_E_INTERNAL : PROTO_OK;
	pthread_mutex_unlock(&a->lock);
	if (!status && (list->count != 1 || !list->items[0].committed
			|| !snapshot_in_context(&list->items[0], context) || !record_owned(a, &list->items[0])))
		status = PROTO_E_NOT_FOUND;
	return status;
}

int find_requested_snapshot(struct session *s, struct proto_reader *r, struct record_list *list)
{
	struct proto_guid id;
	uint32_t context;

	memset(list, 0, sizeof(*list));
	proto_get_guid(r, &id);
	context = proto_get_u32(r);
	if (proto_reader_end(r))
		return PROTO_E_BAD_REQUEST;
	return record_find(s->agent, &id, context, list);
}

/* Removes one snapshot everywhere: its device link, its host snapshot, its
 * record (last, so that a crash midway leaves a record to sweep). */
int snapshot_remove(struct agent *a, const struct catalog_snapshot *c)
{
	enum snap_error err;
	int r;

	/* A transportable snapshot another prefix imported is that prefix's
	 * now; an import that never committed never owned its snapshot. */
	if (transport_claimed_elsewhere(a, c) || ((c->attributes & VSS_VOLSNAP_ATTR_IMPORTED) && !c->committed))
		return transport_forget(a, c);
	if (*c->exposed_name && (r = exposure_remove(a, c)))
		log_error("unexposing %s: %s", c->exposed_name, strerror(-r));
	if (c->device && (r = expose_unlink(a, c->device)))
		log_error("unlinking device %u: %s", c->device, strerror(-r));
	if (access(c->storage, F_OK) == 0 || errno != ENOENT) {
		err = snap_delete(c->storage);
		if (err && err != SNAP_ERROR_NOT_FOUND) {
			log_error("deleting snapshot %s: %s", c->storage, snap_strerror(err));
			return map_snap_error(err);
		}
	}
	transport_drop_offer(c);
	pthread_mutex_lock(&a->lock);
	r = catalog_remove(a->catalog, &c->id);
	pthread_mutex_unlock(&a->lock);
	return r ? PROTO_E_INTERNAL : PROTO_OK;
}

static void remove_set(struct agent *a, const struct proto_guid *set_id)
{
	struct record_list list;
	size_t i;

	pthread_mutex_lock(&a->lock);
	records_collect(a, CATALOG_SET, set_id, NULL, &list);
	pthread_mutex_unlock(&a->lock);
	for (i = 0; i < list.count; i++)
		snapshot_remove(a, &list.items[i]);
	records_free(&list);
}

int set_link_devices(struct agent *a, const struct proto_guid *set_id)
{
	struct record_list list;
	size_t i;
	int r = 0;

	pthread_mutex_lock(&a->lock);
	r = records_collect(a, CATALOG_SET, set_id, NULL, &list);
	pthread_mutex_unlock(&a->lock);
	for (i = 0; !r && i < list.count; i++)
		r = expose_link(a, list.items[i].device, list.items[i].storage);
	records_free(&list);
	return r;
}

static int record_intent(struct session *s, const struct set_volume *vol, uint64_t created, const char *path)
{
	struct agent *a = s->agent;
	struct catalog_snapshot c = {
		.id = vol->snapshot_id,
		.set_id = s->set->id,
		.set_count = s->set->count,
		.volume_name = vol->name,
		.volume_root = vol->root,
		.provider = (char *)vol->provider->name,
		.provider_id = vol->provider_id,
		.storage = (char *)path,
		.attributes = snapshot_attributes(s->set, vol->provider),
		.created = created,
	};
	int r;

	if (context_auto_release(s->set->context)) {
		c.run_id = a->run_id;
		c.session = s->id;
	}
	pthread_mutex_lock(&a->lock);
	r = catalog_insert_intent(a->catalog, &c);
	pthread_mutex_unlock(&a->lock);
	return r ? PROTO_E_INTERNAL : PROTO_OK;
}

/* The hold window: a watchdog cancels the providers' work when it closes. */
struct hold_window {
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool finished;
	atomic_bool expired;
	unsigned int ms;
	pthread_t thread;
	bool running;
};

static void *hold_watchdog(void *arg)
{
	struct hold_window *hw = arg;
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += hw->ms / 1000;
	deadline.tv_nsec += (long)(hw->ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&hw->lock);
	while (!hw->finished)
		if (pthread_cond_timedwait(&hw->done, &hw->lock, &deadline) == ETIMEDOUT)
			break;
	if (!hw->finished)
		atomic_store(&hw->expired, true);
	pthread_mutex_unlock(&hw->lock);
	return NULL;
}

static bool set_needs_hold(const struct snapshot_set *set)
{
	unsigned int i;

	/* Several volumes must be taken at one instant, and a tree walk
	 * takes time. */
	if (set->count > 1)
		return true;
	for (i = 0; i < set->count; i++)
		if (!set->volumes[i].atomic)
			return true;
	return false;
}

static void hold_window_open(struct session *s, struct hold_window *hw, struct hold *h)
{
	struct agent *a = s->agent;
	int r;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&hw->lock, NULL);
	pthread_cond_init(&hw->done, NULL);
	hw->finished = false;
	atomic_init(&hw->expired, false);
	hw->ms = a->hold_timeout;
	hw->running = !pthread_create(&hw->thread, NULL, hold_watchdog, hw);
	if ((r = hold_begin(a->prefix, hold_peer_pid(s->fd), h)))
		log_error("holding the prefix's programs: %s", strerror(-r));
}

static void hold_window_close(struct hold_window *hw, struct hold *h)
{
	hold_end(h);
	pthread_mutex_lock(&hw->lock);
	hw->finished = true;
	pthread_cond_signal(&hw->done);
	pthread_mutex_unlock(&hw->lock);
	if (hw->running)
		pthread_join(hw->thread, NULL);
	pthread_cond_destroy(&hw->done);
	pthread_mutex_destroy(&hw->lock);
}

/* Creates the host snapshot of every volume, each after its intent record.
 * Returns a proto status; on failure the set's records and snapshots are
 * left for the caller to remove.  `cancel` stops the providers' work. */
static int create_set_snapshots(struct session *s, uint64_t created, const atomic_bool *cancel)
{
	struct snapshot_set *set = s->set;
	struct snap_job job = SNAP_JOB_INIT;
	unsigned int i;
	int status = PROTO_OK;
	char *path;

	job.cancel = cancel;
	for (i = 0; i < set->count && !status; i++) {
		struct set_volume *vol = &set->volumes[i];
		enum snap_error err;

		if (atomic_load(cancel))
			return PROTO_E_HOLD_TIMEOUT;
		if (!(path = snapshot_path(vol)))
			return PROTO_E_INTERNAL;
		if (!(status = record_intent(s, vol, created, path))) {
			crash_point("intent");
			/* Persistent snapshots must survive a crash right after
			 * the commit; auto-release ones die with the session. */
			err = vol->provider->create(vol->root, path,
						    context_auto_release(set->context) ? 0 : SNAP_CREATE_DURABLE, &job);
			crash_point("created");
			if (err) {
				log_error("snapshot of %s with %s: %s", vol->root, vol->provider->name,
					  snap_strerror(err));
				status = map_snap_error(err);
			}
		}
		free(path);
	}
	return status;
}

static void handle_commit_set(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct snapshot_set *set = s->set;
	struct hold_window hw;
	struct proto_guid id;
	struct hold h;
	bool hold;
	int status;

	proto_get_guid(r, &id);
	if (proto_reader_end(r) || !set || !guid_equal(&id, &set->id) || !set->count)
		return respond_status(w, PROTO_E_BAD_REQUEST);

	if ((hold = set_needs_hold(set)))
		hold_window_open(s, &hw, &h);
	else
		atomic_init(&hw.expired, false);
	status = create_set_snapshots(s, filetime_now(), &hw.expired);
	if (hold) {
		/* A provider cancelled by the watchdog reports CANCELLED. */
		if (status && atomic_load(&hw.expired))
			status = PROTO_E_HOLD_TIMEOUT;
		hold_window_close(&hw, &h);
	}
	if (!status) {
		pthread_mutex_lock(&a->lock);
		if (catalog_commit_set(a->catalog, &set->id))
			status = PROTO_E_INTERNAL;
		pthread_mutex_unlock(&a->lock);
	}
	if (!status)
		crash_point("committed");
	if (!status && set_link_devices(a, &set->id))
		status = PROTO_E_INTERNAL;
	/* All or nothing: a failure removes everything this set made. */
	if (status)
		remove_set(a, &set->id);
	log_info("session %llu: commit of %u volume(s): %s", (unsigned long long)s->id, set->count,
		 proto_status_name(status));
	session_drop_set(s);
	respond_status(w, status);
}

static void handle_abort_set(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct proto_guid id;
	uint32_t delete_created;

	proto_get_guid(r, &id);
	delete_created = proto_get_u32(r);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);
	if (s->set && guid_equal(&id, &s->set->id))
		session_drop_set(s);
	if (delete_created)
		remove_set(s->agent, &id);
	respond_status(w, PROTO_OK);
}

/* --- queries --- */

void put_snapshot(struct agent *a, struct proto_writer *w, const struct catalog_snapshot *c)
{
	struct proto_snapshot p = {
		.id = c->id,
		.set_id = c->set_id,
		.set_count = c->set_count,
		.original_volume = c->volume_name,
		.originating_machine = a->hostname,
		.service_machine = a->hostname,
		.exposed_name = c->exposed_name,
		.exposed_path = "",
		.provider_id = c->provider_id,
		.attributes = c->attributes,
		.created = c->created,
		.state = VSS_SS_CREATED,
	};
	char device[64];

	/* ExposeSnapshot surfaces the snapshot (VSS_REFERENCE.md section 4.2). */
	if (*c->exposed_name)
		p.attributes = (p.attributes | VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY) & ~VSS_VOLSNAP_ATTR_NOT_SURFACED;
	snprintf(device, sizeof(device), "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy%u", c->device);
	p.device = device;
	proto_put_snapshot(w, &p);
}

static void handle_get_snapshot(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct record_list list;
	int status;

	status = find_requested_snapshot(s, r, &list);
	respond_status(w, status);
	if (!status)
		put_snapshot(a, w, &list.items[0]);
	records_free(&list);
}

static void handle_query_snapshots(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct record_list list;
	bool *listed;
	uint32_t context, n = 0;
	size_t i;

	context = proto_get_u32(r);
	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	pthread_mutex_lock(&a->lock);
	if (records_collect(a, CATALOG_COMMITTED, NULL, NULL, &list)) {
		pthread_mutex_unlock(&a->lock);
		records_free(&list);
		return respond_status(w, PROTO_E_INTERNAL);
	}
	pthread_mutex_unlock(&a->lock);

	/* Each record is judged once: record_owned() may forget it. */
	if (!(listed = calloc(list.count + 1, sizeof(*listed)))) {
		records_free(&list);
		return respond_status(w, PROTO_E_INTERNAL);
	}
	for (i = 0; i < list.count; i++) {
		listed[i] = snapshot_in_context(&list.items[i], context) && record_owned(a, &list.items[i]);
		n += listed[i];
	}
	respond_status(w, PROTO_OK);
	proto_put_u32(w, n);
	for (i = 0; i < list.count; i++)
		if (listed[i])
			put_snapshot(a, w, &list.items[i]);
	free(listed);
	records_free(&list);
}

static void handle_query_providers(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	const struct agent_provider *p;
	struct proto_provider out;
	uint32_t n = 0;
	size_t i;

	if (proto_reader_end(r))
		return respond_status(w, PROTO_E_BAD_REQUEST);
	respond_status(w, PROTO_OK);
	while (provider_get(n))
		n++;
	proto_put_u32(w, n);
	for (i = 0; (p = provider_get(i)); i++) {
		memset(&out, 0, sizeof(out));
		out.id = p->id;
		out.name = p->display_name;
		out.type = p->type;
		out.version = "1.0.0.0";
		out.version_id = p->id;
		out.class_id = p->id;
		proto_put_provider(w, &out);
	}
}

static void handle_delete_snapshots(struct session *s, struct proto_reader *r, struct proto_writer *w)
{
	struct agent *a = s->agent;
	struct proto_guid id, failed = { { 0 } };
	uint32_t type, context, deleted = 0;
	struct record_list list;
	size_t i;
	int status = PROTO_OK;

	proto_get_guid(r, &id);
	type = proto_get_u32(r);
	context = proto_get_u32(r);
	proto_get_u32(r);   /* force: every deletion is already forced */
	if (proto_reader_end(r) || (type != VSS_OBJECT_SNAPSHOT && type != VSS_OBJECT_SNAPSHOT_SET))
		return respond_status(w, PROTO_E_BAD_REQUEST);

	pthread_mutex_lock(&a->lock);
	if (records_collect(a, type == VSS_OBJECT_SNAPSHOT ? CATALOG_ID : CATALOG_SET, &id, NULL, &list))
		status = PROTO_E_INTERNAL;
	pthread_mutex_unlock(&a->lock);

	for (i = 0; !status && i < list.count; i++) {
		if (!list.items[i].committed || !snapshot_in_context(&list.items[i], context)
				|| !record_owned(a, &list.items[i]))
			continue;
		if ((status = snapshot_remove(a, &list.items[i])))
			failed = list.items[i].id;
		else
			deleted++;
	}
	if (!status && !deleted)
		status = PROTO_E_NOT_FOUND;
	respond_status(w, status);
	proto_put_u32(w, deleted);
	proto_put_guid(w, &failed);
	records_free(&list);
}

/* --- session end --- */

void session_release(struct session *s)
{
	struct agent *a = s->agent;
	struct record_list list;
	size_t i;

	session_drop_set(s);
	pthread_mutex_lock(&a->lock);
	records_collect(a, CATALOG_ALL, NULL, NULL, &list);
	pthread_mutex_unlock(&a->lock);
	/* Auto-release snapshots end with the session that made them. */
	for (i = 0; i < list.count; i++)
		if (list.items[i].run_id == a->run_id && list.items[i].session == s->id)
			snapshot_remove(a, &list.items[i]);
	records_free(&list);
}

void request_dispatch(struct session *s, const struct proto_header *h, struct proto_reader *r,
		      struct proto_writer *w)
{
	log_debug("session %llu: %s", (unsigned long long)s->id, proto_type_name(h->type));
	switch (h->type) {
	case PROTO_HELLO: handle_hello(s, r, w); break;
	case PROTO_RESOLVE_VOLUME: handle_resolve_volume(s, r, w); break;
	case PROTO_BEGIN_SET: handle_begin_set(s, r, w); break;
	case PROTO_ADD_VOLUME: handle_add_volume(s, r, w); break;
	case PROTO_COMMIT_SET: handle_commit_set(s, r, w); break;
	case PROTO_ABORT_SET: handle_abort_set(s, r, w); break;
	case PROTO_GET_SNAPSHOT: handle_get_snapshot(s, r, w); break;
	case PROTO_QUERY_SNAPSHOTS: handle_query_snapshots(s, r, w); break;
	case PROTO_QUERY_PROVIDERS: handle_query_providers(s, r, w); break;
	case PROTO_DELETE_SNAPSHOTS: handle_delete_snapshots(s, r, w); break;
	case PROTO_EXPOSE_SNAPSHOT: handle_expose_snapshot(s, r, w); break;
	case PROTO_UNEXPOSE_SNAPSHOT: handle_unexpose_snapshot(s, r, w); break;
	case PROTO_GET_LOCATOR: handle_get_locator(s, r, w); break;
	case PROTO_IMPORT_SNAPSHOTS: handle_import_snapshots(s, r, w); break;
	case PROTO_BREAK_SET: handle_break_set(s, r, w); break;
	case PROTO_REVERT: handle_revert(s, r, w); break;
	case PROTO_REVERT_STATUS: handle_revert_status(s, r, w); break;
	default: respond_status(w, PROTO_E_BAD_REQUEST); break;
	}
}

/* --- start-up --- */

static int device_orphan(struct agent *a, uint32_t n, void *data)
{
	const struct record_list *committed = data;
	size_t i;

	for (i = 0; i < committed->count; i++)
		if (committed->items[i].device == n)
			return 0;
	log_info("sweep: removing stale device link %u", n);
	expose_unlink(a, n);
	return 0;
}

/* Work directories a tree provider was filling when the agent died; no
 * record points at them. */
static void sweep_storage_dirs(struct agent *a, const struct record_list *list)
{
	char own[4096], *parent, *slash;
	size_t i;

	snprintf(own, sizeof(own), "%s/snapshots", a->state_dir);
	snap_sweep_unfinished(own);
	for (i = 0; i < list->count; i++) {
		/* An imported snapshot lives in the storage of the prefix that
		 * made it, whose agent may be creating there right now. */
		if (list->items[i].attributes & VSS_VOLSNAP_ATTR_IMPORTED)
			continue;
		if (!(parent = strdup(list->items[i].storage)))
			continue;
		if ((slash = strrchr(parent, '/')) && slash != parent) {
			*slash = 0;
			if (strcmp(parent, own))
				snap_sweep_unfinished(parent);
		}
		free(parent);
	}
}

/* Removes what an earlier run left half done or orphaned: records of
 * snapshots being made (intent), unfinished provider copies, auto-release
 * snapshots (their sessions ended with that run), committed records whose
 * host snapshot is gone, and device links without a record.  Links of surviving snapshots are made
 * again.  Called once, before the agent accepts connections. */
int agent_sweep(struct agent *a)
{
	struct record_list list;
	size_t i;
	int r;

	pthread_mutex_lock(&a->lock);
	r = records_collect(a, CATALOG_ALL, NULL, NULL, &list);
	pthread_mutex_unlock(&a->lock);
	if (r)
		return r;
	sweep_storage_dirs(a, &list);
	for (i = 0; i < list.count; i++) {
		struct catalog_snapshot *c = &list.items[i];

		if (!c->committed || c->run_id) {
			log_info("sweep: removing %s snapshot %s", c->committed ? "auto-release" : "unfinished",
				 c->storage);
			snapshot_remove(a, c);
		} else if (access(c->storage, F_OK) < 0 && errno == ENOENT) {
			log_info("sweep: forgetting snapshot %s, which no longer exists", c->storage);
			snapshot_remove(a, c);
		} else {
			expose_link(a, c->device, c->storage);
		}
	}
	records_free(&list);

	pthread_mutex_lock(&a->lock);
	r = records_collect(a, CATALOG_COMMITTED, NULL, NULL, &list);
	pthread_mutex_unlock(&a->lock);
	if (!r)
		r = expose_foreach(a, device_orphan, &list);
	records_free(&list);
	return r;
}
