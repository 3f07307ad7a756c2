/* Known answers of the digest engine, over small and multi-chunk streams,
 * with the prefix digests of the append-only rule and cancellation, read
 * ahead by a reader thread or inline; the mtree spellings of every
 * algorithm; extra algorithms in one run. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "tap.h"

struct mem {
	const unsigned char *p;
	size_t len;
	int fail_at; /* chunk index that fails with EIO, or -1 */
	int calls;
	pthread_t caller;
	int elsewhere; /* reads from a thread other than caller */
};

static long mem_pread(void *src, void *buf, size_t len, uint64_t off)
{
	struct mem *m = src;

	if (!pthread_equal(pthread_self(), m->caller))
		m->elsewhere++;
	if (m->calls++ == m->fail_at)
		return -EIO;
	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = m->len - off;
	memcpy(buf, m->p + off, len);
	return (long)len;
}

static void hex_is(const struct fim_digest_set *s, enum fim_alg a,
		   const char *want, const char *what)
{
	char hex[2 * FIM_MD_MAX + 1];

	fim_hex(s->md[a], fim_alg_size(a), hex);
	is_str(hex, want, what);
}

static void test_known_answers(struct fim_digest_engine *eng)
{
	struct mem m = { .p = (const unsigned char *)"abc", .len = 3,
			 .fail_at = -1 };
	struct fim_digest_set s;
	uint64_t bytes = 0;

	is_int(fim_digest_run(eng, mem_pread, &m, NULL, &s, &bytes), 0,
	       "hash abc");
	is_int(bytes, 3, "3 bytes");
	hex_is(&s, FIM_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	       "9cb410ff61f20015ad", "sha256(abc)");
	hex_is(&s, FIM_MD5, "900150983cd24fb0d6963f7d28e17f72", "md5(abc)");
	hex_is(&s, FIM_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d",
	       "sha1(abc)");
	m.len = 0;
	m.calls = 0;
	is_int(fim_digest_run(eng, mem_pread, &m, NULL, &s, &bytes), 0,
	       "hash empty");
	hex_is(&s, FIM_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b93"
	       "4ca495991b7852b855", "sha256 of nothing");
}

/* An engine of sha256 alone computes the others a run asks for, in the same
 * pass, and refuses one OpenSSL does not have. */
static void test_extra(void)
{
	struct mem m = { .p = (const unsigned char *)"abc", .len = 3,
			 .fail_at = -1 };
	struct fim_digest_opts o = { .extra = 1u << FIM_SHA384 };
	struct fim_digest_engine *eng = NULL;
	struct fim_digest_set s;
	uint64_t bytes;

	if (fim_digest_engine_new(1u << FIM_SHA256, &eng)) {
		ok(0, "sha256 engine");
		return;
	}
	is_int(fim_digest_engine_mask(eng), 1u << FIM_SHA256, "engine mask");
	is_int(fim_digest_engine_avail(eng), fim_digest_available(),
	       "engine has every available algorithm at hand");
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), 0,
	       "run with sha384 besides");
	is_int(s.mask, 1u << FIM_SHA256 | 1u << FIM_SHA384,
	       "the run's digests: mask and extra");
	hex_is(&s, FIM_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1"
	       "631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
	       "sha384(abc)");
	if (fim_digest_available() & (1u << FIM_RMD160)) {
		o.extra = 1u << FIM_RMD160;
		m.calls = 0;
		fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes);
		hex_is(&s, FIM_RMD160, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc",
		       "rmd160(abc)");
	} else {
		ok(1, "# SKIP RIPEMD-160 not in this OpenSSL");
	}
	o.extra = FIM_ALG_ALL & ~fim_digest_available();
	if (o.extra) {
		m.calls = 0;
		is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes),
		       -ENOSYS, "an algorithm OpenSSL lacks: ENOSYS");
	}
	fim_digest_engine_free(eng);
}

