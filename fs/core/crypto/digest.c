/* Digest engine. One pass over the data feeds every configured algorithm.
 * Large files are read by a helper thread into a ring of buffers so that the
 * next chunk is being read while this one is hashed: reads of 1 MiB come
 * close to the CPU's SHA-256 speed (~1.5 of 1.66 GB/s a core) only when the
 * next read overlaps the hash (fs/PERFORMANCE-NOTES.md). A caller that knows
 * the reads will not wait, with every core busy, reads inline instead. */
#include "digest.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "sslerr.h"

#define CHUNK FIM_DIGEST_CHUNK
#define NBUF 3

static const struct {
	const char *name;     /* ours: config, suffix */
	const char *ossl;     /* OpenSSL's */
	const char *mtree[3]; /* mtree keywords (bsdtar, NetBSD, FreeBSD) */
	size_t size;
} algs[FIM_ALG_COUNT] = {
	[FIM_SHA256] = { "sha256", "SHA256", { "sha256digest", "sha256" }, 32 },
	[FIM_SHA512] = { "sha512", "SHA512", { "sha512digest", "sha512" }, 64 },
	[FIM_SHA1] = { "sha1", "SHA1", { "sha1digest", "sha1" }, 20 },
	[FIM_MD5] = { "md5", "MD5", { "md5digest", "md5" }, 16 },
	[FIM_BLAKE2B512] = { "blake2b512", "BLAKE2B-512",
			     { "blake2b512digest", "blake2b512" }, 64 },
	[FIM_SHA3_256] = { "sha3-256", "SHA3-256",
			   { "sha3-256digest", "sha3-256" }, 32 },
	[FIM_SHA384] = { "sha384", "SHA384", { "sha384digest", "sha384" }, 48 },
	[FIM_RMD160] = { "rmd160", "RIPEMD160",
			 { "rmd160digest", "rmd160", "ripemd160digest" }, 20 },
};

const char *fim_alg_name(enum fim_alg alg)
{
	return algs[alg].name;
}

size_t fim_alg_size(enum fim_alg alg)
{
	return algs[alg].size;
}

int fim_alg_from_name(const char *name)
{
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!strcmp(name, algs[a].name))
			return a;
		for (int k = 0; k < 3 && algs[a].mtree[k]; k++)
			if (!strcmp(name, algs[a].mtree[k]))
				return a;
	}
	return -1;
}

void fim_hex(const unsigned char *md, size_t size, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < size; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * size] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fim_unhex(const char *hex, size_t len, unsigned char *md, size_t size)
{
	if (len != 2 * size)
		return -EINVAL;
	for (size_t i = 0; i < size; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		md[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

struct fim_digest_engine {
	uint32_t mask;  /* computed by every run */
	uint32_t avail; /* fetched: mask and the others OpenSSL has */
	EVP_MD *md[FIM_ALG_COUNT];
};

/* Fetch an algorithm that may be missing, leaving no error queued. */
static EVP_MD *fetch_quietly(enum fim_alg a)
{
	EVP_MD *md;

	ERR_set_mark();
	md = EVP_MD_fetch(NULL, algs[a].ossl, NULL);
	ERR_pop_to_mark();
	return md;
}

uint32_t fim_digest_available(void)
{
	uint32_t mask = 0;

	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		EVP_MD *md = fetch_quietly(a);

		if (md)
			mask |= 1u << a;
		EVP_MD_free(md);
	}
	return mask;
}

int fim_digest_engine_new(uint32_t mask, struct fim_digest_engine **out)
{
	struct fim_digest_engine *eng;

	if (!mask || mask >> FIM_ALG_COUNT)
		return -EINVAL;
	eng = calloc(1, sizeof(*eng));
	if (!eng)
		return -ENOMEM;
	eng->mask = mask;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(mask & (1u << a))) {
			eng->md[a] = fetch_quietly(a);
		} else if (!(eng->md[a] = EVP_MD_fetch(NULL, algs[a].ossl,
						       NULL))) {
			fim_sslerr_log(NULL, algs[a].ossl);
			fim_digest_engine_free(eng);
			return -ENOSYS;
		}
		if (eng->md[a])
			eng->avail |= 1u << a;
	}
	*out = eng;
	return 0;
}

void fim_digest_engine_free(struct fim_digest_engine *eng)
{
	if (!eng)
		return;
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		EVP_MD_free(eng->md[a]);
	free(eng);
}

