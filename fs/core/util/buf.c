/* The growing byte buffer of buf.h. */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fim_buf_reserve(struct fim_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	cap = b->cap ? b->cap : 512;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int fim_buf_add(struct fim_buf *b, const void *s, size_t n)
{
	int ret = fim_buf_reserve(b, n);

	if (ret)
		return ret;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

int fim_buf_vprintf(struct fim_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n, ret;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0) {
		ret = -EINVAL; /* a conversion the C library cannot make */
		goto out;
	}
	/* vsnprintf ends with a NUL byte, which len leaves out */
	ret = fim_buf_reserve(b, (size_t)n + 1);
	if (ret)
		goto out;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
	b->len += (size_t)n;
out:
	va_end(again);
	return ret;
}

static ssize_t stream_write(void *cookie, const char *s, size_t n)
{
	if (fim_buf_add(cookie, s, n)) {
		errno = ENOMEM;
		return -1;
	}
	return (ssize_t)n;
}

FILE *fim_buf_stream(struct fim_buf *b)
{
	cookie_io_functions_t io = { .write = stream_write };

	return fopencookie(b, "w", io);
}

void fim_buf_free(struct fim_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
