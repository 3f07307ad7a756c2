/* A token bucket: a bound on the average rate of reads.
 *
 * Reads are charged after the fact, with the bytes they returned: the
 * bucket may go into debt, and the reader then waits until the debt is
 * paid back at the rate before it reads again. It starts full, holding one
 * second's worth, so a long run averages out at the rate within one second's
 * worth of bytes. The caller passes the time (CLOCK_MONOTONIC, ns), so tests
 * drive it with a fake clock; the caller also serializes calls.
 */
#ifndef FIM_TBUCKET_H
#define FIM_TBUCKET_H

#include <stdint.h>

struct fim_tbucket {
	uint64_t rate;  /* bytes per second; 0: unlimited */
	double tokens;  /* bytes that may be read now; negative: debt */
	int64_t last_ns;
};

void fim_tbucket_init(struct fim_tbucket *b, uint64_t rate, int64_t now_ns);

/* Charge n bytes read at now_ns. Returns how long (ns) to wait before the
 * next read: 0 while the bucket holds tokens. */
int64_t fim_tbucket_take(struct fim_tbucket *b, uint64_t n, int64_t now_ns);

#endif
