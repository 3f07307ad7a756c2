/* The persistent part of the digest cache: lookups on pooled connections.
 *
 * Connections: SQLite wants one connection per thread. Instead of
 * thread-local storage (which leaks or races when a thread exits before or
 * while the cache is closed), a thread checks a connection out of a pool for
 * the length of one lookup and returns it. The pool grows to the number of
 * threads ever inside a lookup at once, each connection keeps its prepared
 * statements, and fim_dcdb_close closes them all. Nothing is opened before
 * the first lookup or put, so a process may fork (daemonize) after open.
 *
 * Read transactions: each one costs SQLite an fstat and two fcntl locks,
 * as much as the stat of the file looked up, so one spans the lookups of up
 * to FIM_DCDB_READ_MS on a connection (ended by the first lookup after
 * that, or by the writer thread when the connection sits idle in the pool,
 * so that no snapshot holds back the WAL's checkpoints for long). Answers
 * stay right: a row is looked up by the exact file state (path, inode,
 * size, mtime, ctime) and its MAC is checked on every read, so a snapshot
 * up to FIM_DCDB_READ_MS old can only miss a row that another process (the
 * daemon, or this process's writer) committed since; the file is then
 * hashed again. It never yields a row the current state does not match, or
 * one that does not verify.
 *
 * A lookup that the file cannot answer also searches the write queue
 * (dcache_writer.c), so an answer is never lost before it is committed.
 *
 * A row is used only when its MAC verifies (dcache_mac.c): anyone who can
 * write the file (the run_as account owns it) could otherwise make a
 * tampered file's digest say what the baseline expects. A forged row is a
 * miss: the file is hashed again and its new row replaces the forgery.
 */
#include "dcache_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define LOG_EVERY_S 60

void fim_dcdb_log_error(struct fim_dcdb *db, int rc, const char *what,
		      sqlite3 *conn)
{
	long long now = (long long)time(NULL);
	long long last = atomic_load(&db->last_log);

	if (fim_dcdb_is_damage(rc)) {
		if (atomic_exchange(&db->damaged, true))
			return;
		fim_log(LOG_ERR,
			"digest cache %s: damaged (%s during %s); using memory only "
			"until it is reopened, checked and rebuilt", db->path,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc), what);
		/* Make the next open move it aside even if quick_check would
		 * miss the damage. Best effort: the file may refuse writes. */
		if (conn) {
			char sql[64];

			snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
				 FIM_DCDB_DAMAGED);
			/* Not worth holding a reader for long. */
			sqlite3_busy_timeout(conn, 100);
			sqlite3_exec(conn, sql, NULL, NULL, NULL);
			sqlite3_busy_timeout(conn, FIM_DCDB_BUSY_MS);
		}
		return;
	}
	if (now - last < LOG_EVERY_S ||
	    !atomic_compare_exchange_strong(&db->last_log, &last, now))
		return;
	fim_log(LOG_ERR, "digest cache %s: %s: %s", db->path, what,
		conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void end_read(struct fim_dcconn *c)
{
	if (!c->read_since_ns)
		return;
	c->read_since_ns = 0;
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK &&
	    !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool read_is_old(const struct fim_dcconn *c, int64_t now)
{
	return now - c->read_since_ns >= FIM_DCDB_READ_MS * 1000000LL;
}

static void conn_close(struct fim_dcconn *c)
{
	end_read(c);
	EVP_MAC_CTX_free(c->mac);
	sqlite3_finalize(c->by_path);
	sqlite3_finalize(c->by_bpath);
	sqlite3_close(c->db);
	free(c);
}

static struct fim_dcconn *conn_new(struct fim_dcdb *db)
{
	struct fim_dcconn *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return NULL;
	c->mac = fim_dcmac_ctx(db->mac);
	if (!c->mac) {
		free(c);
		return NULL;
	}
	rc = fim_dcdb_connect(db->path, false, &c->db);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(c->db, db->sql_path, -1,
					SQLITE_PREPARE_PERSISTENT, &c->by_path,
					NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(c->db, db->sql_bpath, -1,
					SQLITE_PREPARE_PERSISTENT,
					&c->by_bpath, NULL);
	if (rc != SQLITE_OK) {
		fim_dcdb_log_error(db, rc, "open", c->db);
		conn_close(c);
		return NULL;
	}
	return c;
}

static struct fim_dcconn *conn_get(struct fim_dcdb *db)
{
	struct fim_dcconn *c;

	pthread_mutex_lock(&db->pool_lock);
	c = db->free;
	if (c)
		db->free = c->next_free;
	pthread_mutex_unlock(&db->pool_lock);
	if (c)
		return c;
	c = conn_new(db);
	if (!c)
		return NULL;
	pthread_mutex_lock(&db->pool_lock);
	c->next = db->all;
	db->all = c;
	pthread_mutex_unlock(&db->pool_lock);
	return c;
}

/* Back to the pool, its read transaction open: the writer thread is told
 * that it has one to end if no lookup does first. */
static void conn_put(struct fim_dcdb *db, struct fim_dcconn *c)
{
	bool tell = false;

	pthread_mutex_lock(&db->pool_lock);
	c->next_free = db->free;
	db->free = c;
	if (c->read_since_ns && !db->reads_watched)
		tell = db->reads_watched = true;
	pthread_mutex_unlock(&db->pool_lock);
	if (!tell)
		return;
	pthread_mutex_lock(&db->qlock);
	if (db->writer_running || fim_dcdb_start_writer(db) == 0)
		pthread_cond_signal(&db->qwake);
	pthread_mutex_unlock(&db->qlock);
}

unsigned fim_dcdb_end_idle_reads(struct fim_dcdb *db, bool all)
{
	int64_t now = now_ns();
	unsigned left = 0;

	pthread_mutex_lock(&db->pool_lock);
	for (struct fim_dcconn *c = db->free; c; c = c->next_free) {
		if (c->read_since_ns && (all || read_is_old(c, now)))
			end_read(c);
		left += c->read_since_ns != 0;
	}
	/* Those in use are watched again when they come back. */
	db->reads_watched = left > 0;
	pthread_mutex_unlock(&db->pool_lock);
	return left;
}

int fim_dcdb_bind_key(sqlite3_stmt *st, int64_t sid, const char *name,
		    const struct fim_dkey *key)
{
	int rc = sqlite3_bind_int64(st, 1, sid);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)key->ino);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, (sqlite3_int64)key->size);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, key->mtime_ns);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, key->ctime_ns);
	return rc;
}

