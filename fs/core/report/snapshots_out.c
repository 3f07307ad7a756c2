/* Reports: the document of a report over every snapshot, text and JSON,
 * written snapshot by snapshot; see report.h. */
#include "report.h"
#include "report_int.h"

#include <time.h>

/* ns as an ISO 8601 UTC time, or as seconds when it has no such form. */
static void format_time(int64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

static const char *time_key(const struct fim_snapshot *s)
{
	return s->created ? "created" : "ctime";
}

static void text_snapshot(FILE *f, const struct fim_snapshot *s,
			  const struct fim_report_set *set,
			  const struct fim_report_sum *sum)
{
	char when[32];

	format_time(s->time_ns, when, sizeof(when));
	fputs("snapshot ", f);
	fim_report_put_path(f, s->name);
	fprintf(f, " %s=%s", time_key(s), when);
	if (s->err) {
		fprintf(f, " error=%s\n", fim_verdict_errname(-s->err));
		return;
	}
	fputc('\n', f);
	fim_report_set_text(f, set, sum->counts);
}

static int text_end(FILE *f, struct fim_timeline *tl,
		    const struct fim_snapshot *snaps, const size_t *total)
{
	int ret;

	fputs("timeline:\n", f);
	ret = fim_timeline_text(f, tl, snaps);
	if (ret)
		return ret;
	fprintf(f, "total: snapshots=%zu", fim_timeline_snapshots(tl));
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, " %s=%zu", fim_status_name(s), total[s]);
	fputc('\n', f);
	return 0;
}

/* Hand the buffer to the FILE and free it: between calls the document
 * holds no memory. */
static int flush(struct fim_report_doc *d)
{
	int ret = fim_json_flush(&d->w, d->f);

	fim_buf_free(&d->buf);
	return ret;
}

int fim_report_doc_begin(struct fim_report_doc *d, FILE *f, bool json)
{
	*d = (struct fim_report_doc){ .f = f, .json = json };
	fim_json_init(&d->w, &d->buf, true);
	if (!json)
		return 0;
	fim_json_begin_object(&d->w, NULL);
	fim_json_begin_lines(&d->w, "snapshots");
	return flush(d);
}

int fim_report_doc_snapshot(struct fim_report_doc *d,
			    const struct fim_snapshot *s,
			    const struct fim_report_set *set,
			    const struct fim_report_sum *sum,
			    enum fim_alg alg)
{
	struct fim_json *w = &d->w;
	char when[32];

	if (!d->json) {
		text_snapshot(d->f, s, set, sum);
		return 0;
	}
	format_time(s->time_ns, when, sizeof(when));
	fim_json_begin_object(w, NULL);
	fim_json_str(w, "name", s->name);
	fim_json_str(w, "time", when);
	fim_json_str(w, "time_source", time_key(s));
	if (s->err)
		fim_json_str(w, "error", fim_verdict_errname(-s->err));
	else
		fim_report_set_json_put(w, d->f, "report", set, sum->counts,
					alg);
	fim_json_end(w);
	return flush(d);
}

int fim_report_doc_end(struct fim_report_doc *d, struct fim_timeline *tl,
		       const struct fim_snapshot *snaps, const size_t *total)
{
	struct fim_json *w = &d->w;
	int ret;

	if (!d->json)
		return text_end(d->f, tl, snaps, total);
	fim_json_end(w); /* the snapshots */
	ret = fim_timeline_json(w, d->f, "timeline", tl, snaps);
	if (ret) { /* the writer may not know it: write no more */
		fim_buf_free(&d->buf);
		return ret;
	}
	fim_json_begin_object(w, "total");
	fim_json_uint(w, "snapshots", fim_timeline_snapshots(tl));
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fim_json_uint(w, fim_status_name(s), total[s]);
	fim_json_end(w);
	fim_json_end(w);
	ret = fim_report_json_done(w, d->f);
	fim_buf_free(&d->buf);
	return ret;
}
