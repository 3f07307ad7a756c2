/* Fresh permission checks. The kernel checks every request against the
 * attributes and ACLs it cached (default_permissions, for attr_timeout);
 * what SOURCE denies now must be denied through the mount whatever it still
 * remembers, so requests that disclose content or names are checked again
 * here against SOURCE as it is now (access.h). Root's requests are not:
 * root may read everything anyway, and its fast path stays as it was. */
#ifndef FIMFS_PERM_H
#define FIMFS_PERM_H

#include "access.h"
#include "fimfs.h"

/* Whether req is exempt from the fresh check: its requester is root. */
static inline bool perm_exempt(fuse_req_t req)
{
	return fuse_req_ctx(req)->uid == 0;
}

/* Whether the requester of req may do may (FIM_MAY_*; 0: only reach it) to
 * the entry at path[0..len) (dir: a directory): search on every directory
 * above it (above SOURCE too, for a local one, with access = "source") and
 * may on it, with SOURCE's attributes and ACLs as they are now; with
 * access = "root", nobody but root may. Returns 0 with *st (may be NULL) the
 * entry's attributes, or a positive errno to answer; a denial (EACCES) is
 * logged and recorded as op on the path. */
int perm_check(fuse_req_t req, struct fimfs *fs, const char *op,
	       const char *path, size_t len, int may, bool dir,
	       struct fim_stat *st);

/* Listing entries (listing.h) show the names and digests of a whole tree,
 * whatever SOURCE lets the requester read of it: they are root's alone.
 * Returns 0 for root's requests and entries of other kinds, else EACCES,
 * logged and recorded as op on path as perm_check's denials are. */
int perm_listing(fuse_req_t req, struct fimfs *fs, const char *op,
		 const char *path, int kind);

/* Whether the entry at path[0..len) is still the one checked (same device
 * and inode number): what was read or hashed after a check came from the
 * file that the check allowed. */
bool perm_same_file(struct fimfs *fs, const char *path, size_t len,
		    const struct fim_stat *checked);

#endif
