/* READ replies from the daemon's own memory (what an NFS backend lent) on
 * libfuse's splice path. Written to the device, such a reply has the
 * kernel pin the daemon's pages one at a time, a cost that shows most
 * where interrupts are expensive (a guest under a hypervisor: a tenth of
 * the daemon's time reading nfs://). Handed to libfuse in a pipe instead,
 * the pages are taken in batches by vmsplice(2), moved pipe to pipe by
 * reference, and copied once, into the mount's page cache. */
#ifndef FIMFS_MEMSPLICE_H
#define FIMFS_MEMSPLICE_H

#include <stddef.h>
#include <sys/uio.h>

#include "fimfs.h"

/* Reply to req with the size bytes at iov, max being the
 * splice_read_max() of the serving threads. Returns 0 when the reply was
 * sent (its memory may be reused at once), -1 when nothing was sent and
 * the caller must reply otherwise: too small or too large for splice, or
 * no pipe of the size. */
int memsplice_reply(fuse_req_t req, const struct iovec *iov, int niov,
		    size_t size, size_t max);

#endif
