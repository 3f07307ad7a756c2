/* VMware sparse VMDK images inside the image descriptor, read through
 * libvmdk. Only a single-file VMDK (monolithicSparse, streamOptimized) is
 * read: extents in other files are files this process can never open, and
 * it says so.
 */
#ifndef FIM_GUEST_VMDK_H
#define FIM_GUEST_VMDK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_source.h"

struct vmdk;

/* Opens the VMDK in src; *media is the size of the disk in it. Returns 0,
 * -ENOMEM, or -EIO with the reason in why. */
int vmdk_open(struct guest_src *src, struct vmdk **out, uint64_t *media,
	      char *why, size_t whysz);

/* Up to len bytes of the disk at off; -1 on error (reason in why). */
ssize_t vmdk_read(struct vmdk *v, uint64_t off, void *buf, size_t len,
		  char *why, size_t whysz);

void vmdk_close(struct vmdk *v);

#endif
