/* Manifest parser: known answers for the bsdtar, NetBSD mtree and checksum
 * list dialects, error messages with line numbers, and hostile input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "manifest.h"
#include "tap.h"

#define H_A "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"
#define H_1 "594e519ae499312b29433b7dd8a97ff068defcba9755b6d5d00e84c524d67b06"
#define H_E "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"
#define MD5 "764efa883dda1e11db47671c4a3bbd9e"
#define SHA512                                                                 \
	"d78abb0542736865f94704521609c230dac03a2f369d043ac212d6933b91410e"   \
	"06399e37f9c5cc88436a31737330c1c8eccb2c2f9f374d62f716432a32d50fac"

/* Of "hi\n" (the file of H_A), as bsdtar --options=all writes them. */
#define SHA1 "55ca6286e3e4f4fba5d0448333fa99fc5a404a73"
#define RMD160 "1ac2e29fd645edfe32f3442cadf5a46c5a0df960"
#define SHA384                                                                 \
	"4284b5694ca6c0d2cf4789a0b95ac8025c818de5"                           \
	"2304364be7cd2981b2d2edc685b322277ec25819962413d8c9b2c1f5"

static char err[512];

static struct fim_manifest *parse(const char *text)
{
	struct fim_manifest *m = NULL;
	int ret = fim_manifest_parse("M", text, strlen(text), &m, err,
				     sizeof(err));

	if (ret)
		printf("# parse failed: %d %s\n", ret, err);
	return m;
}

static int parse_err(const char *text)
{
	struct fim_manifest *m = NULL;
	int ret = fim_manifest_parse("M", text, strlen(text), &m, err,
				     sizeof(err));

	fim_manifest_free(m);
	return ret;
}

static int digest_is(const struct fim_mentry *e, enum fim_alg a,
		     const char *hex)
{
	const unsigned char *md = e ? fim_mentry_digest(e, a) : NULL;
	char h[2 * FIM_MD_MAX + 1];

	if (!md)
		return 0;
	fim_hex(md, fim_alg_size(a), h);
	return strcmp(h, hex) == 0;
}

static void test_bsdtar(void)
{
	static const char text[] =
		"#mtree\n"
		"/set type=file uname=root uid=0 gname=root gid=0 mode=644\n"
		". time=1795426010.832259565 mode=755 type=dir\n"
		"./a time=1795426010.812259565 size=3 \\\n"
		"    sha256digest=" H_A "\n"
		"./sp\\040ace mode=600 uid=1000 gid=100 size=1 sha256digest=" H_1 "\n"
		"./sub time=1.5 mode=755 type=dir\n"
		"./sub/l\\0402 mode=777 type=link link=sp\\040ace\n"
		"./sub/deep\\040dir/\\303\\251 size=1 sha256digest=" H_E "\n"
		"./hash\\043x size=0\n";
	struct fim_manifest *m = parse(text);
	const struct fim_mentry *e;

	ok(m, "bsdtar: parses");
	if (!m)
		return;
	is_int(fim_manifest_format(m), FIM_MF_MTREE, "bsdtar: format mtree");
	is_int(fim_manifest_count(m), 7, "bsdtar: 7 entries");
	e = fim_manifest_lookup(m, ".");
	ok(e && e->type == FIM_FT_DIR && e->mode == 0755, "bsdtar: root dir");
	ok(fim_manifest_lookup(m, "") == e, "bsdtar: \"\" is the root");
	e = fim_manifest_lookup(m, "a");
	ok(e && e->type == FIM_FT_FILE && e->size == 3 && e->mode == 0644 &&
		   e->uid == 0 && e->gid == 0,
	   "bsdtar: /set defaults apply");
	ok(e && e->time_ns == 1795426010812259565LL, "bsdtar: time in ns");
	ok(digest_is(e, FIM_SHA256, H_A), "bsdtar: continued sha256digest");
	ok(fim_manifest_lookup(m, "./a") == e, "bsdtar: lookup ignores ./");
	e = fim_manifest_lookup(m, "sp ace");
	ok(e && e->mode == 0600 && e->uid == 1000 && e->gid == 100,
	   "bsdtar: \\040 escape, keywords override /set");
	e = fim_manifest_lookup(m, "sub/l 2");
	is_str(e ? e->link : NULL, "sp ace", "bsdtar: escaped link target");
	ok(e && e->type == FIM_FT_LINK && (e->keys & FIM_MK_LINK),
	   "bsdtar: link type");
	e = fim_manifest_lookup(m, "sub");
	ok(e && e->time_ns == 1000000005, "bsdtar: time=1.5 is 1 s + 5 ns (NetBSD)");
	ok(digest_is(fim_manifest_lookup(m, "sub/deep dir/\303\251"),
		     FIM_SHA256, H_E),
	   "bsdtar: UTF-8 octal escapes, full path without parent listed");
	ok(fim_manifest_lookup(m, "hash#x"), "bsdtar: \\043 is '#'");
	ok(!fim_manifest_lookup(m, "nothere"), "bsdtar: absent path");
	e = fim_manifest_entry(m, 1);
	is_str(e ? e->path : NULL, "a", "bsdtar: entries in file order");
	fim_manifest_free(m);
}

