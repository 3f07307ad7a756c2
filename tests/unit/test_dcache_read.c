/* Digest cache: one read transaction spans the lookups of a short while.
 * What that must not cost: a row forged or replaced in the file between two
 * lookups of one run is never answered for a state it does not match, the
 * snapshot is let go within FIM_DCDB_READ_MS (another process's rows are
 * then seen), and a connection left idle does not hold back the WAL. */
#include "dcache_test.h"

static void sleep_ms(long ms)
{
	usleep((useconds_t)ms * 1000);
}

/* Files a, b, c stored, then a run that looks them up one by one while
 * their rows are forged in the file. */
static void test_forged_between_lookups(void)
{
	char *db = path_in("forged.db");
	struct fim_dkey ka = key_of("a", NULL, 1), kb = key_of("b", NULL, 2),
			kc = key_of("c", NULL, 3);
	struct fim_digest_set sa = set_of(SHA256, 1), sb = set_of(SHA256, 2),
			      sc = set_of(SHA256, 3), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	int ret;

	fim_dcache_put(dc, &ka, &sa);
	fim_dcache_put(dc, &kb, &sb);
	fim_dcache_put(dc, &kc, &sc);
	fim_dcache_close(dc);

	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &ka, SHA256, &out) == 0 &&
	   same_md(&out, &sa, SHA256), "the run's first file: a hit");
	edit(db, "UPDATE entry SET d_sha256=zeroblob(32) WHERE path!='a'");
	ret = fim_dcache_get(dc, &kb, SHA256, &out);
	ok(ret == -ENOENT || same_md(&out, &sb, SHA256),
	   "a row forged after the run's first lookup: its authentic digest "
	   "or a miss, never the forgery");
	sleep_ms(2 * FIM_DCDB_READ_MS);
	is_int(fim_dcache_get(dc, &kc, SHA256, &out), -ENOENT,
	       "after FIM_DCDB_READ_MS the forgery is read, and refused");
	/* b too when its lookup came after the read transaction ended (a
	 * loaded box) and so refused its forgery */
	is_int((int)forged_count(dc), ret == -ENOENT ? 2 : 1, "and counted");
	fim_dcache_close(dc);
}

/* The daemon hashes a changed file while our run holds a snapshot: the old
 * state's row never answers the new state, and the new row is seen soon. */
static void test_replaced_between_lookups(void)
{
	char *db = path_in("replaced.db");
	struct fim_dkey k1 = key_of("f", NULL, 4), k2 = k1, kx = key_of("x", NULL, 6);
	struct fim_digest_set s1 = set_of(SHA256, 4), s2 = set_of(SHA256, 5),
			      sx = set_of(SHA256, 6), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false), *daemon;
	int ret;

	k2.mtime_ns += 1000;
	k2.ctime_ns += 1000;
	fim_dcache_put(dc, &k1, &s1);
	fim_dcache_put(dc, &kx, &sx);
	fim_dcache_close(dc);

	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &kx, SHA256, &out) == 0,
	   "the run has begun reading");
	daemon = open_cache(db, "src", 0, false);
	fim_dcache_put(daemon, &k2, &s2); /* replaces f's row */
	fim_dcache_close(daemon);
	ret = fim_dcache_get(dc, &k2, SHA256, &out);
	ok(ret == -ENOENT || same_md(&out, &s2, SHA256),
	   "the changed file: a miss or its new digest, never the old one");
	sleep_ms(2 * FIM_DCDB_READ_MS);
	ok(fim_dcache_get(dc, &k2, SHA256, &out) == 0 &&
	   same_md(&out, &s2, SHA256),
	   "after FIM_DCDB_READ_MS the daemon's row answers");
	fim_dcache_close(dc);
}

/* With a reader holding a snapshot, a TRUNCATE checkpoint cannot copy what
 * was written after it: busy. */
static int checkpoint_busy(const char *db)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	int busy = -1;

	if (sqlite3_open(db, &s) == SQLITE_OK &&
	    sqlite3_prepare_v2(s, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		busy = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return busy;
}

static void test_idle_connection(void)
{
	char *db = path_in("idle.db");
	struct fim_dkey k = key_of("a", NULL, 7);
	struct fim_digest_set s = set_of(SHA256, 7), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);

	fim_dcache_put(dc, &k, &s);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	ok(fim_dcache_get(dc, &k, SHA256, &out) == 0, "one lookup, then idle");
	edit(db, "INSERT INTO source(name) VALUES('other')");
	sleep_ms(3 * FIM_DCDB_READ_MS);
	is_int(checkpoint_busy(db), 0,
	       "the idle connection's snapshot is let go: the WAL "
	       "checkpoints in full");
	fim_dcache_close(dc);
}

int main(void)
{
	if (dc_setup() < 0)
		return 2;
	test_forged_between_lookups();
	test_replaced_between_lookups();
	test_idle_connection();
	return dc_teardown();
}
