/* fimfsctl report: the output, text and JSON; see report.h. */
#include "report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "log.h"
#include "manifest.h"

/* Paths in text lines: escaped as in our mtree specs, so a name with a
 * newline or a space stays one field of one line. */
static void put_text_path(FILE *f, const char *path)
{
	size_t size = 4 * strlen(path) + 1;
	char *buf = malloc(size);

	if (!buf) {
		fputs("?", f);
		return;
	}
	fim_mtree_escape(path, buf, size);
	fputs(buf, f);
	free(buf);
}

static void put_differs(FILE *f, unsigned differs, const char *sep,
			const char *quote)
{
	const char *s = "";

	for (unsigned b = 0; b < FIM_DIFF_COUNT; b++) {
		if (!(differs & (1u << b)))
			continue;
		fprintf(f, "%s%s%s%s", s, quote, fim_diff_name(1u << b), quote);
		s = sep;
	}
}

void report_text(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts)
{
	for (size_t i = 0; i < n; i++) {
		const struct fim_verdict *vd = &v[i]->vd;

		if (vd->status == FIM_OK)
			continue;
		fprintf(f, "%-10s rule=%-11s ", fim_status_name(vd->status),
			fim_rule_name(vd->rule));
		put_text_path(f, v[i]->path);
		if (vd->differs) {
			fputs(" differs=", f);
			put_differs(f, vd->differs, ",", "");
		}
		if (vd->status == FIM_ERROR)
			fprintf(f, " error=%s", fim_verdict_errname(vd->err));
		fputc('\n', f);
	}
	fputs("summary:", f);
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, " %s=%zu", fim_status_name(s), counts[s]);
	fputc('\n', f);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/* A JSON string. Names are bytes, not always UTF-8: a byte that is not
 * part of valid UTF-8 is written as \udcXX (Python's "surrogateescape"),
 * so every name is representable and distinct. */
static void put_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	fputc('"', f);
	while (n) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
		} else if (*s < 0x80) {
			fputc(*s, f);
		} else if ((len = utf8_len(s, n)) != 0) {
			fwrite(s, 1, len, f);
			s += len;
			n -= len;
			continue;
		} else {
			fprintf(f, "\\udc%02x", *s);
		}
		s++;
		n--;
	}
	fputc('"', f);
}

static void put_hex(FILE *f, int have, const unsigned char *md,
		    enum fim_alg alg)
{
	char hex[2 * FIM_MD_MAX + 1];

	if (!have) {
		fputs("null", f);
		return;
	}
	fim_hex(md, fim_alg_size(alg), hex);
	fprintf(f, "\"%s\"", hex);
}

void report_json(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts, enum fim_alg alg)
{
	fputs("{\"summary\": {", f);
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, "%s\"%s\": %zu", s ? ", " : "", fim_status_name(s),
			counts[s]);
	fputs("}, \"files\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct fim_verdict *vd = &v[i]->vd;

		fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
		put_json_str(f, v[i]->path);
		fprintf(f, ", \"status\": \"%s\", \"rule\": \"%s\", \"%s\": ",
			fim_status_name(vd->status), fim_rule_name(vd->rule),
			fim_alg_name(alg));
		put_hex(f, vd->have_actual, vd->actual, alg);
		fputs(", \"expected\": ", f);
		put_hex(f, vd->have_expected, vd->expected, alg);
		fputs(", \"differs\": [", f);
		put_differs(f, vd->differs, ", ", "\"");
		fputc(']', f);
		if (vd->status == FIM_ERROR)
			fprintf(f, ", \"error\": \"%s\"",
				fim_verdict_errname(vd->err));
		fputc('}', f);
	}
	fputs(n ? "\n]}\n" : "]}\n", f);
}
