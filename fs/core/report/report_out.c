/* Reports: the output, text and JSON; see report.h. */
#include "report.h"
#include "report_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "json.h"
#include "log.h"
#include "manifest.h"

/* Paths in text lines: escaped as in our mtree specs, so a name with a
 * newline or a space stays one field of one line. */
void fim_report_put_path(FILE *f, const char *path)
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

void fim_report_text(FILE *f, struct fim_report_entry *const *v, size_t n,
		     const size_t *counts)
{
	for (size_t i = 0; i < n; i++) {
		const struct fim_verdict *vd = &v[i]->vd;

		if (vd->status == FIM_OK)
			continue;
		fprintf(f, "%-10s rule=%-11s ", fim_status_name(vd->status),
			fim_rule_name(vd->rule));
		fim_report_put_path(f, v[i]->path);
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

/* A JSON string, escaped as every JSON of ours (json.h). */
void fim_report_put_json_str(FILE *f, const char *str)
{
	size_t size = FIM_JSON_ESCAPE_MAX * strlen(str) + 1;
	char *buf = malloc(size);

	if (!buf) {
		fputs("\"?\"", f);
		return;
	}
	fim_json_escape(str, strlen(str), buf, size);
	fprintf(f, "\"%s\"", buf);
	free(buf);
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

void fim_report_json(FILE *f, struct fim_report_entry *const *v, size_t n,
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
		fim_report_put_json_str(f, v[i]->path);
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
