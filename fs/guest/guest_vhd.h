/* Virtual PC / Hyper-V disk images (VHD, "conectix"), read by our own
 * code: a fixed disk is the raw disk followed by a 512-byte footer; a
 * dynamic one is a footer, a header, a block allocation table and blocks,
 * each a sector bitmap and the block's data. A differencing disk needs its
 * parent, another file this process can never open: it says so.
 *
 * Every field is checked before it is used: checksums of footer and
 * header, sizes against the file, the table against memory, each block
 * against the end of the file when it is read.
 */
#ifndef FIM_GUEST_VHD_H
#define FIM_GUEST_VHD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_source.h"

struct vhd;

/* Opens the VHD in src (footer at its head for a dynamic disk, at its end
 * for a fixed one); *media is the size of the disk in it. Returns 0,
 * -ENOMEM, or -EIO with the reason in why. */
int vhd_open(struct guest_src *src, struct vhd **out, uint64_t *media,
	     char *why, size_t whysz);

/* Up to len bytes of the disk at off (fewer only at its end); -1 on error
 * (reason in why). */
ssize_t vhd_read(struct vhd *v, uint64_t off, void *buf, size_t len,
		 char *why, size_t whysz);

void vhd_close(struct vhd *v);

#endif