bool fim_dcdb_read_row(struct fim_dcdb *db, EVP_MAC_CTX *mac,
		       sqlite3_stmt *st, const struct fim_dkey *key,
		       struct fim_digest_set *got, bool *bpath_matches)
{
	/* Types first: reading a value may convert it. */
	int path_type = sqlite3_column_type(st, FIM_DCDB_COL_PATH);
	int bpath_type = sqlite3_column_type(st, FIM_DCDB_COL_BPATH);
	int mac_type = sqlite3_column_type(st, FIM_DCDB_COL_MAC);
	struct fim_dcrow row = fim_dcrow_of(key, got);
	const void *tag;

	got->mask = 0;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		int col = FIM_DCDB_COL_MD + a;
		int type = sqlite3_column_type(st, col);
		const void *md = sqlite3_column_blob(st, col);
		int len = sqlite3_column_bytes(st, col);

		if (type == SQLITE_NULL)
			continue;
		if (type != SQLITE_BLOB || !md ||
		    (size_t)len != fim_alg_size(a))
			return false;
		memcpy(got->md[a], md, (size_t)len);
		got->mask |= 1u << a;
	}
	if (path_type != SQLITE_TEXT || mac_type != SQLITE_BLOB ||
	    (bpath_type != SQLITE_TEXT && bpath_type != SQLITE_NULL))
		return false;
	/* What the row holds, byte for byte (the lookup matched the file
	 * state): a path edited to hold a NUL must not verify. */
	row.path = (const char *)sqlite3_column_text(st, FIM_DCDB_COL_PATH);
	row.path_len = (size_t)sqlite3_column_bytes(st, FIM_DCDB_COL_PATH);
	row.bpath = NULL;
	row.bpath_len = 0;
	if (bpath_type == SQLITE_TEXT) {
		row.bpath = (const char *)sqlite3_column_text(
			st, FIM_DCDB_COL_BPATH);
		row.bpath_len =
			(size_t)sqlite3_column_bytes(st, FIM_DCDB_COL_BPATH);
	}
	tag = sqlite3_column_blob(st, FIM_DCDB_COL_MAC);
	if (!row.path || (bpath_type == SQLITE_TEXT && !row.bpath) ||
	    !fim_dcmac_check(db->mac, mac, &row, tag,
			     (size_t)sqlite3_column_bytes(st, FIM_DCDB_COL_MAC)))
		return false;
	*bpath_matches = key->bpath ?
		row.bpath && row.bpath_len == strlen(key->bpath) &&
		!memcmp(row.bpath, key->bpath, row.bpath_len) : !row.bpath;
	return true;
}

