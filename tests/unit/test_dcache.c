/* Digest cache: keys, merging, two handles, reuse, eviction, threads, cost.
 * The file's safety (damage, modes, kill -9) is in test_dcache_file.c. */
#include "dcache_test.h"

static void test_eviction(void)
{
	struct fim_dcache *dc = open_cache(NULL, "src", 1000, false);
	struct fim_dkey hot = key_of("hot", NULL, 0);
	struct fim_digest_set s = set_of(SHA256, 0), out;
	char name[32];
	int hits = 0, hot_ok = 1;

	fim_dcache_put(dc, &hot, &s);
	for (uint64_t i = 1; i <= 20000; i++) {
		snprintf(name, sizeof(name), "e%llu", (unsigned long long)i);
		struct fim_dkey k = key_of(name, NULL, i);

		fim_dcache_put(dc, &k, &s);
		hot_ok &= fim_dcache_get(dc, &hot, SHA256, &out) == 0;
	}
	ok(fim_dcache_mem_count(dc) <= 1000, "memory part holds <= 1000");
	ok(fim_dcache_mem_count(dc) >= 900, "and is used");
	for (uint64_t i = 1; i <= 20000; i++) {
		snprintf(name, sizeof(name), "e%llu", (unsigned long long)i);
		struct fim_dkey k = key_of(name, NULL, i);

		hits += fim_dcache_get(dc, &k, SHA256, &out) == 0;
	}
	ok(hits < 1000, "old entries were evicted");
	ok(hot_ok, "an entry in use survives (CLOCK)");
	fim_dcache_close(dc);
}

static void test_key_fields(const char *db)
{
	struct fim_dkey base = key_of("dir/a", NULL, 1), k;
	struct fim_digest_set in = set_of(SHA256 | MD5, 1), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	const char *mode = db ? "db" : "mem";
	char what[128];

	ok(dc, "open");
	if (!dc)
		return;
	is_int(fim_dcache_put(dc, &base, &in), 0, "put");
	if (db) { /* a new handle: only the file can answer */
		fim_dcache_close(dc);
		dc = open_cache(db, "src", 0, false);
	}
	snprintf(what, sizeof(what), "%s: round trip", mode);
	ok(fim_dcache_get(dc, &base, SHA256 | MD5, &out) == 0 &&
		   same_md(&out, &in, SHA256 | MD5), what);
	k = base; k.path = "dir/b";
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "other path: miss");
	k = base; k.path = "dir/a/";
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "longer path: miss");
	k = base; k.ino++;
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "other inode: miss");
	k = base; k.size--;
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "other size: miss");
	k = base; k.mtime_ns++;
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "other mtime: miss");
	k = base; k.ctime_ns--;
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT, "other ctime: miss");
	is_int(fim_dcache_get(dc, &base, SHA256 | SHA512, &out), -ENOENT,
	       "mask partly present: miss");
	is_int(out.mask, 0, "a miss leaves no digest");
	is_int(fim_dcache_get(dc, &base, SHA256, &out), 0, "subset of mask: hit");
	fim_dcache_close(dc);
	if (!db)
		return;
	dc = open_cache(db, "other-source", 0, false);
	is_int(fim_dcache_get(dc, &base, SHA256, &out), -ENOENT,
	       "other source_id: miss");
	fim_dcache_close(dc);
}

static void test_merge_replace(const char *db)
{
	struct fim_dkey k = key_of("m", NULL, 7), k2 = k;
	struct fim_digest_set a = set_of(SHA256, 7), b = set_of(SHA512, 7), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	struct fim_dcache_stats st;

	struct fim_dcache *mem = open_cache(NULL, "src", 0, false);

	fim_dcache_put(mem, &k, &a);
	fim_dcache_put(mem, &k, &b);
	ok(fim_dcache_get(mem, &k, SHA256 | SHA512, &out) == 0 &&
		   same_md(&out, &a, SHA256 | SHA512),
	   "two puts of one state: digests merged (memory)");
	k2.mtime_ns += 1000;
	fim_dcache_put(mem, &k2, &a);
	is_int(fim_dcache_get(mem, &k, SHA256, &out), -ENOENT,
	       "new state replaces the old (memory)");
	ok(fim_dcache_get(mem, &k2, SHA256, &out) == 0 &&
		   same_md(&out, &a, SHA256), "new state found (memory)");
	fim_dcache_get_stats(mem, &st);
	ok(st.hits == 2 && st.misses == 1 && st.puts == 3 && st.reused == 0,
	   "stats counted");
	fim_dcache_close(mem);

	/* The same through the file: a merged row, then a replaced one. */
	fim_dcache_put(dc, &k, &a);
	fim_dcache_put(dc, &k, &b);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &k, SHA256 | SHA512, &out) == 0 &&
		   same_md(&out, &a, SHA256 | SHA512),
	   "two puts of one state: digests merged (file)");
	fim_dcache_put(dc, &k2, &a);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &k2, SHA256, &out) == 0 &&
		   same_md(&out, &a, SHA256), "persisted across close/open");
	is_int(fim_dcache_get(dc, &k, SHA256, &out), -ENOENT,
	       "new state replaces the old (file)");
	fim_dcache_put(dc, &k2, &b);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &k2, SHA256 | SHA512, &out) == 0 &&
		   same_md(&out, &a, SHA256 | SHA512),
	   "a put of another algorithm merged into the replaced row (file)");
	fim_dcache_close(dc);
}

