/* The JSON fimfs writes (the audit log, fimfsctl report --json, the status
 * xattr): one writer, and one escaping rule for the strings in it.
 *
 * Escaping
 * --------
 * File names are bytes, not text. A JSON string holds Unicode text, so
 * the bytes are mapped to text in a way that keeps every name distinct and
 * recoverable, and decodes with any JSON parser (no lone surrogates):
 *
 * - valid UTF-8 stays as it is, except '"' and the controls (U+0000 to
 *   U+001F and U+007F), written as JSON escapes (\", \n, \t, \u0001 ...);
 * - a backslash is doubled in the decoded text: JSON "\\\\";
 * - each byte that is not part of valid UTF-8 (a stray 0x80-0xFF, an
 *   overlong form, a surrogate, a cut sequence) becomes the four characters
 *   \xHH (lowercase hex) in the decoded text: JSON "\\xHH".
 *
 * So in the decoded text a backslash is always followed by a backslash or
 * by "xHH": the raw byte 0xC3 ("\\xc3") and the character U+00C3 ("Ã")
 * differ, and a name that really contains the characters \xc3 decodes to
 * "\\xc3". To get the bytes back, replace "\\" by "\" and "\xHH" by the
 * byte, left to right.
 */
#ifndef FIM_JSON_H
#define FIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

/* The most bytes fim_json_escape() writes per input byte. */
#define FIM_JSON_ESCAPE_MAX 6

/* Escape len bytes of s (without the quotes) into out, NUL-terminated and
 * truncated to size. Returns the length of the whole escaping (as
 * snprintf): at most FIM_JSON_ESCAPE_MAX * len. */
size_t fim_json_escape(const char *s, size_t len, char *out, size_t size);

/* Writer
 * ------
 * Appends one document to a struct fim_buf, value by value. Every value
 * call takes the member's key inside an object and NULL elsewhere (in an
 * array, at the top). Keys and strings are escaped as above.
 *
 * Errors stick: the first one (-ENOMEM, or -EINVAL for a call that breaks
 * the grammar: a key missing or out of place, an end with nothing open,
 * nesting deeper than FIM_JSON_DEPTH) is returned by that call and every
 * later one, which then write nothing. So a caller may make its calls one
 * after the other and check only the result of fim_json_finish(). After an
 * error the buffer ends inside the document: the caller drops it.
 *
 * Layout: compact writes {"a":1,"b":[1,2]} (the audit log, whose bytes are
 * sealed); spaced writes {"a": 1, "b": [1, 2]} (for people and scripts).
 * An array begun with fim_json_begin_lines() puts each element on a line
 * of its own, indented by two spaces, and its ']' on a line after them:
 * long lists stay readable and greppable.
 */
#define FIM_JSON_DEPTH 32

struct fim_json {
	struct fim_buf *out;
	int err;
	bool spaced;
	unsigned depth;   /* containers open */
	uint32_t array;   /* bit d: the container at depth d+1 is an array */
	uint32_t lines;   /* bit d: ... an array one element a line */
	uint32_t used;    /* bit d: ... has a member already */
};

/* Start a writer that appends to out (which may hold earlier documents). */
void fim_json_init(struct fim_json *w, struct fim_buf *out, bool spaced);

int fim_json_begin_object(struct fim_json *w, const char *key);
int fim_json_begin_array(struct fim_json *w, const char *key);
int fim_json_begin_lines(struct fim_json *w, const char *key);
/* Close the innermost object or array. */
int fim_json_end(struct fim_json *w);

/* A string of strlen(s) bytes, escaped (any bytes: see above). */
int fim_json_str(struct fim_json *w, const char *key, const char *s);
int fim_json_uint(struct fim_json *w, const char *key, uint64_t v);
int fim_json_int(struct fim_json *w, const char *key, int64_t v);
int fim_json_null(struct fim_json *w, const char *key);

/* Hand what is written so far to f and empty the buffer: a long document
 * is streamed, not held whole in memory. Nothing is handed over once the
 * writer failed (its buffer may end inside a value); a short write is an
 * error of the writer (its errno, else -EIO). f's own buffer is not
 * flushed. Returns the writer's error. */
int fim_json_flush(struct fim_json *w, FILE *f);

/* End the document with a newline; -EINVAL if a container is still open.
 * Returns the writer's error: 0 when the document is whole. */
int fim_json_finish(struct fim_json *w);

#endif
