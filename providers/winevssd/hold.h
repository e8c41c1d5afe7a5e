/*
 * winevssd: holding the prefix's Windows programs while a snapshot set is
 * taken.
 *
 * btrfs, LVM and ZFS snapshots are atomic, but a reflink or copy snapshot
 * walks the live tree, and a set of several volumes is taken one volume
 * after the other.  For the set to be crash-consistent for the prefix's
 * programs, the agent stops them (SIGSTOP) for the duration and lets them
 * run again (SIGCONT) afterwards; the requester itself, which waits for the
 * commit, keeps running.  Windows bounds its own write hold to 10 seconds;
 * a commit that would hold longer is cancelled and fails with
 * VSS_E_HOLD_WRITES_TIMEOUT rather than produce an inconsistent set.
 *
 * The prefix's processes are the Wine loaders whose WINEPREFIX (or, without
 * one, $HOME/.wine) is the agent's prefix.
 *
 * Should the agent die during a hold, a small guardian process forked at
 * its start resumes every held process: it learns each pid through a pipe
 * before the process is stopped, and resumes them all when the pipe closes,
 * which happens when the hold ends and when the agent dies alike.
 */

#ifndef WINEVSSD_HOLD_H
#define WINEVSSD_HOLD_H

#include <stddef.h>
#include <sys/types.h>

struct hold {
	pid_t *pids;
	size_t count;
	int guardian_fd;               /* write end of the guardian's pipe, or -1 */
	pid_t guardian;
};

/* Stops every Wine process of the prefix but `keep`.  Returns 0 or a
 * negative errno; a process that exits meanwhile is simply skipped. */
int hold_begin(const char *prefix, pid_t keep, struct hold *h);
/* Resumes what hold_begin() stopped.  Idempotent. */
void hold_end(struct hold *h);

/* The process at the other end of a loopback TCP connection of ours, or 0. */
pid_t hold_peer_pid(int fd);

#endif
