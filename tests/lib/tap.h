/*
 * tap.h: the output of the native tests.
 *
 * Each check prints "ok N - what", "not ok N - what" (with a "# at
 * file:line" note) or "skip N - what: why"; tap_done() prints the one
 * summary line "NAME: N passed, N failed, N skipped" and returns the exit
 * status (non-zero when a check failed).
 */
#ifndef WINEVSS_TEST_TAP_H
#define WINEVSS_TEST_TAP_H

#include <stdbool.h>

void tap_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_skip_n(unsigned int n, const char *why, const char *what);
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(const char *name);

#define check(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* A check on a snap_error: prints what was returned when it differs. */
#define check_err(got, want, what)                                          \
	do {                                                                 \
		enum snap_error got_ = (got), want_ = (want);                \
		tap_check(got_ == want_, __FILE__, __LINE__, "%s (%s)", what, \
			  snap_strerror(got_));                               \
	} while (0)

#endif
