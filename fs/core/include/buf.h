/* A growing byte buffer: the text of a JSON document (json.h), an audit
 * record, a status reply. Functions return 0 or -ENOMEM (fim_buf_vprintf
 * also -EINVAL, for a conversion the C library cannot make); on error the
 * buffer holds what it held before.
 */
#ifndef FIM_BUF_H
#define FIM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct fim_buf {
	char *p;         /* len bytes, not NUL-terminated; NULL when empty */
	size_t len, cap;
};

#define FIM_BUF_INIT { NULL, 0, 0 }

/* Room for more bytes after len. */
int fim_buf_reserve(struct fim_buf *b, size_t more);
int fim_buf_add(struct fim_buf *b, const void *s, size_t n);
int fim_buf_vprintf(struct fim_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* A stream appending to b, for writers of FILE *: unlike open_memstream,
 * growing it does not zero the new room, and realloc can move a large
 * buffer's pages instead of copying them (a 12 MB spec faulted every page
 * in twice through a memory stream). b holds every byte once fclose
 * returns 0; NULL when out of memory. */
FILE *fim_buf_stream(struct fim_buf *b);
/* Free the memory; b is empty again. */
void fim_buf_free(struct fim_buf *b);

#endif
