/* Reads of real files served by the kernel straight from SOURCE (FUSE
 * passthrough), see passthrough.c. */
#ifndef FIMFS_PASSTHROUGH_H
#define FIMFS_PASSTHROUGH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "fimfs.h"
#include "fimstat.h"

/* Every request, as the serving thread reads it (wire.c): which request
 * this thread answers, and whether the kernel's INIT offers passthrough. */
void passthrough_request(struct fimfs *fs, const void *buf, size_t len);
/* Every reply on its way to the kernel: INIT and an armed open reply are
 * amended in place. */
void passthrough_reply(struct fimfs *fs, struct iovec *iov, int count);

/* For an open of the real file of FUSE inode ino, whose SOURCE descriptor
 * is fd with attributes st: arms the thread's next open reply with the
 * backing id of the inode (registering fd when it has none) and counts the
 * open. False: the daemon serves the reads (no passthrough on the mount,
 * no descriptor, or the kernel refused it). Disarm once the reply went or
 * failed; a counted open ends with passthrough_release. */
bool passthrough_arm(struct fimfs *fs, uint64_t ino, int fd,
		     const struct fim_stat *st);
void passthrough_disarm(void);
void passthrough_release(struct fimfs *fs, uint64_t ino);

#endif