static void test_netbsd(void)
{
	static const char text[] =
		"#\t   user: root\n"
		"#\t   tree: /tmp/d\n"
		"\n"
		"# .\n"
		"/set type=file uid=0 gid=0 mode=0644 nlink=1 flags=none\n"
		".               type=dir mode=0755 nlink=3 time=1.000000000\n"
		"    a           size=3 time=1795426010.812259565 \\\n"
		"                sha256=" H_A "\n"
		"    back\\\\slash size=1 md5=" MD5 " sha512digest=" SHA512 "\n"
		"    hash\\#x     size=1\n"
		"    nl\\nname    size=1\n"
		"    tab\\tt size=1 # trailing comment\n"
		"    vis\\^A\\M-A\\M^B\\x41\\E size=2 optional\n"
		"\n"
		"# ./sub\n"
		"/set type=file uid=0 gid=0 mode=0777 nlink=1 flags=none\n"
		"sub             type=dir mode=0755 nlink=3\n"
		"    l\\s2        type=link link=sp\\sace\n"
		"deep\\sdir       type=dir mode=0755\n"
		"    \\M-C\\M-)    size=1 sha256=" H_E "\n"
		"# ./sub/deep dir\n"
		"..\n"
		"/unset mode uid\n"
		"    after       size=7\n"
		"..\n"
		"\n"
		"top size=1\n"
		"emptydir type=dir\n"
		"..\n"
		"last size=2\n";
	struct fim_manifest *m = parse(text);
	const struct fim_mentry *e;

	ok(m, "netbsd: parses");
	if (!m)
		return;
	e = fim_manifest_lookup(m, "a");
	ok(e && e->size == 3 && e->mode == 0644 && digest_is(e, FIM_SHA256, H_A),
	   "netbsd: continuation line and sha256=");
	is_int(e ? e->line : 0, 7, "netbsd: entry line is where it begins");
	e = fim_manifest_lookup(m, "back\\slash");
	ok(e && digest_is(e, FIM_MD5, MD5) && digest_is(e, FIM_SHA512, SHA512),
	   "netbsd: \\\\ escape, md5 and sha512digest");
	ok(e && e->dmask == (1u << FIM_MD5 | 1u << FIM_SHA512),
	   "netbsd: dmask names the digests present");
	ok(fim_manifest_lookup(m, "hash#x"), "netbsd: \\# escape");
	ok(fim_manifest_lookup(m, "nl\nname"), "netbsd: \\n escape");
	ok(fim_manifest_lookup(m, "tab\tt"), "netbsd: \\t escape, comment");
	e = fim_manifest_lookup(m, "vis\001\301\202A\033");
	ok(e && (e->keys & FIM_MK_OPTIONAL),
	   "netbsd: \\^A \\M-A \\M^B \\x41 \\E escapes, optional");
	e = fim_manifest_lookup(m, "sub/l 2");
	ok(e && e->mode == 0777 && e->link && !strcmp(e->link, "sp ace"),
	   "netbsd: relative name in sub, \\s, second /set");
	e = fim_manifest_lookup(m, "sub/deep dir/\303\251");
	ok(e && digest_is(e, FIM_SHA256, H_E), "netbsd: \\M- escapes, nesting");
	e = fim_manifest_lookup(m, "sub/after");
	ok(e && !(e->keys & (FIM_MK_MODE | FIM_MK_UID)) &&
		   (e->keys & FIM_MK_GID) && e->size == 7,
	   "netbsd: '..' up one level, /unset mode uid");
	ok(fim_manifest_lookup(m, "top"), "netbsd: second '..' to the root");
	ok(fim_manifest_lookup(m, "emptydir"), "netbsd: empty directory");
	ok(fim_manifest_lookup(m, "last"), "netbsd: '..' leaves an empty dir");
	ok(!fim_manifest_lookup(m, "emptydir/last"), "netbsd: not nested");
	fim_manifest_free(m);
}

