/* Real entries of SOURCE hidden behind virtual names: a NAME.verified or
 * NAME.sha256 in SOURCE beside a regular NAME (planted, or a copy of a
 * mount's virtual files restored into SOURCE). The mount shows fimfs's own
 * entry under that name; the real one is reported here, once per path. */
#ifndef FIMFS_SHADOW_H
#define FIMFS_SHADOW_H

#include "fimfs.h"

/* The request req met the real entry at path (within SOURCE) hidden: the
 * first time for that path, a warning in the daemon's log and an audit
 * record (op "shadowed", status SHADOWED) naming who met it. */
void shadow_report(fuse_req_t req, struct fimfs *fs, const char *path);

#endif
