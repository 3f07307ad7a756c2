/* cache_cost [N]: what the digest cache costs, for tests/bench/run. N
 * entries (default 100000) are put into a fresh cache file, the cache is
 * closed and opened again, and every entry is looked up: from the file,
 * then (the last 50000) from the memory part; then 50000 keys it does not
 * hold. Prints one figure a line, "NAME VALUE", in microseconds:
 *   put          a put, until it returns (the writer thread commits)
 *   put_commit   a put, until committed (the close that waits included)
 *   get_first    the first lookup after opening (opens a connection)
 *   get_file     a lookup answered from the file, and worst_get_file
 *   get_mem      a lookup answered from the memory part
 *   get_miss     a lookup of a key the cache does not hold
 * Exits 1 when a lookup gives a wrong answer. */
#include "dcache_test.h"

#define MEM_GETS 50000

/* Lookups of keys [from, to): microseconds each, the worst in *worst,
 * the answers found in *hits. */
static double time_gets(struct fim_dcache *dc, int from, int to, int *hits,
			double *worst)
{
	struct fim_digest_set out, want;
	char name[48];
	double t0 = now_s(), t;

	*hits = 0;
	*worst = 0;
	for (int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "bench/dir%d/file%d", i % 100, i);
		struct fim_dkey k = key_of(name, NULL, (uint64_t)i);

		t = now_s();
		if (fim_dcache_get(dc, &k, SHA256, &out) == 0) {
			want = set_of(SHA256, (uint64_t)i);
			*hits += same_md(&out, &want, SHA256) ? 1 : -to;
		}
		t = now_s() - t;
		*worst = t > *worst ? t : *worst;
	}
	return (now_s() - t0) / (to - from) * 1e6;
}

static int run(int n)
{
	const char *db = path_in("cost.db");
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	double t0, t_put, t_all, worst;
	char name[48];
	int hits, bad = 0;

	if (!dc)
		return 1;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench/dir%d/file%d", i % 100, i);
		struct fim_dkey k = key_of(name, NULL, (uint64_t)i);
		struct fim_digest_set s = set_of(SHA256, (uint64_t)i);

		fim_dcache_put(dc, &k, &s);
	}
	t_put = now_s() - t0;
	fim_dcache_close(dc);
	t_all = now_s() - t0;
	printf("put %.2f\nput_commit %.2f\n", t_put / n * 1e6, t_all / n * 1e6);

	dc = open_cache(db, "src", 0, false);
	if (!dc)
		return 1;
	printf("get_first %.2f\n", time_gets(dc, 0, 1, &hits, &worst));
	bad += hits != 1;
	printf("get_file %.2f\n", time_gets(dc, 1, n, &hits, &worst));
	printf("worst_get_file %.2f\n", worst * 1e6);
	bad += hits != n - 1;
	printf("get_mem %.2f\n",
	       time_gets(dc, n > MEM_GETS ? n - MEM_GETS : 0, n, &hits, &worst));
	bad += hits != (n > MEM_GETS ? MEM_GETS : n);
	printf("get_miss %.2f\n", time_gets(dc, n, n + MEM_GETS, &hits, &worst));
	bad += hits != 0;
	fim_dcache_close(dc);
	if (bad)
		fprintf(stderr, "cache_cost: wrong answers\n");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000, ret;

	if (n < 2) {
		fprintf(stderr, "usage: cache_cost [N >= 2]\n");
		return 2;
	}
	if (dc_setup() < 0)
		return 1;
	ret = run(n);
	rm_rf(tmp);
	return ret;
}