static void test_sums(void)
{
	static const char text[] =
		H_A "  a\n"
		"\\" H_1 "  back\\\\slash\\nnl\n"
		H_E " *./bin/sp ace\n"
		MD5 "  a\n"
		"SHA512 (tag (x) = y) = " SHA512 "\n"
		"\n"
		H_1 "  plain\\name\n";
	struct fim_manifest *m = parse(text);
	const struct fim_mentry *e;

	ok(m, "sums: parses");
	if (!m)
		return;
	is_int(fim_manifest_format(m), FIM_MF_SUMS, "sums: format detected");
	is_int(fim_manifest_count(m), 5, "sums: 5 entries");
	e = fim_manifest_lookup(m, "a");
	ok(e && digest_is(e, FIM_SHA256, H_A) && digest_is(e, FIM_MD5, MD5),
	   "sums: sha256 and md5 lines of one file merge");
	ok(e && e->type == FIM_FT_FILE && !(e->keys & FIM_MK_SIZE),
	   "sums: type file, no size");
	ok(digest_is(fim_manifest_lookup(m, "back\\slash\nnl"), FIM_SHA256, H_1),
	   "sums: coreutils escaped name");
	ok(digest_is(fim_manifest_lookup(m, "bin/sp ace"), FIM_SHA256, H_E),
	   "sums: binary marker, leading ./ dropped");
	ok(digest_is(fim_manifest_lookup(m, "tag (x) = y"), FIM_SHA512, SHA512),
	   "sums: --tag format");
	ok(fim_manifest_lookup(m, "plain\\name"),
	   "sums: backslash kept in an unescaped line");
	fim_manifest_free(m);
}

struct errcase {
	const char *text;
	const char *msg; /* expected prefix of err */
};

