/* Internals of the digest cache, shared by dcache.c (the public API),
 * dcache_mem.c (the bounded in-memory part), dcache_db.c (SQLite lookups),
 * dcache_writer.c (the write queue), dcache_sql.c (schema, statements,
 * settings), dcache_dbfile.c (creating, checking and recovering the
 * database file), dcache_vfs.c (how SQLite opens files), dcache_key.c (the
 * MAC key file) and dcache_mac.c (the rows' MACs). Not part of the public
 * contract; tests may use it.
 */
#ifndef FIM_DCACHE_INT_H
#define FIM_DCACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "dcache.h"

#define FIM_DCACHE_DEFAULT_ENTRIES 16384

/* --- In-memory part (dcache_mem.c) ---------------------------------------
 * A CLOCK cache split into shards, each with its own mutex. An entry is named
 * by (kind, name): the path within SOURCE, or with reuse_across_snapshots
 * also the baseline path. One entry per name: a put with other metadata
 * replaces it, a put with the same metadata adds its digests. The total
 * number of entries never exceeds the bound given at creation. */
enum fim_dckind { FIM_DCK_PATH, FIM_DCK_BPATH };

struct fim_dcmem;

int fim_dcmem_new(size_t entries, struct fim_dcmem **out);
void fim_dcmem_free(struct fim_dcmem *m);
/* 0 and out filled (every digest held, a superset of mask) or -ENOENT. */
int fim_dcmem_get(struct fim_dcmem *m, enum fim_dckind kind,
		  const struct fim_dkey *key, uint32_t mask,
		  struct fim_digest_set *out);
/* 0 or -ENOMEM (the entry is then left as it was). */
int fim_dcmem_put(struct fim_dcmem *m, enum fim_dckind kind,
		  const struct fim_dkey *key, const struct fim_digest_set *set);
size_t fim_dcmem_count(struct fim_dcmem *m);

/* --- Authentication (dcache_key.c, dcache_mac.c) --------------------------
 * Every row of the file carries HMAC-SHA256 under a key only root reads
 * over everything it asserts (dcache_mac.c says how it is encoded). A row
 * whose MAC does not verify is not used: it is counted, logged and, once the
 * file is hashed again, replaced. */
#define FIM_DCACHE_KEY_LEN 32
#define FIM_DCMAC_LEN 32

/* Read the key at path, making it (random, 0600) when missing; refuses a
 * key that is not a regular file of ours with mode 0600 and one link, or
 * whose directory others may write. 0 or a negative errno, err filled. */
int fim_dckey_load(const char *path, unsigned char *key, char *err,
		   size_t errsz);

/* What one row asserts; path and bpath need not be NUL-terminated. */
struct fim_dcrow {
	const char *path, *bpath; /* bpath NULL: none */
	size_t path_len, bpath_len;
	uint64_t ino, size;
	int64_t mtime_ns, ctime_ns;
	const struct fim_digest_set *set;
};

struct fim_dcmac;

/* Keyed for one source id. The key bytes are copied. 0, -ENOMEM, -ENOSYS. */
int fim_dcmac_new(const unsigned char *key, const char *source_id,
		  struct fim_dcmac **out);
void fim_dcmac_free(struct fim_dcmac *m);
/* A context for one thread at a time (EVP_MAC_CTX_free it); NULL on
 * failure (logged). */
EVP_MAC_CTX *fim_dcmac_ctx(const struct fim_dcmac *m);
/* The MAC of row into out (FIM_DCMAC_LEN bytes): 0 or -EIO (logged). */
int fim_dcmac_row(const struct fim_dcmac *m, EVP_MAC_CTX *c,
		  const struct fim_dcrow *row, unsigned char *out);
/* Whether mac (len bytes) is the MAC of row; in constant time. */
bool fim_dcmac_check(const struct fim_dcmac *m, EVP_MAC_CTX *c,
		     const struct fim_dcrow *row, const void *mac, size_t len);

static inline struct fim_dcrow fim_dcrow_of(const struct fim_dkey *k,
					    const struct fim_digest_set *set)
{
	struct fim_dcrow r = {
		.path = k->path, .path_len = strlen(k->path),
		.bpath = k->bpath, .bpath_len = k->bpath ? strlen(k->bpath) : 0,
		.ino = k->ino, .size = k->size,
		.mtime_ns = k->mtime_ns, .ctime_ns = k->ctime_ns, .set = set,
	};
	return r;
}

