/* Helpers shared by the digest cache's unit tests. */
#ifndef FIM_DCACHE_TEST_H
#define FIM_DCACHE_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dcache.h"
#include "dcache_int.h"
#include "log.h"
#include "rm_rf.h"
#include "tap.h"

#define SHA256 (1u << FIM_SHA256)
#define SHA512 (1u << FIM_SHA512)
#define MD5 (1u << FIM_MD5)

static char tmp[256];
static int n_warn, n_err;
static char last_msg[1024];

static inline void sink(int prio, const char *msg, void *arg)
{
	(void)arg;
	if (prio == LOG_WARNING)
		n_warn++;
	else if (prio <= LOG_ERR)
		n_err++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	printf("# log(%d): %s\n", prio, msg);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline struct fim_dkey key_of(const char *path, const char *bpath,
			      uint64_t n)
{
	struct fim_dkey k = { path, bpath, 1000 + n, 4096 + n,
			      1700000000000000000LL + (int64_t)n,
			      1700000000500000000LL + (int64_t)n };
	return k;
}

/* Digests that name their key number, so a wrong answer shows. */
static inline struct fim_digest_set set_of(uint32_t mask, uint64_t n)
{
	struct fim_digest_set s;

	memset(&s, 0, sizeof(s));
	s.mask = mask;
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		for (int i = 0; i < FIM_MD_MAX; i++)
			s.md[a][i] = (unsigned char)(n * 31 + (uint64_t)a * 7 +
						     (uint64_t)i);
	return s;
}

static inline bool same_md(const struct fim_digest_set *a,
		    const struct fim_digest_set *b, uint32_t mask)
{
	for (int x = 0; x < FIM_ALG_COUNT; x++)
		if ((mask & (1u << x)) &&
		    memcmp(a->md[x], b->md[x], fim_alg_size(x)))
			return false;
	return (a->mask & mask) == mask;
}

static char key_path[300]; /* the MAC key of every test cache */

static inline struct fim_dcache *open_cache(const char *db, const char *src,
				     size_t entries, bool reuse)
{
	struct fim_dcache_conf conf = {
		.db_path = db, .source_id = src, .mem_entries = entries,
		.reuse_across_snapshots = reuse, .key_path = key_path,
	};
	struct fim_dcache *dc = NULL;
	char err[512] = "";
	int ret = fim_dcache_open(&conf, &dc, err, sizeof(err));

	if (ret < 0)
		printf("# open %s: %s (%s)\n", db ? db : "(memory)", err,
		       fim_errname(-ret));
	return dc;
}

static inline char *path_in(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

/* Puts reach the file within a few ms; another handle polls for them. */
static inline int wait_get(struct fim_dcache *dc, const struct fim_dkey *k,
		    uint32_t mask, struct fim_digest_set *out)
{
	int ret = -ENOENT;

	for (int i = 0; i < 400 && ret == -ENOENT; i++) {
		ret = fim_dcache_get(dc, k, mask, out);
		if (ret == -ENOENT)
			usleep(5000);
	}
	return ret;
}

static inline int count_corrupt(const char *db)
{
	char pat[600];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "%s.corrupt-*[0-9]", db);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

/* The attacker owns the file (or another process writes it): run SQL on
 * it directly. */
static inline void edit(const char *db, const char *sql)
{
	sqlite3 *s = NULL;
	char *msg = NULL;

	if (sqlite3_open(db, &s) != SQLITE_OK ||
	    sqlite3_exec(s, sql, NULL, NULL, &msg) != SQLITE_OK)
		printf("# edit: %s\n", msg ? msg : sqlite3_errmsg(s));
	sqlite3_free(msg);
	sqlite3_close(s);
}

static inline uint64_t forged_count(struct fim_dcache *dc)
{
	struct fim_dcache_stats st;

	fim_dcache_get_stats(dc, &st);
	return st.forged;
}

/* A private directory for the files of one test program. */
static inline int dc_setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_dcache.XXXXXX");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(key_path, sizeof(key_path), "%s/cache.key", tmp);
	fim_log_set_sink(sink, NULL);
	srand(42);
	return 0;
}

static inline int dc_teardown(void)
{
	rm_rf(tmp);
	return tap_done();
}

#endif
