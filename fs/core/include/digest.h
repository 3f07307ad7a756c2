/* Digest engine: every configured algorithm over one file in one pass.
 *
 * Algorithms are fetched from OpenSSL once per engine (EVP_MD_fetch), so the
 * SHA-NI implementation is used where the CPU has it. An engine is immutable
 * after creation and may be shared by threads; the state of a run (digest
 * contexts, read buffers, the reader thread) belongs to that call.
 */
#ifndef FIM_DIGEST_H
#define FIM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fim_alg {
	FIM_SHA256,
	FIM_SHA512,
	FIM_SHA1,
	FIM_MD5,
	FIM_BLAKE2B512,
	FIM_SHA3_256,
	FIM_SHA384,
	FIM_RMD160, /* RIPEMD-160; not in every OpenSSL's default provider */
	FIM_ALG_COUNT
};

#define FIM_ALG_ALL ((1u << FIM_ALG_COUNT) - 1)

#define FIM_MD_MAX 64 /* bytes of the longest digest */

/* A set of digests of one file: bit a of mask set when md[a] is valid. */
struct fim_digest_set {
	uint32_t mask;
	unsigned char md[FIM_ALG_COUNT][FIM_MD_MAX];
};

/* The configuration name of an algorithm ("sha256", "blake2b512", ...),
 * which is also the suffix of its virtual file and the mtree keyword stem. */
const char *fim_alg_name(enum fim_alg alg);

/* Digest length in bytes. */
size_t fim_alg_size(enum fim_alg alg);

/* Look an algorithm up by configuration name; -1 when unknown. Also accepts
 * the mtree(5) keywords of bsdtar and NetBSD mtree ("sha256digest",
 * "sha256", "sha384digest", "rmd160digest", "ripemd160digest", "rmd160",
 * "md5digest", ...). */
int fim_alg_from_name(const char *name);

/* Lower-case hex of a digest into out (2 * size + 1 bytes). */
void fim_hex(const unsigned char *md, size_t size, char *out);

/* Parse lower- or upper-case hex of exactly 2 * size digits; 0 or -EINVAL. */
int fim_unhex(const char *hex, size_t len, unsigned char *md, size_t size);

/* The algorithms OpenSSL can compute in this process. A build or a
 * configuration may lack some (RIPEMD-160 is in the default provider only
 * from OpenSSL 3.0.7 on): a digest of a missing one cannot be checked. */
uint32_t fim_digest_available(void);

struct fim_digest_engine;

/* Create an engine for the algorithms in mask (at least one bit), computed
 * by every run. Every other algorithm OpenSSL has is fetched too, for runs
 * that ask for it (fim_digest_opts.extra). Returns 0, -EINVAL for an empty
 * mask, -ENOSYS when OpenSSL lacks one of mask. */
int fim_digest_engine_new(uint32_t mask, struct fim_digest_engine **out);
void fim_digest_engine_free(struct fim_digest_engine *eng);
/* The algorithms of every run (mask above). */
uint32_t fim_digest_engine_mask(const struct fim_digest_engine *eng);
/* The algorithms a run can compute: mask plus those fetched besides. */
uint32_t fim_digest_engine_avail(const struct fim_digest_engine *eng);

/* The length of one read of fim_digest_run. */
#define FIM_DIGEST_CHUNK (1u << 20)

/* The read callback of fim_digest_run: read up to len bytes at off into buf;
 * return the count (0 at end of file) or a negative errno. */
typedef long (*fim_pread_fn)(void *src, void *buf, size_t len, uint64_t off);

/* Optional extras of one run. */
struct fim_digest_opts {
	/* When prefix_out is not NULL, also the digests of the first prefix
	 * bytes (append-only rule), taken in the same pass. If the stream is
	 * shorter, prefix_out->mask stays 0. */
	uint64_t prefix;
	struct fim_digest_set *prefix_out;
	/* Polled between chunks: non-zero stops the run with -ECANCELED. */
	const volatile int *cancel;
	/* Algorithms of fim_digest_engine_avail to compute as well in this
	 * run (a baseline entry listing no configured one); one outside it
	 * fails the run with -ENOSYS. */
	uint32_t extra;
	/* Read in the calling thread only, never from a reader thread ahead
	 * of the hash: for a stream no longer than one read, or one that
	 * will not wait for storage while every core has a stream to hash,
	 * where a reader thread only adds thread starts and switches. */
	bool read_inline;
	/* The stream's length as the caller just read it, when
	 * size_known: a stream shorter than one read is read with one call
	 * of exactly that length, and no second call looks for its end.
	 * The caller must check afterwards that the length still holds (a
	 * stream that grew meanwhile is otherwise hashed short). */
	bool size_known;
	uint64_t size;
};

/* Hash a whole stream in one pass with every algorithm of the engine's mask
 * and of opts->extra. Reads in large chunks from a reader thread so that
 * reading and hashing overlap, unless opts->read_inline. On success fills out and returns 0 with *bytes set to the length
 * hashed; otherwise a negative errno. opts may be NULL. */
int fim_digest_run(const struct fim_digest_engine *eng, fim_pread_fn rd,
		   void *src, const struct fim_digest_opts *opts,
		   struct fim_digest_set *out, uint64_t *bytes);

/* Hash an in-memory buffer. Only tests and test tools use it (fimfs itself
 * hashes through fim_digest_run): the digests of known bytes through the
 * same engine, the reference the threaded reader is checked against. */
int fim_digest_buf(const struct fim_digest_engine *eng, const void *buf,
		   size_t len, struct fim_digest_set *out);

#endif
