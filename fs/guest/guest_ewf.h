/* Expert Witness (EWF, E01) forensic images, read by our own code: a file
 * header, then sections (header, volume or disk, sectors, table, table2,
 * done...) each behind a descriptor with its own Adler-32; the disk is cut
 * in chunks, each stored plain (with an Adler-32 that is checked) or
 * zlib-compressed, found through the tables. Only a single segment (one
 * .E01 holding the whole disk) is read: the other segments of a split
 * image are files this process can never open, and it says so.
 */
#ifndef FIM_GUEST_EWF_H
#define FIM_GUEST_EWF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_source.h"

struct ewf;

/* Opens the E01 in src; *media is the size of the disk in it. Returns 0,
 * -ENOMEM, or -EIO with the reason in why. */
int ewf_open(struct guest_src *src, struct ewf **out, uint64_t *media,
	     char *why, size_t whysz);

/* Up to len bytes of the disk at off (fewer only at its end); -1 on error
 * (reason in why). */
ssize_t ewf_read(struct ewf *e, uint64_t off, void *buf, size_t len,
		 char *why, size_t whysz);

void ewf_close(struct ewf *e);

#endif