uint32_t fim_digest_engine_mask(const struct fim_digest_engine *eng)
{
	return eng->mask;
}

uint32_t fim_digest_engine_avail(const struct fim_digest_engine *eng)
{
	return eng->avail;
}

/* The contexts of one run. */
struct hashing {
	const struct fim_digest_engine *eng;
	EVP_MD_CTX *ctx[FIM_ALG_COUNT];
};

static void hashing_free(struct hashing *h)
{
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		EVP_MD_CTX_free(h->ctx[a]);
}

/* Contexts for the engine's algorithms and extra ones. */
static int hashing_init(struct hashing *h, const struct fim_digest_engine *eng,
			uint32_t extra)
{
	uint32_t mask = eng->mask | extra;

	memset(h, 0, sizeof(*h));
	h->eng = eng;
	if (mask & ~eng->avail)
		return -ENOSYS;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(mask & (1u << a)))
			continue;
		h->ctx[a] = EVP_MD_CTX_new();
		if (!h->ctx[a] || !EVP_DigestInit_ex2(h->ctx[a], eng->md[a],
						      NULL)) {
			fim_sslerr_log(NULL, "EVP_DigestInit_ex2");
			hashing_free(h);
			return -ENOMEM;
		}
	}
	return 0;
}

static int hashing_update(struct hashing *h, const void *buf, size_t len)
{
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		if (h->ctx[a] && !EVP_DigestUpdate(h->ctx[a], buf, len)) {
			fim_sslerr_log(NULL, "EVP_DigestUpdate");
			return -EIO;
		}
	return 0;
}

/* Finalize into out; with copy, the contexts stay usable (prefix digests). */
static int hashing_final(struct hashing *h, struct fim_digest_set *out,
			 int copy)
{
	EVP_MD_CTX *tmp = NULL;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (copy && !(tmp = EVP_MD_CTX_new()))
		return -ENOMEM;
	for (int a = 0; a < FIM_ALG_COUNT && !ret; a++) {
		EVP_MD_CTX *c = h->ctx[a];

		if (!c)
			continue;
		if (copy) {
			if (!EVP_MD_CTX_copy_ex(tmp, h->ctx[a])) {
				ret = -ENOMEM;
				break;
			}
			c = tmp;
		}
		if (!EVP_DigestFinal_ex(c, out->md[a], NULL))
			ret = -EIO;
		else
			out->mask |= 1u << a;
	}
	if (ret)
		fim_sslerr_log(NULL, "EVP_DigestFinal_ex");
	EVP_MD_CTX_free(tmp);
	return ret;
}

int fim_digest_buf(const struct fim_digest_engine *eng, const void *buf,
		   size_t len, struct fim_digest_set *out)
{
	struct hashing h;
	int ret = hashing_init(&h, eng, 0);

	if (ret)
		return ret;
	ret = hashing_update(&h, buf, len);
	if (!ret)
		ret = hashing_final(&h, out, 0);
	hashing_free(&h);
	return ret;
}

/* Buffers are kept per thread: hashing threads live long and hash many
 * files, and fresh megabyte buffers would cost page faults on every file. */
static pthread_key_t bufs_key;
static pthread_once_t bufs_once = PTHREAD_ONCE_INIT;

static void bufs_free(void *p)
{
	free(p);
}

static void bufs_key_init(void)
{
	if (pthread_key_create(&bufs_key, bufs_free))
		abort(); /* only when the process is out of keys at start-up */
}

static unsigned char *thread_bufs(void)
{
	unsigned char *b;

	pthread_once(&bufs_once, bufs_key_init);
	b = pthread_getspecific(bufs_key);
	if (b)
		return b;
	if (posix_memalign((void **)&b, 4096, (size_t)NBUF * CHUNK))
		return NULL;
	if (pthread_setspecific(bufs_key, b)) {
		free(b);
		return NULL;
	}
	return b;
}

struct feeder {
	struct hashing h;
	const struct fim_digest_opts *opts;
	uint64_t pos;
	int prefix_done;
};

static int feed(struct feeder *f, const unsigned char *p, size_t n)
{
	const struct fim_digest_opts *o = f->opts;
	int ret;

	if (o && o->prefix_out && !f->prefix_done && f->pos <= o->prefix &&
	    o->prefix <= f->pos + n) {
		size_t k = (size_t)(o->prefix - f->pos);

		ret = hashing_update(&f->h, p, k);
		if (!ret)
			ret = hashing_final(&f->h, o->prefix_out, 1);
		if (ret)
			return ret;
		f->prefix_done = 1;
		f->pos += k;
		p += k;
		n -= k;
	}
	f->pos += n;
	return n ? hashing_update(&f->h, p, n) : 0;
}

