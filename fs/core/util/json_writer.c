/* The JSON writer of json.h. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void fim_json_init(struct fim_json *w, struct fim_buf *out, bool spaced)
{
	*w = (struct fim_json){ .out = out, .spaced = spaced };
}

/* Remember the first error; return the one that sticks. */
static int fail(struct fim_json *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

static int add(struct fim_json *w, const char *s, size_t n)
{
	int ret = w->err ? w->err : fim_buf_add(w->out, s, n);

	return ret ? fail(w, ret) : 0;
}

/* s escaped, in quotes. */
static int add_str(struct fim_json *w, const char *s)
{
	struct fim_buf *b = w->out;
	size_t len = strlen(s), room;
	int ret;

	if (w->err)
		return w->err;
	if (len > (SIZE_MAX - 3) / FIM_JSON_ESCAPE_MAX)
		return fail(w, -ENOMEM);
	room = FIM_JSON_ESCAPE_MAX * len + 1; /* fim_json_escape's NUL */
	ret = fim_buf_reserve(b, room + 2);
	if (ret)
		return fail(w, ret);
	b->p[b->len++] = '"';
	b->len += fim_json_escape(s, len, b->p + b->len, room);
	b->p[b->len++] = '"';
	return 0;
}

/* What goes before a value: the separator after the previous member, the
 * line break of a lines array, the key. */
static int begin_value(struct fim_json *w, const char *key)
{
	uint32_t bit;

	if (w->err)
		return w->err;
	if (!w->depth)
		return key ? fail(w, -EINVAL) : 0;
	bit = 1u << (w->depth - 1);
	/* a key in an object, none in an array */
	if (!key != !!(w->array & bit))
		return fail(w, -EINVAL);
	/* ", " spaced, "," compact or before a line break */
	if (w->used & bit)
		add(w, ", ", w->spaced && !(w->lines & bit) ? 2 : 1);
	if (w->lines & bit)
		add(w, "\n  ", 3);
	w->used |= bit;
	if (key) {
		add_str(w, key);
		add(w, ": ", w->spaced ? 2 : 1);
	}
	return w->err;
}

static int begin(struct fim_json *w, const char *key, bool array, bool lines)
{
	uint32_t bit;

	if (w->depth == FIM_JSON_DEPTH)
		return fail(w, -EINVAL);
	if (begin_value(w, key))
		return w->err;
	bit = 1u << w->depth;
	w->array = array ? w->array | bit : w->array & ~bit;
	w->lines = lines ? w->lines | bit : w->lines & ~bit;
	w->used &= ~bit;
	w->depth++;
	return add(w, array ? "[" : "{", 1);
}

int fim_json_begin_object(struct fim_json *w, const char *key)
{
	return begin(w, key, false, false);
}

int fim_json_begin_array(struct fim_json *w, const char *key)
{
	return begin(w, key, true, false);
}

int fim_json_begin_lines(struct fim_json *w, const char *key)
{
	return begin(w, key, true, true);
}

int fim_json_end(struct fim_json *w)
{
	uint32_t bit;

	if (w->err)
		return w->err;
	if (!w->depth)
		return fail(w, -EINVAL);
	bit = 1u << --w->depth;
	if ((w->lines & bit) && (w->used & bit))
		add(w, "\n", 1);
	return add(w, w->array & bit ? "]" : "}", 1);
}

int fim_json_str(struct fim_json *w, const char *key, const char *s)
{
	return begin_value(w, key) ? w->err : add_str(w, s);
}

int fim_json_uint(struct fim_json *w, const char *key, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	return begin_value(w, key) ? w->err : add(w, num, (size_t)n);
}

int fim_json_int(struct fim_json *w, const char *key, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	return begin_value(w, key) ? w->err : add(w, num, (size_t)n);
}

int fim_json_null(struct fim_json *w, const char *key)
{
	return begin_value(w, key) ? w->err : add(w, "null", 4);
}

int fim_json_finish(struct fim_json *w)
{
	if (w->depth)
		return fail(w, -EINVAL);
	return add(w, "\n", 1);
}

int fim_json_flush(struct fim_json *w, FILE *f)
{
	if (w->err)
		return w->err;
	errno = 0;
	if (fwrite(w->out->p, 1, w->out->len, f) != w->out->len)
		return fail(w, errno ? -errno : -EIO);
	w->out->len = 0;
	return 0;
}
