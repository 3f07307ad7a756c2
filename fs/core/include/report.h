/* Reports: the verdict of every entry of a tree (or of one snapshot)
 * against the baseline, as data, and its text and JSON forms.
 *
 * An entry is judged as a mount would answer for it: a regular file by
 * fim_view_verdict (the code behind NAME.verified, hashing on demand), any
 * other entry by fim_view_verdict_other, a real entry the mount hides
 * behind a virtual name as SHADOWED, and a baseline entry absent from the
 * tree as MISSING (fim_view_verdict_missing). Entries that are not judged
 * (a directory of the right type, an ignored FIFO) are not reported.
 */
#ifndef FIM_REPORT_H
#define FIM_REPORT_H

#include <stdio.h>

#include "json.h"
#include "manifest.h"
#include "verdict.h"
#include "view.h"
#include "walk.h"

/* One judged entry. st and digests, when known, are valid during the
 * callback only (a fim_report_set does not keep them): what a listing of
 * the tree (sha256sum lines, an mtree spec) needs beyond the verdict. */
struct fim_report_entry {
	const char *path;    /* baseline path: relative to the tree reported */
	enum fim_ftype type; /* as found; the baseline's when MISSING; NONE
			      * when unknown */
	struct fim_verdict vd;
	const struct fim_stat *st;            /* as judged, or NULL */
	const struct fim_digest_set *digests; /* every digest computed (a
					       * regular file), or NULL */
};

/* Called once per judged entry, never twice at once, from the calling
 * thread or a hashing thread, in no particular order; e is valid during
 * the call only. */
typedef void (*fim_report_cb)(void *arg, const struct fim_report_entry *e);

struct fim_hashsvc;

struct fim_report_opts {
	/* The tree reported: "" for the view's root; in the snapshots
	 * layout one snapshot's name, whose entries are judged by their
	 * paths within it. */
	const char *root;
	unsigned inflight;        /* hashing requests in flight at most */
	fim_progress_cb progress; /* NULL: none; else the tree is walked
				   * once more, first, for the totals */
	void *progress_arg;
	/* NULL: the view's hashing service; the watcher passes its own
	 * (internal to the core) */
	struct fim_hashsvc *svc;
	/* Polled before each entry: non-zero stops the run, which returns
	 * -ECANCELED (entries judged so far were handed to cb). NULL:
	 * never. */
	const volatile int *cancel;
};

struct fim_report_sum {
	size_t counts[FIM_STATUS_COUNT]; /* judged entries by status */
	double seconds;                  /* of the walk and the hashing */
};

/* Judge every entry of opts->root in v (whose baseline is loaded and whose
 * hashing threads run), handing each to cb, and count them into *sum
 * (zeroed here). Returns 0, -ENOMEM, or the negative errno of the root
 * itself when it cannot be stat'ed or listed (nothing is judged then). */
int fim_report_run(struct fim_view *v, const struct fim_report_opts *opts,
		   fim_report_cb cb, void *arg, struct fim_report_sum *sum);

/* Whether a summary holds any finding: MISMATCH, MISSING, UNLISTED, ERROR,
 * NOBASELINE or SHADOWED. */
bool fim_report_sum_bad(const struct fim_report_sum *sum);

/* Whether a status is a finding: MISMATCH, MISSING, UNLISTED, ERROR,
 * NOBASELINE or SHADOWED (not OK, not IGNORED). */
bool fim_report_status_bad(enum fim_status s);

/* The entries of a run in memory, for output in path order. Kept packed
 * (report_set.c): fim_report_set_get rebuilds one. */
struct fim_report_chunk;
struct fim_report_set {
	void **v;
	size_t n, cap;
	struct fim_report_chunk *chunks;
	int err; /* -ENOMEM when an entry could not be kept */
	/* Set before the run when the set is only printed by
	 * fim_report_text: OK entries, which it leaves out, are not kept (a
	 * clean tree of a million files would hold them all). */
	bool text;
};

/* A fim_report_cb that copies e into the set arg (zeroed first, text set
 * as wanted). */
void fim_report_set_add(void *arg, const struct fim_report_entry *e);
/* Sort by path (strcmp). */
void fim_report_set_sort(struct fim_report_set *s);
/* Entry i of s (0 <= i < s->n), rebuilt in *e: its path points into s;
 * st and digests are NULL. */
void fim_report_set_get(const struct fim_report_set *s, size_t i,
			struct fim_report_entry *e);
void fim_report_set_free(struct fim_report_set *s);

/* Print entries (sorted by the caller) with counts[FIM_STATUS_COUNT]:
 * one line per entry that is not OK, then a summary line. */
void fim_report_text(FILE *f, struct fim_report_entry *const *v, size_t n,
		     const size_t *counts);
/* The same for the entries of a set (sorted by the caller); JSON: the
 * document of fimfsctl(8), through f's buffer; 0, or a negative errno
 * (-ENOMEM, or f's: -ENOSPC, -EIO...) with the document cut short. */
