/*
 * fake.h: fake command-line tools for the lvm-thin and zfs provider tests.
 *
 * fake_setup() makes a directory, puts it first on PATH and exports
 * FAKE_DIR.  Each fake tool appends its argv to FAKE_DIR/log as
 * "name [arg] [arg]...", then prints FAKE_DIR/KEY.out to stdout and
 * FAKE_DIR/KEY.err to stderr and exits with FAKE_DIR/KEY.exit (default 0),
 * where KEY is the tool's name unless the tool's @snippet (shell code) sets
 * the variable n to another key.
 */
#ifndef WINEVSS_TEST_FAKE_H
#define WINEVSS_TEST_FAKE_H

#include <stddef.h>

int fake_setup(char *dir, size_t size);
int fake_tool(const char *dir, const char *name, const char *snippet);
/* Set what KEY answers: exit status, stdout, stderr (NULL: nothing). */
void fake_reply(const char *dir, const char *key, int status, const char *out,
		const char *err);
/* The log so far (malloc'ed), which is then emptied. */
char *fake_log_take(const char *dir);

#endif
