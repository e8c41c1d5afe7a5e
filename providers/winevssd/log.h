/*
 * winevssd logging: to stderr (the agent's log file when detached), one line
 * per message, prefixed with the level.  log_debug prints only when
 * WINEVSSD_DEBUG is set in the environment.
 */

#ifndef WINEVSSD_LOG_H
#define WINEVSSD_LOG_H

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
