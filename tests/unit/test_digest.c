/* Known answers of the digest engine, over small and multi-chunk streams,
 * with the prefix digests of the append-only rule and cancellation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "tap.h"

struct mem {
	const unsigned char *p;
	size_t len;
	int fail_at; /* chunk index that fails with EIO, or -1 */
	int calls;
};

static long mem_pread(void *src, void *buf, size_t len, uint64_t off)
{
	struct mem *m = src;

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
	struct mem m = { (const unsigned char *)"abc", 3, -1, 0 };
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

/* 3.5 MiB through the reader thread must equal one fim_digest_buf. */
static void test_large(struct fim_digest_engine *eng)
{
	size_t len = (7u << 20) / 2;
	unsigned char *p = malloc(len);
	struct fim_digest_set s, want, pre, pre_want;
	struct fim_digest_opts o = { .prefix = 1500000, .prefix_out = &pre };
	struct mem m = { p, len, -1, 0 };
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
	o.prefix_out = NULL;
	o.cancel = &cancel;
	is_int(fim_digest_run(eng, mem_pread, &m, &o, &s, &bytes), -ECANCELED,
	       "cancellation stops the run");
	free(p);
}

int main(void)
{
	struct fim_digest_engine *eng;
	uint32_t all = (1u << FIM_ALG_COUNT) - 1;

	is_int(fim_digest_engine_new(0, &eng), -EINVAL, "empty mask refused");
	is_int(fim_digest_engine_new(all, &eng), 0, "engine with all digests");
	is_int(fim_alg_from_name("sha256digest"), FIM_SHA256, "mtree keyword");
	is_int(fim_alg_from_name("rmd160"), -1, "unknown algorithm");
	test_known_answers(eng);
	test_large(eng);
	fim_digest_engine_free(eng);
	return tap_done();
}
