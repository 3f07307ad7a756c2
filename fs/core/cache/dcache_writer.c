/* The digest cache's writer: puts are queued and one thread commits them.
 *
 * An autocommit insert costs ~20 us, a row inside a batch ~1 us
 * (fs/PERFORMANCE-NOTES.md). A put is queued and the writer thread commits
 * what gathered within FLUSH_MS in one transaction, so a put survives a
 * kill -9 of the process once FLUSH_MS have passed (WAL,
 * synchronous=NORMAL: a commit is in the file system when COMMIT returns). The queue is bounded: a put waits
 * when QUEUE_MAX are pending, and the writer does not wait for FLUSH_MS when
 * half of that is queued.
 */
#include "dcache_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define FLUSH_MS 10
#define QUEUE_MAX 8192
/* Pages of the write-ahead log past which a commit checkpoints it
 * (SQLite's own default), and past which the writer also makes the log
 * start over. Lookups on several connections keep read transactions of up
 * to FIM_DCDB_READ_MS open, one after another, and the writer ended those
 * left in idle connections only when it had nothing to write: the log
 * never found a moment without a reader and never started over. It grew
 * by about 2.6 KiB a file hashed (265 MB for 100k .sha256 read through the
 * mount, with a wal-index mapped to match). A RESTART checkpoint waits
 * (the busy handler) for the readers of the log, while new ones read the
 * database file. */
#define WAL_PASSIVE_PAGES 1000
#define WAL_RESTART_PAGES 4096
/* How long a RESTART checkpoint waits for the log's readers before it is
 * tried again after a later batch. */
#define WAL_RESTART_WAIT_MS (4 * FIM_DCDB_READ_MS)

/* key's path is the file's name for it (fim_dcdb_full_path). */
static struct fim_dcpend *pend_new(const struct fim_dkey *key,
			     const struct fim_digest_set *set)
{
	size_t plen = strlen(key->path) + 1;
	size_t blen = key->bpath ? strlen(key->bpath) + 1 : 0;
	struct fim_dcpend *p = malloc(sizeof(*p) + plen + blen);

	if (!p)
		return NULL;
	p->next = NULL;
	p->key = *key;
	p->set = *set;
	memcpy(p->names, key->path, plen);
	p->key.path = p->names;
	if (key->bpath) {
		memcpy(p->names + plen, key->bpath, blen);
		p->key.bpath = p->names + plen;
	}
	return p;
}

/* A file state's bucket. Unkeyed: what shares a bucket is bounded by the
 * queue, so crafted states cost no more than the scan of it they replace. */
size_t fim_dcpend_bucket(const struct fim_dkey *key)
{
	uint64_t h = key->ino * 0x9e3779b97f4a7c15ULL;

	h = (h ^ key->size) * 0xff51afd7ed558ccdULL;
	h = (h ^ (uint64_t)key->mtime_ns) * 0xc4ceb9fe1a85ec53ULL;
	h = (h ^ (uint64_t)key->ctime_ns) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (FIM_DCPEND_BUCKETS - 1);
}

void fim_dcpend_free(struct fim_dcpend *p)
{
	while (p) {
		struct fim_dcpend *next = p->next;

		free(p);
		p = next;
	}
}

struct writer {
	sqlite3 *db;
	int wal_pages; /* in the log after the last commit */
	sqlite3_stmt *upsert, *same; /* same: the row of this file state */
	EVP_MAC_CTX *mac;
};

static void writer_close(struct writer *w)
{
	sqlite3_finalize(w->same);
	sqlite3_finalize(w->upsert);
	sqlite3_close(w->db);
	EVP_MAC_CTX_free(w->mac);
	memset(w, 0, sizeof(*w));
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct writer *w = arg;

	w->wal_pages = pages;
	if (pages >= WAL_PASSIVE_PAGES)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
	return SQLITE_OK;
}

/* After a batch: a log past WAL_RESTART_PAGES starts over, once the read
 * transactions left in idle connections are ended and those in use end. */
static void restart_log(struct fim_dcdb *db, struct writer *w)
{
	if (!w->db || w->wal_pages < WAL_RESTART_PAGES)
		return;
	fim_dcdb_end_idle_reads(db, true);
	sqlite3_busy_timeout(w->db, WAL_RESTART_WAIT_MS);
	if (sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_RESTART,
				      NULL, NULL) == SQLITE_OK)
		w->wal_pages = 0;
	sqlite3_busy_timeout(w->db, FIM_DCDB_BUSY_MS);
}

