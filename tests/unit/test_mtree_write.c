/* mtree writer: the exact line format, numbers at their limits through the
 * growing buffer's stream, and a round trip of hostile names through the
 * writer and back through the parser. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"
#include "tap.h"

static const char *const names[] = {
	"plain",
	"sp ace",
	"tab\there",
	"new\nline",
	"back\\slash",
	"trailing\\",
	"#hash",
	"glob*?[x]",
	"eq=uals",
	"\x01\x1f\x7f\x80\xff",
	"caf\xc3\xa9",
	"...",
	".hidden",
	"-dash",
	"dir/sub dir/\\n literally",
	"$dollar\\$",
	"\\M-x",
};

static void test_format(void)
{
	struct fim_digest_set ds = { .mask = 1u << FIM_SHA256 };
	struct fim_mtree_rec r = {
		.path = "d/a b", .type = FIM_FT_FILE,
		.keys = FIM_MK_TYPE | FIM_MK_MODE | FIM_MK_UID | FIM_MK_GID |
			FIM_MK_SIZE | FIM_MK_TIME,
		.mode = 0100644, .uid = 1000, .gid = 100, .size = 42,
		.time_ns = 1700000000000000005LL, .digests = &ds,
	};
	char *buf = NULL, want[512], hex[65];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(ds.md[FIM_SHA256], 0xab, 32);
	fim_hex(ds.md[FIM_SHA256], 32, hex);
	is_int(fim_mtree_write_header(f), 0, "header written");
	is_int(fim_mtree_write_entry(f, &r), 0, "entry written");
	r.path = "..";
	is_int(fim_mtree_write_entry(f, &r), -EINVAL, "'..' refused");
	r.path = "a//b";
	is_int(fim_mtree_write_entry(f, &r), -EINVAL, "empty component refused");
	r.path = "/abs";
	is_int(fim_mtree_write_entry(f, &r), -EINVAL, "absolute path refused");
	r = (struct fim_mtree_rec){ .path = "l", .type = FIM_FT_LINK,
				    .keys = FIM_MK_TYPE | FIM_MK_LINK |
					    FIM_MK_TIME | FIM_MK_OPTIONAL,
				    .link = "../t#1", .time_ns = -1500000000 };
	is_int(fim_mtree_write_entry(f, &r), 0, "link entry written");
	fclose(f);
	snprintf(want, sizeof(want),
		 "#mtree\n# written by fimfs: mtree(5), full paths\n"
		 "./d/a\\040b type=file mode=0644 uid=1000 gid=100 size=42 "
		 "time=1700000000.000000005 sha256digest=%s\n"
		 "./l type=link time=-1.500000000 link=../t\\0431 optional\n",
		 hex);
	is_str(buf, want, "exact spec text");
	free(buf);
}

static void add_line(struct fim_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_line(struct fim_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fim_buf_vprintf(b, fmt, ap))
		abort();
	va_end(ap);
}

/* The hand-made number formats against printf's, at their limits, over
 * more lines than a stdio buffer holds, through fim_buf_stream. */
static void test_limits(void)
{
	static const int64_t times[] = { INT64_MIN, -1, 0, 999999999,
					  INT64_MAX };
	static const uint64_t sizes[] = { 0, 9, 10, UINT64_MAX };
	struct fim_buf got = FIM_BUF_INIT, want = FIM_BUF_INIT;
	FILE *f = fim_buf_stream(&got);
	int lines = 0;

	ok(f != NULL, "stream opened");
	if (!f)
		return;
	for (int k = 0; k < 400; k++) {
		int64_t t = times[k % 5];
		uint64_t a = t < 0 ? -(uint64_t)t : (uint64_t)t;
		struct fim_mtree_rec r = {
			.path = "d/f", .type = FIM_FT_FILE,
			.keys = FIM_MK_TYPE | FIM_MK_MODE | FIM_MK_UID |
				FIM_MK_GID | FIM_MK_SIZE | FIM_MK_TIME,
			.mode = (mode_t)(k % 2 ? 07777 : 0),
			.uid = k % 3 ? UINT32_MAX - 1 : 0,
			.gid = (gid_t)k, .size = sizes[k % 4], .time_ns = t,
		};

		lines += fim_mtree_write_entry(f, &r) == 0;
		add_line(&want,
			"./d/f type=file mode=%04o uid=%u gid=%u size=%" PRIu64
			" time=%s%" PRIu64 ".%09" PRIu64 "\n",
			(unsigned)r.mode, (unsigned)r.uid, (unsigned)r.gid,
			r.size, t < 0 ? "-" : "", a / 1000000000,
			a % 1000000000);
	}
	is_int(fclose(f), 0, "stream closed");
	is_int(lines, 400, "every line written");
	ok(got.len == want.len && !memcmp(got.p, want.p, want.len),
	   "limits written as printf writes them");
	fim_buf_free(&got);
	fim_buf_free(&want);
}