/* A miss is looked up twice (before a hash is queued and again by the
 * hashing thread): one forged row is one event, not two. */
static bool seen_before(struct fim_dcdb *db, uint64_t id)
{
	const size_t n = sizeof(db->memo) / sizeof(*db->memo);
	bool seen = false;

	pthread_mutex_lock(&db->memo_lock);
	for (size_t i = 0; i < n && !seen; i++)
		seen = db->memo[i] == id;
	if (!seen)
		db->memo[db->memo_next++ % n] = id;
	pthread_mutex_unlock(&db->memo_lock);
	return seen;
}

/* A row that claims to be ours but is not: never used, said loudly. The
 * file named is the one looked up (with reuse, the row may be another
 * snapshot's): not text from the row, which the forger wrote. */
static void forged(struct fim_dcdb *db, sqlite3_stmt *st, const char *path)
{
	const unsigned char *p = sqlite3_column_blob(st, FIM_DCDB_COL_PATH);
	const unsigned char *tag = sqlite3_column_blob(st, FIM_DCDB_COL_MAC);
	int plen = sqlite3_column_bytes(st, FIM_DCDB_COL_PATH);
	int len = sqlite3_column_bytes(st, FIM_DCDB_COL_MAC);
	uint64_t id = 14695981039346656037ull;

	for (int i = 0; p && i < plen; i++)
		id = (id ^ p[i]) * 1099511628211ull;
	for (int i = 0; tag && i < len && i < 8; i++)
		id = (id ^ tag[i]) * 1099511628211ull;
	if (seen_before(db, id))
		return;
	atomic_fetch_add(&db->forged, 1);
	fim_log(LOG_WARNING, "digest cache %s: the entry for %s fails its "
		"authentication (forged, or written under another key); "
		"ignored, the file is hashed again", db->path, path);
	if (db->on_forged)
		db->on_forged(db->on_forged_arg, path);
}

/* Take the row's digests when they are authentic and cover mask; shown
 * names the file in messages (the caller's path, without db->prefix). */
static bool take_row(struct fim_dcdb *db, EVP_MAC_CTX *mac, sqlite3_stmt *st,
		     const struct fim_dkey *key, const char *shown,
		     uint32_t mask, struct fim_digest_set *out)
{
	struct fim_digest_set got;
	bool bpath_matches;

	if (!fim_dcdb_read_row(db, mac, st, key, &got, &bpath_matches)) {
		forged(db, st, shown);
		return false;
	}
	if ((got.mask & mask) != mask)
		return false;
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		if (got.mask & (1u << a))
			memcpy(out->md[a], got.md[a], FIM_MD_MAX);
	out->mask |= got.mask;
	return true;
}

static int lookup_sql(struct fim_dcdb *db, const struct fim_dkey *key,
		      const char *shown, bool by_bpath, uint32_t mask,
		      struct fim_digest_set *out)
{
	struct fim_dcconn *c = conn_get(db);
	sqlite3_stmt *st;
	int rc, ret = -ENOENT;

	if (!c)
		return -ENOENT;
	if (c->read_since_ns && read_is_old(c, now_ns()))
		end_read(c);
	/* Deferred: the snapshot is taken by the first step. */
	if (!c->read_since_ns &&
	    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		c->read_since_ns = now_ns();
	st = by_bpath ? c->by_bpath : c->by_path;
	rc = fim_dcdb_bind_key(st, db->sid, by_bpath ? key->bpath : key->path, key);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (take_row(db, c->mac, st, key, shown, mask, out)) {
				ret = 0;
				rc = SQLITE_DONE;
				break;
			}
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		/* The next lookup starts afresh (and a damaged file is
		 * marked outside any transaction). */
		end_read(c);
		fim_dcdb_log_error(db, rc, "lookup", c->db);
	}
	conn_put(db, c);
	return ret;
}

static bool pend_match(const struct fim_dcpend *p, const struct fim_dkey *key,
		       bool by_bpath, uint32_t mask)
{
	if (p->key.ino != key->ino || p->key.size != key->size ||
	    p->key.mtime_ns != key->mtime_ns ||
	    p->key.ctime_ns != key->ctime_ns || (p->set.mask & mask) != mask)
		return false;
	if (by_bpath)
		return p->key.bpath && !strcmp(p->key.bpath, key->bpath);
	return !strcmp(p->key.path, key->path);
}

/* Search what is queued or being written, newest last. */
static int lookup_queue(struct fim_dcdb *db, const struct fim_dkey *key,
			bool by_bpath, uint32_t mask,
			struct fim_digest_set *out)
{
	size_t b = fim_dcpend_bucket(key);
	const struct fim_dcpend *found = NULL, *p;