static void test_names(void)
{
	static const struct {
		const char *name;
		int alg;
	} names[] = {
		{ "sha256digest", FIM_SHA256 }, { "sha256", FIM_SHA256 },
		{ "sha384digest", FIM_SHA384 }, { "sha384", FIM_SHA384 },
		{ "sha512digest", FIM_SHA512 }, { "sha512", FIM_SHA512 },
		{ "sha1digest", FIM_SHA1 },     { "sha1", FIM_SHA1 },
		{ "md5digest", FIM_MD5 },       { "md5", FIM_MD5 },
		{ "rmd160digest", FIM_RMD160 }, { "rmd160", FIM_RMD160 },
		{ "ripemd160digest", FIM_RMD160 },
		{ "sha3-256", FIM_SHA3_256 },   { "blake2b512", FIM_BLAKE2B512 },
		{ "cksum", -1 },                { "crc32", -1 },
		{ "ripemd160", -1 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		is_int(fim_alg_from_name(names[i].name), names[i].alg,
		       names[i].name);
	is_str(fim_alg_name(FIM_RMD160), "rmd160", "rmd160's own name");
	is_int(fim_alg_size(FIM_SHA384), 48, "sha384 size");
	is_int(fim_alg_size(FIM_RMD160), 20, "rmd160 size");
	ok((fim_digest_available() & ~(1u << FIM_RMD160)) ==
		   (FIM_ALG_ALL & ~(1u << FIM_RMD160)),
	   "every algorithm but maybe RIPEMD-160 is available");
}

/* 3.5 MiB through the reader thread must equal one fim_digest_buf. */
static void test_large(struct fim_digest_engine *eng)
{
	size_t len = (7u << 20) / 2;
	unsigned char *p = malloc(len);
	struct fim_digest_set s, want, pre, pre_want;
	struct fim_digest_opts o = { .prefix = 1500000, .prefix_out = &pre };
	struct mem m = { .p = p, .len = len, .fail_at = -1 };
	volatile int cancel = 1;
	uint64_t bytes;

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + (i >> 13));
	fim_digest_buf(eng, p, len, &want);
	fim_digest_buf(eng, p, o.prefix, &pre_want);
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), 0,
	       "hash 3.5 MiB");
	is_int(bytes, len, "all bytes hashed");
	ok(!memcmp(s.md, want.md, sizeof(s.md)) && s.mask == want.mask,
	   "pipelined digests equal one-shot digests");
	ok(pre.mask == want.mask && !memcmp(pre.md, pre_want.md,
					    sizeof(pre.md)),
	   "prefix digests taken in the same pass");
	o.prefix = len + 1;
	m.calls = 0;
	fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes);
	is_int(pre.mask, 0, "no prefix digest when the stream is shorter");
	o.prefix = len;
	m.calls = 0;
	fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes);
	ok(!memcmp(pre.md, want.md, sizeof(pre.md)),
	   "prefix of the whole length equals the full digest");
	m.calls = 0;
	m.fail_at = 2;
	is_int(fim_digest_run(eng, mem_pread, &m, NULL, &s, &bytes), -EIO,
	       "a read error in the reader thread is returned");
	m.fail_at = -1;
	m.calls = 0;
	m.caller = pthread_self();
	m.elsewhere = 0;
	o.prefix = 1500000;
	o.read_inline = true;
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), 0,
	       "hash 3.5 MiB inline");
	ok(!memcmp(s.md, want.md, sizeof(s.md)) && !memcmp(pre.md, pre_want.md,
							  sizeof(pre.md)),
	   "inline digests and prefix digests equal one-shot digests");
	ok(m.calls > 1 && !m.elsewhere, "inline: every read in the caller");
	m.calls = 0;
	m.fail_at = 2;
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), -EIO,
	       "a read error inline is returned");
	m.fail_at = -1;
	m.calls = 0;
	m.elsewhere = 0;
	o.read_inline = false;
	fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes);
	ok(m.elsewhere > 0, "read ahead: reads in a reader thread");
	m.calls = 0;
	o.prefix_out = NULL;
	o.cancel = &cancel;
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), -ECANCELED,
	       "cancellation stops the run");
	free(p);
}

int main(void)
{
	struct fim_digest_engine *eng;

	is_int(fim_digest_engine_new(0, &eng), -EINVAL, "empty mask refused");
	is_int(fim_digest_engine_new(fim_digest_available(), &eng), 0,
	       "engine with every available digest");
	test_known_answers(eng);
	test_large(eng);
	fim_digest_engine_free(eng);
	test_names();
	test_extra();
	return tap_done();
}
