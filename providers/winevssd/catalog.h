/*
 * winevssd catalog: the durable record of snapshots, in SQLite.
 *
 * Crash safety: a snapshot is recorded in state "intent" (with the place its
 * host snapshot will occupy) before the provider creates it, and moved to
 * "committed" together with the rest of its set, in one transaction, after
 * every host snapshot of the set exists.  catalog users sweep at start: an
 * intent row means the host snapshot may or may not exist and must go; a
 * committed row whose host snapshot vanished must go too.
 *
 * Auto-release snapshots carry the run id of the agent and the session that
 * made them; persistent ones carry neither.  Every function returns 0 or a
 * negative errno (-EIO for SQLite failures, logged).
 */

#ifndef WINEVSSD_CATALOG_H
#define WINEVSSD_CATALOG_H

#include <stdint.h>

#include "proto.h"

#define CATALOG_SCHEMA_VERSION 2

struct catalog;

struct catalog_snapshot {
	struct proto_guid id;
	struct proto_guid set_id;
	uint32_t set_count;
	char *volume_name;         /* \\?\Volume{GUID}\ */
	char *volume_root;         /* unix directory */
	char *provider;            /* provider name, for deletion */
	struct proto_guid provider_id;
	char *storage;             /* host snapshot location */
	uint32_t device;           /* N of HarddiskVolumeShadowCopyN, 0 before commit */
	uint32_t attributes;
	uint64_t created;          /* FILETIME */
	int committed;
	uint64_t run_id;           /* 0 for persistent snapshots */
	uint64_t session;
	char *exposed_name;        /* "X:" or "X:\\dir\\" as ExposeSnapshot got it; "" when not exposed */
	char *exposed_path;        /* the unix path that was made to show the snapshot */
};

int catalog_open(const char *path, struct catalog **out);
void catalog_close(struct catalog *c);

int catalog_begin(struct catalog *c);
int catalog_commit(struct catalog *c);
void catalog_rollback(struct catalog *c);

int catalog_insert_intent(struct catalog *c, const struct catalog_snapshot *s);
/* Marks every snapshot of the set committed and gives each the next device
 * number, in one transaction. */
int catalog_commit_set(struct catalog *c, const struct proto_guid *set_id);
int catalog_remove(struct catalog *c, const struct proto_guid *id);
/* Records (or, with "" and "", forgets) a snapshot's local exposure. */
int catalog_set_exposure(struct catalog *c, const struct proto_guid *id, const char *name, const char *path);

/* Calls fn for each matching row; fn returns 0 to continue.  The row's
 * strings are valid only during the call. */
enum catalog_filter {
	CATALOG_ALL,
	CATALOG_COMMITTED,
	CATALOG_INTENT,
	CATALOG_SET,               /* key = set id */
	CATALOG_ID,                /* key = snapshot id */
	CATALOG_VOLUME,            /* text = volume name, committed only */
};
int catalog_foreach(struct catalog *c, enum catalog_filter filter, const struct proto_guid *key,
		    const char *text, int (*fn)(const struct catalog_snapshot *s, void *ctx), void *ctx);

/* Number of committed or intended snapshots of a volume. */
int catalog_count_volume(struct catalog *c, const char *volume_name, unsigned int *count);

#endif
