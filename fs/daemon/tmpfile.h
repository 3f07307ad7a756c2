/* O_TMPFILE opens refused and recorded (tmpfile.c). */
#ifndef FIMFS_TMPFILE_H
#define FIMFS_TMPFILE_H

#include "fimfs.h"

/* After fuse_session_mount(): read the session's requests through our own
 * functions. Returns 0, or a negative errno (libfuse said why). */
int tmpfile_intercept(struct fimfs *fs);

#endif