static void test_errors(void)
{
	static const struct errcase cases[] = {
		{ "#mtree\n. type=dir\n..\n..\n", "M:4: '..' above the root" },
		{ "a size=1\n..\n..\n", "M:3: '..' above the root" },
		{ "#mtree\n./a size=x\n", "M:2: invalid size 'x'" },
		{ "#mtree\n./a size=18446744073709551616\n", "M:2: invalid size" },
		{ "#mtree\n./a mode=0999\n", "M:2: invalid mode" },
		{ "#mtree\n./a mode=u+rw\n", "M:2: invalid mode" },
		{ "#mtree\n./a uid=-1\n", "M:2: invalid uid" },
		{ "#mtree\n./a type=dor\n", "M:2: invalid type" },
		{ "#mtree\n./a sha256digest=abc\n", "M:2: invalid sha256digest" },
		{ "#mtree\n./a sha256=" H_A "0\n", "M:2: invalid sha256" },
		{ "#mtree\n\n./a \\\n  size=1 \\\n  sha256digst=" H_A "\n",
		  "M:3: unknown keyword 'sha256digst'" },
		{ "#mtree\n./a optional=1\n", "M:2: keyword 'optional' takes no" },
		{ "#mtree\n./a size\n", "M:2: keyword 'size' needs a value" },
		{ "#mtree\n./a\\400 size=1\n", "M:2: invalid escape in name" },
		{ "#mtree\n./a\\ size=1\n", "M:2: invalid escape in name" },
		{ "#mtree\n./a\\000 size=1\n", "M:2: invalid escape in name" },
		{ "#mtree\n./../etc/passwd size=1\n", "M:2: invalid path" },
		{ "#mtree\n\\056\\056 size=1\n", "M:2: invalid name '..'" },
		{ "#mtree\n/sett type=file\n", "M:2: unknown command '/sett'" },
		{ "#mtree\n/unset bogus\n", "M:2: unknown keyword 'bogus'" },
		{ "#mtree\n./a type=file\n./a type=dir\n",
		  "M:3: 'a' listed at line 2 as file, now as dir" },
		{ "#mtree\n./a link=\n", "M:2: invalid link" },
		{ "#mtree\n./a time=1.1234567890\n", "M:2: invalid time" },
		{ H_A "  a\n" H_1 "  b\nnot a checksum line\n",
		  "M:3: improperly formatted checksum line" },
		{ H_A "  a\n" H_1 "  a\n", "M:2: conflicting sha256 digests for 'a'" },
		{ H_A "  /etc/passwd\n", "M:1: file name '/etc/passwd' is not" },
		{ H_A "  ../x\n", "M:1: file name '../x' is not" },
		{ "\\" H_A "  a\\tb\n", "M:1: invalid escape in file name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[96];
		int ret = parse_err(cases[i].text);

		snprintf(what, sizeof(what), "error %zu: %s", i, cases[i].msg);
		ok(ret == -EINVAL &&
			   !strncmp(err, cases[i].msg, strlen(cases[i].msg)),
		   what);
		if (ret != -EINVAL || strncmp(err, cases[i].msg,
					      strlen(cases[i].msg)))
			printf("#   got %d '%s'\n", ret, err);
	}
}

static void test_limits(void)
{
	struct fim_manifest *m = NULL;
	static const char nul[] = "#mtree\n./a size=1\n./b\0 size=1\n";
	size_t n = FIM_MANIFEST_MAX_LINE + 100;
	char *big = malloc(n + 1);
	int ret;

	ret = fim_manifest_parse("M", nul, sizeof(nul) - 1, &m, err,
				 sizeof(err));
	ok(ret == -EINVAL && !strcmp(err, "M:3: NUL byte in manifest"),
	   "a NUL byte is an error with its line");
	memset(big, 'x', n);
	big[n] = '\0';
	ret = parse_err(big);
	ok(ret == -EINVAL && strstr(err, "line too long"), "overlong line");
	/* Deep relative nesting must hit the path limit, not exhaust memory. */
	free(big);
	n = 11 * (FIM_MANIFEST_MAX_PATH / 2 + 10);
	big = malloc(n + 1);
	for (size_t i = 0; i + 11 <= n; i += 11)
		memcpy(big + i, "d type=dir\n", 11);
	big[n] = '\0';
	ret = parse_err(big);
	ok(ret == -EINVAL && strstr(err, "path too long"),
	   "path limit on nested directories");
	ok(parse_err("") == 0 && parse_err("#mtree\n") == 0,
	   "empty manifests are valid");
	free(big);
}

/* Random damage to valid manifests must fail or succeed, never crash (run
 * under ASan/valgrind in the sanitizer matrix). */
static void test_mutations(void)
{
	static const char *seeds[] = {
		"#mtree\n/set type=file mode=644\n. type=dir\n./a size=3 "
		"sha256digest=" H_A "\n./s\\040p type=dir\n./s\\040p/l "
		"type=link link=x\\303\n",
		"/set type=file uid=0\n. type=dir\n a size=1 \\\n sha256=" H_A
		"\nsub type=dir\n  \\M-C\\M-) size=1\n..\n/unset all\nz\n",
		H_A "  a\n\\" H_1 "  b\\\\\\nc\nSHA256 (t) = " H_E "\n",
	};
	unsigned seed = 12345;
	int crashes = 0;

	for (size_t s = 0; s < 3; s++) {
		size_t len = strlen(seeds[s]);
		char *buf = malloc(len);

		for (int i = 0; i < 3000; i++) {
			struct fim_manifest *m = NULL;

			memcpy(buf, seeds[s], len);
			for (int k = 0; k < 1 + i % 4; k++) {
				seed = seed * 1103515245 + 12345;
				buf[(seed >> 8) % len] = (char)(seed >> 20);
			}
			if (fim_manifest_parse("M", buf, len - (i % 3), &m, err,
					       sizeof(err)) == 0) {
				for (size_t j = 0; j < fim_manifest_count(m); j++)
					crashes += !fim_manifest_lookup(
						m, fim_manifest_entry(m, j)->path);
			}
			fim_manifest_free(m);
		}
		free(buf);
	}
	is_int(crashes, 0, "9000 mutated manifests: every entry found again");
}

static void test_many(void)
{
	size_t n = 120000, cap = n * 40 + 16, len = 0;
	char *buf = malloc(cap), path[32];
	struct fim_manifest *m = NULL;
	size_t found = 0;

	len += (size_t)snprintf(buf, cap, "#mtree\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"./d%zu/f%zu size=%zu\n", i % 97, i, i);
	ok(fim_manifest_parse("M", buf, len, &m, err, sizeof(err)) == 0,
	   "120000 entries parse");
	for (size_t i = 0; m && i < n; i++) {
		const struct fim_mentry *e;

		snprintf(path, sizeof(path), "d%zu/f%zu", i % 97, i);
		e = fim_manifest_lookup(m, path);
		found += e && e->size == i;
	}
	is_int(found, n, "every one of 120000 entries found by path");
	ok(m && !fim_manifest_lookup(m, "d1/f0"), "absent path in a big table");
	fim_manifest_free(m);
	free(buf);
}

/* Pages of buf[0, len) still resident, and the whole pages inside it. */
static size_t resident(const char *buf, size_t len, size_t *pages)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)buf + len) & ~(page - 1);
	size_t n = (to - from) / page, in = 0;
	unsigned char *vec = malloc(n);

	if (!vec || mincore((void *)from, to - from, vec)) {
		free(vec);
		*pages = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		in += vec[i] & 1;
	free(vec);
	*pages = n;
	return in;
}

