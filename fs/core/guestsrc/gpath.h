/* Paths of the guest overlay (guestsrc.c): where a path of SOURCE meets a
 * disk image's NAME.files/ directory, the names of partitions in it, and the
 * inode numbers of what lies inside. Pure functions, without I/O.
 */
#ifndef FIM_GPATH_H
#define FIM_GPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fimstat.h"
#include "guestname.h"

/* The next component of path at or after offset from that is NAME.files
 * with a non-empty NAME: returns the offset just past it (where the
 * rest of the path, "" or "/...", begins) and sets *name_len to the length
 * of path up to NAME's end (the image's path). 0 when there is none. */
size_t gpath_next(const char *path, size_t from, size_t *name_len);

/* The partition a directory name of NAME.files/ stands for: "fs" is 0 (a
 * bare file system), "p1", "p2" ... their number. false for any other
 * name, "p0" and leading zeros included, so that every partition has one
 * name. */
bool gpath_part(const char *name, size_t len, unsigned *number);

/* The name of partition number into out (at least 16 bytes). */
void gpath_part_name(unsigned number, char *out);

/* The inode number of an entry inside an image: a hash of the image's
 * identity as the host sees it (inode number, size, mtime and ctime: what
 * the guest cannot forge, and what snapshots of an unchanged image keep),
 * the partition (FIM_GPATH_TOP for NAME.files/ itself) and the guest's own
 * inode number, with the top bit set like the view's virtual entries. It
 * is the inode number of the digest cache's key, so a cached digest of a
 * guest file never outlives a change of the image, whatever the guest's
 * own metadata claims. */
#define FIM_GPATH_TOP UINT32_MAX
uint64_t gpath_ino(const struct fim_stat *image, uint32_t part,
		   uint64_t guest_ino);

#endif