static int writer_open(struct fim_dcdb *db, struct writer *w)
{
	int rc;

	w->mac = fim_dcmac_ctx(db->mac);
	if (!w->mac)
		return SQLITE_NOMEM;
	rc = fim_dcdb_connect(db->path, true, &w->db);
	if (rc == SQLITE_OK) /* in place of SQLite's passive autocheckpoint */
		sqlite3_wal_hook(w->db, wal_hook, w);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(w->db, db->sql_upsert, -1,
					SQLITE_PREPARE_PERSISTENT, &w->upsert,
					NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(w->db, db->sql_path, -1,
					SQLITE_PREPARE_PERSISTENT, &w->same,
					NULL);
	return rc;
}

/* A row covers every digest known for one file state, and its MAC all of
 * them: add the digests the file already holds for this state (when they
 * are authentic) to the new ones. */
static void merge_known(struct fim_dcdb *db, struct writer *w,
			const struct fim_dcpend *p, struct fim_digest_set *set)
{
	struct fim_digest_set old;
	bool same_bpath;

	if (fim_dcdb_bind_key(w->same, db->sid, p->key.path, &p->key) ==
		    SQLITE_OK &&
	    sqlite3_step(w->same) == SQLITE_ROW &&
	    fim_dcdb_read_row(db, w->mac, w->same, &p->key, &old,
			      &same_bpath) &&
	    same_bpath) {
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if ((old.mask & ~set->mask) & (1u << a))
				memcpy(set->md[a], old.md[a], FIM_MD_MAX);
		set->mask |= old.mask;
	}
	/* An error here is the upsert's error too: reported there. */
	sqlite3_reset(w->same);
}

static int write_one(struct fim_dcdb *db, struct writer *w,
		     const struct fim_dcpend *p)
{
	sqlite3_stmt *st = w->upsert;
	struct fim_digest_set set = p->set;
	unsigned char mac[FIM_DCMAC_LEN];
	struct fim_dcrow row;
	int rc;

	merge_known(db, w, p, &set);
	row = fim_dcrow_of(&p->key, &set);
	if (fim_dcmac_row(db->mac, w->mac, &row, mac))
		return SQLITE_ERROR;
	rc = fim_dcdb_bind_key(st, db->sid, p->key.path, &p->key);
	if (rc == SQLITE_OK)
		rc = p->key.bpath ? sqlite3_bind_text(st, 7, p->key.bpath, -1,
						      SQLITE_STATIC) :
				    sqlite3_bind_null(st, 7);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 8, mac, sizeof(mac), SQLITE_STATIC);
	for (int a = 0; a < FIM_ALG_COUNT && rc == SQLITE_OK; a++)
		rc = (set.mask & (1u << a)) ?
			     sqlite3_bind_blob(st, 9 + a, set.md[a],
					       (int)fim_alg_size(a),
					       SQLITE_STATIC) :
			     sqlite3_bind_null(st, 9 + a);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	/* The bound buffers are on this stack: let go of them. */
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One transaction for the whole batch. On failure the batch is dropped (the
 * answers stay in the memory part; only their persistence is lost). */
static void write_batch(struct fim_dcdb *db, struct writer *w,
			const struct fim_dcpend *batch)
{
	int rc = SQLITE_OK;

	if (!w->db) {
		rc = writer_open(db, w);
		if (rc != SQLITE_OK) {
			fim_dcdb_log_error(db, rc, "opening for writing", w->db);
			writer_close(w);
			return;
		}
	}
	rc = sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (const struct fim_dcpend *p = batch; rc == SQLITE_OK && p; p = p->next)
		rc = write_one(db, w, p);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		fim_dcdb_log_error(db, rc, "writing", w->db);
		if (!sqlite3_get_autocommit(w->db))
			sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

static struct timespec after_ms(long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += ms * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

/* Called with qlock held: until woken or ms have passed. */
static void wait_ms(struct fim_dcdb *db, long ms)
{
	struct timespec until = after_ms(ms);

	pthread_cond_timedwait(&db->qwake, &db->qlock, &until);
}

/* Called with qlock held: let more puts gather for FLUSH_MS, unless the
 * queue fills or the cache closes. */
static void gather(struct fim_dcdb *db)
{
	struct timespec until = after_ms(FLUSH_MS);

	while (!db->stop && db->qlen < QUEUE_MAX / 2)
		if (pthread_cond_timedwait(&db->qwake, &db->qlock, &until) ==
		    ETIMEDOUT)
			break;
}

static void swap_index(struct fim_dcdb *db)
{
	struct fim_dcpend **stale = db->findex;

	db->findex = db->qindex;
	memset(stale, 0, FIM_DCPEND_BUCKETS * sizeof(*stale));
	db->qindex = stale;
}

static void *writer_main(void *arg)
{
	struct fim_dcdb *db = arg;
	struct writer w = { 0 };
	struct fim_dcpend *batch;

	pthread_mutex_lock(&db->qlock);
	for (;;) {
		while (!db->qhead && !db->stop) {
			if (fim_dcdb_end_idle_reads(db, false))
				wait_ms(db, FIM_DCDB_READ_MS);
			else
				pthread_cond_wait(&db->qwake, &db->qlock);
		}
		if (!db->qhead)
			break; /* stopped, and everything is written */
		gather(db);
		batch = db->inflight = db->qhead;
		/* the batch's index is the queue's; the last batch's is
		 * stale, and becomes the empty queue's */
		swap_index(db);
		db->qhead = NULL;
		db->qtail = &db->qhead;
		db->qlen = 0;
		pthread_cond_broadcast(&db->qroom);
		pthread_mutex_unlock(&db->qlock);

		if (!atomic_load(&db->damaged)) {
			write_batch(db, &w, batch);
			restart_log(db, &w);
		}

		pthread_mutex_lock(&db->qlock);
		db->inflight = NULL;
		pthread_mutex_unlock(&db->qlock);
		fim_dcpend_free(batch);
		pthread_mutex_lock(&db->qlock);
	}
	pthread_mutex_unlock(&db->qlock);
	writer_close(&w);
	return NULL;
}

/* Called with qlock held. The writer takes no signals: they are the
 * daemon's business (SIGHUP, SIGTERM). Besides writing, it ends the read
 * transactions that lookups left open in idle connections. */
int fim_dcdb_start_writer(struct fim_dcdb *db)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&db->writer, NULL, writer_main, db);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fim_log(LOG_ERR, "digest cache %s: cannot start its writer: %s",
			db->path, strerror(err));
		return -err;
	}
	db->writer_running = true;
	return 0;
}