/* Line i of a consumed-input test: names with a newline, a backslash and
 * a space, escaped as each format escapes them. */
static int mtree_line(char *out, size_t size, size_t i)
{
	return snprintf(out, size,
			"./d%zu/f\\012\\134\\040%zu type=file size=8 "
			"sha256digest=" H_A "\n", i % 97, i);
}

static int sums_line(char *out, size_t size, size_t i)
{
	return snprintf(out, size, "\\" H_A "  d%zu/f\\n\\\\ %zu\n",
			i % 97, i);
}

/* A consumed input parses to the same entries as a kept one, hostile
 * names included, and its pages go back as the parser passes them. */
static void test_consume_one(const char *head,
			     int (*line)(char *, size_t, size_t))
{
	size_t n = 60000, cap = n * 200 + 64, len = 0, pages, same = 0;
	char *buf = malloc(cap), *copy = malloc(cap);
	struct fim_manifest *kept = NULL, *spent = NULL;

	len += (size_t)snprintf(buf, cap, "%s", head);
	for (size_t i = 0; i < n; i++)
		len += (size_t)line(buf + len, cap - len, i);
	memcpy(copy, buf, len);
	ok(fim_manifest_parse("M", copy, len, &kept, err, sizeof(err)) == 0,
	   "60000 entries parse");
	ok(fim_manifest_parse_consume("M", buf, len, &spent, err,
				      sizeof(err)) == 0,
	   "the same consumed parse");
	ok(resident(buf, len, &pages) < pages / 4,
	   "the consumed input's pages are given back");
	printf("# %zu of %zu pages kept\n", resident(buf, len, &pages), pages);
	for (size_t i = 0; kept && spent && i < fim_manifest_count(kept);
	     i++) {
		const struct fim_mentry *a = fim_manifest_entry(kept, i);
		const struct fim_mentry *b =
			fim_manifest_lookup(spent, a->path);

		same += b && !strcmp(a->path, b->path) && a->size == b->size &&
			a->line == b->line && a->dmask == b->dmask &&
			(!a->dmask || digest_is(b, FIM_SHA256, H_A));
	}
	ok(kept && spent &&
		   fim_manifest_count(kept) == fim_manifest_count(spent) &&
		   same == fim_manifest_count(kept) && same >= n,
	   "every entry alike, hostile names too");
	ok(spent && fim_manifest_lookup(spent, "d1/f\n\\ 1"),
	   "a hostile name found by its bytes");
	fim_manifest_free(kept);
	fim_manifest_free(spent);
	free(copy);
	free(buf);
}

