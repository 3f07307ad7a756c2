/* fimfsctl report of a snapshots-layout root: every snapshot against the
 * baseline, oldest first, a summary per snapshot, the tamper timeline and
 * one total; see fimctl.h. */
#include "fimctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "report.h"

struct snap_run {
	struct fim_report_doc doc;
	struct fim_report_set set;
	struct fim_timeline *tl;
	size_t snap;
	bool json; /* keep every entry, not only the findings */
	int err;
};

static void on_entry(void *arg, const struct fim_report_entry *e)
{
	struct snap_run *r = arg;
	int ret;

	if (r->json || e->vd.status != FIM_OK)
		fim_report_set_add(&r->set, e);
	ret = fim_timeline_note(r->tl, r->snap, e->path, e->vd.status);
	if (ret && !r->err)
		r->err = ret;
}

/* One snapshot judged, noted and written. Returns 0, 1 when it could not
 * be reported (rotated away since listed, unreadable: s->err), or a
 * negative errno: -ENOMEM, or the output's. */
static int one(struct fim_view *view, const struct fim_config *cfg,
	       struct fim_snapshot *s, struct snap_run *r, size_t *total)
{
	struct fim_report_opts opts = {
		.root = s->name,
		.inflight = 4 * fim_config_threads(cfg),
		.progress = isatty(STDERR_FILENO) ? fimctl_progress : NULL,
	};
	struct fim_report_sum sum;
	int ret, written = 0;

	memset(&r->set, 0, sizeof(r->set));
	ret = fim_report_run(view, &opts, on_entry, r, &sum);
	if (!ret)
		ret = r->set.err ? r->set.err : r->err;
	if (ret != -ENOMEM) {
		s->err = ret;
		fim_report_set_sort(&r->set);
		written = fim_report_doc_snapshot(&r->doc, s, &r->set, &sum,
						  cfg->primary);
		for (int st = 0; !ret && st < FIM_STATUS_COUNT; st++)
			total[st] += sum.counts[st];
	}
	fim_report_set_free(&r->set);
	if (ret == -ENOMEM)
		return ret;
	return written ? written : !!ret;
}

int report_snapshots(struct fim_view *view, const struct fim_config *cfg,
		     const char *src, bool json)
{
	struct snap_run r = { .json = json };
	struct fim_snapshot *snaps = NULL;
	size_t n = 0, total[FIM_STATUS_COUNT] = { 0 };
	bool failed = false;
	int ret, status = EXIT_USAGE;

	ret = fim_snapshots_list(view, &snaps, &n);
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", src, strerror(-ret));
		return EXIT_USAGE;
	}
	if (!n) {
		fprintf(stderr, "fimfsctl: %s: no snapshots (layout "
			"snapshots: each directory at the root is one)\n", src);
		goto out;
	}
	ret = fim_timeline_new(n, &r.tl);
	if (!ret)
		ret = fim_report_doc_begin(&r.doc, stdout, json);
	for (r.snap = 0; !ret && r.snap < n; r.snap++) {
		ret = one(view, cfg, &snaps[r.snap], &r, total);
		failed |= ret > 0;
		ret = ret > 0 ? 0 : ret;
	}
	if (!ret)
		ret = fim_report_doc_end(&r.doc, r.tl, snaps, total);
	if (ret) {
		report_write_failed(ret);
		goto out;
	}
	status = failed ? EXIT_BAD : EXIT_OK;
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		if (total[s] && fim_report_status_bad(s))
			status = EXIT_BAD;
out:
	fim_timeline_free(r.tl);
	fim_snapshots_free(snaps, n);
	return status;
}
