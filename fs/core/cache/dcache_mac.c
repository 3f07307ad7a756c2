/* Authentication of the persistent cache's rows: HMAC-SHA256 under the
 * cache key over everything a row asserts.
 *
 * The message is an unambiguous encoding (every string with its length):
 *   "fimfs-dcache-row 2" NUL
 *   str(source id) str(path) u8(bpath present) [str(bpath)]
 *   u64 ino, size, mtime_ns, ctime_ns (big-endian, times as two's complement)
 *   u8 number of digests, then per digest, by algorithm name:
 *     str(name) u8(length) digest bytes
 * where str(s) is a u32 length then the bytes. Algorithms are named, not
 * numbered, and taken in name order, so that adding an algorithm to fimfs
 * leaves the MACs of existing rows valid.
 */
#include "dcache_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sslerr.h"

#define ROW_TAG "fimfs-dcache-row 2"

struct fim_dcmac {
	EVP_MAC_CTX *keyed; /* duplicated for each user, never used itself */
	char *source_id;
	int order[FIM_ALG_COUNT]; /* algorithms by name */
};

int fim_dcmac_new(const unsigned char *key, const char *source_id,
		  struct fim_dcmac **out)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	struct fim_dcmac *m = calloc(1, sizeof(*m));
	EVP_MAC *mac = NULL;
	int ret = -ENOMEM;

	*out = NULL;
	if (!m || !(m->source_id = strdup(source_id)))
		goto fail;
	for (int i = 0; i < FIM_ALG_COUNT; i++) {
		int j = i;

		for (; j > 0 && strcmp(fim_alg_name(m->order[j - 1]),
				       fim_alg_name(i)) > 0; j--)
			m->order[j] = m->order[j - 1];
		m->order[j] = i;
	}
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	m->keyed = mac ? EVP_MAC_CTX_new(mac) : NULL;
	if (!m->keyed ||
	    !EVP_MAC_init(m->keyed, key, FIM_DCACHE_KEY_LEN, params)) {
		fim_sslerr_log("digest cache", "cannot set up HMAC-SHA256");
		ret = -ENOSYS;
		goto fail;
	}
	EVP_MAC_free(mac);
	*out = m;
	return 0;
fail:
	EVP_MAC_free(mac);
	fim_dcmac_free(m);
	return ret;
}

void fim_dcmac_free(struct fim_dcmac *m)
{
	if (!m)
		return;
	EVP_MAC_CTX_free(m->keyed); /* cleanses the key */
	free(m->source_id);
	free(m);
}

EVP_MAC_CTX *fim_dcmac_ctx(const struct fim_dcmac *m)
{
	EVP_MAC_CTX *c = EVP_MAC_CTX_dup(m->keyed);

	if (!c)
		fim_sslerr_log("digest cache", "cannot copy the HMAC context");
	return c;
}

static int put_u64(EVP_MAC_CTX *c, uint64_t v)
{
	unsigned char b[8];

	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
	return EVP_MAC_update(c, b, sizeof(b));
}

static int put_str(EVP_MAC_CTX *c, const void *s, size_t len)
{
	unsigned char b[4] = { (unsigned char)(len >> 24),
			       (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8), (unsigned char)len };

	return EVP_MAC_update(c, b, sizeof(b)) && EVP_MAC_update(c, s, len);
}

int fim_dcmac_row(const struct fim_dcmac *m, EVP_MAC_CTX *c,
		  const struct fim_dcrow *row, unsigned char *out)
{
	unsigned char flag = row->bpath != NULL, n = 0;
	size_t outlen = 0;
	int ok;

	for (int a = 0; a < FIM_ALG_COUNT; a++)
		n += (row->set->mask >> a) & 1;
	/* A NULL key reuses the one of the context, already hashed into the
	 * inner and outer pads. */
	ok = EVP_MAC_init(c, NULL, 0, NULL) &&
	     EVP_MAC_update(c, (const unsigned char *)ROW_TAG,
			    sizeof(ROW_TAG)) &&
	     put_str(c, m->source_id, strlen(m->source_id)) &&
	     put_str(c, row->path, row->path_len) &&
	     EVP_MAC_update(c, &flag, 1) &&
	     (!flag || put_str(c, row->bpath, row->bpath_len)) &&
	     put_u64(c, row->ino) && put_u64(c, row->size) &&
	     put_u64(c, (uint64_t)row->mtime_ns) &&
	     put_u64(c, (uint64_t)row->ctime_ns) &&
	     EVP_MAC_update(c, &n, 1);
	for (int i = 0; ok && i < FIM_ALG_COUNT; i++) {
		int a = m->order[i];
		unsigned char len = (unsigned char)fim_alg_size(a);

		if (!(row->set->mask & (1u << a)))
			continue;
		ok = put_str(c, fim_alg_name(a), strlen(fim_alg_name(a))) &&
		     EVP_MAC_update(c, &len, 1) &&
		     EVP_MAC_update(c, row->set->md[a], len);
	}
	if (!ok || !EVP_MAC_final(c, out, &outlen, FIM_DCMAC_LEN) ||
	    outlen != FIM_DCMAC_LEN) {
		fim_sslerr_log("digest cache", "HMAC-SHA256 of a row");
		return -EIO;
	}
	return 0;
}

bool fim_dcmac_check(const struct fim_dcmac *m, EVP_MAC_CTX *c,
		     const struct fim_dcrow *row, const void *mac, size_t len)
{
	unsigned char want[FIM_DCMAC_LEN];
	bool good;

	if (len != FIM_DCMAC_LEN || fim_dcmac_row(m, c, row, want))
		return false;
	good = CRYPTO_memcmp(want, mac, FIM_DCMAC_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return good;
}