	pthread_mutex_lock(&db->qlock);
	for (p = db->qindex[b]; p && !found; p = p->hnext)
		if (pend_match(p, key, by_bpath, mask))
			found = p;
	for (p = db->inflight ? db->findex[b] : NULL; p && !found;
	     p = p->hnext)
		if (pend_match(p, key, by_bpath, mask))
			found = p;
	if (found) {
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (found->set.mask & (1u << a))
				memcpy(out->md[a], found->set.md[a],
				       FIM_MD_MAX);
		out->mask |= found->set.mask;
	}
	pthread_mutex_unlock(&db->qlock);
	return found ? 0 : -ENOENT;
}

int fim_dcdb_full_path(const struct fim_dcdb *db, const char *path,
		       const char **full, char **alloc)
{
	*alloc = NULL;
	*full = path;
	if (!db->prefix)
		return 0;
	if (asprintf(alloc, "%s%s", db->prefix, path) < 0) {
		*alloc = NULL;
		return -ENOMEM;
	}
	*full = *alloc;
	return 0;
}

int fim_dcdb_get(struct fim_dcdb *db, const struct fim_dkey *key,
		 bool by_bpath, uint32_t mask, struct fim_digest_set *out)
{
	struct fim_dkey k = *key;
	char *alloc;
	int ret;

	if (fim_dcdb_full_path(db, key->path, &k.path, &alloc))
		return -ENOENT;
	ret = atomic_load(&db->damaged) ? -ENOENT :
		lookup_sql(db, &k, key->path, by_bpath, mask, out);
	if (ret)
		ret = lookup_queue(db, &k, by_bpath, mask, out);
	free(alloc);
	return ret;
}

static void dcdb_free(struct fim_dcdb *db)
{
	struct fim_dcconn *c, *next;

	for (c = db->all; c; c = next) {
		next = c->next;
		conn_close(c);
	}
	fim_dcpend_free(db->qhead);
	free(db->qindex);
	free(db->findex);
	pthread_mutex_destroy(&db->memo_lock);
	pthread_cond_destroy(&db->qroom);
	pthread_cond_destroy(&db->qwake);
	pthread_mutex_destroy(&db->qlock);
	pthread_mutex_destroy(&db->pool_lock);
	fim_dcmac_free(db->mac);
	free(db->sql_upsert);
	free(db->sql_bpath);
	free(db->sql_path);
	free(db->prefix);
	free(db->path);
	free(db);
}

int fim_dcdb_open(const char *path, const char *source_id, const char *prefix,
		  const unsigned char *key, struct fim_dcdb **out, char *err,
		  size_t errsz)
{
	struct fim_dcdb *db = calloc(1, sizeof(*db));
	pthread_condattr_t ca;
	int ret;

	*out = NULL;
	if (!db)
		return -ENOMEM;
	pthread_mutex_init(&db->pool_lock, NULL);
	pthread_mutex_init(&db->memo_lock, NULL);
	pthread_mutex_init(&db->qlock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&db->qwake, &ca);
	pthread_cond_init(&db->qroom, &ca);
	pthread_condattr_destroy(&ca);
	db->qtail = &db->qhead;
	db->qindex = calloc(FIM_DCPEND_BUCKETS, sizeof(*db->qindex));
	db->findex = calloc(FIM_DCPEND_BUCKETS, sizeof(*db->findex));
	db->path = strdup(path);
	db->sql_path = fim_dcdb_sql_lookup(false);
	db->sql_bpath = fim_dcdb_sql_lookup(true);
	db->sql_upsert = fim_dcdb_sql_upsert();
	db->prefix = prefix && *prefix ? strdup(prefix) : NULL;
	if (!db->path || !db->qindex || !db->findex || !db->sql_path ||
	    !db->sql_bpath || !db->sql_upsert ||
	    (prefix && *prefix && !db->prefix)) {
		snprintf(err, errsz, "%s: %s", path, strerror(ENOMEM));
		ret = -ENOMEM;
		goto fail;
	}
	ret = fim_dcmac_new(key, source_id, &db->mac);
	if (ret < 0) {
		snprintf(err, errsz, "%s: cannot set up HMAC-SHA256: %s", path,
			 strerror(-ret));
		goto fail;
	}
	ret = fim_dcdb_init_file(path, source_id, &db->sid, err, errsz);
	if (ret < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	dcdb_free(db);
	return ret;
}

void fim_dcdb_close(struct fim_dcdb *db)
{
	if (!db)
		return;
	fim_dcdb_writer_stop(db);
	dcdb_free(db);
}
