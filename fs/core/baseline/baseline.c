/* Baselines: signed manifests loaded all-or-nothing, reference counted. */
#include "baseline.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileio.h"
#include "sign.h"

struct fim_baseline {
	atomic_uint refs;
	struct fim_manifest **m;
	char **paths;
	size_t n;
	size_t entries;
	int64_t loaded_ns;
	char fpr[FIM_FPR_HEX_LEN + 1];
};

static void baseline_free(struct fim_baseline *bl)
{
	for (size_t i = 0; i < bl->n; i++) {
		fim_manifest_free(bl->m[i]);
		free(bl->paths[i]);
	}
	free(bl->m);
	free(bl->paths);
	free(bl);
}

int fim_baseline_load_manifest(const struct fim_pubkey *key,
			       const char *path, struct fim_manifest **out,
			       bool *refused, char *err, size_t errsz)
{
	unsigned char sig[FIM_SIG_LEN];
	char *buf = NULL, msg[256];
	size_t len = 0;
	bool bad = false;
	int ret;

	ret = fim_manifest_read(path, &buf, &len, err, errsz);
	if (ret)
		goto out;
	ret = fim_sig_read(path, sig, err, errsz);
	if (ret) {
		bad = ret == -ENOENT || ret == -EBADMSG; /* unsigned */
		goto out;
	}
	ret = fim_verify_buf(key, buf, len, sig, sizeof(sig), msg, sizeof(msg));
	if (ret) {
		bad = ret == -EBADMSG;
		snprintf(err, errsz, "%s: %s", path, msg);
		goto out;
	}
	ret = fim_manifest_parse_consume(path, buf, len, out, err, errsz);
	bad = ret == -EINVAL;
out:
	if (refused)
		*refused = bad;
	free(buf);
	return ret;
}

static int count_one(const struct fim_mentry *e, void *arg)
{
	(void)e;
	++*(size_t *)arg;
	return 0;
}

int fim_baseline_load(char *const *manifests, size_t n, const char *pubkey,
		      struct fim_baseline **out, char *err, size_t errsz)
{
	struct fim_pubkey *key = NULL;
	struct fim_baseline *bl;
	struct timespec ts;
	int ret;

	if (!n || !manifests) {
		snprintf(err, errsz, "no manifest configured");
		return -EINVAL;
	}
	if (!pubkey || !*pubkey) {
		snprintf(err, errsz, "no public key configured");
		return -EINVAL;
	}
	bl = calloc(1, sizeof(*bl));
	if (!bl || !(bl->m = calloc(n, sizeof(*bl->m))) ||
	    !(bl->paths = calloc(n, sizeof(*bl->paths)))) {
		ret = -ENOMEM;
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	atomic_init(&bl->refs, 1);
	ret = fim_pubkey_load(pubkey, &key, err, errsz);
	if (ret)
		goto fail;
	memcpy(bl->fpr, fim_pubkey_fingerprint(key), sizeof(bl->fpr));
	for (; bl->n < n; bl->n++) {
		bl->paths[bl->n] = strdup(manifests[bl->n]);
		if (!bl->paths[bl->n]) {
			ret = -ENOMEM;
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		ret = fim_baseline_load_manifest(key, manifests[bl->n],
						 &bl->m[bl->n], NULL, err,
						 errsz);
		if (ret) {
			bl->n++; /* so that paths[n] is freed */
			goto fail;
		}
	}
	fim_baseline_foreach(bl, count_one, &bl->entries);
	clock_gettime(CLOCK_REALTIME, &ts);
	bl->loaded_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	fim_pubkey_free(key);
	*out = bl;
	return 0;
fail:
	fim_pubkey_free(key);
	if (bl)
		baseline_free(bl);
	return ret;
}

struct fim_baseline *fim_baseline_ref(struct fim_baseline *bl)
{
	if (bl)
		atomic_fetch_add_explicit(&bl->refs, 1, memory_order_relaxed);
	return bl;
}

void fim_baseline_unref(struct fim_baseline *bl)
{
	if (bl && atomic_fetch_sub_explicit(&bl->refs, 1,
					    memory_order_acq_rel) == 1)
		baseline_free(bl);
}

const struct fim_mentry *fim_baseline_lookup(const struct fim_baseline *bl,
					     const char *bpath)
{
	for (size_t i = 0; i < bl->n; i++) {
		const struct fim_mentry *e = fim_manifest_lookup(bl->m[i], bpath);

		if (e)
			return e;
	}
	return NULL;
}

int fim_baseline_foreach(const struct fim_baseline *bl,
			 int (*fn)(const struct fim_mentry *e, void *arg),
			 void *arg)
{
	for (size_t i = 0; i < bl->n; i++) {
		size_t cnt = fim_manifest_count(bl->m[i]);

		for (size_t j = 0; j < cnt; j++) {
			const struct fim_mentry *e = fim_manifest_entry(bl->m[i], j);
			int ret;

			if (i && fim_baseline_lookup(bl, e->path) != e)
				continue; /* shadowed by an earlier manifest */
			ret = fn(e, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

size_t fim_baseline_slots(const struct fim_baseline *bl)
{
	size_t n = 0;

	for (size_t i = 0; i < bl->n; i++)
		n += fim_manifest_count(bl->m[i]);
	return n;
}

/* The manifests before e's, then its place in its own: one comparison per
 * manifest, and a baseline has few. */
size_t fim_baseline_slot(const struct fim_baseline *bl,
			 const struct fim_mentry *e)
{
	size_t base = 0;

	for (size_t i = 0; i < bl->n; i++) {
		if (fim_manifest_entry(bl->m[i], e->index) == e)
			return base + e->index;
		base += fim_manifest_count(bl->m[i]);
	}
	return base; /* not one of bl's: past the last slot */
}

size_t fim_baseline_entry_count(const struct fim_baseline *bl)
{
	return bl->entries;
}

size_t fim_baseline_manifest_count(const struct fim_baseline *bl)
{
	return bl->n;
}

const char *fim_baseline_manifest_path(const struct fim_baseline *bl,
				       size_t i)
{
	return i < bl->n ? bl->paths[i] : NULL;
}

const struct fim_manifest *fim_baseline_manifest(const struct fim_baseline *bl,
						 size_t i)
{
	return i < bl->n ? bl->m[i] : NULL;
}

const char *fim_baseline_key_fingerprint(const struct fim_baseline *bl)
{
	return bl->fpr;
}

int64_t fim_baseline_load_time_ns(const struct fim_baseline *bl)
{
	return bl->loaded_ns;
}
