/* The watcher's token bucket (tbucket.h) under a fake clock: an initial
 * burst of one second's worth, then waits that hold the average rate
 * whatever the read sizes, no credit piled up while idle beyond one
 * second's worth, and no bound at rate 0. */
#include <stdint.h>

#include "tap.h"
#include "tbucket.h"

#define SEC 1000000000LL

/* Read total bytes in chunks of chunk, sleeping as told; returns the
 * time it took on the fake clock. */
static int64_t simulate(uint64_t rate, uint64_t chunk, uint64_t total)
{
	struct fim_tbucket b;
	int64_t now = 5 * SEC; /* any start */
	int64_t start = now;

	fim_tbucket_init(&b, rate, now);
	for (uint64_t done = 0; done < total; done += chunk)
		now += fim_tbucket_take(&b, chunk, now);
	return now - start;
}

static void test_burst(void)
{
	struct fim_tbucket b;

	fim_tbucket_init(&b, 1000, 0);
	is_int(fim_tbucket_take(&b, 600, 0), 0, "within the first second's worth: no wait");
	is_int(fim_tbucket_take(&b, 400, 0), 0, "exactly the burst: no wait");
	ok(fim_tbucket_take(&b, 500, 0) >= SEC / 2, "500 bytes of debt at 1000 B/s: half a second");
}

static void test_average(void)
{
	/* 10 MB at 1 MB/s: the first MB is the burst, 9 s for the rest. */
	int64_t t = simulate(1000000, 1 << 20, 10 * 1000000ULL);
	ok(t >= 8 * SEC && t <= 10 * SEC, "1 MiB reads: the average holds");
	t = simulate(1000000, 4096, 10 * 1000000ULL);
	ok(t >= 8 * SEC && t <= 10 * SEC, "4 KiB reads: the same");
	/* Reads larger than the burst still average out. */
	t = simulate(100000, 1 << 20, 10 * (1 << 20));
	ok(t >= 100 * SEC && t <= 106 * SEC, "chunks ten times the rate");
}

static void test_idle(void)
{
	struct fim_tbucket b;

	fim_tbucket_init(&b, 1000, 0);
	fim_tbucket_take(&b, 1000, 0);
	/* An hour idle earns one second's worth, not an hour's. */
	is_int(fim_tbucket_take(&b, 1000, 3600 * SEC), 0, "a second's worth after idling");
	ok(fim_tbucket_take(&b, 1000, 3600 * SEC) >= SEC, "not more");
	/* A time before the last one refills nothing and breaks nothing. */
	ok(fim_tbucket_take(&b, 1, 10 * SEC) > SEC, "an older time: no refill");
}

static void test_unlimited(void)
{
	struct fim_tbucket b;

	fim_tbucket_init(&b, 0, 0);
	is_int(fim_tbucket_take(&b, UINT64_MAX / 2, 0), 0, "rate 0: never a wait");
}

int main(void)
{
	test_burst();
	test_average();
	test_idle();
	test_unlimited();
	return tap_done();
}
