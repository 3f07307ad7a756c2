/* Tree walks through the view, and a bound on hashing requests in flight.
 *
 * A walk reads SOURCE only through the view (view.h), so it never follows
 * a symlink and never opens a FIFO or a device: those are listed by their
 * attributes only. Entries come out in a deterministic order: each
 * directory before its contents, the names of one directory in byte order
 * (strcmp), depth first. A walk holds the sorted names of the directories
 * on its path only, never the whole tree.
 *
 * The pool bounds the number of hashing requests in flight (the service's
 * queue would otherwise hold the whole tree) and reports progress. Only
 * one thread calls acquire/wait; release is called from the hashing
 * threads' callbacks.
 */
#ifndef FIM_WALK_H
#define FIM_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view.h"

/* One entry: path relative to the view's root, st its lstat when err is 0;
 * err a negative errno when it could not be stat'ed, or, for a directory,
 * listed (the names read before the failure are still walked). A nonzero
 * return stops the walk, which returns it. */
typedef int (*fim_walk_cb)(void *arg, const char *path,
			   const struct fim_stat *st, int err);

/* Walk the tree at root ("" for the view's root) through v. Returns 0,
 * -ENOMEM, or what visit returned. */
int fim_walk(struct fim_view *v, const char *root, fim_walk_cb visit,
	     void *arg);

/* A whole walk in memory, for callers that need every entry at once
 * (a manifest is written in walk order after all files are hashed). */
struct fim_tree_node {
	char *path;         /* relative to the view's root */
	struct fim_stat st; /* lstat; valid when err is 0 */
	int err;            /* negative errno: lstat or opendir failed */
};

struct fim_tree {
	struct fim_tree_node *v;
	size_t n, cap;
	uint64_t files, bytes; /* regular files and their total size */
};

/* Walk root into t (which must be zeroed). Unreadable entries are
 * recorded with their err and the walk goes on. Returns 0 or -ENOMEM. */
int fim_tree_walk(struct fim_view *v, const char *root, struct fim_tree *t);
void fim_tree_free(struct fim_tree *t);

/* Regular files and their total size under root, by a walk: the totals a
 * progress line needs before the work starts. Returns 0 or -ENOMEM. */
int fim_walk_count(struct fim_view *v, const char *root, uint64_t *files,
		   uint64_t *bytes);
/* The same, stopping with -ECANCELED once *cancel is non-zero (NULL:
 * never). */
int fim_walk_count_until(struct fim_view *v, const char *root,
			 const volatile int *cancel, uint64_t *files,
			 uint64_t *bytes);

/* Progress of a pool: done_* of the expected totals, seconds since the
 * pool was made. last: the final call of a pool that reported before. */
struct fim_progress {
	uint64_t files, bytes, done_files, done_bytes;
	double seconds;
	bool last;
};
typedef void (*fim_progress_cb)(void *arg, const struct fim_progress *p);

struct fim_pool;

/* limit: requests in flight at most. files and bytes: the totals expected.
 * progress (may be NULL) is called about every quarter second from the
 * thread waiting in acquire/wait, and once with last set at the end of
 * fim_pool_wait if it was called before. */
int fim_pool_new(unsigned limit, uint64_t files, uint64_t bytes,
		 fim_progress_cb progress, void *progress_arg,
		 struct fim_pool **out);
void fim_pool_free(struct fim_pool *p);

/* Wait for a free slot. */
void fim_pool_acquire(struct fim_pool *p);
/* A request finished, having read bytes (any thread). */
void fim_pool_release(struct fim_pool *p, uint64_t bytes);
/* Wait until every acquired slot is released. Returns the elapsed seconds
 * since fim_pool_new. */
double fim_pool_wait(struct fim_pool *p);

#endif