int fim_dcdb_put(struct fim_dcdb *db, const struct fim_dkey *key,
		 const struct fim_digest_set *set)
{
	struct fim_dkey k = *key;
	struct fim_dcpend *p;
	char *alloc;
	size_t b;
	int ret = 0;

	if (atomic_load(&db->damaged))
		return -EIO;
	if (fim_dcdb_full_path(db, key->path, &k.path, &alloc))
		return -ENOMEM;
	p = pend_new(&k, set);
	free(alloc);
	if (!p)
		return -ENOMEM;
	b = fim_dcpend_bucket(&p->key);
	pthread_mutex_lock(&db->qlock);
	if (!db->writer_running)
		ret = fim_dcdb_start_writer(db);
	if (ret == 0) {
		while (db->qlen >= QUEUE_MAX)
			pthread_cond_wait(&db->qroom, &db->qlock);
		*db->qtail = p;
		db->qtail = &p->next;
		p->hnext = db->qindex[b];
		db->qindex[b] = p;
		if (db->qlen++ == 0 || db->qlen >= QUEUE_MAX / 2)
			pthread_cond_signal(&db->qwake);
		p = NULL;
	}
	pthread_mutex_unlock(&db->qlock);
	free(p);
	return ret;
}

/* Write what is queued and end the writer. */
void fim_dcdb_writer_stop(struct fim_dcdb *db)
{
	bool running;

	pthread_mutex_lock(&db->qlock);
	db->stop = true;
	running = db->writer_running;
	pthread_cond_signal(&db->qwake);
	pthread_mutex_unlock(&db->qlock);
	if (running)
		pthread_join(db->writer, NULL);
}
