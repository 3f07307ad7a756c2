/* Reports: the output, text and JSON; see report.h. */
#include "report.h"
#include "report_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

static void put_differs(FILE *f, unsigned differs)
{
	const char *s = "";

	for (unsigned b = 0; b < FIM_DIFF_COUNT; b++) {
		if (!(differs & (1u << b)))
			continue;
		fprintf(f, "%s%s", s, fim_diff_name(1u << b));
		s = ",";
	}
}

/* Entries for output, wherever they are kept: the i-th, possibly rebuilt
 * in *scratch. */
struct entries {
	const struct fim_report_entry *(*at)(const void *from, size_t i,
					     struct fim_report_entry *scratch);
	const void *from;
	size_t n;
};

static const struct fim_report_entry *
array_at(const void *from, size_t i, struct fim_report_entry *scratch)
{
	(void)scratch;
	return ((struct fim_report_entry *const *)from)[i];
}

static const struct fim_report_entry *
set_at(const void *from, size_t i, struct fim_report_entry *scratch)
{
	fim_report_set_get(from, i, scratch);
	return scratch;
}

static void text_of(FILE *f, const struct entries *es, const size_t *counts)
{
	struct fim_report_entry scratch;

	for (size_t i = 0; i < es->n; i++) {
		const struct fim_report_entry *e = es->at(es->from, i,
							   &scratch);
		const struct fim_verdict *vd = &e->vd;

		if (vd->status == FIM_OK)
			continue;
		fprintf(f, "%-10s rule=%-11s ", fim_status_name(vd->status),
			fim_rule_name(vd->rule));
		fim_report_put_path(f, e->path);
		if (vd->differs) {
			fputs(" differs=", f);
			put_differs(f, vd->differs);
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

void fim_report_text(FILE *f, struct fim_report_entry *const *v, size_t n,
		     const size_t *counts)
{
	text_of(f, &(struct entries){ array_at, v, n }, counts);
}

void fim_report_set_text(FILE *f, const struct fim_report_set *s,
			 const size_t *counts)
{
	text_of(f, &(struct entries){ set_at, s, s->n }, counts);
}

/* A digest in hex, or null when there is none. */
static void json_digest(struct fim_json *w, const char *key, int have,
			const unsigned char *md, enum fim_alg alg)
{
	char hex[2 * FIM_MD_MAX + 1];

	if (!have) {
		fim_json_null(w, key);
		return;
	}
	fim_hex(md, fim_alg_size(alg), hex);
	fim_json_str(w, key, hex);
}

static void json_entry(struct fim_json *w, const struct fim_report_entry *e,
		       enum fim_alg alg)
{
	const struct fim_verdict *vd = &e->vd;

	fim_json_begin_object(w, NULL);
	fim_json_str(w, "path", e->path);
	fim_json_str(w, "status", fim_status_name(vd->status));
	fim_json_str(w, "rule", fim_rule_name(vd->rule));
	json_digest(w, fim_alg_name(alg), vd->have_actual, vd->actual, alg);
	json_digest(w, "expected", vd->have_expected, vd->expected, alg);
	fim_json_begin_array(w, "differs");
	for (unsigned b = 0; b < FIM_DIFF_COUNT; b++)
		if (vd->differs & (1u << b))
			fim_json_str(w, NULL, fim_diff_name(1u << b));
	fim_json_end(w);
	if (vd->status == FIM_ERROR)
		fim_json_str(w, "error", fim_verdict_errname(vd->err));
	fim_json_end(w);
}

/* Flushed to f entry by entry: a report of a large tree is not held twice
 * in memory. */
int fim_report_set_json_put(struct fim_json *w, FILE *f, const char *key,
			    const struct fim_report_set *s,
			    const size_t *counts, enum fim_alg alg)
{
	struct fim_report_entry scratch;

	fim_json_begin_object(w, key);
	fim_json_begin_object(w, "summary");
	for (int st = 0; st < FIM_STATUS_COUNT; st++)
		fim_json_uint(w, fim_status_name(st), counts[st]);
	fim_json_end(w);
	fim_json_begin_lines(w, "files");
	for (size_t i = 0; i < s->n && !w->err; i++) {
		fim_report_set_get(s, i, &scratch);
		json_entry(w, &scratch, alg);
		fim_json_flush(w, f);
	}
	fim_json_end(w);
	return fim_json_end(w);
}

int fim_report_set_json(FILE *f, const struct fim_report_set *s,
			const size_t *counts, enum fim_alg alg)
{
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	int ret;

	fim_json_init(&w, &b, true);
	fim_report_set_json_put(&w, f, NULL, s, counts, alg);
	ret = fim_report_json_done(&w, f);
	fim_buf_free(&b);
	return ret;
}

int fim_report_json_done(struct fim_json *w, FILE *f)
{
	int ret;

	fim_json_finish(w);
	ret = fim_json_flush(w, f);
	errno = 0;
	if (!ret && fflush(f))
		ret = errno ? -errno : -EIO;
	return ret;
}
