/* The daemon's status for `fimfsctl status`: the root-only xattrs
 * user.fimfs.status (text) and user.fimfs.status.json on the mount root. */
#ifndef FIMFS_STATUS_H
#define FIMFS_STATUS_H

#include <stdbool.h>

#include "fimfs.h"

/* Whether name is a status xattr; if so, answers the request. */
bool status_xattr(fuse_req_t req, struct fimfs *fs, const char *name,
		  size_t size);

#endif
