/* Digest cache: the memory part in front, then the database, then (with
 * reuse_across_snapshots) the same two by baseline path.
 *
 * Every answer found below the memory part is copied into it, so a file read
 * again costs one hash-table lookup. An answer found by baseline path is
 * stored under the path as well, so the next lookup of this snapshot's copy
 * is a direct hit.
 */
#include "dcache_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"

struct fim_dcache {
	struct fim_dcmem *mem;
	struct fim_dcdb *db; /* NULL: memory only */
	bool reuse;
	atomic_uint_fast64_t hits, misses, puts, reused;
};

int fim_dcache_open(const struct fim_dcache_conf *conf,
		    struct fim_dcache **out, char *err, size_t errsz)
{
	struct fim_dcache *dc;
	size_t entries;
	int ret;

	*out = NULL;
	entries = conf->mem_entries ? conf->mem_entries :
				      FIM_DCACHE_DEFAULT_ENTRIES;
	dc = calloc(1, sizeof(*dc));
	if (!dc) {
		snprintf(err, errsz, "digest cache: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	dc->reuse = conf->reuse_across_snapshots;
	ret = fim_dcmem_new(entries, &dc->mem);
	if (ret < 0) {
		snprintf(err, errsz, "digest cache: %zu entries: %s", entries,
			 strerror(-ret));
		goto fail;
	}
	if (conf->db_path && conf->db_path[0]) {
		unsigned char key[FIM_DCACHE_KEY_LEN];

		if (!conf->key_path || !conf->key_path[0]) {
			snprintf(err, errsz, "digest cache %s: no key file",
				 conf->db_path);
			ret = -EINVAL;
			goto fail;
		}
		ret = fim_dckey_load(conf->key_path, key, err, errsz);
		if (ret == 0)
			ret = fim_dcdb_open(conf->db_path,
					    conf->source_id ? conf->source_id :
							      "",
					    conf->key_prefix, key, &dc->db, err,
					    errsz);
		OPENSSL_cleanse(key, sizeof(key));
		if (ret < 0)
			goto fail;
	}
	*out = dc;
	return 0;
fail:
	fim_dcmem_free(dc->mem);
	free(dc);
	return ret;
}

void fim_dcache_close(struct fim_dcache *dc)
{
	if (!dc)
		return;
	fim_dcdb_close(dc->db);
	fim_dcmem_free(dc->mem);
	free(dc);
}

static bool valid_key(const struct fim_dkey *key)
{
	return key && key->path;
}

static bool valid_mask(uint32_t mask)
{
	return mask && !(mask >> FIM_ALG_COUNT);
}

static int lookup(struct fim_dcache *dc, enum fim_dckind kind,
		  const struct fim_dkey *key, uint32_t mask,
		  struct fim_digest_set *out)
{
	if (fim_dcmem_get(dc->mem, kind, key, mask, out) == 0)
		return 0;
	if (!dc->db ||
	    fim_dcdb_get(dc->db, key, kind == FIM_DCK_BPATH, mask, out) < 0)
		return -ENOENT;
	/* Promotion is best effort: without memory the next lookup goes to
	 * the database again. */
	(void)fim_dcmem_put(dc->mem, kind, key, out);
	return 0;
}

int fim_dcache_get(struct fim_dcache *dc, const struct fim_dkey *key,
		   uint32_t mask, struct fim_digest_set *out)
{
	if (!dc || !valid_key(key) || !valid_mask(mask) || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (lookup(dc, FIM_DCK_PATH, key, mask, out) == 0) {
		atomic_fetch_add_explicit(&dc->hits, 1, memory_order_relaxed);
		return 0;
	}
	if (dc->reuse && key->bpath &&
	    lookup(dc, FIM_DCK_BPATH, key, mask, out) == 0) {
		(void)fim_dcmem_put(dc->mem, FIM_DCK_PATH, key, out);
		atomic_fetch_add_explicit(&dc->hits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&dc->reused, 1, memory_order_relaxed);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	atomic_fetch_add_explicit(&dc->misses, 1, memory_order_relaxed);
	return -ENOENT;
}

int fim_dcache_put(struct fim_dcache *dc, const struct fim_dkey *key,
		   const struct fim_digest_set *set)
{
	int ret, r;

	if (!dc || !valid_key(key) || !set || !valid_mask(set->mask))
		return -EINVAL;
	atomic_fetch_add_explicit(&dc->puts, 1, memory_order_relaxed);
	ret = fim_dcmem_put(dc->mem, FIM_DCK_PATH, key, set);
	if (dc->reuse && key->bpath) {
		r = fim_dcmem_put(dc->mem, FIM_DCK_BPATH, key, set);
		ret = ret ? ret : r;
	}
	if (dc->db) {
		struct fim_dkey k = *key;

		/* Without reuse the baseline path is never looked up: leave
		 * it out of the row and so out of the reuse index. */
		if (!dc->reuse)
			k.bpath = NULL;
		r = fim_dcdb_put(dc->db, &k, set);
		ret = ret ? ret : r;
	}
	return ret;
}

void fim_dcache_on_forged(struct fim_dcache *dc,
			  void (*fn)(void *arg, const char *path), void *arg)
{
	if (!dc->db)
		return;
	dc->db->on_forged = fn;
	dc->db->on_forged_arg = arg;
}

void fim_dcache_get_stats(struct fim_dcache *dc, struct fim_dcache_stats *st)
{
	st->hits = atomic_load_explicit(&dc->hits, memory_order_relaxed);
	st->misses = atomic_load_explicit(&dc->misses, memory_order_relaxed);
	st->puts = atomic_load_explicit(&dc->puts, memory_order_relaxed);
	st->reused = atomic_load_explicit(&dc->reused, memory_order_relaxed);
	st->forged = dc->db ? atomic_load(&dc->db->forged) : 0;
}

bool fim_dcache_reuses(const struct fim_dcache *dc)
{
	return dc->reuse;
}

size_t fim_dcache_mem_count(struct fim_dcache *dc)
{
	return fim_dcmem_count(dc->mem);
}
