/* The daemon's watcher (watch.h): started after mounting when
 * watch.interval is set; its findings go to syslog (LOG_AUTHPRIV |
 * LOG_ALERT, one line per finding and one per snapshot) and to the audit
 * log ("alert" and "watch-summary" records) without anybody reading a
 * file. */
#ifndef FIMFS_WATCHER_H
#define FIMFS_WATCHER_H

#include "fimfs.h"

/* Before mounting: whether the configuration can be watched (the
 * snapshots layout). Returns 0, or -1 with the reason on stderr. */
int watcher_check(const struct fimfs *fs);

/* Start watching when configured (after the hashing threads and the audit
 * log); a failure is logged and the mount goes on without. */
void watcher_start(struct fimfs *fs);

/* Stop promptly (unmount, SIGTERM). */
void watcher_stop(struct fimfs *fs);

#endif
