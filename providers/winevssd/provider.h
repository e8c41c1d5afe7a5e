/*
 * winevssd: the VSS providers the agent offers, each backed by one snapshot
 * backend of the provider library (snap.h), plus the system provider, which
 * picks the best backend per volume.
 *
 * The system provider carries the identifier of Windows' system provider so
 * that requesters that look for it (by type or by id) find it.
 */

#ifndef WINEVSSD_PROVIDER_H
#define WINEVSSD_PROVIDER_H

#include "proto.h"
#include "snap.h"

struct agent_provider {
	const char *name;
	struct proto_guid id;
	uint32_t type;                 /* VSS_PROVIDER_TYPE */
	const char *display_name;
	const struct snap_provider *snap;  /* NULL for the system provider */
};

/* Enumerates the providers usable on this host; index 0 is the system provider. */
const struct agent_provider *provider_get(size_t index);
const struct agent_provider *provider_by_id(const struct proto_guid *id);
const struct agent_provider *provider_system(void);
/* The agent provider that wraps a backend. */
const struct agent_provider *provider_for_snap(const struct snap_provider *snap);

/* The provider configured for a drive letter in $WINEPREFIX/winevss/providers.conf,
 * or NULL when the file names none.  The file has one "X: NAME" line per
 * drive, NAME being btrfs, reflink, copy, lvm-thin or zfs; '#' starts a
 * comment.  Unknown names are logged and ignored. */
const struct agent_provider *provider_configured(const char *state_dir, char letter);

/* Picks the backend that snapshots `root` into `storage_dir` for the given
 * provider (the system provider chooses), and the SNAP_CAP_* it offers
 * there.  0, or a proto status. */
int provider_resolve(const struct agent_provider *p, const char *root, const char *storage_dir,
		     const struct snap_provider **backend, unsigned int *caps);

#endif
