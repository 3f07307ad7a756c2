/* Tree walks and parallel hashing for fimfsctl baseline and report.
 *
 * The walk reads a source only through the core's view (view.h),
 * so it never follows a symlink and never opens a FIFO or a device: those are
 * listed by their attributes only. Entries come out in a deterministic
 * order: each directory before its contents, the names of one directory in
 * byte order (strcmp), depth first.
 *
 * The pool bounds the number of hashing requests in flight (the service's
 * queue would otherwise hold the whole tree) and draws the progress line on
 * stderr. Only the main thread calls acquire/wait; release is called from
 * the hashing threads' callbacks.
 *
 * Lives in fimfsctl, not in the core: the daemon answers one file at a time
 * and never walks a tree.
 */
#ifndef FIMCTL_WALK_H
#define FIMCTL_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view.h"

struct fimctl_node {
	char *path;         /* relative to the source root; "" for the root */
	struct fim_stat st; /* lstat; valid when err is 0 */
	int err;            /* negative errno: lstat or opendir failed */
};

struct fimctl_tree {
	struct fimctl_node *v;
	size_t n, cap;
	uint64_t files, bytes; /* regular files and their total size */
};

/* Walk the whole source into t (which must be zeroed). Unreadable entries
 * are recorded with their err and the walk goes on. Returns 0 or -ENOMEM. */
int fimctl_walk(struct fim_view *v, struct fimctl_tree *t);
void fimctl_tree_free(struct fimctl_tree *t);

struct fimctl_pool;

/* limit: requests in flight at most. files and bytes: the totals expected,
 * for the progress line, drawn when progress is true (stderr a terminal). */
int fimctl_pool_new(unsigned limit, uint64_t files, uint64_t bytes,
		    bool progress, struct fimctl_pool **out);
void fimctl_pool_free(struct fimctl_pool *p);

/* Wait for a free slot (main thread). */
void fimctl_pool_acquire(struct fimctl_pool *p);
/* A request finished, having read bytes (any thread). */
void fimctl_pool_release(struct fimctl_pool *p, uint64_t bytes);
/* Wait until every acquired slot is released; clears the progress line.
 * Returns the elapsed seconds since fimctl_pool_new. */
double fimctl_pool_wait(struct fimctl_pool *p);

/* Resolve the cache to use: opens the view over source with cfg, falling
 * back to a memory-only cache with a warning on stderr when the configured
 * cache file cannot be opened (e.g. /var/lib/fimfs is not writable by this
 * user). cfg->cache_path may be changed to "none". Returns 0 or a negative
 * errno with the message in err. */
struct fim_config;
int fimctl_open_view(struct fim_config *cfg, const char *source,
		     struct fim_view **out, char *err, size_t errsz);

#endif
