/* Digest cache: a bounded in-memory part in front of a persistent SQLite
 * store that survives unmount and reboot.
 *
 * An entry is valid only for the exact file state it was computed from: the
 * key is the source identity plus the path within SOURCE, inode, size, mtime
 * (ns) and ctime (ns); any difference is a miss. A cache opened on a
 * directory below a SOURCE (one snapshot of it) names its entries as that
 * SOURCE does (key_prefix), so that both share them. With reuse_across_snapshots,
 * a miss on the path falls back to an entry with the same baseline path,
 * inode, size, mtime and ctime (unchanged files keep these across NetApp and
 * btrfs snapshots).
 *
 * Every entry of the persistent part carries a MAC (HMAC-SHA256) over all
 * it asserts, under a key in a file only its owner (root) reads: whoever
 * else writes the database (the run_as account owns it) cannot make it
 * answer a digest. An entry that fails its MAC is ignored, counted and
 * logged, so the file is hashed again.
 *
 * Thread-safe: any thread may call get/put concurrently (the SQLite part uses
 * one connection per thread). Several processes (the daemon and fimfsctl) may
 * share one file safely (WAL mode, busy timeout) if they use the same key.
 */
#ifndef FIM_DCACHE_H
#define FIM_DCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"

struct fim_dkey {
	const char *path;  /* within SOURCE, no leading '/' */
	const char *bpath; /* baseline path (no leading "./"), or NULL */
	uint64_t ino;
	uint64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
};

struct fim_dcache_conf {
	const char *db_path;   /* NULL or "" = memory only */
	const char *source_id; /* namespace of the keys, e.g. the SOURCE root */
	size_t mem_entries;    /* bound of the in-memory part; 0 = default */
	bool reuse_across_snapshots;
	const char *key_path;  /* the MAC key file; needed with db_path */
	const char *key_prefix; /* NULL, or the path within source_id (with a
				   trailing '/') of the directory the keys'
				   paths are relative to */
};

struct fim_dcache_stats {
	uint64_t hits, misses, puts, reused;
	uint64_t forged; /* persistent entries whose MAC failed */
};

struct fim_dcache;

/* Open (creating 0600, with its directory 0700, when missing) the cache.
 * The key file is read now (made when missing) and then held in memory
 * only: open before dropping privileges. A damaged or foreign database file,
 * or one with side files SQLite would not have made (a symlink, another
 * owner), is detected, renamed aside to PATH.corrupt-<unix time>, logged,
 * and replaced by a new one. Returns 0 or a negative errno with a message in
 * err (a key that is not root's own 0600 file is refused). */
int fim_dcache_open(const struct fim_dcache_conf *conf,
		    struct fim_dcache **out, char *err, size_t errsz);
void fim_dcache_close(struct fim_dcache *dc);

/* Call fn(arg, path) for each persistent entry found forged (path within
 * SOURCE), from the thread that looked it up, after the log line. Set it
 * before the first get. */
void fim_dcache_on_forged(struct fim_dcache *dc,
			  void (*fn)(void *arg, const char *path), void *arg);

/* Look up the digests of every algorithm in mask. Returns 0 and fills out
 * (out->mask covers mask) on a hit, -ENOENT on a miss; never an error for a
 * damaged row (treated as a miss and logged). */
int fim_dcache_get(struct fim_dcache *dc, const struct fim_dkey *key,
		   uint32_t mask, struct fim_digest_set *out);

/* Store digests (every algorithm in set->mask) for key. Errors of the
 * persistent store are logged and returned but leave the memory part
 * updated. */
int fim_dcache_put(struct fim_dcache *dc, const struct fim_dkey *key,
		   const struct fim_digest_set *set);

void fim_dcache_get_stats(struct fim_dcache *dc, struct fim_dcache_stats *st);

/* Whether a lookup falls back to the baseline path (reuse_across_snapshots):
 * then files of equal (bpath, ino, size, mtime, ctime) have one digest. */
bool fim_dcache_reuses(const struct fim_dcache *dc);

#endif
