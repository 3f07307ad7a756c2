/* The guest protocol's decoders: what a well-behaved reader sends is
 * accepted as sent, and each way a compromised one could bend a reply (a
 * name that is a path, a count past the end, trailing bytes, an attr out of
 * range, two partitions with one name) is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "tap.h"

static uint8_t buf[8192];

static struct fim_gp_buf fresh(void)
{
	return (struct fim_gp_buf){buf, 0, sizeof(buf)};
}

static struct fim_gp_attr file_attr(void)
{
	return (struct fim_gp_attr){
		.type = FIM_GP_REG, .mode = 0644, .uid = 1234, .gid = 2345,
		.nlink = 1, .size = 32, .ino = 12, .mtime = 1000000000,
		.mtime_ns = 5,
	};
}

/* Encodes a as a reader would and decodes it as the core does. */
static int bent(struct fim_gp_attr a)
{
	struct fim_gp_buf b = fresh();
	struct fim_gp_attr got;

	fim_gp_put_attr(&b, &a);
	return fim_guest_decode_attr(buf, b.len, &got);
}

static void test_attr(void)
{
	struct fim_gp_buf b = fresh();
	struct fim_gp_attr a = file_attr(), got;

	fim_gp_put_attr(&b, &a);
	ok(!fim_guest_decode_attr(buf, b.len, &got) &&
		   !memcmp(&a, &got, sizeof(a)),
	   "an attr decodes as encoded");
	is_int(fim_guest_decode_attr(buf, b.len - 1, &got), -EPROTO,
	       "a truncated attr is refused");
	buf[b.len] = 0;
	is_int(fim_guest_decode_attr(buf, b.len + 1, &got), -EPROTO,
	       "trailing bytes are refused");

	a.type = FIM_GP_TYPE_END;
	is_int(bent(a), -EPROTO, "an unknown type is refused");
	a = file_attr();
	a.mode = 010644;
	is_int(bent(a), -EPROTO, "mode bits beyond 07777 are refused");
	a = file_attr();
	a.ctime_ns = 1000000000;
	is_int(bent(a), -EPROTO, "nanoseconds of a full second are refused");
	a = file_attr();
	a.size = (uint64_t)INT64_MAX + 1;
	is_int(bent(a), -EPROTO, "a size beyond off_t is refused");
}

struct seen {
	char names[4][64];
	int n;
};

static int remember(void *arg, const char *name, const struct fim_gp_attr *a)
{
	struct seen *s = arg;

	(void)a;
	if (s->n < 4)
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->n++;
	return 0;
}

/* A page with the given names; returns its length. */
static size_t page(uint32_t next, uint32_t count, const char *const *names,
		   size_t n)
{
	struct fim_gp_buf b = fresh();
	struct fim_gp_attr a = file_attr();

	fim_gp_put_u32(&b, next);
	fim_gp_put_u32(&b, 0);
	fim_gp_put_u32(&b, count);
	for (size_t i = 0; i < n; i++) {
		fim_gp_put_str(&b, names[i], strlen(names[i]));
		fim_gp_put_attr(&b, &a);
	}
	return b.len;
}

static int decode_page(size_t len, struct seen *s)
{
	uint32_t next, skipped;
	int stop;

	memset(s, 0, sizeof(*s));
	return fim_guest_decode_page(buf, len, remember, s, &next, &skipped,
				     &stop);
}

static void test_page(void)
{
	static const char *const good[] = {"passwd", "a file", "..."};
	struct seen s;

	ok(!decode_page(page(0, 3, good, 3), &s) && s.n == 3 &&
		   !strcmp(s.names[1], "a file"),
	   "a page of plain names is handed on");
	static const char *const bads[][2] = {
		{"ok", "a/b"}, {"ok", "."}, {"ok", ".."}, {"ok", ""},
	};
	for (size_t i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		char what[64];
		snprintf(what, sizeof(what),
			 "a page naming '%s' is refused whole", bads[i][1]);
		ok(decode_page(page(0, 2, bads[i], 2), &s) == -EPROTO &&
			   s.n == 0,
		   what);
	}
	ok(decode_page(page(0, 4, good, 3), &s) == -EPROTO && s.n == 0,
	   "a count past the end is refused before any entry is used");
	ok(decode_page(page(0, 2, good, 3), &s) == -EPROTO && s.n == 0,
	   "an entry past the count is refused");
}

