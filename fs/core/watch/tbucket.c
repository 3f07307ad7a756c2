/* The token bucket; see tbucket.h. */
#include "tbucket.h"

void fim_tbucket_init(struct fim_tbucket *b, uint64_t rate, int64_t now_ns)
{
	b->rate = rate;
	b->tokens = (double)rate;
	b->last_ns = now_ns;
}

int64_t fim_tbucket_take(struct fim_tbucket *b, uint64_t n, int64_t now_ns)
{
	double burst = (double)b->rate;

	if (!b->rate)
		return 0;
	/* A clock that went backwards (it does not: monotonic) or a caller
	 * that passes an older time refills nothing. */
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * (double)b->rate /
			     1e9;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_ns = now_ns;
	}
	b->tokens -= (double)n;
	if (b->tokens >= 0)
		return 0;
	return (int64_t)(-b->tokens * 1e9 / (double)b->rate) + 1;
}
