/* Reports: the tamper timeline as text and JSON; see report.h. */
#include "report.h"
#include "report_int.h"


/* Whether snapshot i is a finding for p. */
static bool bad_at(const struct fim_timeline_path *p, size_t i)
{
	return p->status[i] >= 0 && fim_report_status_bad(p->status[i]);
}

/* The end of the run of equal statuses that begins at i. */
static size_t run_end(const struct fim_timeline_path *p, size_t i, size_t n)
{
	size_t j = i;

	while (j + 1 < n && p->status[j + 1] == p->status[i])
		j++;
	return j;
}

static const char *status_or_null(signed char s)
{
	return s < 0 ? NULL : fim_status_name((enum fim_status)s);
}

/* PATH: MISMATCH from nightly.1 to nightly.0, OK again in hourly.4 */
static void text_line(FILE *f, const struct fim_timeline_path *p,
		      const struct fim_snapshot *snaps, size_t n)
{
	const char *sep = ": ";

	fim_report_put_path(f, p->path);
	for (size_t i = p->first; i <= p->last; i++) {
		size_t j = run_end(p, i, p->last + 1);

		if (bad_at(p, i)) {
			fprintf(f, "%s%s %s ", sep,
				fim_status_name((enum fim_status)p->status[i]),
				i == j ? "in" : "from");
			fim_report_put_path(f, snaps[i].name);
			if (i != j) {
				fputs(" to ", f);
				fim_report_put_path(f, snaps[j].name);
			}
			sep = ", ";
		} else if (i == p->first || bad_at(p, i - 1)) {
			fprintf(f, "%s%s ", sep, p->status[i] == FIM_OK ?
				"OK again in" : "no finding in");
			fim_report_put_path(f, snaps[i].name);
		}
		i = j;
	}
	if (p->last + 1 < n) {
		fprintf(f, "%s%s ", sep, p->status[p->last + 1] == FIM_OK ?
			"OK again in" : "no finding in");
		fim_report_put_path(f, snaps[p->last + 1].name);
	}
	fputc('\n', f);
}

int fim_timeline_text(FILE *f, struct fim_timeline *t,
		      const struct fim_snapshot *snaps)
{
	const struct fim_timeline_path *const *v;
	size_t n, n_snaps = fim_timeline_snapshots(t);
	int ret = fim_timeline_paths(t, &v, &n);

	for (size_t i = 0; !ret && i < n; i++)
		text_line(f, v[i], snaps, n_snaps);
	return ret;
}

static void json_name(FILE *f, const struct fim_snapshot *snaps, size_t i,
		      size_t n)
{
	if (i < n)
		fim_report_put_json_str(f, snaps[i].name);
	else
		fputs("null", f);
}

static void json_path(FILE *f, const struct fim_timeline_path *p,
		      const struct fim_snapshot *snaps, size_t n)
{
	const char *sep = "";

	fputs("{\"path\": ", f);
	fim_report_put_json_str(f, p->path);
	fputs(", \"first_seen\": ", f);
	json_name(f, snaps, p->first, n);
	fputs(", \"last_seen\": ", f);
	json_name(f, snaps, p->last, n);
	fputs(", \"restored\": ", f);
	json_name(f, snaps, p->last + 1, n);
	fputs(", \"missing\": [", f);
	for (size_t i = p->first; i < n; i++)
		if (p->status[i] == FIM_MISSING) {
			fputs(sep, f);
			fim_report_put_json_str(f, snaps[i].name);
			sep = ", ";
		}
	fputs("], \"runs\": [", f);
	sep = "";
	for (size_t i = p->first; i < n; i++) {
		size_t j = run_end(p, i, n);
		const char *s = status_or_null(p->status[i]);

		fprintf(f, "%s{\"status\": ", sep);
		if (s)
			fprintf(f, "\"%s\"", s);
		else
			fputs("null", f);
		fputs(", \"from\": ", f);
		fim_report_put_json_str(f, snaps[i].name);
		fputs(", \"to\": ", f);
		fim_report_put_json_str(f, snaps[j].name);
		fputc('}', f);
		sep = ", ";
		i = j;
	}
	fputs("]}", f);
}

int fim_timeline_json(FILE *f, struct fim_timeline *t,
		      const struct fim_snapshot *snaps)
{
	const struct fim_timeline_path *const *v;
	size_t n, n_snaps = fim_timeline_snapshots(t);
	int ret = fim_timeline_paths(t, &v, &n);

	if (ret)
		return ret;
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  " : "\n  ", f);
		json_path(f, v[i], snaps, n_snaps);
	}
	fputs(n ? "\n]" : "]", f);
	return 0;
}
