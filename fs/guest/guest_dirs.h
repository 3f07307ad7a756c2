/* The directories a reader has listed, by guest path: where each one's
 * inode is, so that the next request for it does not resolve the path
 * again from the root.
 *
 * TSK resolves a path (tsk_fs_path2inum) by reading every directory on
 * the way and the inode of every entry it passes before the name it
 * looks for: on ext4, whose allocator spreads top-level directories over
 * the block groups, listing the d-th directory of the root read about
 * d/3 blocks of 64 KiB of inode tables, so that a find over a tree
 * listed in order read the tables quadratically (67 MiB for a file
 * system of 100 directories of 100 files). A directory is listed by its
 * parent before anyone can name it, so remembering the subdirectories of
 * each listing resolves every later path at once.
 *
 * An image state never changes while its reader lives (a changed image
 * is another reader), so an entry never goes stale. Keyed by the exact
 * name the listing gave; a name TSK would match differently (FAT's and
 * NTFS's case-insensitive names) still goes to TSK. A balanced tree, not
 * a hash table: the names are the guest's, chosen by whoever controls the
 * image. Bounded in entries and bytes; beyond the bound paths are
 * resolved by TSK as before. */
#ifndef FIM_GUEST_DIRS_H
#define FIM_GUEST_DIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_dirs {
	void *root;   /* tsearch(3) tree of struct dir_ent */
	size_t n;     /* entries */
	size_t bytes; /* their path bytes */
};

/* Remembers that the guest path dir/name (dir "" for the root) of
 * partition part is a directory at inode inum; silently does nothing
 * beyond the bound or without memory (the cache only saves work). */
void gdirs_add(struct guest_dirs *d, uint16_t part, const char *dir,
	       const char *name, size_t len, uint64_t inum);

/* The inode of directory path of partition part, if remembered. */
bool gdirs_find(const struct guest_dirs *d, uint16_t part, const char *path,
		uint64_t *inum);

void gdirs_free(struct guest_dirs *d);

#endif