/* --- Persistent part (dcache_db.c) ---------------------------------------
 * Connections come from a pool (each used by one thread at a time, created
 * on demand, all closed by fim_dcdb_close). Puts go to a bounded queue that a
 * background thread commits in one transaction every few milliseconds; a get
 * also consults the queue so that no answer is lost before it is written. */
struct fim_dcdb;

/* key: FIM_DCACHE_KEY_LEN bytes, copied. prefix (NULL or ending in '/') is
 * put before every key's path in the file (see fim_dcache_conf). */
int fim_dcdb_open(const char *path, const char *source_id, const char *prefix,
		  const unsigned char *key, struct fim_dcdb **out, char *err,
		  size_t errsz);
/* Writes what is queued, then closes every connection. */
void fim_dcdb_close(struct fim_dcdb *db);
/* Lookup by path (by_bpath false) or by baseline path: 0 or -ENOENT. */
int fim_dcdb_get(struct fim_dcdb *db, const struct fim_dkey *key,
		 bool by_bpath, uint32_t mask, struct fim_digest_set *out);
/* Queue a write: 0, -ENOMEM, or -EIO when the store was found damaged. */
int fim_dcdb_put(struct fim_dcdb *db, const struct fim_dkey *key,
		 const struct fim_digest_set *set);

/* Shared by dcache_db.c and dcache_writer.c. */
struct fim_dcconn {
	struct fim_dcconn *next;      /* all connections */
	struct fim_dcconn *next_free; /* the pool */
	sqlite3 *db;
	sqlite3_stmt *by_path, *by_bpath;
	EVP_MAC_CTX *mac;
	int64_t read_since_ns; /* its read transaction began; 0: none open */
};

struct fim_dcpend {
	struct fim_dcpend *next;
	struct fim_dcpend *hnext; /* in its bucket of a pending index */
	struct fim_dkey key; /* path and bpath point into names */
	struct fim_digest_set set;
	char names[];
};

struct fim_dcdb {
	char *path;
	int64_t sid;
	char *prefix; /* NULL or "DIR/": before every key's path in the file */
	char *sql_path, *sql_bpath, *sql_upsert;
	struct fim_dcmac *mac;

	pthread_mutex_t pool_lock; /* guards all, free */
	struct fim_dcconn *all, *free;

	pthread_mutex_t qlock; /* guards qhead down to writer */
	pthread_cond_t qwake;  /* writer: work or stop */
	pthread_cond_t qroom;  /* puts: the queue has room */
	struct fim_dcpend *qhead, **qtail, *inflight;
	/* qhead's and inflight's entries by file state, newest first in each
	 * bucket: a lookup that misses the file (every one of a fresh
	 * baseline) looks at a few, not at the thousands queued */
	struct fim_dcpend **qindex, **findex;
	size_t qlen;
	bool writer_running, stop;
	pthread_t writer;

	bool reads_watched;       /* the writer ends the pool's idle read
				     transactions; guarded by pool_lock */
	atomic_bool damaged;      /* stop using the file; logged once */
	atomic_llong last_log;    /* rate limit of other errors */
	atomic_ullong forged;     /* rows whose MAC failed */
	pthread_mutex_t memo_lock; /* guards memo, memo_next */
	uint64_t memo[32];         /* the last forged rows seen */
	unsigned memo_next;
	/* Set before any lookup, then read only. */
	void (*on_forged)(void *arg, const char *path);
	void *on_forged_arg;
};

/* The path of key as the file names it (db->prefix then key->path), in
 * *full: key->path itself or a copy owned by *alloc (free it). -ENOMEM. */
int fim_dcdb_full_path(const struct fim_dcdb *db, const char *path,
		       const char **full, char **alloc);
void fim_dcdb_log_error(struct fim_dcdb *db, int rc, const char *what,
			sqlite3 *conn);
int fim_dcdb_bind_key(sqlite3_stmt *st, int64_t sid, const char *name,
		      const struct fim_dkey *key);
/* Columns of the lookup statements, then the digests from FIM_DCDB_COL_MD
 * on, one per algorithm. */
