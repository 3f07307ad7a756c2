/* Starting in the background (without -f): the starting process exits 0
 * only once the mount answers, else non-zero with the reason. */
#ifndef FIMFS_BACKGROUND_H
#define FIMFS_BACKGROUND_H

#include "fimfs.h"

/* The device number of the mount at mnt (a real path), from mountinfo: a
 * stat() of the mount point would wait for the daemon. 0, or -1 when no
 * mount is there. */
int mount_dev(const char *mnt, unsigned *maj, unsigned *min);

/* Call after fuse_session_mount() of mnt (a real path), before any thread
 * is started. Forks. The parent does not return: it waits until a request
 * through the mount is answered by this session (exit 0) or cannot be
 * (exit 1), copying the daemon's warnings and errors to its standard error
 * meanwhile. The child returns 0 detached (new session, cwd /, standard
 * streams on /dev/null), logging to syslog and, while the parent listens,
 * its warnings and errors (libfuse's too) to the parent. Returns -1 when
 * fork fails (reason printed). */
int background_start(struct fuse_session *se, const char *mnt);

#endif