/* An AHEAD payload after op, id and status: part, path, then a page of
 * names (as page()); returns its length. */
static size_t ahead(const char *path, size_t plen, uint32_t next,
		    uint32_t count, const char *const *names, size_t n)
{
	static uint8_t body[4096];
	size_t blen = page(next, count, names, n);
	struct fim_gp_buf b = fresh();

	memcpy(body, buf, blen);
	fim_gp_put_u16(&b, 1);
	fim_gp_put_str(&b, path, plen);
	memcpy(buf + b.len, body, blen);
	return b.len + blen;
}

static void test_ahead(void)
{
	static const char *const good[] = {"passwd", "group"}, *const bad[] = {
		"ok", "a/b"};
	char path[FIM_GP_PATH_MAX + 1];
	uint16_t part = 0;
	size_t body = 0, len = ahead("etc/ssh", 7, 0, 2, good, 2);
	struct seen s = {0};
	uint32_t next, skipped;
	int stop;

	ok(!fim_guest_decode_ahead(buf, len, &part, path, &body) &&
		   part == 1 && !strcmp(path, "etc/ssh") &&
		   !fim_guest_decode_page(buf + body, len - body, remember, &s,
					  &next, &skipped, &stop) &&
		   s.n == 2 && !strcmp(s.names[1], "group"),
	   "a listing handed over decodes: its directory and its page");
	is_int(fim_guest_decode_ahead(buf, ahead("etc", 3, 7, 2, good, 2),
				      &part, path, &body),
	       -EPROTO, "a listing that goes on in another page is refused");
	is_int(fim_guest_decode_ahead(buf, ahead("etc", 3, 0, 2, bad, 2), &part,
				      path, &body),
	       -EPROTO, "a listing with a name that is not plain is refused");
	is_int(fim_guest_decode_ahead(buf, ahead("e\0c", 3, 0, 2, good, 2),
				      &part, path, &body),
	       -EPROTO, "a path with a NUL is refused");
	is_int(fim_guest_decode_ahead(buf, ahead("etc", 3, 0, 3, good, 2),
				      &part, path, &body),
	       -EPROTO, "a count past the end is refused");
	is_int(fim_guest_decode_ahead(buf, 3, &part, path, &body), -EPROTO,
	       "a frame cut in its path is refused");
}

static size_t parts(const uint16_t *numbers, size_t n, uint64_t offset)
{
	struct fim_gp_buf b = fresh();

	fim_gp_put_u16(&b, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		struct fim_gp_part p = {
			.number = numbers[i], .offset = offset,
			.length = 1 << 20, .readable = 1,
			.fstype = {"ext4", 4}, .note = {"Linux (0x83)", 12},
		};
		fim_gp_put_part(&b, &p);
	}
	return b.len;
}

static void test_parts(void)
{
	struct fim_guest_part *p = NULL;
	size_t n = 0;
	static const uint16_t two[] = {1, 5}, dup[] = {1, 1}, bare[] = {0, 1};

	ok(!fim_guest_decode_parts(buf, parts(two, 2, 512), &p, &n) &&
		   n == 2 && p[1].number == 5 && !strcmp(p[0].fstype, "ext4") &&
		   !strcmp(p[0].note, "Linux (0x83)"),
	   "a partition list decodes");
	free(p);
	is_int(fim_guest_decode_parts(buf, parts(dup, 2, 512), &p, &n),
	       -EPROTO, "two partitions with one number are refused");
	is_int(fim_guest_decode_parts(buf, parts(bare, 2, 512), &p, &n),
	       -EPROTO, "a bare file system beside partitions is refused");
	is_int(fim_guest_decode_parts(buf, parts(two, 0, 512), &p, &n),
	       -EPROTO, "an empty list is refused (an error reply says why)");
	is_int(fim_guest_decode_parts(buf, parts(two, 1, (uint64_t)INT64_MAX),
				      &p, &n),
	       -EPROTO, "an extent past off_t is refused");
}