static int cancelled(const struct fim_digest_opts *o)
{
	return o && o->cancel && *o->cancel;
}

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *buf[NBUF];
	long len[NBUF]; /* count, 0 at end of file, negative errno */
	int full[NBUF];
	int stop;
	fim_pread_fn rd;
	void *src;
	uint64_t off;
};

static void *ring_reader(void *arg)
{
	struct ring *r = arg;

	for (unsigned i = 0;; i++) {
		unsigned s = i % NBUF;
		long n;

		pthread_mutex_lock(&r->mu);
		while (r->full[s] && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		pthread_mutex_unlock(&r->mu);
		n = r->rd(r->src, r->buf[s], CHUNK, r->off);
		pthread_mutex_lock(&r->mu);
		r->len[s] = n;
		r->full[s] = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (n <= 0)
			break;
		r->off += (uint64_t)n;
	}
	return NULL;
}

/* Hash the rest of a large stream, from r->off on, with a reader thread. */
static int ring_run(struct ring *r, struct feeder *f)
{
	pthread_t tid;
	int ret = 0;

	if (pthread_mutex_init(&r->mu, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&r->cv, NULL)) {
		pthread_mutex_destroy(&r->mu);
		return -ENOMEM;
	}
	if (pthread_create(&tid, NULL, ring_reader, r)) {
		ret = -EAGAIN;
		goto out;
	}
	for (unsigned i = 0; !ret; i++) {
		unsigned s = i % NBUF;
		long n;

		pthread_mutex_lock(&r->mu);
		while (!r->full[s])
			pthread_cond_wait(&r->cv, &r->mu);
		n = r->len[s];
		pthread_mutex_unlock(&r->mu);
		if (n <= 0) {
			ret = (int)n;
			break;
		}
		ret = cancelled(f->opts) ? -ECANCELED
					 : feed(f, r->buf[s], (size_t)n);
		pthread_mutex_lock(&r->mu);
		r->full[s] = 0;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(tid, NULL);
out:
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	return ret;
}

int fim_digest_run(const struct fim_digest_engine *eng, fim_pread_fn rd,
		   void *src, const struct fim_digest_opts *opts,
		   struct fim_digest_set *out, uint64_t *bytes)
{
	unsigned char *bufs = thread_bufs();
	struct feeder f = { .opts = opts };
	bool whole = false; /* the known length read in one call */
	long n;
	int ret;

	if (!bufs)
		return -ENOMEM;
	if (opts && opts->prefix_out)
		memset(opts->prefix_out, 0, sizeof(*opts->prefix_out));
	ret = hashing_init(&f.h, eng, opts ? opts->extra : 0);
	if (ret)
		return ret;
	/* Small files are read in this thread; a full first chunk means a
	 * large file, worth a reader thread unless the caller knows better. */
	if (opts && opts->size_known && opts->size < CHUNK) {
		n = opts->size ? rd(src, bufs, (size_t)opts->size, 0) : 0;
		whole = n == (long)opts->size;
	} else {
		n = rd(src, bufs, CHUNK, 0);
	}
	if (whole) {
		if (n)
			ret = feed(&f, bufs, (size_t)n);
	} else if (n == (long)CHUNK && !(opts && opts->read_inline)) {
		struct ring r = { .rd = rd, .src = src, .off = CHUNK };

		ret = feed(&f, bufs, CHUNK);
		for (int i = 0; i < NBUF; i++)
			r.buf[i] = bufs + (size_t)i * CHUNK;
		if (!ret)
			ret = ring_run(&r, &f);
	} else {
		while (n > 0 && !ret) {
			ret = feed(&f, bufs, (size_t)n);
			if (!ret && cancelled(opts))
				ret = -ECANCELED;
			if (!ret)
				n = rd(src, bufs, CHUNK, f.pos);
		}
		if (!ret && n < 0)
			ret = (int)n;
	}
	if (!ret && opts && opts->prefix_out && !f.prefix_done &&
	    f.pos == opts->prefix)
		ret = hashing_final(&f.h, opts->prefix_out, 1);
	if (!ret)
		ret = hashing_final(&f.h, out, 0);
	if (!ret && bytes)
		*bytes = f.pos;
	hashing_free(&f.h);
	return ret;
}
