/* The JSON of every JSON fimfs writes (json.h). The escaping: known
 * answers, and for every string of up to two bytes and many random longer
 * ones that decoding the JSON and then undoing the rule gives the bytes
 * back, so that no two names share a JSON string. The writer: both
 * layouts, nesting, escaped keys and values, and its sticky errors. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static void test_known(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain/path.txt", "plain/path.txt" },
		{ "q\"b", "q\\\"b" },
		{ "a\\b", "a\\\\\\\\b" },     /* decoded: a\\b */
		{ "\n\t\r\b\f\x01\x1f\x7f", "\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "\xc3\x83", "\xc3\x83" },   /* U+00C3 stays as it is */
		{ "\xc3", "\\\\xc3" },        /* the raw byte: decoded \xc3 */
		{ "\\xc3", "\\\\\\\\xc3" },   /* the four characters \xc3 */
		{ "\xe9", "\\\\xe9" },
		{ "a\xc3", "a\\\\xc3" },
		{ "\xc0\xaf", "\\\\xc0\\\\xaf" },             /* overlong '/' */
		{ "\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80" },   /* surrogate */
		{ "\xf4\x90\x80\x80", "\\\\xf4\\\\x90\\\\x80\\\\x80" },
		{ "\xe2\x82", "\\\\xe2\\\\x82" },              /* cut sequence */
		{ "\xff\xfe", "\\\\xff\\\\xfe" },
	};
	char out[128], what[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fim_json_escape(cases[i].in, strlen(cases[i].in), out,
				sizeof(out));
		/* the expected escape names the case: no raw controls */
		snprintf(what, sizeof(what), "known answer %s", cases[i].out);
		is_str(out, cases[i].out, what);
	}
	is_int(fim_json_escape("a\0b", 3, out, sizeof(out)), 8, "NUL byte");
	is_str(out, "a\\u0000b", "NUL escaped");
	is_int(fim_json_escape("\"\"\"", 3, out, 4), 6, "full length");
	is_str(out, "\\\"\\", "truncated output");
	is_int(fim_json_escape("\x1f", 1, out, sizeof(out)), FIM_JSON_ESCAPE_MAX,
	       "the longest escape");
}

/* Append the UTF-8 of code point c. */
static size_t put_utf8(unsigned c, unsigned char *o)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	o[0] = (unsigned char)(0xc0 | c >> 6);
	o[1] = (unsigned char)(0x80 | (c & 0x3f));
	return 2;
}

/* Decode a JSON string body as a JSON parser would, into UTF-8 text.
 * Returns the length, or -1 when it is not valid JSON string syntax. */
static long json_decode(const char *s, unsigned char *o)
{
	size_t n = 0;
	unsigned c;

	while (*s) {
		if ((unsigned char)*s < 0x20 || *s == '"')
			return -1;
		if (*s != '\\') {
			o[n++] = (unsigned char)*s++;
			continue;
		}
		switch (*++s) {
		case '"': case '\\': case '/': o[n++] = (unsigned char)*s; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u':
			if (sscanf(s + 1, "%4x", &c) != 1 || c >= 0xd800)
				return -1;
			n += put_utf8(c, o + n);
			s += 4;
			break;
		default:
			return -1;
		}
		s++;
	}
	return (long)n;
}

/* Undo the rule of json.h on decoded text; -1 when the text breaks it. */
static long unescape(const unsigned char *t, size_t len, unsigned char *o)
{
	size_t n = 0;
	unsigned c;
	char hex[3] = "";

	for (size_t i = 0; i < len; i++) {
		if (t[i] != '\\') {
			o[n++] = t[i];
			continue;
		}
		if (i + 1 < len && t[i + 1] == '\\') {
			o[n++] = '\\';
			i++;
		} else if (i + 3 < len && t[i + 1] == 'x') {
			memcpy(hex, t + i + 2, 2);
			if (sscanf(hex, "%2x", &c) != 1 || c < 0x80)
				return -1;
			o[n++] = (unsigned char)c;
			i += 3;
		} else {
			return -1;
		}
	}
	return (long)n;
}

/* The bytes of s come back from their JSON string. */
static int round_trip(const unsigned char *s, size_t len)
{
	char esc[FIM_JSON_ESCAPE_MAX * 8 + 1];
	unsigned char text[sizeof(esc)], back[sizeof(esc)];
	size_t n = fim_json_escape((const char *)s, len, esc, sizeof(esc));
	long t, b;

	if (n > FIM_JSON_ESCAPE_MAX * len || n >= sizeof(esc))
		return 0;
	t = json_decode(esc, text);
	if (t < 0)
		return 0;
	b = unescape(text, (size_t)t, back);
	return b == (long)len && !memcmp(back, s, len);
}

