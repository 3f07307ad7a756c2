/* A minimal TAP producer for the core's unit tests (meson protocol 'tap').
 * Each test program calls ok()/is_*() and ends with `return tap_done();`. */
#ifndef FIM_TAP_H
#define FIM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline int tap_ok(int cond, const char *file, int line,
			 const char *what)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, what);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	return cond;
}

#define ok(cond, what) tap_ok(!!(cond), __FILE__, __LINE__, (what))

#define is_int(got, want, what)                                              \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (!ok(g_ == w_, (what)))                                   \
			printf("#   got %lld, want %lld\n", g_, w_);         \
	} while (0)

#define is_str(got, want, what)                                              \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, (what)))           \
			printf("#   got '%s'\n#  want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                          \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
