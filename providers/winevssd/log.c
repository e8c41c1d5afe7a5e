/*
 * winevssd logging.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%lld.%03ld winevssd %s: %s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000000,
		level, line);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("WINEVSSD_DEBUG"))
		return;
	va_start(ap, fmt);
	log_line("debug", fmt, ap);
	va_end(ap);
}
