/* Reports: the tamper timeline as text and JSON; see report.h. */
#include "report.h"
#include "report_int.h"

/* Snapshots that could not be reported are left out of every run: what a
 * path was there is not known. */
static size_t next_known(const struct fim_snapshot *snaps, size_t i,
			 size_t n)
{
	while (i < n && snaps[i].err)
		i++;
	return i;
}

/* The run of one status of p that begins at the known snapshot i < n:
 * its last snapshot in *to; returns the known snapshot after it, or n. */
static size_t run_at(const struct fim_timeline_path *p,
		     const struct fim_snapshot *snaps, size_t i, size_t n,
		     size_t *to)
{
	size_t k;

	*to = i;
	for (k = next_known(snaps, i + 1, n);
	     k < n && p->status[k] == p->status[i];
	     k = next_known(snaps, k + 1, n))
		*to = k;
	return k;
}

static bool is_bad(signed char s)
{
	return s >= 0 && fim_report_status_bad((enum fim_status)s);
}

/* PATH: MISMATCH from nightly.1 to nightly.0, OK again in hourly.4 */
static void text_line(FILE *f, const struct fim_timeline_path *p,
		      const struct fim_snapshot *snaps, size_t n)
{
	const char *sep = ": ";
	bool after_bad = false;
	size_t i = p->first, to;

	fim_report_put_path(f, p->path);
	while (i < n) {
		size_t next = run_at(p, snaps, i, n, &to);
		signed char s = p->status[i];

		if (is_bad(s)) {
			fprintf(f, "%s%s %s ", sep,
				fim_status_name((enum fim_status)s),
				i == to ? "in" : "from");
			fim_report_put_path(f, snaps[i].name);
			if (i != to) {
				fputs(" to ", f);
				fim_report_put_path(f, snaps[to].name);
			}
		} else if (after_bad) {
			fprintf(f, "%s%s ", sep, s == FIM_OK ? "OK again in"
							     : "no finding in");
			fim_report_put_path(f, snaps[i].name);
		}
		sep = ", ";
		after_bad = is_bad(s);
		if (i > p->last)
			break;
		i = next;
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

/* A snapshot's name, or null past the last one. */
static void json_name(struct fim_json *w, const char *key,
		      const struct fim_snapshot *snaps, size_t i, size_t n)
{
	if (i < n)
		fim_json_str(w, key, snaps[i].name);
	else
		fim_json_null(w, key);
}

static void json_runs(struct fim_json *w, const struct fim_timeline_path *p,
		      const struct fim_snapshot *snaps, size_t n)
{
	size_t i = p->first, to;

	fim_json_begin_array(w, "runs");
	while (i < n) {
		size_t next = run_at(p, snaps, i, n, &to);
		signed char s = p->status[i];

		fim_json_begin_object(w, NULL);
		if (s >= 0)
			fim_json_str(w, "status",
				     fim_status_name((enum fim_status)s));
		else
			fim_json_null(w, "status");
		fim_json_str(w, "from", snaps[i].name);
		fim_json_str(w, "to", snaps[to].name);
		fim_json_end(w);
		i = next;
	}
	fim_json_end(w);
}

static void json_path(struct fim_json *w, const struct fim_timeline_path *p,
		      const struct fim_snapshot *snaps, size_t n)
{
	fim_json_begin_object(w, NULL);
	fim_json_str(w, "path", p->path);
	json_name(w, "first_seen", snaps, p->first, n);
	json_name(w, "last_seen", snaps, p->last, n);
	json_name(w, "restored", snaps, next_known(snaps, p->last + 1, n), n);
	fim_json_begin_array(w, "missing");
	for (size_t i = p->first; i < n; i++)
		if (p->status[i] == FIM_MISSING)
			fim_json_str(w, NULL, snaps[i].name);
	fim_json_end(w);
	json_runs(w, p, snaps, n);
	fim_json_end(w);
}

int fim_timeline_json(struct fim_json *w, FILE *f, const char *key,
		      struct fim_timeline *t, const struct fim_snapshot *snaps)
{
	const struct fim_timeline_path *const *v;
	size_t n, n_snaps = fim_timeline_snapshots(t);
	int ret = fim_timeline_paths(t, &v, &n);

	if (ret)
		return ret;
	fim_json_begin_lines(w, key);
	for (size_t i = 0; i < n && !w->err; i++) {
		json_path(w, v[i], snaps, n_snaps);
		fim_json_flush(w, f);
	}
	return fim_json_end(w);
}
