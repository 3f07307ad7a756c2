#include "watcher.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "watch.h"

/* The first line fim_report_text prints for entries v (n of them) with
 * counts: a finding's line as `fimfsctl report` shows it, or with n 0 the
 * summary line. malloc'd; NULL when out of memory. */
static char *report_line(struct fim_report_entry *const *v, size_t n,
			 const size_t *counts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fim_report_text(f, v, n, counts);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void record(struct fimfs *fs, const char *op, const char *path,
		   const char *status, int err, const char *detail)
{
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_WATCH, .op = op, .path = path,
		.uid = getuid(), .gid = getgid(), .pid = getpid(),
		.comm = "fimfs", .err = err, .status = status,
		.detail = detail,
	};

	fim_audit_record(fs->audit, &ev);
}

static void on_finding(void *arg, const char *snap,
		       const struct fim_report_entry *e)
{
	static const size_t none[FIM_STATUS_COUNT];
	struct fim_report_entry *one = (struct fim_report_entry *)e;
	char *line = report_line(&one, 1, none);
	char path[PATH_MAX + NAME_MAX + 2];

	snprintf(path, sizeof(path), "/%s/%s", snap, e->path);
	syslog(LOG_AUTHPRIV | LOG_ALERT, "watch: snapshot %s: %s", snap,
	       line ? line : fim_status_name(e->vd.status));
	record(arg, "alert", path, fim_status_name(e->vd.status), 0, line);
	free(line);
}

static void on_verified(void *arg, const char *snap,
			const struct fim_report_sum *sum, int err)
{
	char *line = report_line(NULL, 0, sum->counts);
	const char *counts = line ? line : "summary: ?";
	char path[NAME_MAX + 2];

	snprintf(path, sizeof(path), "/%s", snap);
	if (err)
		syslog(LOG_AUTHPRIV | LOG_ALERT, "watch: snapshot %s cannot be "
		       "verified: %s; %s", snap, strerror(-err), counts);
	else if (fim_report_sum_bad(sum))
		syslog(LOG_AUTHPRIV | LOG_ALERT, "watch: snapshot %s is not "
		       "as the baseline says; %s", snap, counts);
	else
		fim_log(LOG_INFO, "watch: snapshot %s verified; %s", snap,
			counts);
	record(arg, "watch-summary", path,
	       err || fim_report_sum_bad(sum) ? "ALERT" : "OK", -err, counts);
	free(line);
}

int watcher_check(const struct fimfs *fs)
{
	if (!fs->cfg.watch_interval ||
	    fim_config_layout_for(&fs->cfg, fs->source) ==
		    FIM_LAYOUT_SNAPSHOTS)
		return 0;
	fprintf(stderr, "fimfs: watch: needs a SOURCE of snapshots "
		"(layout = \"snapshots\"); %s is a tree\n", fs->source);
	return -1;
}

void watcher_start(struct fimfs *fs)
{
	struct fim_watch_ops ops = {
		.finding = on_finding, .verified = on_verified, .arg = fs,
	};
	struct fim_watch_opts o = {
		.interval = (unsigned)fs->cfg.watch_interval,
		.threads = (unsigned)fs->cfg.watch_threads,
		.rate = fs->cfg.watch_rate,
	};
	int ret;

	if (!fs->cfg.watch_interval)
		return;
	ret = fim_watch_start(fs->view, &o, &ops, &fs->watch);
	if (ret)
		fim_log(LOG_ERR, "watch: cannot start: %s", strerror(-ret));
	else
		fim_log(LOG_INFO, "watch: snapshots listed every %u s",
			o.interval);
}

void watcher_stop(struct fimfs *fs)
{
	fim_watch_stop(fs->watch);
	fs->watch = NULL;
}