static void test_two_handles(const char *db)
{
	struct fim_dcache *a = open_cache(db, "src", 0, false);
	struct fim_dcache *b = open_cache(db, "src", 0, false);
	struct fim_dkey k1 = key_of("two/1", NULL, 21), k2 = key_of("two/2", NULL, 22);
	struct fim_digest_set s1 = set_of(SHA256, 21), s2 = set_of(SHA256, 22), out;

	ok(a && b, "two handles on one file");
	fim_dcache_put(a, &k1, &s1);
	ok(wait_get(b, &k1, SHA256, &out) == 0 && same_md(&out, &s1, SHA256),
	   "b sees a's put");
	fim_dcache_put(b, &k2, &s2);
	ok(wait_get(a, &k2, SHA256, &out) == 0 && same_md(&out, &s2, SHA256),
	   "a sees b's put");
	fim_dcache_close(a);
	fim_dcache_close(b);
}

/* A cache opened on one snapshot (key_prefix) names its rows as one opened
 * on the snapshots' directory: each answers what the other stored, and
 * reuse across snapshots works from either side. */
static void test_prefix(const char *db)
{
	struct fim_dcache_conf conf = {
		.db_path = db, .source_id = "vol/.snapshot",
		.reuse_across_snapshots = true, .key_path = key_path,
		.key_prefix = "s1/",
	};
	struct fim_dcache *whole = open_cache(db, "vol/.snapshot", 0, true);
	struct fim_dcache *snap = NULL;
	struct fim_dkey in_whole = key_of("s1/vm/a", "vm/a", 31);
	struct fim_dkey in_snap = key_of("vm/a", "vm/a", 31);
	struct fim_dkey other = key_of("s2/vm/b", "vm/b", 32);
	struct fim_dkey other_snap = key_of("vm/b", "vm/b", 32);
	struct fim_digest_set s1 = set_of(SHA256, 31), s2 = set_of(SHA256, 32);
	struct fim_dcache_stats st;
	struct fim_digest_set out;
	char err[512] = "";

	ok(fim_dcache_open(&conf, &snap, err, sizeof(err)) == 0 && whole,
	   "a cache of the whole and one of a snapshot on one file");
	if (!snap || !whole)
		goto out;
	fim_dcache_put(whole, &in_whole, &s1);
	ok(wait_get(snap, &in_snap, SHA256, &out) == 0 &&
	   same_md(&out, &s1, SHA256), "the snapshot's cache finds the row");
	fim_dcache_get_stats(snap, &st);
	ok(st.reused == 0, "... by its path");
	fim_dcache_put(whole, &other, &s2);
	ok(wait_get(snap, &other_snap, SHA256, &out) == 0 &&
	   same_md(&out, &s2, SHA256),
	   "... and reuses another snapshot's by baseline path");
	in_whole.path = "s1/vm/c";
	in_snap.path = in_snap.bpath = in_whole.bpath = "vm/c";
	fim_dcache_put(snap, &in_snap, &s2);
	ok(wait_get(whole, &in_whole, SHA256, &out) == 0 &&
	   same_md(&out, &s2, SHA256), "the whole's cache finds its row");
out:
	fim_dcache_close(snap);
	fim_dcache_close(whole);
}

/* While the file is locked by another process the writer cannot commit: an
 * answer evicted from memory must still come from the queue. */
