/*
 * tap.c: check counting and output for the native tests (see tap.h).
 * The counters are per process: a forked child must not print checks.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static unsigned int tap_number, tap_passed, tap_failed, tap_skipped;

void tap_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++tap_number);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		printf("# at %s:%d\n", file, line);
	if (ok)
		tap_passed++;
	else
		tap_failed++;
	fflush(stdout);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("skip %u - ", ++tap_number);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(": %s\n", why);
	tap_skipped++;
	fflush(stdout);
}

void tap_skip_n(unsigned int n, const char *why, const char *what)
{
	while (n--)
		tap_skip(why, "%s", what);
}

void tap_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int tap_done(const char *name)
{
	printf("%s: %u passed, %u failed, %u skipped\n", name, tap_passed,
	       tap_failed, tap_skipped);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
