/*
 * treesuite.h: the checks every tree-making provider (reflink, copy) must
 * pass on a file system: exact snapshot of the fixture, old content kept
 * after the source changes, read-only enforcement, delete safety and
 * failure paths that leave nothing behind.
 */
#ifndef WINEVSS_TEST_TREESUITE_H
#define WINEVSS_TEST_TREESUITE_H

#include <stdbool.h>

#include "../../providers/snap.h"

/* Number of checks tree_suite() reports (run or skipped). */
#define TREE_SUITE_CHECKS 40

/* Run the suite in @dir (an empty directory on the file system under
 * test); @label names the file system in the check descriptions. */
void tree_suite(const struct snap_provider *p, const char *dir, const char *label);

/* Nothing at @dir/@name, nor a temporary or marker for it. */
bool nothing_left(const char *dir, const char *name);

#endif
