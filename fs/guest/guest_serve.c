/* Requests to replies (see guest_serve.h). A READ's data goes straight from
 * TSK into the reply frame, so a 1 MiB read costs one copy here and one
 * through the socket. A directory larger than a frame is answered in pages:
 * the reply says where the next one starts. */
#include "guest_serve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef FIM_GUEST_TEST_OPS
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "guest_source.h"
#include "sandbox.h"
#endif

static uint8_t status_of(int err)
{
	switch (err) {
	case 0:
		return FIM_GP_OK;
	case -ENOENT:
		return FIM_GP_ENOENT;
	case -ENOTDIR:
		return FIM_GP_ENOTDIR;
	case -EINVAL:
		return FIM_GP_EINVAL;
	case -ENOMEM:
		return FIM_GP_ENOMEM;
	default:
		return FIM_GP_EIO;
	}
}

/* Starts the reply: length placeholder, op, id, status. */
static void begin(struct fim_gp_buf *out, const struct fim_gp_req *q,
		  uint8_t status)
{
	out->len = 0;
	fim_gp_put_u32(out, 0);
	fim_gp_put_u8(out, q->op);
	fim_gp_put_u32(out, q->id);
	fim_gp_put_u8(out, status);
}

static void finish(struct fim_gp_buf *out)
{
	uint32_t n = (uint32_t)(out->len - 4);

	for (size_t i = 0; i < 4; i++)
		out->p[i] = (uint8_t)(n >> (8 * i));
}

static void fail(struct fim_gp_buf *out, const struct fim_gp_req *q, int err,
		 const char *why)
{
	begin(out, q, status_of(err));
	fim_gp_put_str(out, why, strnlen(why, 512));
	finish(out);
}

/* A path of the request as a C string, in buf. */
static const char *path_of(const struct fim_gp_req *q, char *buf)
{
	memcpy(buf, q->path.p, q->path.len);
	buf[q->path.len] = '\0';
	return buf;
}

static const char *reason(const struct guest_image *gi, int err)
{
	return err == -EIO && *gi_err(gi) ? gi_err(gi) : strerror(-err);
}

static void answer_parts(struct guest_image *gi, const struct fim_gp_req *q,
			 struct fim_gp_buf *out)
{
	size_t n = gi_nparts(gi);

	if (!n)
		return fail(out, q, -EIO, gi_none(gi));
	begin(out, q, FIM_GP_OK);
	fim_gp_put_u16(out, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		struct fim_gp_part p;

		gi_part(gi, i, &p);
		fim_gp_put_part(out, &p);
	}
	finish(out);
}

struct page {
	struct fim_gp_buf *out;
	size_t count_at;
	uint32_t count;
	gs_subdir_fn subdir;
	void *arg;
	uint16_t part;
	const char *dir;
};

static int emit_entry(void *arg, const char *name, size_t len,
		      const struct fim_gp_attr *a)
{
	struct page *pg = arg;
	size_t at = pg->out->len;

	if (fim_gp_put_str(pg->out, name, len) ||
	    fim_gp_put_attr(pg->out, a)) {
		pg->out->len = at; /* does not fit: the next page starts here */
		return 1;
	}
	pg->count++;
	if (pg->subdir && a->type == FIM_GP_DIR)
		pg->subdir(pg->arg, pg->part, pg->dir, name, len);
	return 0;
}

/* The READDIR reply; 1 when the listing goes on in another page. */
static int answer_readdir(struct guest_image *gi, const struct fim_gp_req *q,
			  struct fim_gp_buf *out, gs_subdir_fn subdir,
			  void *arg)
{
	char path[FIM_GP_PATH_MAX + 1];
	struct page pg = {.out = out, .subdir = subdir, .arg = arg,
			  .part = q->part, .dir = path_of(q, path)};
	uint32_t next, skipped;

	begin(out, q, FIM_GP_OK);
	size_t head = out->len;
	fim_gp_put_u32(out, 0); /* next */
	fim_gp_put_u32(out, 0); /* skipped */
	pg.count_at = out->len;
	fim_gp_put_u32(out, 0); /* count */
	int r = gi_readdir(gi, q->part, path, q->start, emit_entry, &pg,
			   &next, &skipped);
	if (!r && next && !pg.count)
		r = -ENOMEM; /* one entry larger than a frame: cannot be */
	if (r) {
		fail(out, q, r, reason(gi, r));
		return r;
	}
	struct fim_gp_buf fix = {out->p + head, 0, 12};
	fim_gp_put_u32(&fix, next);
	fim_gp_put_u32(&fix, skipped);
	fim_gp_put_u32(&fix, pg.count);
	finish(out);
	return next != 0;
}

int gs_readdir(struct guest_image *gi, const struct fim_gp_req *q,
	       struct fim_gp_buf *out, gs_subdir_fn subdir, void *arg)
{
	return answer_readdir(gi, q, out, subdir, arg);
}

void gs_set_id(struct fim_gp_buf *frame, uint32_t id)
{
	struct fim_gp_buf at = {frame->p + 5, 0, 4};

	fim_gp_put_u32(&at, id);
}

static void answer_stat(struct guest_image *gi, const struct fim_gp_req *q,
			struct fim_gp_buf *out)
{
	char path[FIM_GP_PATH_MAX + 1];
	struct fim_gp_attr a;
	int r = gi_stat(gi, q->part, path_of(q, path), &a);