static void test_queue_answers(const char *db)
{
	struct fim_dcache *dc = open_cache(db, "src", 64, false);
	struct fim_dkey a = key_of("q/a", NULL, 1), b = key_of("q/b", NULL, 2);
	struct fim_digest_set sa = set_of(SHA256, 1), sb = set_of(SHA256, 2);
	struct fim_digest_set out;
	sqlite3 *lock = NULL;
	char name[32];

	sqlite3_open(db, &lock);
	is_int(sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	       SQLITE_OK, "another process holds the write lock");
	fim_dcache_put(dc, &a, &sa);
	for (int i = 0; i < 400; i++) {
		if (i == 200) {
			usleep(50 * 1000); /* the writer takes a, then waits */
			fim_dcache_put(dc, &b, &sb);
		}
		snprintf(name, sizeof(name), "q/x%d", i);
		struct fim_dkey k = key_of(name, NULL, (uint64_t)i + 10);

		fim_dcache_put(dc, &k, &sa);
	}
	ok(fim_dcache_mem_count(dc) <= 64, "memory part bounded");
	ok(fim_dcache_get(dc, &a, SHA256, &out) == 0 &&
		   same_md(&out, &sa, SHA256), "answer being written is found");
	ok(fim_dcache_get(dc, &b, SHA256, &out) == 0 &&
		   same_md(&out, &sb, SHA256), "answer still queued is found");
	sqlite3_exec(lock, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(lock);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 64, false);
	ok(dc && fim_dcache_get(dc, &a, SHA256, &out) == 0 &&
		   fim_dcache_get(dc, &b, SHA256, &out) == 0,
	   "both written once the lock is released");
	fim_dcache_close(dc);
}

static void test_reuse(const char *db, const char *mode)
{
	struct fim_dkey k1 = key_of("snap1/etc/a", "etc/a", 5);
	struct fim_dkey k2 = k1, k3;
	struct fim_digest_set s = set_of(SHA256, 5), out;
	struct fim_dcache_stats st;
	struct fim_dcache *dc = open_cache(db, "src", 0, true);
	char what[128];

	k2.path = "snap2/etc/a";
	fim_dcache_put(dc, &k1, &s);
	if (db) { /* new handles: only the file can answer */
		fim_dcache_close(dc);
		dc = open_cache(db, "src", 0, false);
		is_int(fim_dcache_get(dc, &k2, SHA256, &out), -ENOENT,
		       "db: reuse off: other snapshot misses");
		fim_dcache_close(dc);
		dc = open_cache(db, "src", 0, true);
	}
	snprintf(what, sizeof(what), "%s: reuse on: unchanged file reused", mode);
	ok(fim_dcache_get(dc, &k2, SHA256, &out) == 0 &&
		   same_md(&out, &s, SHA256), what);
	fim_dcache_get_stats(dc, &st);
	is_int(st.reused, 1, "reused counted");
	k3 = k2; k3.path = "snap3/etc/a"; k3.size++;
	is_int(fim_dcache_get(dc, &k3, SHA256, &out), -ENOENT,
	       "reuse on: changed file misses");
	k3 = k2; k3.path = "snap3/etc/a"; k3.bpath = "etc/b";
	is_int(fim_dcache_get(dc, &k3, SHA256, &out), -ENOENT,
	       "reuse on: other baseline path misses");
	k3 = k2; k3.path = "snap3/etc/a"; k3.bpath = NULL;
	is_int(fim_dcache_get(dc, &k3, SHA256, &out), -ENOENT,
	       "reuse on: no baseline path misses");
	fim_dcache_close(dc);
	if (db)
		return;
	dc = open_cache(NULL, "src", 0, false);
	fim_dcache_put(dc, &k1, &s);
	is_int(fim_dcache_get(dc, &k2, SHA256, &out), -ENOENT,
	       "mem: reuse off: other snapshot misses");
	fim_dcache_close(dc);
}

struct worker {
	struct fim_dcache *dc;
	unsigned seed;
	long gets, puts, wrong;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct fim_digest_set out, s;
	char name[32];

	for (int i = 0; i < 20000; i++) {
		uint64_t n = (uint64_t)rand_r(&w->seed) % 3000;

		snprintf(name, sizeof(name), "t/%llu", (unsigned long long)n);
		struct fim_dkey k = key_of(name, NULL, n);

		if (rand_r(&w->seed) & 1) {
			s = set_of(SHA256 | SHA512, n);
			fim_dcache_put(w->dc, &k, &s);
			w->puts++;
		} else {
			s = set_of(SHA256 | SHA512, n);
			if (fim_dcache_get(w->dc, &k, SHA256, &out) == 0 &&
			    !same_md(&out, &s, SHA256))
				w->wrong++;
			w->gets++;
		}
	}
	return NULL;
}

