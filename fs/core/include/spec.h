/* Specs: every entry of a tree in the view, its regular files hashed
 * through the view's hashing service (and so its digest cache, the one the
 * daemon's NAME.sha256 uses), written as the mtree(5) spec that
 * `fimfsctl baseline` writes, or as a sha256sum-style checksum list.
 *
 * Entries come in the walk's order (walk.h): each directory before its
 * contents, the names of one directory in byte order. Paths are written
 * relative to the tree's root. Before hashing, the writers put zero digests
 * where the digests go: the output has the length it will have once
 * hashed, so that a length is known from names and attributes alone.
 */
#ifndef FIM_SPEC_H
#define FIM_SPEC_H

#include <stdint.h>
#include <stdio.h>

#include "digest.h"
#include "view.h"
#include "walk.h"

struct fim_spec;

enum {
	FIM_SPEC_TIME = 1 << 0,      /* mtree: each entry's time= */
	/* Leave out every entry the view hides behind a virtual name (and
	 * what is below it): what a mount shows under that name is not it. */
	FIM_SPEC_UNSHADOWED = 1 << 1,
};

/* Walk the tree at root ("" for the view's root) of v, whose hashing
 * service must run to hash later. The digests written are digests (a mask
 * of FIM_* algorithms, some of the view's engine). Returns 0 or -ENOMEM;
 * entries that cannot be stat'ed or listed are kept with their error. The
 * whole tree is held in memory (fim_tree_walk). */
int fim_spec_walk(struct fim_view *v, const char *root, uint32_t digests,
		  unsigned flags, struct fim_spec **out);
void fim_spec_free(struct fim_spec *s);

/* An entry that could not be stat'ed, listed or hashed: err a negative
 * errno, -EAGAIN for a file that kept changing while it was read. path is
 * relative to the tree's root ("" for the root). */
typedef void (*fim_spec_fail_cb)(void *arg, const char *path, int err);

/* Hash every regular file with at most inflight requests at once; a file
 * that changed while hashed is tried twice more. progress may be NULL.
 * Returns the number of entries that failed, each given to fail (may be
 * NULL). The writers need a spec that hashed with no failure. */
size_t fim_spec_hash(struct fim_spec *s, unsigned inflight,
		     fim_progress_cb progress, void *progress_arg,
		     fim_spec_fail_cb fail, void *fail_arg);

/* The mtree spec: header, then one line per entry (the root as "."). A
 * symbolic link's target is read now. Returns 0, -EIO (a write, or a link
 * that cannot be read), -ENOMEM or -EINVAL (a path mtree cannot carry). */
int fim_spec_write_mtree(struct fim_spec *s, FILE *f);

/* The checksum list of alg (one of the spec's digests): one line per
 * regular file, as `sha256sum PATH` prints it run in the root (coreutils'
 * escaping of backslash, newline and carriage return; a file "-" in the
 * root is "./-", which sha256sum -c does not take for standard input).
 * Returns 0, -EIO or -ENOMEM. */
int fim_spec_write_sums(struct fim_spec *s, enum fim_alg alg, FILE *f);

#endif