enum { FIM_DCDB_COL_PATH, FIM_DCDB_COL_BPATH, FIM_DCDB_COL_MAC,
       FIM_DCDB_COL_MD };
/* The row st is on, for the file state of key: true when it is authentic
 * (well-formed and its MAC verifies), with its digests in *got and
 * *bpath_matches saying whether its bpath is key->bpath. Not logged here. */
bool fim_dcdb_read_row(struct fim_dcdb *db, EVP_MAC_CTX *mac,
		       sqlite3_stmt *st, const struct fim_dkey *key,
		       struct fim_digest_set *got, bool *bpath_matches);
void fim_dcpend_free(struct fim_dcpend *p);
/* Buckets of a pending index (a power of two), and key's bucket. */
#define FIM_DCPEND_BUCKETS 8192u
size_t fim_dcpend_bucket(const struct fim_dkey *key);
void fim_dcdb_writer_stop(struct fim_dcdb *db);
/* Read transactions (dcache_db.c): one spans the lookups of at most
 * FIM_DCDB_READ_MS on a connection; the writer thread ends those of
 * connections left idle in the pool (fim_dcdb_end_idle_reads). */
#define FIM_DCDB_READ_MS 50
int fim_dcdb_start_writer(struct fim_dcdb *db); /* with qlock held */
/* End the read transactions of pooled connections older than
 * FIM_DCDB_READ_MS (all of them with all); returns how many stay open. */
unsigned fim_dcdb_end_idle_reads(struct fim_dcdb *db, bool all);

/* --- Database file (dcache_dbfile.c, dcache_sql.c) ------------------------
 * Schema: application_id FIM_DCDB_APP_ID, user_version FIM_DCDB_VERSION.
 *   source(sid INTEGER PRIMARY KEY, name TEXT UNIQUE)
 *   entry(sid, path, ino, size, mtime_ns, ctime_ns, bpath, mac BLOB,
 *         d_<alg> BLOB..., PRIMARY KEY(sid, path)) WITHOUT ROWID
 *   entry_reuse ON entry(sid, bpath, ino, size, mtime_ns, ctime_ns)
 *         WHERE bpath IS NOT NULL
 * A column d_<alg> per algorithm (named after fim_alg_name, '-' -> '_'),
 * NULL when that digest is not known for the row's file state; mac is the
 * row's MAC (dcache_mac.c). Version 1 had no MACs: such a file is moved
 * aside, not trusted. */
#define FIM_DCDB_APP_ID 0x46494d43   /* "FIMC" */
#define FIM_DCDB_VERSION 2
/* How long a connection waits for another process's lock. */
#define FIM_DCDB_BUSY_MS 10000
#define FIM_DCDB_DAMAGED 0x44414d47  /* "DAMG": user_version of a file found
					damaged while in use */

/* Create the directory (0700) and file (0600) when missing, check the file,
 * move a damaged or foreign one aside and create a fresh one, and return the
 * id of source_id in it. Files that are not what SQLite would have made (a
 * symlink, another file type, more than one link, a -wal, -shm or -journal
 * file of another owner than the database) count as damage. */
int fim_dcdb_init_file(const char *path, const char *source_id, int64_t *sid,
		       char *err, size_t errsz);
/* Make SQLite's own opens (database, -wal, -shm, -journal) refuse a
 * symlink, anything but a regular file (or a directory, read only, which it
 * opens to sync) and a file with more than one link; for the whole process,
 * once. 0 or -ENOSYS when the default VFS has no such hook. */
int fim_dcdb_vfs_init(void);
/* Open one connection with the per-connection settings (the writer's keeps
 * more pages). */
int fim_dcdb_connect(const char *path, bool writer, sqlite3 **out);
/* The statements' text: callers free() it. NULL on ENOMEM. */
char *fim_dcdb_sql_lookup(bool by_bpath);
char *fim_dcdb_sql_upsert(void);
char *fim_dcdb_sql_schema(void); /* in one transaction */
/* Map an SQLite result code to a negative errno. */
int fim_dcdb_errno(int rc);
bool fim_dcdb_is_damage(int rc);

/* Entries held by the memory part. Only tests use it: nothing else shows
 * that the memory part keeps to its bound. */
size_t fim_dcache_mem_count(struct fim_dcache *dc);

#endif