static void test_requests(void)
{
	struct fim_gp_req q = {.op = FIM_GP_STAT, .id = 7, .part = 1,
			       .path = {"etc/passwd", 10}}, got;
	struct fim_gp_buf b = fresh();

	fim_gp_encode_req(&b, &q);
	ok(!fim_gp_decode_req(buf + 4, b.len - 4, &got) && got.op == q.op &&
		   got.id == 7 && got.part == 1 && got.path.len == 10 &&
		   !memcmp(got.path.p, "etc/passwd", 10),
	   "a request decodes as encoded");
	struct fim_gp_req r = {.op = FIM_GP_READ, .length = FIM_GP_READ_MAX + 1};
	b = fresh();
	fim_gp_encode_req(&b, &r);
	is_int(fim_gp_decode_req(buf + 4, b.len - 4, &got), -EPROTO,
	       "the reader refuses a READ over the maximum");
	buf[4] = 0x6f;
	is_int(fim_gp_decode_req(buf + 4, 5, &got), -EPROTO,
	       "the reader refuses an unknown op");
	ok(!fim_gp_decode_hello("FIMG\x02\x00", 6) &&
		   fim_gp_decode_hello("FIMG\x01\x00", 6) == -EPROTO,
	   "the hello names protocol version 2 (listings handed over)");
}

/* The child's IMAGE request, as the core decodes it: a length of 1 to
 * FIM_GP_READ_MAX at an offset a file can have, nothing more. */
static void test_image_request(void)
{
	struct fim_gp_buf b = fresh();
	uint32_t id, len;
	uint64_t off;

	fim_gp_encode_image_req(&b, 7, 1u << 20, 65536);
	ok(b.len == 4 + FIM_GP_IMAGE_REQ_LEN &&
		   !fim_gp_decode_image_req(buf + 4, b.len - 4, &id, &off,
					    &len) &&
		   id == 7 && off == 1u << 20 && len == 65536,
	   "an image request decodes as encoded");
	is_int(fim_gp_decode_image_req(buf + 4, b.len - 5, &id, &off, &len),
	       -EPROTO, "a truncated image request is refused");
	b = fresh();
	fim_gp_encode_image_req(&b, 7, 0, FIM_GP_READ_MAX + 1);
	is_int(fim_gp_decode_image_req(buf + 4, b.len - 4, &id, &off, &len),
	       -EPROTO, "more than FIM_GP_READ_MAX bytes are refused");
	b = fresh();
	fim_gp_encode_image_req(&b, 7, 0, 0);
	is_int(fim_gp_decode_image_req(buf + 4, b.len - 4, &id, &off, &len),
	       -EPROTO, "a request for no bytes is refused");
	b = fresh();
	fim_gp_encode_image_req(&b, 7, (uint64_t)INT64_MAX + 1, 1);
	is_int(fim_gp_decode_image_req(buf + 4, b.len - 4, &id, &off, &len),
	       -EPROTO, "an offset past INT64_MAX is refused");
	b = fresh();
	fim_gp_encode_image_req(&b, 7, 0, 1);
	buf[4] = FIM_GP_READ;
	is_int(fim_gp_decode_image_req(buf + 4, b.len - 4, &id, &off, &len),
	       -EPROTO, "another op is refused");
}

/* START, as the child decodes it: a size a file can have (0: the
 * descriptor comes with it), nothing more. */
static void test_start(void)
{
	struct fim_gp_buf b = fresh();
	uint64_t size = 1;

	fim_gp_encode_start(&b, 0);
	ok(b.len == 4 + FIM_GP_START_LEN &&
		   !fim_gp_decode_start(buf + 4, b.len - 4, &size) && !size,
	   "a START with the descriptor decodes as encoded");
	b = fresh();
	fim_gp_encode_start(&b, (uint64_t)INT64_MAX);
	ok(!fim_gp_decode_start(buf + 4, b.len - 4, &size) &&
		   size == (uint64_t)INT64_MAX,
	   "a START with a size decodes as encoded");
	is_int(fim_gp_decode_start(buf + 4, b.len - 5, &size), -EPROTO,
	       "a truncated START is refused");
	b = fresh();
	fim_gp_encode_start(&b, (uint64_t)INT64_MAX + 1);
	is_int(fim_gp_decode_start(buf + 4, b.len - 4, &size), -EPROTO,
	       "a size past INT64_MAX is refused");
	b = fresh();
	fim_gp_encode_start(&b, 0);
	buf[4] = FIM_GP_STAT;
	is_int(fim_gp_decode_start(buf + 4, b.len - 4, &size), -EPROTO,
	       "another op is refused");
}

int main(void)
{
	test_attr();
	test_page();
	test_ahead();
	test_parts();
	test_requests();
	test_image_request();
	test_start();
	return tap_done();
}