static void test_round_trip(void)
{
	unsigned char s[8];
	int bad = 0;
	unsigned seed = 14;

	for (unsigned a = 1; a < 256; a++) {
		s[0] = (unsigned char)a;
		bad += !round_trip(s, 1);
		for (unsigned b = 1; b < 256; b++) {
			s[1] = (unsigned char)b;
			bad += !round_trip(s, 2);
		}
	}
	is_int(bad, 0, "every string of one or two bytes comes back");
	/* Biased towards the bytes UTF-8 is made of. */
	for (int i = 0; i < 200000; i++) {
		size_t len = 3 + (size_t)(rand_r(&seed) % 6);

		for (size_t k = 0; k < len; k++) {
			unsigned r = (unsigned)rand_r(&seed);

			s[k] = (unsigned char)(r & 1 ? 0x80 | (r >> 1 & 0x7f) :
					       r & 2 ? 0xc0 | (r >> 2 & 0x3f) :
					       1 + (r >> 2) % 255);
		}
		bad += !round_trip(s, len);
	}
	is_int(bad, 0, "random strings of three to eight bytes come back");
}

/* The writer's buffer as a string (it holds no NUL in these tests). */
static const char *text(struct fim_buf *b)
{
	if (fim_buf_add(b, "", 1))
		return "(no memory)";
	b->len--;
	return b->p;
}

/* One document with a little of everything, in layout spaced. */
static const char *sample(struct fim_buf *b, bool spaced)
{
	struct fim_json w;

	b->len = 0;
	fim_json_init(&w, b, spaced);
	fim_json_begin_object(&w, NULL);
	fim_json_str(&w, "s", "x");
	fim_json_int(&w, "i", INT64_MIN);
	fim_json_uint(&w, "u", UINT64_MAX);
	fim_json_null(&w, "n");
	fim_json_begin_array(&w, "a");
	fim_json_int(&w, NULL, -1);
	fim_json_begin_object(&w, NULL);
	fim_json_end(&w);
	fim_json_begin_array(&w, NULL);
	fim_json_end(&w);
	fim_json_end(&w);
	fim_json_begin_lines(&w, "l");
	fim_json_uint(&w, NULL, 1);
	fim_json_begin_object(&w, NULL);
	fim_json_str(&w, "k", "v");
	fim_json_end(&w);
	fim_json_end(&w);
	fim_json_begin_lines(&w, "e");
	fim_json_end(&w);
	fim_json_end(&w);
	return fim_json_finish(&w) ? "(error)" : text(b);
}

static void test_writer_layout(void)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;

	is_str(sample(&b, false),
	       "{\"s\":\"x\",\"i\":-9223372036854775808,"
	       "\"u\":18446744073709551615,\"n\":null,\"a\":[-1,{},[]],"
	       "\"l\":[\n  1,\n  {\"k\":\"v\"}\n],\"e\":[]}\n",
	       "compact layout");
	is_str(sample(&b, true),
	       "{\"s\": \"x\", \"i\": -9223372036854775808, "
	       "\"u\": 18446744073709551615, \"n\": null, "
	       "\"a\": [-1, {}, []], "
	       "\"l\": [\n  1,\n  {\"k\": \"v\"}\n], \"e\": []}\n",
	       "spaced layout");

	/* A second document after the first, as audit records follow */
	fim_json_init(&w, &b, false);
	fim_json_str(&w, NULL, "top");
	is_int(fim_json_finish(&w), 0, "a string alone is a document");
	ok(b.len > 6 && !memcmp(b.p + b.len - 6, "\"top\"\n", 6),
	   "appended after the first document");
	fim_buf_free(&b);
}

