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

#include "manifest.h"
#include "verdict.h"
#include "view.h"
#include "walk.h"

/* One judged entry. */
struct fim_report_entry {
	const char *path;    /* baseline path: relative to the tree reported */
	enum fim_ftype type; /* as found; the baseline's when MISSING; NONE
			      * when unknown */
	struct fim_verdict vd;
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

/* The entries of a run in memory, for output in path order. */
struct fim_report_set {
	struct fim_report_entry **v;
	size_t n, cap;
	int err; /* -ENOMEM when an entry could not be kept */
};

/* A fim_report_cb that copies e into the set arg (zeroed first). */
void fim_report_set_add(void *arg, const struct fim_report_entry *e);
/* Sort by path (strcmp). */
void fim_report_set_sort(struct fim_report_set *s);
void fim_report_set_free(struct fim_report_set *s);

/* Print entries (sorted by the caller) with counts[FIM_STATUS_COUNT].
 * Text: one line per entry that is not OK, then a summary line. JSON: the
 * document of fimfsctl(8); 0, or -ENOMEM with the document cut short. */
void fim_report_text(FILE *f, struct fim_report_entry *const *v, size_t n,
		     const size_t *counts);
int fim_report_json(FILE *f, struct fim_report_entry *const *v, size_t n,
		    const size_t *counts, enum fim_alg alg);

#endif