static void test_round_trip(void)
{
	size_t n = sizeof(names) / sizeof(names[0]);
	struct fim_digest_set ds = { .mask = 1u << FIM_SHA256 | 1u << FIM_MD5 };
	struct fim_manifest *m = NULL;
	char *buf = NULL, err[256];
	size_t len = 0, good = 0;
	FILE *f = open_memstream(&buf, &len);
	struct fim_mtree_rec r = { .path = ".", .type = FIM_FT_DIR,
				   .keys = FIM_MK_TYPE | FIM_MK_MODE,
				   .mode = 0755 };

	fim_mtree_write_header(f);
	fim_mtree_write_entry(f, &r);
	r = (struct fim_mtree_rec){ .path = "dir", .type = FIM_FT_DIR,
				    .keys = FIM_MK_TYPE };
	fim_mtree_write_entry(f, &r);
	r.path = "dir/sub dir";
	fim_mtree_write_entry(f, &r);
	for (size_t i = 0; i < n; i++) {
		memset(ds.md[FIM_SHA256], (int)i, 32);
		memset(ds.md[FIM_MD5], (int)(255 - i), 16);
		r = (struct fim_mtree_rec){
			.path = names[i], .type = FIM_FT_FILE,
			.keys = FIM_MK_TYPE | FIM_MK_SIZE | FIM_MK_MODE |
				FIM_MK_UID | FIM_MK_GID | FIM_MK_LINK,
			.size = i, .mode = 0600 + i, .uid = (uid_t)i,
			.gid = (gid_t)(2 * i), .link = names[n - 1 - i],
			.digests = &ds,
		};
		fim_mtree_write_entry(f, &r);
	}
	fclose(f);
	ok(fim_manifest_parse("spec", buf, len, &m, err, sizeof(err)) == 0,
	   "written spec parses");
	if (!m) {
		printf("# %s\n", err);
		free(buf);
		return;
	}
	is_int(fim_manifest_count(m), n + 3, "every record is an entry");
	for (size_t i = 0; i < n; i++) {
		const struct fim_mentry *e = fim_manifest_lookup(m, names[i]);
		const unsigned char *s = e ? fim_mentry_digest(e, FIM_SHA256) : 0;
		const unsigned char *d = e ? fim_mentry_digest(e, FIM_MD5) : 0;

		good += e && e->size == i && e->mode == 0600 + i &&
			e->uid == i && e->gid == 2 * i && s && d &&
			s[0] == (unsigned char)i && s[31] == (unsigned char)i &&
			d[15] == (unsigned char)(255 - i) && e->link &&
			!strcmp(e->link, names[n - 1 - i]);
	}
	is_int(good, n, "every hostile name, link and field round-trips");
	fim_manifest_free(m);
	free(buf);
}

static void test_escape(void)
{
	char out[64];

	is_int(fim_mtree_escape("a b\\", out, sizeof(out)), 10, "escape length");
	is_str(out, "a\\040b\\134", "escape text");
	fim_mtree_escape("abcdef", out, 4);
	is_str(out, "abc", "escape truncates at the buffer size");
	fim_mtree_escape("  ", out, 6);
	is_str(out, "\\040", "escape never splits an octal triple");
}

int main(void)
{
	test_format();
	test_limits();
	test_round_trip();
	test_escape();
	return tap_done();
}
