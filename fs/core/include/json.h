/* JSON strings of arbitrary bytes: the one escaping rule of every JSON
 * fimfs writes (the audit log, fimfsctl report --json, the status xattr).
 *
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

#include <stddef.h>

/* The most bytes fim_json_escape() writes per input byte. */
#define FIM_JSON_ESCAPE_MAX 6

/* Escape len bytes of s (without the quotes) into out, NUL-terminated and
 * truncated to size. Returns the length of the whole escaping (as
 * snprintf): at most FIM_JSON_ESCAPE_MAX * len. */
size_t fim_json_escape(const char *s, size_t len, char *out, size_t size);

#endif
