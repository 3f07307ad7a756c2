/* Whether reading a file can change its access time. */
#ifndef FIM_ATIME_H
#define FIM_ATIME_H

#include <stdbool.h>

/* Whether a read of the file open on fd, through another open of it
 * without O_NOATIME, still leaves its atime alone: it lies on a read-only
 * or noatime mount, in a read-only btrfs subvolume (a snapshot), or on an
 * NFS mount (the server, not this host, keeps the atime, whatever the flags
 * of the open). fimfs itself reads with O_NOATIME; the kernel's passthrough
 * reads use the reader's flags. */
bool fim_atime_fixed(int fd);

#endif
