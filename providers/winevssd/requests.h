/*
 * winevssd: what the request handlers share.  requests.c holds the
 * dispatcher and the handlers of snapshot set creation and queries; the
 * handlers of the later requests live beside it, one file per family
 * (exposure.c: drive letters and mount folders; transport.c: transportable
 * sets, import and break; revert.c: revert and its status).
 */

#ifndef WINEVSSD_REQUESTS_H
#define WINEVSSD_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "proto.h"
#include "snap.h"

struct agent;
struct session;

/* VSS attribute and context bits the agent needs (vss.h). */
#define VSS_VOLSNAP_ATTR_PERSISTENT        0x00000001
#define VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE 0x00000004
#define VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE   0x00000008
#define VSS_VOLSNAP_ATTR_NO_WRITERS        0x00000010
#define VSS_VOLSNAP_ATTR_TRANSPORTABLE     0x00000020
#define VSS_VOLSNAP_ATTR_NOT_SURFACED      0x00000040
#define VSS_VOLSNAP_ATTR_NOT_TRANSACTED    0x00000080
#define VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED 0x00010000
#define VSS_VOLSNAP_ATTR_DIFFERENTIAL      0x00020000
#define VSS_VOLSNAP_ATTR_PLEX              0x00040000
#define VSS_VOLSNAP_ATTR_IMPORTED          0x00080000
#define VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY   0x00100000
#define VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY  0x00200000
#define VSS_CTX_ALL                        0xffffffffu
#define CONTEXT_MASK (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE | \
		      VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)
#define VSS_SS_CREATED 12
#define VSS_OBJECT_SNAPSHOT_SET 2
#define VSS_OBJECT_SNAPSHOT 3

void respond_status(struct proto_writer *w, enum proto_status status);
int map_snap_error(enum snap_error err);
bool snapshot_in_context(const struct catalog_snapshot *s, uint32_t context);
bool context_auto_release(uint32_t context);
/* Test hook: with WINEVSSD_CRASH_AT=name in the environment the agent
 * kills itself (SIGKILL) at that point. */
void crash_point(const char *name);

/* Catalog rows copied out, so that slow host work can run without
 * agent->lock. */
struct record_list {
	struct catalog_snapshot *items;
	size_t count, capacity;
};
/* Caller holds agent->lock. */
int records_collect(struct agent *a, enum catalog_filter filter, const struct proto_guid *key,
		    const char *text, struct record_list *list);
void records_free(struct record_list *list);
/* The one committed snapshot with this id in the context, copied into list
 * (list->items[0]); PROTO_E_NOT_FOUND when there is none.  Takes the lock. */
int record_find(struct agent *a, const struct proto_guid *id, uint32_t context, struct record_list *list);
/* For requests made of "guid snapshot, u32 context": decodes them and finds
 * the snapshot as record_find() does; PROTO_E_BAD_REQUEST when malformed.
 * list is valid (maybe empty) for records_free() either way. */
int find_requested_snapshot(struct session *s, struct proto_reader *r, struct record_list *list);
/* Removes one snapshot everywhere: exposure, device link, host snapshot,
 * record. */
int snapshot_remove(struct agent *a, const struct catalog_snapshot *c);
void put_snapshot(struct agent *a, struct proto_writer *w, const struct catalog_snapshot *c);
/* Makes the GLOBALROOT device link of every snapshot of a committed set. */
int set_link_devices(struct agent *a, const struct proto_guid *set_id);

/* exposure.c */
void handle_expose_snapshot(struct session *s, struct proto_reader *r, struct proto_writer *w);
void handle_unexpose_snapshot(struct session *s, struct proto_reader *r, struct proto_writer *w);
/* Undoes a snapshot's local exposure on the host (mount folder or drive
 * link), before it is deleted or leaves VSS management. */
int exposure_remove(struct agent *a, const struct catalog_snapshot *c);

/* transport.c */
void handle_get_locator(struct session *s, struct proto_reader *r, struct proto_writer *w);
void handle_import_snapshots(struct session *s, struct proto_reader *r, struct proto_writer *w);
void handle_break_set(struct session *s, struct proto_reader *r, struct proto_writer *w);
/* Whether another prefix imported this transportable snapshot: it then
 * belongs to that prefix, and this one forgets it. */
bool transport_claimed_elsewhere(struct agent *a, const struct catalog_snapshot *c);
/* Removes the offer beside a transportable snapshot that is deleted. */
void transport_drop_offer(const struct catalog_snapshot *c);
/* Removes the import claim of a snapshot this prefix imported. */
void transport_release_claim(struct agent *a, const struct catalog_snapshot *c);
/* Forgets a snapshot this prefix does not own (any more): its record, its
 * device link and exposure, never the host snapshot. */
int transport_forget(struct agent *a, const struct catalog_snapshot *c);

/* revert.c */
void handle_revert(struct session *s, struct proto_reader *r, struct proto_writer *w);
void handle_revert_status(struct session *s, struct proto_reader *r, struct proto_writer *w);
/* Finishes or rolls back a revert a crash interrupted; at start-up. */
int revert_recover(struct agent *a);

#endif