	if (r)
		return fail(out, q, r, reason(gi, r));
	begin(out, q, FIM_GP_OK);
	fim_gp_put_attr(out, &a);
	finish(out);
}

static void answer_readlink(struct guest_image *gi, const struct fim_gp_req *q,
			    struct fim_gp_buf *out)
{
	char path[FIM_GP_PATH_MAX + 1], target[FIM_GP_PATH_MAX + 1];
	size_t len = 0;
	int r = gi_readlink(gi, q->part, path_of(q, path), target,
			    sizeof(target), &len);

	if (r)
		return fail(out, q, r, reason(gi, r));
	begin(out, q, FIM_GP_OK);
	fim_gp_put_str(out, target, len);
	finish(out);
}

static void answer_read(struct guest_image *gi, const struct fim_gp_req *q,
			struct fim_gp_buf *out)
{
	size_t got = 0;

	begin(out, q, FIM_GP_OK);
	size_t at = out->len;
	fim_gp_put_u32(out, 0);
	int r = gi_read(gi, q->part, q->ino, q->offset, out->p + out->len,
			q->length, &got);
	if (r)
		return fail(out, q, r, reason(gi, r));
	struct fim_gp_buf fix = {out->p + at, 0, 4};
	fim_gp_put_u32(&fix, (uint32_t)got);
	out->len += got;
	finish(out);
}

#ifdef FIM_GUEST_TEST_OPS
/* Test build only: each proves one guarantee of the sandbox or the core. */
static void answer_test(const struct fim_gp_req *q, struct fim_gp_buf *out)
{
	char why[64];

	switch (q->op) {
	case FIM_GP_TEST_OPEN: {
		int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
		snprintf(why, sizeof(why), "open(/etc/passwd) = %d", fd);
		return fail(out, q, -EIO, why);
	}
	case FIM_GP_TEST_SPIN:
		for (volatile unsigned long i = 0;; i++)
			;
	case FIM_GP_TEST_GREEDY: {
		uint8_t b[4 + FIM_GP_IMAGE_REQ_LEN];
		struct fim_gp_buf r = {b, 0, sizeof(b)};
		fim_gp_encode_image_req(&r, q->id, 0, FIM_GP_READ_MAX + 1);
		src_write_full(SANDBOX_SOCK_FD, b, r.len);
		src_read_full(SANDBOX_SOCK_FD, b, sizeof(b));
		return fail(out, q, -EIO, "the core answered a greedy read");
	}
	case FIM_GP_TEST_AHEAD: {
		/* a listing of one entry that is not there, then a good reply */
		uint8_t b[64];
		struct fim_gp_buf f = {b, 0, sizeof(b)};
		struct fim_gp_req ahead = {.op = FIM_GP_AHEAD, .id = q->id};
		struct fim_gp_attr a = {.type = FIM_GP_REG};
		begin(&f, &ahead, FIM_GP_OK);
		fim_gp_put_u16(&f, 0);
		fim_gp_put_str(&f, "d", 1);
		fim_gp_put_u32(&f, 0);
		fim_gp_put_u32(&f, 0);
		fim_gp_put_u32(&f, 1);
		finish(&f);
		src_write_full(SANDBOX_SOCK_FD, b, f.len);
		begin(out, q, FIM_GP_OK);
		fim_gp_put_attr(out, &a);
		return finish(out);
	}
	case FIM_GP_TEST_GARBLE: {
		struct fim_gp_attr a = {.type = 0x7f};
		begin(out, q, FIM_GP_OK);
		fim_gp_put_attr(out, &a);
		return finish(out);
	}
	default: { /* FIM_GP_TEST_ALLOC */
		size_t chunk = 64u << 20, mib = 0;
		void *head = NULL, *p;
		while (mib < (64u << 10) && (p = malloc(chunk))) {
			memset(p, 0xa5, chunk);
			*(void **)p = head;
			head = p;
			mib += 64;
		}
		while (head) {
			p = *(void **)head;
			free(head);
			head = p;
		}
		snprintf(why, sizeof(why), "allocated %zu MiB", mib);
		return fail(out, q, -ENOMEM, why);
	}
	}
}
#endif

int gs_answer_req(struct guest_image *gi, const struct fim_gp_req *q,
		  struct fim_gp_buf *out)
{
	switch (q->op) {
	case FIM_GP_PARTS:
		answer_parts(gi, q, out);
		break;
	case FIM_GP_STAT:
		answer_stat(gi, q, out);
		break;
	case FIM_GP_READDIR:
		answer_readdir(gi, q, out, NULL, NULL);
		break;
	case FIM_GP_READLINK:
		answer_readlink(gi, q, out);
		break;
	case FIM_GP_READ:
		answer_read(gi, q, out);
		break;
	default:
#ifdef FIM_GUEST_TEST_OPS
		answer_test(q, out);
		break;
#else
		return -EPROTO;
#endif
	}
	return 0;
}

int gs_answer(struct guest_image *gi, const void *req, size_t len,
	      struct fim_gp_buf *out)
{
	struct fim_gp_req q;

	if (fim_gp_decode_req(req, len, &q))
		return -EPROTO;
	return gs_answer_req(gi, &q, out);
}
