/* The watcher: its thread, throttling and progress; see watch.h. */
#include "watch.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "log.h"
#include "snapset.h"
#include "tbucket.h"
#include "view_svc.h"

/* How often a snapshot being verified is checked for deletion. */
#define CHECK_NS 1000000000LL

struct fim_watch {
	struct fim_view *v;
	struct fim_watch_opts opts;
	struct fim_watch_ops ops;
	struct fim_hashsvc *svc;
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;        /* guards bucket and st; waits wait on cv */
	pthread_cond_t cv;         /* on CLOCK_MONOTONIC */
	int stop;                  /* atomic: end the thread */
	int abort;                 /* atomic: give up the current snapshot */
	struct fim_tbucket bucket;
	struct fim_watch_status st;

	/* the watcher thread's own */
	struct fim_snapset snaps;
	int64_t baseline_ns;       /* load time of the baseline judged by */
	bool list_failed;          /* told: the root cannot be listed */
	bool no_baseline;          /* told: no baseline to judge by */
	const char *cur;           /* snapshot being verified */
	uint64_t cur_id;
	int64_t checked_ns;        /* when cur's identity was last read */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool flag(const int *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static void raise_flag(struct fim_watch *w, int *f)
{
	pthread_mutex_lock(&w->mu);
	__atomic_store_n(f, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Sleep until deadline (monotonic ns), or until stopped or, when
 * with_abort, the current snapshot is given up. mu held. */
static void sleep_locked(struct fim_watch *w, int64_t deadline,
			 bool with_abort)
{
	struct timespec ts = {
		.tv_sec = deadline / 1000000000LL,
		.tv_nsec = deadline % 1000000000LL,
	};

	while (!flag(&w->stop) && !(with_abort && flag(&w->abort)) &&
	       now_ns() < deadline)
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

/* Each thread that reads for the watcher: named, so that ps and top tell
 * it apart, and in the idle I/O class, so that the I/O scheduler serves it
 * only when nobody else asks (see fimfs(8) for which schedulers do). */
static void thread_init(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "fimfs-watch");
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)))
		fim_log(LOG_WARNING, "watch: cannot lower the I/O priority: "
			"%m");
}

/* After each read of the watcher's hashing: the rate bound, and the way
 * out of a snapshot given up or a stop. */
static int after_read(void *arg, uint64_t bytes)
{
	struct fim_watch *w = arg;
	int64_t wait;

	pthread_mutex_lock(&w->mu);
	w->st.bytes_read += bytes;
	wait = fim_tbucket_take(&w->bucket, bytes, now_ns());
	if (wait)
		sleep_locked(w, now_ns() + wait, true);
	pthread_mutex_unlock(&w->mu);
	return flag(&w->stop) || flag(&w->abort) ? -ECANCELED : 0;
}

/* Whether the snapshot being verified is still the one that was begun. */
static bool still_there(struct fim_watch *w)
{
	uint64_t id;

	return !fim_view_snap_id(w->v, w->cur, 0, &id) && id == w->cur_id;
}

/* Progress of the report (watcher thread, about every quarter second):
 * for status, and to give up a snapshot deleted under us. */
static void progress(void *arg, const struct fim_progress *p)
{
	struct fim_watch *w = arg;
	int64_t t = now_ns();

	pthread_mutex_lock(&w->mu);
	w->st.files = p->files;
	w->st.bytes = p->bytes;
	w->st.done_files = p->done_files;
	w->st.done_bytes = p->done_bytes;
	pthread_mutex_unlock(&w->mu);
	if (t - w->checked_ns < CHECK_NS)
		return;
	w->checked_ns = t;
	if (!still_there(w))
		raise_flag(w, &w->abort);
}

static void keep_finding(void *arg, const struct fim_report_entry *e)
{
	if (e->vd.status != FIM_OK && e->vd.status != FIM_IGNORED)
		fim_report_set_add(arg, e);
}

/* Hand the findings of a snapshot verified whole to the front end. */
static void pass_on(struct fim_watch *w, struct fim_report_set *set,
		    const struct fim_report_sum *sum, int err)
{
	size_t n = set->n < FIM_WATCH_MAX_FINDINGS ? set->n
						   : FIM_WATCH_MAX_FINDINGS;
	struct fim_report_entry e;

	fim_report_set_sort(set);
	for (size_t i = 0; i < n; i++) {
		fim_report_set_get(set, i, &e);
		w->ops.finding(w->ops.arg, w->cur, &e);
	}
	if (set->n) {
		fim_report_set_get(set, set->n - 1, &e);
		pthread_mutex_lock(&w->mu);
		w->st.findings += set->n;
		snprintf(w->st.last_snap, sizeof(w->st.last_snap), "%s",
			 w->cur);
		snprintf(w->st.last_path, sizeof(w->st.last_path), "%s",
			 e.path);
		w->st.last_status = e.vd.status;
		w->st.last_time = time(NULL);
		pthread_mutex_unlock(&w->mu);
	}
	w->ops.verified(w->ops.arg, w->cur, sum, err);
}

static void verify(struct fim_watch *w, struct fim_snap *sn)
{
	struct fim_report_opts ro = {
		.root = sn->name, .inflight = 2 * w->opts.threads,
		.progress = progress, .progress_arg = w, .svc = w->svc,
		.cancel = &w->abort,
	};
	struct fim_report_set set = { 0 };
	struct fim_report_sum sum;
	int ret;

	w->cur = sn->name;
	w->cur_id = sn->id;
	w->checked_ns = now_ns();
	pthread_mutex_lock(&w->mu);
	__atomic_store_n(&w->abort, 0, __ATOMIC_RELEASE);
	snprintf(w->st.current, sizeof(w->st.current), "%s", sn->name);
	w->st.files = w->st.done_files = w->st.bytes = w->st.done_bytes = 0;
	pthread_mutex_unlock(&w->mu);
	fim_log(LOG_INFO, "watch: verifying snapshot %s", sn->name);
	ret = fim_report_run(w->v, &ro, keep_finding, &set, &sum);
	if (flag(&w->stop))
		goto out;
	sn->done = true;
	if (!still_there(w)) {
		fim_log(LOG_NOTICE, "watch: snapshot %s was deleted or "
			"replaced while it was verified; skipped", sn->name);
		pthread_mutex_lock(&w->mu);
		w->st.skipped++;
		pthread_mutex_unlock(&w->mu);
		goto out;
	}
	if (!ret && set.err)
		ret = set.err;
	pass_on(w, &set, &sum, ret);
out:
	fim_report_set_free(&set);
	pthread_mutex_lock(&w->mu);
	w->st.current[0] = '\0';
	w->st.verified = fim_snapset_done_count(&w->snaps);
	pthread_mutex_unlock(&w->mu);
	w->cur = NULL;
}

/* The snapshots at the root now (directories only); NULL names end it. */
static int list_root(struct fim_watch *w, struct fim_snap_seen **out,
		     size_t *count)
{
	struct fim_snap_seen *seen = NULL, *grown;
	struct fim_view_dir *d;
	struct fim_stat st;
	size_t n = 0, cap = 0;
	const char *name;
	unsigned char type;
	uint64_t ino, id;
	int ret;

	ret = fim_view_opendir(w->v, "", &d);
	if (ret)
		return ret;
	while (!(ret = fim_view_readdir(d, &name, &type, &ino)) && name) {
		if (type != DT_DIR || fim_view_lstat(w->v, name, &st) ||
		    !S_ISDIR(st.mode) || fim_view_snap_id(w->v, name, 0, &id))
			continue; /* not a snapshot, or gone already */
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(seen, cap * sizeof(*seen));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			seen = grown;
		}
		seen[n].name = strdup(name);
		if (!seen[n].name) {
			ret = -ENOMEM;
			break;
		}
		seen[n].id = id;
		seen[n++].time_ns = st.ctime_ns;
	}
	fim_view_closedir(d);
	*out = seen;
	*count = n;
	return ret;
}

