/*
 * winevssd: exposure of snapshots under the names Windows programs use.
 *
 * Snapshot N appears as $WINEPREFIX/dosdevices/globalroot/Device/
 * HarddiskVolumeShadowCopyN, a symbolic link to the read-only snapshot
 * root, which Wine resolves for \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN.
 * Once dosdevices/globalroot exists, Wine looks up every \\?\GLOBALROOT\
 * path there, so the common device names (Device\Null) get links too.
 */

#ifndef WINEVSSD_EXPOSE_H
#define WINEVSSD_EXPOSE_H

#include <stdint.h>

struct agent;

/* Creates the globalroot directories and the common device names. */
int expose_init(struct agent *a);
/* Atomically (re)points HarddiskVolumeShadowCopyN at target. */
int expose_link(struct agent *a, uint32_t n, const char *target);
int expose_unlink(struct agent *a, uint32_t n);
/* Calls fn for each HarddiskVolumeShadowCopyN link present. */
int expose_foreach(struct agent *a, int (*fn)(struct agent *a, uint32_t n, void *ctx), void *ctx);

#endif