static void test_writer_escapes(void)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	char *big;
	size_t n = 100000;

	fim_json_init(&w, &b, false);
	fim_json_begin_object(&w, NULL);
	fim_json_str(&w, "k\"\n\xff", "\x01\t\\\"\x7f");
	fim_json_str(&w, "utf8", "\xc3\xa9\xe2\x82");   /* é, a cut sequence */
	/* an overlong form, a surrogate */
	fim_json_str(&w, "bad", "\xc0\xaf\xed\xa0\x80");
	fim_json_end(&w);
	is_int(fim_json_finish(&w), 0, "keys and values escaped");
	is_str(text(&b),
	       "{\"k\\\"\\n\\\\xff\":"
	       "\"\\u0001\\t\\\\\\\\\\\"\\u007f\","
	       "\"utf8\":\"\xc3\xa9\\\\xe2\\\\x82\","
	       "\"bad\":\"\\\\xc0\\\\xaf\\\\xed\\\\xa0\\\\x80\"}\n",
	       "controls, quotes, backslashes and invalid UTF-8 as in json.h");

	/* The buffer grows to the longest escaping */
	big = malloc(n + 1);
	if (!big)
		return;
	memset(big, 0x1f, n);
	big[n] = '\0';
	b.len = 0;
	fim_json_init(&w, &b, false);
	fim_json_str(&w, NULL, big);
	is_int(fim_json_finish(&w), 0, "a long string of controls");
	ok(b.len == FIM_JSON_ESCAPE_MAX * n + 3 &&
	   !memcmp(b.p + b.len - 8, "\\u001f\"\n", 8),
	   "written whole, six bytes each");
	free(big);
	fim_buf_free(&b);
}

/* A call that breaks the grammar fails with -EINVAL; the error sticks
 * and nothing more is written, so the document is cut where it failed. */
static int misuse(int how)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	size_t len;
	int ret;

	fim_json_init(&w, &b, true);
	fim_json_begin_object(&w, NULL);
	fim_json_uint(&w, "ok", 1);
	len = b.len;
	switch (how) {
	case 0: ret = fim_json_uint(&w, NULL, 2); break;   /* no key */
	case 1: fim_json_begin_array(&w, "a");
		len = b.len;
		ret = fim_json_str(&w, "k", "v"); break;   /* key in array */
	case 2: fim_json_end(&w);
		len = b.len;
		ret = fim_json_end(&w); break;             /* nothing open */
	default: ret = fim_json_finish(&w); break;         /* still open */
	}
	if (ret != -EINVAL || b.len != len)
		ret = 0;
	else if (fim_json_str(&w, "more", "x") != -EINVAL ||
		 fim_json_end(&w) != -EINVAL ||
		 fim_json_finish(&w) != -EINVAL || b.len != len)
		ret = 0;
	fim_buf_free(&b);
	return ret == -EINVAL;
}

static void test_writer_errors(void)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	int ret = 0, d;

	ok(misuse(0), "a value without a key in an object");
	ok(misuse(1), "a key in an array");
	ok(misuse(2), "an end with nothing open");
	ok(misuse(3), "a finish inside an object");

	fim_json_init(&w, &b, false);
	for (d = 0; d < FIM_JSON_DEPTH && !ret; d++)
		ret = fim_json_begin_array(&w, NULL);
	is_int(ret, 0, "nesting to FIM_JSON_DEPTH");
	is_int(fim_json_begin_object(&w, NULL), -EINVAL, "one deeper: EINVAL");
	is_int((int)b.len, FIM_JSON_DEPTH, "nothing written for it");
	fim_buf_free(&b);
}

/* A document streamed to a FILE part by part is the same document; once
 * the writer failed, nothing more reaches the FILE. */
static void test_writer_flush(void)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!ok(f, "memstream"))
		return;
	fim_json_init(&w, &b, true);
	fim_json_begin_lines(&w, NULL);
	fim_json_uint(&w, NULL, 1);
	is_int(fim_json_flush(&w, f), 0, "flush");
	is_int((int)b.len, 0, "the buffer is emptied");
	fim_json_uint(&w, NULL, 2);
	fim_json_end(&w);
	fim_json_finish(&w);
	fim_json_flush(&w, f);
	fflush(f);
	is_str(out, "[\n  1,\n  2\n]\n", "the same document, in parts");
	fim_json_uint(&w, NULL, 3); /* buffered, then an end too many */
	fim_json_end(&w);
	is_int(fim_json_flush(&w, f), -EINVAL, "after an error: the error");
	fclose(f);
	is_int((int)len, (int)strlen("[\n  1,\n  2\n]\n"),
	       "and nothing more written");
	free(out);
	fim_buf_free(&b);
}

int main(void)
{
	test_known();
	test_round_trip();
	test_writer_layout();
	test_writer_escapes();
	test_writer_errors();
	test_writer_flush();
	return tap_done();
}