static void test_threads(const char *db, const char *mode)
{
	struct fim_dcache *dc = open_cache(db, "src", 256, false);
	struct worker w[4];
	pthread_t th[4];
	struct fim_dcache_stats st;
	long gets = 0, puts = 0, wrong = 0;
	char what[128];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ dc, (unsigned)i + 1, 0, 0, 0 };
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		gets += w[i].gets;
		puts += w[i].puts;
		wrong += w[i].wrong;
	}
	fim_dcache_get_stats(dc, &st);
	snprintf(what, sizeof(what), "%s: 4 threads: no wrong answer", mode);
	is_int(wrong, 0, what);
	is_int((long)(st.hits + st.misses), gets, "every get counted");
	is_int((long)st.puts, puts, "every put counted");
	ok(st.hits > 0, "threads hit");
	fim_dcache_close(dc);
}

#define NMANY 100000

/* Keys [from, to) found with their own digests: how many. */
static int count_hits(struct fim_dcache *dc, int from, int to)
{
	struct fim_digest_set out, want;
	char name[48];
	int hits = 0;

	for (int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "many/dir%d/file%d", i % 100, i);
		struct fim_dkey k = key_of(name, NULL, (uint64_t)i);

		want = set_of(SHA256, (uint64_t)i);
		hits += fim_dcache_get(dc, &k, SHA256, &out) == 0 &&
			same_md(&out, &want, SHA256);
	}
	return hits;
}

/* 100k puts through the file, every one found again after a reopen.
 * What they cost is a figure of tests/bench/run (tests/bench/cache_cost),
 * never a bound here: a loaded machine would make it flaky. */
static void test_many(void)
{
	const char *db = path_in("many.db");
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	char name[48];

	for (int i = 0; dc && i < NMANY; i++) {
		snprintf(name, sizeof(name), "many/dir%d/file%d", i % 100, i);
		struct fim_dkey k = key_of(name, NULL, (uint64_t)i);
		struct fim_digest_set s = set_of(SHA256, (uint64_t)i);

		fim_dcache_put(dc, &k, &s);
	}
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	if (!ok(dc, "reopened"))
		return;
	is_int(count_hits(dc, 0, NMANY), NMANY, "every put found after reopen");
	is_int(count_hits(dc, NMANY - 50000, NMANY), 50000,
	       "found again (memory part)");
	is_int(count_hits(dc, NMANY, NMANY + 50000), 0, "unknown keys miss");
	fim_dcache_close(dc);
}

/* Queued and in-flight puts are found through their index: each of
 * hundreds by its path, two paths of one file state (one bucket) apart,
 * and the newest put of a path over an older one still being written. */
static void test_queue_index(const char *db)
{
	struct fim_dcache *dc = open_cache(db, "src", 64, false);
	struct fim_digest_set out, s;
	struct fim_dkey k;
	sqlite3 *lock = NULL;
	char name[32];
	int found = 0;

	sqlite3_open(db, &lock);
	is_int(sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	       SQLITE_OK, "index: another process holds the write lock");
	for (int i = 0; i < 600; i++) {
		if (i == 300)
			usleep(50 * 1000); /* the writer takes the first 300 */
		snprintf(name, sizeof(name), "q/i%d", i);
		k = key_of(name, NULL, (uint64_t)i);
		s = set_of(SHA256, (uint64_t)i);
		fim_dcache_put(dc, &k, &s);
	}
	k = key_of("q/twin", NULL, 5);
	s = set_of(SHA256, 1005);
	fim_dcache_put(dc, &k, &s);
	k = key_of("q/i7", NULL, 7);
	s = set_of(SHA256, 2007);
	fim_dcache_put(dc, &k, &s);
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "q/i%d", i);
		k = key_of(name, NULL, (uint64_t)i);
		s = set_of(SHA256, i == 7 ? 2007 : (uint64_t)i);
		found += fim_dcache_get(dc, &k, SHA256, &out) == 0 &&
			 same_md(&out, &s, SHA256);
	}
	is_int(found, 600, "index: every queued and in-flight put found");
	k = key_of("q/twin", NULL, 5);
	s = set_of(SHA256, 1005);
	ok(fim_dcache_get(dc, &k, SHA256, &out) == 0 &&
		   same_md(&out, &s, SHA256),
	   "index: one file state under two paths, each its own");
	sqlite3_exec(lock, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(lock);
	fim_dcache_close(dc);
}

int main(void)
{
	if (dc_setup() < 0)
		return 2;
	test_eviction();
	test_key_fields(NULL);
	test_key_fields(path_in("keys.db"));
	test_merge_replace(path_in("merge.db"));
	test_two_handles(path_in("two.db"));
	test_prefix(path_in("prefix.db"));
	test_queue_answers(path_in("queue.db"));
	test_queue_index(path_in("index.db"));
	test_reuse(NULL, "mem");
	test_reuse(path_in("reuse.db"), "db");
	test_threads(NULL, "mem");
	test_threads(path_in("threads.db"), "db");
	test_many();
	return dc_teardown();
}