/* Each entry knows its place in manifest order, a path listed again
 * (mtree: replaced, checksum lists: merged) keeping that of its first. */
static void test_index(void)
{
	static const char *texts[] = {
		"#mtree\n. type=dir\n./a type=file\n./b type=file\n"
		"./a type=file size=3\n./c type=dir\n",
		H_A "  a\n" H_1 "  b\n" MD5 "  a\n" H_E "  c\n",
	};

	for (int t = 0; t < 2; t++) {
		struct fim_manifest *m = parse(texts[t]);
		size_t right = 0;

		for (size_t i = 0; m && i < fim_manifest_count(m); i++)
			right += fim_manifest_entry(m, i)->index == i;
		ok(m && right == fim_manifest_count(m) &&
			   fim_manifest_lookup(m, "a")->index == (t ? 0 : 1) &&
			   fim_manifest_lookup(m, "c")->index == (t ? 2 : 3),
		   t ? "index: a checksum list's merged path keeps its place"
		     : "index: an mtree path listed again keeps its place");
		fim_manifest_free(m);
	}
}

static void test_consume(void)
{
	test_consume_one("#mtree\n. type=dir\n", mtree_line);
	test_consume_one("", sums_line);
}

/* A consumed input whose error is megabytes in still names its line. */
static void test_consume_error(void)
{
	size_t n = 50000, cap = n * 120 + 64, len = 0;
	char *buf = malloc(cap);
	struct fim_manifest *m = NULL;
	int ret;

	len += (size_t)snprintf(buf, cap, "#mtree\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"./f%zu type=file sha256digest=%s\n", i,
					H_A);
	len += (size_t)snprintf(buf + len, cap - len, "./f7 type=dir\n");
	ret = fim_manifest_parse_consume("M", buf, len, &m, err, sizeof(err));
	ok(ret == -EINVAL && !m &&
		   strstr(err, "M:50002: 'f7' listed at line 9 as file"),
	   "consumed: an error at the end names its line");
	printf("# %s\n", err);
	free(buf);
}

/* Every digest keyword of bsdtar and NetBSD mtree is kept, cksum is not a
 * digest, and entries without one that can be checked are counted. */