void fim_report_set_text(FILE *f, const struct fim_report_set *s,
			 const size_t *counts);
int fim_report_set_json(FILE *f, const struct fim_report_set *s,
			const size_t *counts, enum fim_alg alg);
/* The same report object, {"summary": ..., "files": [...]}, as the member
 * key of the document w writes (NULL: an element or the whole document),
 * flushed to f entry by entry (fim_json_flush). Returns w's error. */
int fim_report_set_json_put(struct fim_json *w, FILE *f, const char *key,
			    const struct fim_report_set *s,
			    const size_t *counts, enum fim_alg alg);

/* --- every snapshot ------------------------------------------------------ */

/* A snapshot of a snapshots-layout view: a directory at its root. */
struct fim_snapshot {
	char *name;
	int64_t time_ns; /* fim_view_snap_time */
	bool created;    /* time_ns is the creation time, else the ctime */
	int err;         /* set by the caller: its report failed (negative
			  * errno); the timeline leaves it out */
};

/* The snapshots of v, oldest first (fim_snapshots_sort), into a malloc'd
 * array the caller frees with fim_snapshots_free. Names at the root that
 * are not directories are no snapshots. Returns 0 or a negative errno. */
int fim_snapshots_list(struct fim_view *v, struct fim_snapshot **out,
		       size_t *n);
/* By time, then by name (strcmp) among equal times. */
void fim_snapshots_sort(struct fim_snapshot *s, size_t n);
void fim_snapshots_free(struct fim_snapshot *s, size_t n);

/* The tamper timeline: for every path that is ever a finding, its status in
 * each snapshot (oldest first, index 0). Only paths that were a finding
 * once are kept; each snapshot is noted in full before the next. */
struct fim_timeline;

/* A path's line: status[i] is the status in snapshot i, or -1 where the
 * report had no entry for it (absent and not listed, or not judged) and
 * before its first finding (not kept). */
struct fim_timeline_path {
	const char *path;
	const signed char *status;
	size_t first, last; /* the first and the last snapshot a finding */
};

int fim_timeline_new(size_t n_snapshots, struct fim_timeline **out);
void fim_timeline_free(struct fim_timeline *t);
size_t fim_timeline_snapshots(const struct fim_timeline *t);
/* Note path's status in snapshot snap, as the report judged it. Returns 0,
 * -ENOMEM, or -EINVAL when snap is beyond the snapshots. */
int fim_timeline_note(struct fim_timeline *t, size_t snap, const char *path,
		      enum fim_status status);
/* The paths kept, sorted by path (strcmp); valid until the next note or
 * the free. Returns 0 or -ENOMEM. */
int fim_timeline_paths(struct fim_timeline *t,
		       const struct fim_timeline_path *const **out, size_t *n);

/* The timeline as text, one line per path, each run of a finding and the
 * first snapshot without a finding after it:
 *   PATH: MISMATCH from SNAP to SNAP, OK again in SNAP
 *   PATH: MISMATCH in SNAP, MISSING from SNAP to SNAP, no finding in SNAP
 * and as a JSON array (fimfsctl(8)), the member key of the document w
 * writes, flushed to f path by path; snaps names the snapshots. Return 0,
 * -ENOMEM, or (JSON) w's error. */
int fim_timeline_text(FILE *f, struct fim_timeline *t,
		      const struct fim_snapshot *snaps);
int fim_timeline_json(struct fim_json *w, FILE *f, const char *key,
		      struct fim_timeline *t, const struct fim_snapshot *snaps);

/* The report over every snapshot, written to f as it goes, snapshot by
 * snapshot: begin, then for each snapshot in the order reported its head
 * (name and time) and its entries and summary as fim_report_text/json
 * writes them for one tree, or its err (it could not be reported, e.g.
 * rotated away or unreadable); then the end: the timeline and the total
 * (counts summed over the snapshots). The JSON document:
 * {"snapshots": [{"name", "time", "time_source", "report" or "error"}...],
 *  "timeline": [...], "total": {"snapshots": N, STATUS: n}}.
 * Each call returns 0 or a negative errno (-ENOMEM, or f's); after an
 * error the JSON document is cut short and every later call returns it.
 * Between calls the document holds no memory: there is nothing to free. */
struct fim_report_doc {
	FILE *f;
	bool json;
	struct fim_buf buf;
	struct fim_json w;
};

int fim_report_doc_begin(struct fim_report_doc *d, FILE *f, bool json);
int fim_report_doc_snapshot(struct fim_report_doc *d,
			    const struct fim_snapshot *s,
			    const struct fim_report_set *set,
			    const struct fim_report_sum *sum,
			    enum fim_alg alg);
int fim_report_doc_end(struct fim_report_doc *d, struct fim_timeline *tl,
		       const struct fim_snapshot *snaps, const size_t *total);

#endif
