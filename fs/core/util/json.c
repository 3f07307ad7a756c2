/* JSON string escaping; the rule is in json.h. */
#include "json.h"

#include <stdio.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* The escape of a single ASCII byte or invalid byte c into e (>= 7 bytes);
 * 0 when c goes out as it is. */
static size_t escape_byte(unsigned char c, char *e)
{
	switch (c) {
	case '"': return (size_t)snprintf(e, 7, "\\\"");
	case '\\': return (size_t)snprintf(e, 7, "\\\\\\\\");
	case '\b': return (size_t)snprintf(e, 7, "\\b");
	case '\f': return (size_t)snprintf(e, 7, "\\f");
	case '\n': return (size_t)snprintf(e, 7, "\\n");
	case '\r': return (size_t)snprintf(e, 7, "\\r");
	case '\t': return (size_t)snprintf(e, 7, "\\t");
	}
	if (c < 0x20 || c == 0x7f)
		return (size_t)snprintf(e, 7, "\\u%04x", c);
	if (c >= 0x80)
		return (size_t)snprintf(e, 7, "\\\\x%02x", c);
	return 0;
}

size_t fim_json_escape(const char *s, size_t len, char *out, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, in, n;
	const char *src;
	char e[8];

	while (i < len) {
		in = u[i] >= 0x80 ? utf8_len(u + i, len - i) : 0;
		if (in) {
			src = s + i; /* a whole valid sequence, as it is */
			n = in;
		} else if ((n = escape_byte(u[i], e)) != 0) {
			src = e;
			in = 1;
		} else {
			src = s + i;
			n = in = 1;
		}
		for (size_t k = 0; k < n; k++, o++)
			if (o + 1 < size)
				out[o] = src[k];
		i += in;
	}
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return o;
}
