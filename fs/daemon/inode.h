/* Nodes: the FUSE inode numbers handed to the kernel. One node per path
 * and kind (real, or a virtual kind) and snapshot identity, with a lookup
 * count; the node's address is its inode number, as in libfuse's
 * passthrough_ll.
 *
 * A node never changes kind. In a live tree a path may turn from virtual
 * to real or back between lookups: the new lookup gets a node of its own,
 * so the kernel sees another inode for the name (and drops its dentry),
 * while files open on the old node stay what they were. Likewise a
 * snapshot replaced under its name (a rotation) gives its paths new nodes,
 * so the kernel drops what it cached under the old ones. */
#ifndef FIMFS_INODE_H
#define FIMFS_INODE_H

#include <stddef.h>
#include <stdint.h>

#include "fimfs.h"

/* A mounted tree of a million files keeps a million nodes until the kernel
 * forgets them, so a node is one allocation of 40 bytes and its path; what
 * only an opened real file needs is allocated at its first open. */
struct node {
	struct node *next; /* in its by_path bucket */
	uint64_t snap;     /* the snapshot's identity (fim_view_snap_id) */
	uint64_t nlookup;  /* guarded by nodes_mu */
	/* real: SOURCE's attributes at the last open or opendir, which
	 * decide whether the kernel may keep the pages or the listing it
	 * cached (attr_keep_cache); guarded there; NULL until the first */
	struct fim_stat *opened;
	uint32_t hash;
	uint16_t baselen;  /* virtual: length of the regular file's path (< PATH_MAX) */
	int16_t kind;      /* -1 real, else the virtual kind (FIM_VK_*, view.h); fixed */
	char path[];       /* within SOURCE; "" for the root */
};

int nodes_init(struct fimfs *fs);
void nodes_destroy(struct fimfs *fs);

/* The node of an inode number from the kernel. */
struct node *node_of(struct fimfs *fs, fuse_ino_t ino);

static inline fuse_ino_t node_ino(struct fimfs *fs, struct node *n)
{
	return n == fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

/* Find or create the node of path in the snapshot snap and count one
 * lookup. NULL when out of memory. */
struct node *node_get(struct fimfs *fs, const char *path, uint64_t snap,
		      int kind, size_t baselen);

/* Drop n lookups; the node is freed when none remain. */
void node_forget(struct fimfs *fs, struct node *node, uint64_t n);

#endif