static void test_digest_keywords(void)
{
	static const char text[] =
		"#mtree\n"
		"./all type=file size=3 cksum=1479881546 md5digest=" MD5
		" rmd160digest=" RMD160 " sha1digest=" SHA1
		" sha256digest=" H_A " sha384digest=" SHA384
		" sha512digest=" SHA512 " inode=1 resdevice=native,254,0\n"
		"./short type=file md5=" MD5 " rmd160=" RMD160 " sha1=" SHA1
		" sha384=" SHA384 " sha512=" SHA512 "\n"
		"./freebsd type=file ripemd160digest=" RMD160 "\n"
		"./crc type=file size=3 cksum=1479881546\n"
		"./bare type=file size=3\n"
		"./dir type=dir\n"
		"./untyped size=3\n";
	const uint32_t six = 1u << FIM_MD5 | 1u << FIM_RMD160 | 1u << FIM_SHA1 |
			     1u << FIM_SHA256 | 1u << FIM_SHA384 |
			     1u << FIM_SHA512;
	struct fim_manifest *m = parse(text);
	const struct fim_mentry *e;
	unsigned line;
	char msg[256];

	ok(m, "digest keywords: parses");
	if (!m)
		return;
	e = fim_manifest_lookup(m, "all");
	ok(e && e->dmask == six, "bsdtar --options=all: six digests kept");
	ok(digest_is(e, FIM_MD5, MD5) && digest_is(e, FIM_RMD160, RMD160) &&
		   digest_is(e, FIM_SHA1, SHA1) && digest_is(e, FIM_SHA256, H_A) &&
		   digest_is(e, FIM_SHA384, SHA384) &&
		   digest_is(e, FIM_SHA512, SHA512),
	   "bsdtar --options=all: every digest's value");
	e = fim_manifest_lookup(m, "short");
	ok(e && e->dmask == (six & ~(1u << FIM_SHA256)) &&
		   digest_is(e, FIM_RMD160, RMD160) &&
		   digest_is(e, FIM_SHA384, SHA384),
	   "NetBSD short keywords md5 rmd160 sha1 sha384 sha512");
	e = fim_manifest_lookup(m, "freebsd");
	ok(e && e->dmask == 1u << FIM_RMD160, "ripemd160digest is rmd160");
	e = fim_manifest_lookup(m, "crc");
	ok(e && !e->dmask, "cksum is no digest");
	is_int(fim_manifest_unchecked(m, FIM_ALG_ALL, &line), 3,
	       "unchecked: cksum, bare and untyped entries (not the dir)");
	is_int(line, 5, "unchecked: the first is on line 5");
	is_int(fim_manifest_unchecked(m, FIM_ALG_ALL & ~(1u << FIM_RMD160),
				      &line), 4,
	       "unchecked: without RIPEMD-160 the rmd160-only entry too");
	is_int(line, 4, "unchecked: now from line 4");
	ok(fim_manifest_unchecked_msg(m, FIM_ALG_ALL, msg, sizeof(msg)) == 3 &&
		   !strncmp(msg, "M:5: 3 file entries with no digest", 34),
	   "unchecked message: NAME:LINE: count");
	fim_manifest_free(m);

	m = parse("#mtree\n./a type=file sha256digest=" H_A "\n");
	ok(m && fim_manifest_unchecked(m, FIM_ALG_ALL, &line) == 0 && !line,
	   "unchecked: none in a digested manifest");
	fim_manifest_free(m);

	is_int(parse_err("#mtree\n./a sha384digest=" H_A "\n"), -EINVAL,
	       "a sha256-long sha384digest is refused");
	is_str(err, "M:2: invalid sha384digest '" H_A "'", "  with its name");
	is_int(parse_err("#mtree\n./a ripemd160digest=" MD5 "\n"), -EINVAL,
	       "a short rmd160 digest is refused");

	m = parse(SHA384 "  a\nSHA384 (b) = " SHA384 "\n");
	ok(m && digest_is(fim_manifest_lookup(m, "a"), FIM_SHA384, SHA384) &&
		   digest_is(fim_manifest_lookup(m, "b"), FIM_SHA384, SHA384),
	   "sha384sum lists, plain and --tag");
	fim_manifest_free(m);
}

int main(void)
{
	test_bsdtar();
	test_netbsd();
	test_sums();
	test_digest_keywords();
	test_errors();
	test_limits();
	test_mutations();
	test_many();
	test_consume();
	test_consume_error();
	test_index();
	return tap_done();
}
