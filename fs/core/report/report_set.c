/* Reports: the entries of a run kept for output; see report.h.
 *
 * A report of a million files keeps a million entries for its sorted
 * output. A struct fim_report_entry with its verdict takes about 200 bytes
 * (two digests of the longest algorithm); kept here it takes what output
 * needs: the verdict's small fields, the digest shown once when actual and
 * expected agree, and the path, packed in chunks rather than one malloc
 * each (about 70 bytes for an OK file under sha256). */
#include "report.h"

#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

#define CHUNK_BYTES (1u << 20)

enum {
	HAVE_ACTUAL = 1,
	HAVE_EXPECTED = 2,
	SAME = 4, /* expected is actual's bytes, not stored again */
};

/* One entry as kept: its digests (mdlen bytes each), then its path. */
struct kept {
	uint8_t status, rule, type, alg;
	uint8_t flags, mdlen;
	uint16_t differs;
	int32_t err;
	unsigned char data[];
};

struct fim_report_chunk {
	struct fim_report_chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char mem[];
};

/* room for len bytes, aligned for a struct kept; NULL when out of memory */
static void *room(struct fim_report_set *s, size_t len)
{
	struct fim_report_chunk *c = s->chunks;

	len = (len + alignof(struct kept) - 1) & ~(alignof(struct kept) - 1);
	if (!c || c->size - c->used < len) {
		size_t size = len > CHUNK_BYTES ? len : CHUNK_BYTES;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		c->size = size;
		s->chunks = c;
	}
	c->used += len;
	return c->mem + c->used - len;
}

void fim_report_set_add(void *arg, const struct fim_report_entry *e)
{
	struct fim_report_set *s = arg;
	const struct fim_verdict *vd = &e->vd;
	size_t plen = strlen(e->path) + 1, md = fim_alg_size(vd->alg);
	bool same = vd->have_actual && vd->have_expected &&
		    !memcmp(vd->actual, vd->expected, md);
	size_t nmd = !!vd->have_actual + (vd->have_expected && !same);
	struct kept *k;
	unsigned char *p;

	if (s->err || (s->text && vd->status == FIM_OK))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		void **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->err = -ENOMEM;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	k = room(s, sizeof(*k) + nmd * md + plen);
	if (!k) {
		s->err = -ENOMEM;
		return;
	}
	*k = (struct kept){
		.status = (uint8_t)vd->status, .rule = (uint8_t)vd->rule,
		.type = (uint8_t)e->type, .alg = (uint8_t)vd->alg,
		.flags = (uint8_t)((vd->have_actual ? HAVE_ACTUAL : 0) |
				   (vd->have_expected ? HAVE_EXPECTED : 0) |
				   (same ? SAME : 0)),
		.mdlen = (uint8_t)md, .differs = (uint16_t)vd->differs,
		.err = vd->err,
	};
	p = k->data;
	if (vd->have_actual) {
		memcpy(p, vd->actual, md);
		p += md;
	}
	if (vd->have_expected && !same) {
		memcpy(p, vd->expected, md);
		p += md;
	}
	memcpy(p, e->path, plen);
	s->v[s->n++] = k;
}

static const char *path_of(const struct kept *k)
{
	bool two = (k->flags & HAVE_EXPECTED) && !(k->flags & SAME);

	return (const char *)k->data +
	       k->mdlen * (!!(k->flags & HAVE_ACTUAL) + two);
}

void fim_report_set_get(const struct fim_report_set *s, size_t i,
			struct fim_report_entry *e)
{
	const struct kept *k = s->v[i];
	const unsigned char *p = k->data;

	memset(e, 0, sizeof(*e));
	e->path = path_of(k);
	e->type = (enum fim_ftype)k->type;
	e->vd.status = (enum fim_status)k->status;
	e->vd.rule = (enum fim_rule)k->rule;
	e->vd.alg = (enum fim_alg)k->alg;
	e->vd.differs = k->differs;
	e->vd.err = k->err;
	e->vd.have_actual = !!(k->flags & HAVE_ACTUAL);
	e->vd.have_expected = !!(k->flags & HAVE_EXPECTED);
	if (e->vd.have_actual) {
		memcpy(e->vd.actual, p, k->mdlen);
		p += k->mdlen;
	}
	if (k->flags & SAME)
		memcpy(e->vd.expected, e->vd.actual, k->mdlen);
	else if (e->vd.have_expected)
		memcpy(e->vd.expected, p, k->mdlen);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(path_of(*(const struct kept *const *)a),
		      path_of(*(const struct kept *const *)b));
}

void fim_report_set_sort(struct fim_report_set *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
}

void fim_report_set_free(struct fim_report_set *s)
{
	while (s->chunks) {
		struct fim_report_chunk *c = s->chunks;

		s->chunks = c->next;
		free(c);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
