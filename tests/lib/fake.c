/*
 * fake.c: fake command-line tools (see fake.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"
#include "testfs.h"

int fake_setup(char *dir, size_t size)
{
	char path[8192];
	const char *old = getenv("PATH");

	if (testfs_tmpdir(dir, size) < 0)
		return -1;
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s:%s", dir, old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("FAKE_DIR", dir, 1);
	return 0;
}

static int fake_write(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

int fake_tool(const char *dir, const char *name, const char *snippet)
{
	char script[4096];

	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "{ printf '%%s' \"${0##*/}\"; for a in \"$@\"; do printf ' [%%s]' \"$a\"; done; echo; }"
		 " >> \"$FAKE_DIR/log\"\n"
		 "n=${0##*/}\n%s\n"
		 "[ -f \"$FAKE_DIR/$n.out\" ] && cat \"$FAKE_DIR/$n.out\"\n"
		 "[ -f \"$FAKE_DIR/$n.err\" ] && cat \"$FAKE_DIR/$n.err\" >&2\n"
		 "[ -f \"$FAKE_DIR/$n.exit\" ] && exit \"$(cat \"$FAKE_DIR/$n.exit\")\"\n"
		 "exit 0\n", snippet ? snippet : "");
	return fake_write(dir, name, script, 0755);
}

void fake_reply(const char *dir, const char *key, int status, const char *out,
		const char *err)
{
	const char *suffix[3] = { "exit", "out", "err" };
	char name[256], code[16];
	const char *text[3] = { code, out, err };

	snprintf(code, sizeof(code), "%d\n", status);
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s.%s", key, suffix[i]);
		if (text[i])
			fake_write(dir, name, text[i], 0644);
		else {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s", dir, name);
			unlink(path);
		}
	}
}

char *fake_log_take(const char *dir)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/log", dir);
	f = fopen(path, "r");
	if (f) {
		if (getdelim(&text, &len, '\0', f) < 0) {
			free(text);
			text = NULL;
		}
		fclose(f);
	}
	unlink(path);
	return text ? text : strdup("");
}