static void free_seen(struct fim_snap_seen *seen, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)seen[i].name);
	free(seen);
}

/* List the root into the set. Returns 0 or a negative errno (logged once
 * until a listing works again). */
static int relist(struct fim_watch *w)
{
	struct fim_snap_seen *seen = NULL;
	size_t n = 0;
	int ret = list_root(w, &seen, &n);

	if (!ret)
		ret = fim_snapset_update(&w->snaps, seen, n);
	free_seen(seen, n);
	if (ret < 0) {
		if (!w->list_failed)
			fim_log(LOG_WARNING, "watch: cannot list the "
				"snapshots: %s", strerror(-ret));
		w->list_failed = true;
		return ret;
	}
	if (ret > 0)
		fim_log(LOG_INFO, "watch: %d new snapshot%s", ret,
			ret == 1 ? "" : "s");
	w->list_failed = false;
	pthread_mutex_lock(&w->mu);
	w->st.known = w->snaps.n;
	w->st.verified = fim_snapset_done_count(&w->snaps);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* Whether there is a baseline to judge by; a new one (SIGHUP) makes every
 * snapshot due again. */
static bool baseline_ready(struct fim_watch *w)
{
	struct fim_baseline *bl = fim_view_baseline(w->v);
	int64_t t;

	if (!bl) {
		if (!w->no_baseline)
			fim_log(LOG_WARNING, "watch: no baseline loaded; "
				"snapshots are not verified until one is");
		w->no_baseline = true;
		return false;
	}
	w->no_baseline = false;
	t = fim_baseline_load_time_ns(bl);
	fim_baseline_unref(bl);
	if (w->baseline_ns && t != w->baseline_ns)
		fim_snapset_redo(&w->snaps);
	w->baseline_ns = t;
	return true;
}

static void *watch_thread(void *arg)
{
	struct fim_watch *w = arg;
	int64_t interval = (int64_t)w->opts.interval * 1000000000LL;
	int64_t listed = 0;
	struct fim_snap *sn;

	thread_init(w);
	while (!flag(&w->stop)) {
		if (!listed || now_ns() - listed >= interval) {
			listed = now_ns();
			if (relist(w))
				goto idle;
		}
		if (!baseline_ready(w))
			goto idle;
		sn = fim_snapset_next(&w->snaps);
		if (sn) {
			verify(w, sn);
			continue;
		}
idle:
		pthread_mutex_lock(&w->mu);
		sleep_locked(w, listed + interval, false);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

int fim_watch_start(struct fim_view *v, const struct fim_watch_opts *opts,
		    const struct fim_watch_ops *ops, struct fim_watch **out)
{
	struct fim_hashsvc_opts ho = {
		.threads = opts->threads ? opts->threads : 1,
		.thread_init = thread_init, .after_read = after_read,
	};
	struct fim_watch *w;
	pthread_condattr_t ca;
	int ret;

	if (fim_view_layout(v) != FIM_LAYOUT_SNAPSHOTS)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->v = v;
	w->opts = *opts;
	w->opts.threads = ho.threads;
	w->opts.interval = opts->interval ? opts->interval : 1;
	w->ops = *ops;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	fim_tbucket_init(&w->bucket, opts->rate, now_ns());
	ho.arg = w;
	ret = fim_view_hashsvc_new(v, &ho, &w->svc);
	if (!ret)
		ret = -pthread_create(&w->thread, NULL, watch_thread, w);
	if (ret) {
		fim_watch_stop(w);
		return ret;
	}
	w->running = true;
	*out = w;
	return 0;
}

void fim_watch_stop(struct fim_watch *w)
{
	if (!w)
		return;
	raise_flag(w, &w->stop);
	if (w->running)
		pthread_join(w->thread, NULL);
	if (w->svc)
		fim_hashsvc_free(w->svc);
	fim_snapset_free(&w->snaps);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void fim_watch_get_status(struct fim_watch *w, struct fim_watch_status *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
}
