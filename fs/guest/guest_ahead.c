/* Listings made ahead (see guest_ahead.h). */
#include "guest_ahead.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest_serve.h"

/* What is kept: the replies of a few hundred directories, and the paths
 * waiting to be listed. A reader's address space is limited to 1 GiB. */
#define KEPT_MAX 256
#define KEPT_BYTES (8u << 20)
#define TODO_MAX 4096
#define TODO_BYTES (1u << 20)

struct dir_ref {
	uint16_t part;
	char *path;
};

struct kept {
	struct dir_ref dir;
	uint8_t *frame; /* the reply, length prefix included */
	size_t len;
};

struct gs_ahead {
	struct kept kept[KEPT_MAX];
	size_t nkept, kept_bytes;
	struct dir_ref todo[TODO_MAX]; /* a stack: the last is listed next */
	size_t ntodo, todo_bytes;
	struct fim_gp_buf buf; /* a reply made ahead */
};

int gs_ahead_new(struct gs_ahead **out)
{
	struct gs_ahead *a = calloc(1, sizeof(*a));

	if (a)
		a->buf = (struct fim_gp_buf){malloc(GS_REPLY_CAP), 0,
					     GS_REPLY_CAP};
	if (!a || !a->buf.p) {
		free(a);
		return -ENOMEM;
	}
	*out = a;
	return 0;
}

void gs_ahead_free(struct gs_ahead *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nkept; i++) {
		free(a->kept[i].dir.path);
		free(a->kept[i].frame);
	}
	for (size_t i = 0; i < a->ntodo; i++)
		free(a->todo[i].path);
	free(a->buf.p);
	free(a);
}

static bool same(const struct dir_ref *d, uint16_t part, const char *path)
{
	return d->part == part && !strcmp(d->path, path);
}

static void queue(void *arg, uint16_t part, const char *dir, const char *name,
		  size_t len)
{
	struct gs_ahead *a = arg;
	size_t dlen = strlen(dir), plen = dlen + (dlen > 0) + len;
	char *path;

	if (a->ntodo == TODO_MAX || a->todo_bytes + plen > TODO_BYTES ||
	    plen > FIM_GP_PATH_MAX || !(path = malloc(plen + 1)))
		return;
	memcpy(path, dir, dlen);
	if (dlen)
		path[dlen] = '/';
	memcpy(path + dlen + (dlen > 0), name, len);
	path[plen] = '\0';
	a->todo[a->ntodo++] = (struct dir_ref){part, path};
	a->todo_bytes += plen;
}

/* Queues the subdirectories of a listing: the first listed on top. */
static int list(struct gs_ahead *a, struct guest_image *gi,
		const struct fim_gp_req *q, struct fim_gp_buf *out)
{
	size_t from = a->ntodo;
	int r = gs_readdir(gi, q, out, queue, a);

	for (size_t i = from, j = a->ntodo; i + 1 < j; i++, j--) {
		struct dir_ref t = a->todo[i];

		a->todo[i] = a->todo[j - 1];
		a->todo[j - 1] = t;
	}
	return r;
}

static void drop_todo(struct gs_ahead *a, size_t i)
{
	a->todo_bytes -= strlen(a->todo[i].path);
	free(a->todo[i].path);
	memmove(&a->todo[i], &a->todo[i + 1],
		(a->ntodo - i - 1) * sizeof(*a->todo));
	a->ntodo--;
}

static void drop_kept(struct gs_ahead *a, size_t i)
{
	a->kept_bytes -= a->kept[i].len;
	free(a->kept[i].dir.path);
	free(a->kept[i].frame);
	memmove(&a->kept[i], &a->kept[i + 1],
		(a->nkept - i - 1) * sizeof(*a->kept));
	a->nkept--;
}

/* k as an AHEAD frame preceding the reply to request id, in a->buf: false
 * when path and listing together exceed a frame (k is then kept, and given
 * when asked for). */
static bool ahead_frame(struct gs_ahead *a, const struct kept *k, uint32_t id)
{
	const size_t head = 4 + FIM_GP_REPLY_HDR;
	size_t plen = strlen(k->dir.path), body = k->len - head;
	struct fim_gp_buf *b = &a->buf;

	if (FIM_GP_REPLY_HDR + 2 + 2 + plen + body > FIM_GP_FRAME_MAX)
		return false;
	b->len = 0;
	fim_gp_put_u32(b, (uint32_t)(FIM_GP_REPLY_HDR + 2 + 2 + plen + body));
	fim_gp_put_u8(b, FIM_GP_AHEAD);
	fim_gp_put_u32(b, id);
	fim_gp_put_u8(b, FIM_GP_OK);
	fim_gp_put_u16(b, k->dir.part);
	fim_gp_put_str(b, k->dir.path, plen);
	memcpy(b->p + b->len, k->frame + head, body);
	b->len += body;
	return true;
}

/* Hands over the listings kept, oldest first, which is the order a walk
 * will ask for them. */
static void hand_over(struct gs_ahead *a, uint32_t id, gs_send_fn send,
		      void *arg)
{
	size_t left = 0;

	for (size_t i = 0; i < a->nkept; i++) {
		struct kept *k = &a->kept[i];

		if (!ahead_frame(a, k, id)) {
			a->kept[left++] = *k;
			continue;
		}
		send(arg, a->buf.p, a->buf.len);
		a->kept_bytes -= k->len;
		free(k->dir.path);
		free(k->frame);
	}
	a->nkept = left;
}

int gs_ahead_answer(struct gs_ahead *a, struct guest_image *gi,
		    const void *req, size_t len, struct fim_gp_buf *out,
		    gs_send_fn send, void *arg)
{
	char path[FIM_GP_PATH_MAX + 1];
	struct fim_gp_req q;

	if (fim_gp_decode_req(req, len, &q))
		return -EPROTO;
	if (q.op != FIM_GP_READDIR || q.start)
		return gs_answer_req(gi, &q, out);
	memcpy(path, q.path.p, q.path.len);
	path[q.path.len] = '\0';
	for (size_t i = 0; i < a->nkept; i++) {
		struct kept *k = &a->kept[i];

		if (!same(&k->dir, q.part, path))
			continue;
		memcpy(out->p, k->frame, k->len);
		out->len = k->len;
		gs_set_id(out, q.id);
		drop_kept(a, i);
		hand_over(a, q.id, send, arg);
		return 0;
	}
	/* asked before its turn: not to be made again */
	for (size_t i = a->ntodo; i-- > 0;)
		if (same(&a->todo[i], q.part, path))
			drop_todo(a, i);
	list(a, gi, &q, out);
	hand_over(a, q.id, send, arg);
	return 0;
}

bool gs_ahead_work(struct gs_ahead *a, struct guest_image *gi)
{
	struct fim_gp_req q = {.op = FIM_GP_READDIR};
	struct dir_ref d;
	uint8_t *frame;

	if (!a->ntodo || a->nkept == KEPT_MAX || a->kept_bytes >= KEPT_BYTES)
		return false;
	d = a->todo[--a->ntodo];
	a->todo_bytes -= strlen(d.path);
	q.part = d.part;
	q.path = (struct fim_gp_str){d.path, (uint16_t)strlen(d.path)};
	/* only a whole listing is kept; an error or a paged one is made
	 * again when asked, and says so then */
	if (list(a, gi, &q, &a->buf) || !(frame = malloc(a->buf.len))) {
		free(d.path);
		return true;
	}
	memcpy(frame, a->buf.p, a->buf.len);
	a->kept[a->nkept++] = (struct kept){d, frame, a->buf.len};
	a->kept_bytes += a->buf.len;
	return true;
}
