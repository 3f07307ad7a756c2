/* The view's internals, shared by view.c, view_content.c, view_judge.c,
 * view_names.c, view_open.c, view_snap.c. */
#ifndef FIM_VIEW_INT_H
#define FIM_VIEW_INT_H

#include <pthread.h>

#include "baseline.h"
#include "dcache.h"
#include "hashsvc.h"
#include "source.h"
#include "view.h"

/* What verdicts are judged by; immutable once published, reference
 * counted so a reload never pulls it from under a verdict in progress. */
struct judge {
	int refs; /* atomic */
	struct fim_baseline *bl;
	struct fim_rule_conf *rules;
	size_t n_rules;
	bool new_files_ok;
	int64_t since_ns; /* the baseline's time, see fim_view_judged_since */
};

/* Paths whose hidden real entry was reported (fim_view_note_shadowed). */
struct shadow_note {
	struct shadow_note *next;
	char path[];
};

struct shadow_notes {
	pthread_mutex_t mu; /* guards the rest */
	struct shadow_note *bucket[256];
	size_t n;
	bool full;          /* the last alert was given */
};

void shadow_notes_init(struct shadow_notes *sn);
void shadow_notes_free(struct shadow_notes *sn);

/* Snapshot identities recently read, by name (view_snap.c): one slot
 * per hash of the name, a later name taking a slot over. */
#define SNAP_SLOTS 64
struct snap_slot {
	char *name; /* NULL: empty */
	uint64_t id;
	int64_t read_ns; /* CLOCK_MONOTONIC */
};

struct fim_view {
	const struct fim_config *cfg;
	enum fim_layout layout;
	struct fim_source *src;
	struct fim_digest_engine *eng;
	struct fim_dcache *dc;
	struct fim_hashsvc *svc;
	pthread_mutex_t judge_mu; /* guards the judge pointer */
	struct judge *judge;
	uint64_t verdicts[FIM_STATUS_COUNT]; /* atomic counters */
	struct shadow_notes shadows;
	pthread_mutex_t snaps_mu; /* guards snaps */
	struct snap_slot snaps[SNAP_SLOTS];
	pthread_mutex_t jobs_mu;  /* guards jobs and stopping */
	pthread_cond_t jobs_done;
	unsigned jobs;
	bool stopping;
};

void snaps_free(struct fim_view *v);

/* The source id and key prefix (NULL, or "DIR/") under which the view of
 * spec names its files in the digest cache (view_cachekey.c). 0 or
 * -ENOMEM; the caller frees both. */
int view_cache_scope(const struct fim_config *cfg, const char *spec,
		     enum fim_layout layout, char **scope, char **prefix);

struct judge *judge_get(struct fim_view *v);
void judge_put(struct judge *j);
/* A judge without baseline or rules, for a new view. */
int judge_init(struct fim_view *v);

/* The attributes of the virtual entry of kind beside base, from base's
 * attributes as SOURCE has them (*st, replaced); -ENOENT when base is not
 * a regular file. */
int view_virtual_attrs(struct fim_view *v, const char *base, int kind,
		       struct fim_stat *st);

/* The source the view reads and its hashing service (for the view's own
 * files). */
struct fim_source *fim_view_source(struct fim_view *v);
struct fim_hashsvc *fim_view_hashsvc(struct fim_view *v);

#endif
