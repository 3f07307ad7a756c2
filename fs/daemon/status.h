/* What the daemon tells about itself through xattrs: for `fimfsctl status`
 * the root-only user.fimfs.status (text) and user.fimfs.status.json on the
 * mount root, and for `fimfsctl report` user.fimfs.source on every real
 * entry. */
#ifndef FIMFS_STATUS_H
#define FIMFS_STATUS_H

#include <stdbool.h>

#include "fimfs.h"

#define SOURCE_XATTR "user.fimfs.source"

/* Whether name is a status xattr; if so, answers the request. */
bool status_xattr(fuse_req_t req, struct fimfs *fs, const char *name,
		  size_t size);

/* Answers SOURCE_XATTR for the real entry at path: the exact source it
 * reads there (fim_source_spec_below of SOURCE and path), which the mount
 * table cannot tell (it shows commas in SOURCE as '_'). Not listed. */
void source_xattr(fuse_req_t req, struct fimfs *fs, const char *path,
		  size_t size);

#endif
