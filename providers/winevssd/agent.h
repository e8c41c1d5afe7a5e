/*
 * winevssd: the winevss agent, one per Wine prefix.
 *
 * Model: the agent owns the prefix's snapshot sets and snapshots.  Clients
 * (vssapi.dll, one connection per backup components object) connect over
 * TCP on 127.0.0.1 and prove they may talk to us with the secret stored in
 * $WINEPREFIX/winevss/agent.port (mode 0600).  Each connection is a session
 * served by its own thread; sessions share the agent state below under one
 * mutex.  A set under creation belongs to the one session holding the
 * creation lock; auto-release snapshots belong to the session that made
 * them and disappear with it, whether it says goodbye or its process dies
 * (the socket closes either way).  The catalog (SQLite) records every
 * snapshot before the host snapshot exists and again after, so that a
 * restart can remove whatever a crash left half done.
 */

#ifndef WINEVSSD_AGENT_H
#define WINEVSSD_AGENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

#define AGENT_MAX_VOLUMES        64     /* per set, as Windows */
#define AGENT_MAX_SNAPSHOTS      512    /* per volume, as Windows */

struct catalog;
struct session;
struct snap_provider;
struct revert_running;

struct agent {
	char *prefix;                  /* the Wine prefix, absolute, no trailing slash */
	char *state_dir;               /* $prefix/winevss */
	char hostname[256];
	uint8_t secret[PROTO_SECRET_SIZE];
	uint64_t run_id;               /* random per agent run; tags auto-release snapshots */
	unsigned int idle_timeout;     /* seconds without connections before exiting */
	unsigned int hold_timeout;     /* milliseconds the prefix may be held (hold.h) */

	pthread_mutex_t import_lock;   /* imports run one at a time (taken before lock) */
	pthread_mutex_t lock;          /* protects everything below and the catalog */
	struct catalog *catalog;
	struct session *creating;      /* holder of the set creation lock, or NULL */
	struct revert_running *reverts; /* reverts under way (revert.c) */
	unsigned int connections;
	time_t last_disconnect;
	uint64_t next_session;
};

/* A volume of a set under creation. */
struct set_volume {
	struct proto_guid snapshot_id;
	struct proto_guid provider_id;
	const struct snap_provider *provider;
	char *name;                    /* \\?\Volume{GUID}\ */
	char *root;                    /* unix directory of the volume */
	char *storage;                 /* where the snapshot goes */
	bool atomic;                   /* the backend takes it in one instant */
};

struct snapshot_set {
	struct proto_guid id;
	uint32_t context;
	unsigned int count;
	struct set_volume volumes[AGENT_MAX_VOLUMES];
};

struct session {
	struct agent *agent;
	int fd;
	uint64_t id;
	bool authenticated;
	struct snapshot_set *set;      /* set under creation (holds agent->creating) */
};

/* session.c */
void *session_thread(void *arg);

/* requests.c: handles one request; writes the response into w. */
void request_dispatch(struct session *s, const struct proto_header *h, struct proto_reader *r,
		      struct proto_writer *w);
void session_release(struct session *s);
/* Cleans up after an earlier run; before accepting connections. */
int agent_sweep(struct agent *a);

/* guid helpers (util.c) */
void guid_to_string(const struct proto_guid *g, char out[39]);
int guid_from_string(const char *s, struct proto_guid *g);
bool guid_is_null(const struct proto_guid *g);
bool guid_equal(const struct proto_guid *a, const struct proto_guid *b);
void guid_random(struct proto_guid *g);
uint64_t filetime_now(void);
int random_bytes(void *buf, size_t n);
int write_file_atomic(const char *dir, const char *name, const char *data, size_t len, int mode);
/* Decodes a path field of /proc/self/mountinfo in place. */
char *mountinfo_unescape(char *s);

#endif
