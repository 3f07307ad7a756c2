/* Encoders and strict decoders of the guest protocol (see guest_proto.h).
 * The same file is compiled into the core and into fimfs-guest, so both ends
 * agree on every byte; the decoders trust nothing they are given. */
#include "guest_proto.h"

#include <errno.h>
#include <string.h>

static int put(struct fim_gp_buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len)
		return -E2BIG;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int put_le(struct fim_gp_buf *b, uint64_t v, size_t n)
{
	uint8_t le[8];

	for (size_t i = 0; i < n; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	return put(b, le, n);
}

int fim_gp_put_u8(struct fim_gp_buf *b, uint8_t v)
{
	return put_le(b, v, 1);
}

int fim_gp_put_u16(struct fim_gp_buf *b, uint16_t v)
{
	return put_le(b, v, 2);
}

int fim_gp_put_u32(struct fim_gp_buf *b, uint32_t v)
{
	return put_le(b, v, 4);
}

int fim_gp_put_u64(struct fim_gp_buf *b, uint64_t v)
{
	return put_le(b, v, 8);
}

int fim_gp_put_str(struct fim_gp_buf *b, const char *s, size_t len)
{
	if (len > UINT16_MAX)
		return -E2BIG;
	if (len > b->cap - b->len || b->cap - b->len - len < 2)
		return -E2BIG;
	fim_gp_put_u16(b, (uint16_t)len);
	return put(b, s, len);
}

static int put_time(struct fim_gp_buf *b, int64_t s, uint32_t ns)
{
	int r = fim_gp_put_u64(b, (uint64_t)s);

	return r ? r : fim_gp_put_u32(b, ns);
}

int fim_gp_put_attr(struct fim_gp_buf *b, const struct fim_gp_attr *a)
{
	int r = 0;

	r = r ? r : fim_gp_put_u8(b, a->type);
	r = r ? r : fim_gp_put_u32(b, a->mode);
	r = r ? r : fim_gp_put_u32(b, a->uid);
	r = r ? r : fim_gp_put_u32(b, a->gid);
	r = r ? r : fim_gp_put_u32(b, a->nlink);
	r = r ? r : fim_gp_put_u64(b, a->size);
	r = r ? r : fim_gp_put_u64(b, a->ino);
	r = r ? r : put_time(b, a->atime, a->atime_ns);
	r = r ? r : put_time(b, a->mtime, a->mtime_ns);
	r = r ? r : put_time(b, a->ctime, a->ctime_ns);
	return r;
}

int fim_gp_put_part(struct fim_gp_buf *b, const struct fim_gp_part *p)
{
	int r = 0;

	r = r ? r : fim_gp_put_u16(b, p->number);
	r = r ? r : fim_gp_put_u64(b, p->offset);
	r = r ? r : fim_gp_put_u64(b, p->length);
	r = r ? r : fim_gp_put_u8(b, p->readable);
	r = r ? r : fim_gp_put_str(b, p->fstype.p, p->fstype.len);
	r = r ? r : fim_gp_put_str(b, p->note.p, p->note.len);
	return r;
}

int fim_gp_encode_req(struct fim_gp_buf *b, const struct fim_gp_req *q)
{
	size_t at = b->len;
	int r = fim_gp_put_u32(b, 0); /* the length, filled in below */

	r = r ? r : fim_gp_put_u8(b, q->op);
	r = r ? r : fim_gp_put_u32(b, q->id);
	switch (q->op) {
	case FIM_GP_STAT:
	case FIM_GP_READLINK:
	case FIM_GP_READDIR:
		r = r ? r : fim_gp_put_u16(b, q->part);
		r = r ? r : fim_gp_put_str(b, q->path.p, q->path.len);
		if (q->op == FIM_GP_READDIR)
			r = r ? r : fim_gp_put_u32(b, q->start);
		break;
	case FIM_GP_READ:
		r = r ? r : fim_gp_put_u16(b, q->part);
		r = r ? r : fim_gp_put_u64(b, q->ino);
		r = r ? r : fim_gp_put_u64(b, q->offset);
		r = r ? r : fim_gp_put_u32(b, q->length);
		break;
	default: /* PARTS and the test ops carry no body */
		break;
	}
	if (r)
		return r;
	uint32_t n = (uint32_t)(b->len - at - 4);
	for (size_t i = 0; i < 4; i++)
		b->p[at + i] = (uint8_t)(n >> (8 * i));
	return 0;
}

int fim_gp_encode_image_req(struct fim_gp_buf *b, uint32_t id,
			    uint64_t offset, uint32_t length)
{
	int r = fim_gp_put_u32(b, FIM_GP_IMAGE_REQ_LEN);

	r = r ? r : fim_gp_put_u8(b, FIM_GP_IMAGE);
	r = r ? r : fim_gp_put_u32(b, id);
	r = r ? r : fim_gp_put_u64(b, offset);
	return r ? r : fim_gp_put_u32(b, length);
}

int fim_gp_encode_start(struct fim_gp_buf *b, uint64_t size)
{
	int r = fim_gp_put_u32(b, FIM_GP_START_LEN);

	r = r ? r : fim_gp_put_u8(b, FIM_GP_START);
	return r ? r : fim_gp_put_u64(b, size);
}

void fim_gp_cur_init(struct fim_gp_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->left = len;
	c->bad = 0;
}

static uint64_t get_le(struct fim_gp_cur *c, size_t n)
{
	uint64_t v = 0;

	if (c->bad || c->left < n) {
		c->bad = 1;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	c->left -= n;
	return v;
}

uint8_t fim_gp_get_u8(struct fim_gp_cur *c)
{
	return (uint8_t)get_le(c, 1);
}

uint16_t fim_gp_get_u16(struct fim_gp_cur *c)
{
	return (uint16_t)get_le(c, 2);
}

uint32_t fim_gp_get_u32(struct fim_gp_cur *c)
{
	return (uint32_t)get_le(c, 4);
}

uint64_t fim_gp_get_u64(struct fim_gp_cur *c)
{
	return get_le(c, 8);
}

struct fim_gp_str fim_gp_get_str(struct fim_gp_cur *c, size_t max)
{
	struct fim_gp_str s = {"", 0};
	uint16_t len = fim_gp_get_u16(c);

	if (c->bad || len > max || len > c->left ||
	    memchr(c->p, '\0', len)) {
		c->bad = 1;
		return s;
	}
	s.p = (const char *)c->p;
	s.len = len;
	c->p += len;
	c->left -= len;
	return s;
}

struct fim_gp_str fim_gp_get_name(struct fim_gp_cur *c)
{
	struct fim_gp_str s = fim_gp_get_str(c, FIM_GP_NAME_MAX);

	if (!c->bad && (s.len == 0 || memchr(s.p, '/', s.len) ||
			(s.len == 1 && s.p[0] == '.') ||
			(s.len == 2 && s.p[0] == '.' && s.p[1] == '.')))
		c->bad = 1;
	return s;
}

static void get_time(struct fim_gp_cur *c, int64_t *s, uint32_t *ns)
{
	*s = (int64_t)fim_gp_get_u64(c);
	*ns = fim_gp_get_u32(c);
	if (*ns >= 1000000000u)
		c->bad = 1;
}

void fim_gp_get_attr(struct fim_gp_cur *c, struct fim_gp_attr *a)
{
	a->type = fim_gp_get_u8(c);
	a->mode = fim_gp_get_u32(c);
	a->uid = fim_gp_get_u32(c);
	a->gid = fim_gp_get_u32(c);
	a->nlink = fim_gp_get_u32(c);
	a->size = fim_gp_get_u64(c);
	a->ino = fim_gp_get_u64(c);
	get_time(c, &a->atime, &a->atime_ns);
	get_time(c, &a->mtime, &a->mtime_ns);
	get_time(c, &a->ctime, &a->ctime_ns);
	if (a->type < FIM_GP_REG || a->type >= FIM_GP_TYPE_END ||
	    a->mode > 07777 || a->size > INT64_MAX)
		c->bad = 1;
}

void fim_gp_get_part(struct fim_gp_cur *c, struct fim_gp_part *p)
{
	p->number = fim_gp_get_u16(c);
	p->offset = fim_gp_get_u64(c);
	p->length = fim_gp_get_u64(c);
	p->readable = fim_gp_get_u8(c);
	p->fstype = fim_gp_get_str(c, 64);
	p->note = fim_gp_get_str(c, 512);
	if (p->readable > 1 || p->number > 999 || p->offset > INT64_MAX ||
	    p->length > INT64_MAX - p->offset)
		c->bad = 1;
}

int fim_gp_cur_end(const struct fim_gp_cur *c)
{
	return c->bad || c->left ? -EPROTO : 0;
}

int fim_gp_decode_start(const void *p, size_t len, uint64_t *size)
{
	struct fim_gp_cur c;

	fim_gp_cur_init(&c, p, len);
	if (fim_gp_get_u8(&c) != FIM_GP_START)
		return -EPROTO;
	*size = fim_gp_get_u64(&c);
	if (*size > INT64_MAX)
		return -EPROTO;
	return fim_gp_cur_end(&c);
}

int fim_gp_decode_hello(const void *p, size_t len)
{
	struct fim_gp_cur c;

	if (len != 6 || memcmp(p, FIM_GP_MAGIC, 4))
		return -EPROTO;
	fim_gp_cur_init(&c, (const uint8_t *)p + 4, 2);
	return fim_gp_get_u16(&c) == FIM_GP_VERSION ? 0 : -EPROTO;
}

int fim_gp_decode_req(const void *p, size_t len, struct fim_gp_req *q)
{
	struct fim_gp_cur c;

	memset(q, 0, sizeof(*q));
	q->path.p = "";
	fim_gp_cur_init(&c, p, len);
	q->op = fim_gp_get_u8(&c);
	q->id = fim_gp_get_u32(&c);
	switch (q->op) {
	case FIM_GP_STAT:
	case FIM_GP_READLINK:
	case FIM_GP_READDIR:
		q->part = fim_gp_get_u16(&c);
		q->path = fim_gp_get_str(&c, FIM_GP_PATH_MAX);
		if (q->op == FIM_GP_READDIR)
			q->start = fim_gp_get_u32(&c);
		break;
	case FIM_GP_READ:
		q->part = fim_gp_get_u16(&c);
		q->ino = fim_gp_get_u64(&c);
		q->offset = fim_gp_get_u64(&c);
		q->length = fim_gp_get_u32(&c);
		if (q->length > FIM_GP_READ_MAX || q->offset > INT64_MAX)
			return -EPROTO;
		break;
	case FIM_GP_PARTS:
	case FIM_GP_TEST_OPEN:
	case FIM_GP_TEST_SPIN:
	case FIM_GP_TEST_GARBLE:
	case FIM_GP_TEST_ALLOC:
	case FIM_GP_TEST_GREEDY:
	case FIM_GP_TEST_AHEAD:
		break;
	default:
		return -EPROTO;
	}
	return fim_gp_cur_end(&c);
}

int fim_gp_decode_image_req(const void *p, size_t len, uint32_t *id,
			    uint64_t *offset, uint32_t *length)
{
	struct fim_gp_cur c;

	fim_gp_cur_init(&c, p, len);
	if (fim_gp_get_u8(&c) != FIM_GP_IMAGE)
		return -EPROTO;
	*id = fim_gp_get_u32(&c);
	*offset = fim_gp_get_u64(&c);
	*length = fim_gp_get_u32(&c);
	if (!*length || *length > FIM_GP_READ_MAX || *offset > INT64_MAX)
		return -EPROTO;
	return fim_gp_cur_end(&c);
}

int fim_gp_status_errno(uint8_t status)
{
	switch (status) {
	case FIM_GP_OK:
		return 0;
	case FIM_GP_ENOENT:
		return ENOENT;
	case FIM_GP_ENOTDIR:
		return ENOTDIR;
	case FIM_GP_EINVAL:
		return EINVAL;
	case FIM_GP_ENOMEM:
		return ENOMEM;
	default:
		return EIO;
	}
}
