/*
 * fixture.h: the test tree every provider test snapshots, and manifests
 * (a text dump of a tree's names, types, modes, owners, sizes, contents,
 * link targets, device numbers, nanosecond mtimes, xattrs and hard-link
 * groups) to compare a snapshot with what its source was.
 */
#ifndef WINEVSS_TEST_FIXTURE_H
#define WINEVSS_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

/* fixture_build() options. */
#define FIXTURE_PRIVILEGED	(1 << 0)	/* other owners, device node, trusted.* */
#define FIXTURE_XATTRS		(1 << 1)	/* user.* attributes */
#define FIXTURE_SPECIALS	(1 << 2)	/* FIFO and socket */

/* Build the tree in the existing empty directory @root; @outside is a
 * directory outside the tree holding the target of the outward symlink.
 * 0, or -1 with a message on stderr. */
int fixture_build(const char *root, const char *outside, unsigned int options);

/* Change everything in the tree (append, overwrite, delete, create,
 * rename, chmod, touch, setxattr, write through a hard link). 0 or -1. */
int fixture_modify(const char *root, unsigned int options);

/* manifest() options. */
#define MANIFEST_NO_OWNERS	(1 << 0)	/* leave out uid/gid */
#define MANIFEST_NO_DEVICES	(1 << 1)	/* leave out device nodes */

/* Malloc'ed manifest of the tree at @root, or NULL. */
char *manifest(const char *root, unsigned int options);
/* Equal manifests?  Otherwise print the first differing lines as notes. */
bool manifest_same(const char *a, const char *b);

/* Number of entries directly in @dir (-1 on error), and whether @dir holds
 * anything whose name starts with @prefix. */
int dir_count(const char *dir);
bool dir_has_prefix(const char *dir, const char *prefix);

/* Write @size bytes of pattern @seed to @path (created 0644). 0 or -1. */
int file_write_pattern(const char *path, size_t size, unsigned int seed);

#endif
