/* Reports: the document of a report over every snapshot, text and JSON,
 * written snapshot by snapshot; see report.h. */
#include "report.h"
#include "report_int.h"

#include <time.h>

static void put_time(FILE *f, int64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	fputs(buf, f);
}

static const char *time_key(const struct fim_snapshot *s)
{
	return s->created ? "created" : "ctime";
}

static void text_snapshot(FILE *f, const struct fim_snapshot *s,
			  const struct fim_report_set *set,
			  const struct fim_report_sum *sum)
{
	fputs("snapshot ", f);
	fim_report_put_path(f, s->name);
	fprintf(f, " %s=", time_key(s));
	put_time(f, s->time_ns);
	if (s->err) {
		fprintf(f, " error=%s\n", fim_verdict_errname(-s->err));
		return;
	}
	fputc('\n', f);
	fim_report_text(f, set->v, set->n, sum->counts);
}

static void json_snapshot(FILE *f, size_t i, const struct fim_snapshot *s,
			  const struct fim_report_set *set,
			  const struct fim_report_sum *sum, enum fim_alg alg)
{
	fputs(i ? ",\n{\"name\": " : "{\"snapshots\": [\n{\"name\": ", f);
	fim_report_put_json_str(f, s->name);
	fputs(", \"time\": \"", f);
	put_time(f, s->time_ns);
	fprintf(f, "\", \"time_source\": \"%s\"", time_key(s));
	if (s->err) {
		fprintf(f, ", \"error\": \"%s\"}",
			fim_verdict_errname(-s->err));
		return;
	}
	fputs(", \"report\": ", f);
	fim_report_json(f, set->v, set->n, sum->counts, alg);
	fputc('}', f);
}

void fim_report_snapshot_out(FILE *f, bool json, size_t i,
			     const struct fim_snapshot *s,
			     const struct fim_report_set *set,
			     const struct fim_report_sum *sum,
			     enum fim_alg alg)
{
	if (json)
		json_snapshot(f, i, s, set, sum, alg);
	else
		text_snapshot(f, s, set, sum);
}

int fim_report_snapshots_end(FILE *f, bool json, struct fim_timeline *tl,
			     const struct fim_snapshot *snaps,
			     const size_t *total)
{
	size_t n = fim_timeline_snapshots(tl);
	int ret;

	fputs(json ? "\n],\n\"timeline\": " : "timeline:\n", f);
	ret = (json ? fim_timeline_json : fim_timeline_text)(f, tl, snaps);
	if (ret)
		return ret;
	fprintf(f, json ? ",\n\"total\": {\"snapshots\": %zu"
			: "total: snapshots=%zu", n);
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, json ? ", \"%s\": %zu" : " %s=%zu",
			fim_status_name(s), total[s]);
	fputs(json ? "}}\n" : "\n", f);
	return 0;
}
