/* The watcher: new snapshots verified as they appear, in the background.
 *
 * One thread lists the root of a snapshots-layout view every interval
 * seconds (polling: inotify sees nothing of an NFS server's changes) and
 * verifies each snapshot it has not verified yet (see the rules of
 * snapset.h: at start every snapshot present counts as new, the newest
 * first) with the report engine (report.h), so that its verdicts are those
 * of reading every .verified. The hashing goes through a service of its
 * own (fim_view_hashsvc_new) sharing the view's cache, so what the watcher
 * hashed answers readers later without a read, while a reader never waits
 * behind the watcher: its threads (opts.threads) run at the idle I/O
 * priority class and read at most opts.rate bytes per second on average.
 *
 * A snapshot whose identity changes or that disappears while it is being
 * verified is given up (logged at LOG_NOTICE) and judged nothing: deleting
 * or rotating snapshots is what snapshot schedules do. The watcher reads
 * SOURCE only, through the view, as the calling process is: it never
 * follows a symlink and changes nothing a reader sees but the cache.
 */
#ifndef FIM_WATCH_H
#define FIM_WATCH_H

#include <limits.h>
#include <stdint.h>

#include "report.h"
#include "view.h"

/* Findings handed to the front end per snapshot at most; the rest are
 * counted in the summary only (fimfsctl report lists them all). */
#define FIM_WATCH_MAX_FINDINGS 1000

struct fim_watch_opts {
	unsigned interval; /* seconds between listings of the root, >= 1 */
	unsigned threads;  /* hashing threads, >= 1 */
	uint64_t rate;     /* bytes per second read at most; 0: no bound */
};

/* What the front end does with results; called from the watcher thread,
 * after a snapshot was verified whole and was still there. */
struct fim_watch_ops {
	/* An entry of snapshot snap judged neither OK nor IGNORED (e->path
	 * is its path within the snapshot). In path order. */
	void (*finding)(void *arg, const char *snap,
			const struct fim_report_entry *e);
	/* The end of a snapshot: err 0 and its counts, or the negative
	 * errno of a snapshot that could not be verified at all (its root
	 * unreadable; sum then holds what was judged). */
	void (*verified)(void *arg, const char *snap,
			 const struct fim_report_sum *sum, int err);
	void *arg;
};

struct fim_watch_status {
	size_t known;    /* snapshots present at the last listing */
	size_t verified; /* of them, verified since start or the last
			    baseline load */
	uint64_t findings, skipped; /* since start: findings passed on,
				       snapshots given up */
	uint64_t bytes_read;        /* since start, from SOURCE */
	char current[NAME_MAX + 1]; /* being verified; "" when idle */
	/* of current: regular files and their bytes, and of them those
	 * judged (whether read or answered by the cache) */
	uint64_t files, done_files, bytes, done_bytes;
	char last_snap[NAME_MAX + 1]; /* the last finding; "" when none */
	char last_path[PATH_MAX];
	int last_status;              /* enum fim_status */
	int64_t last_time;            /* unix seconds */
};

struct fim_watch;

/* Start watching v, whose hashing is started (fim_view_start) and whose
 * layout is snapshots (else -EINVAL); opts and ops are copied.
 * Returns 0 or a negative errno. */
int fim_watch_start(struct fim_view *v, const struct fim_watch_opts *opts,
		    const struct fim_watch_ops *ops, struct fim_watch **out);

/* Stop promptly (a verification in progress is abandoned, reads and waits
 * are cut short) and free. NULL is a no-op. */
void fim_watch_stop(struct fim_watch *w);

void fim_watch_get_status(struct fim_watch *w, struct fim_watch_status *st);

#endif
