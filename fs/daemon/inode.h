/* Nodes: the FUSE inode numbers handed to the kernel. One node per name
 * in its parent node, kind (real, or a virtual kind) and, for the names at
 * the root, snapshot identity, with a lookup count; the node's address is
 * its inode number, as in libfuse's passthrough_ll.
 *
 * A node never changes kind. In a live tree a path may turn from virtual
 * to real or back between lookups: the new lookup gets a node of its own,
 * so the kernel sees another inode for the name (and drops its dentry),
 * while files open on the old node stay what they were. Likewise a
 * snapshot replaced under its name (a rotation) gives its paths new nodes,
 * so the kernel drops what it cached under the old ones. */
#ifndef FIMFS_INODE_H
#define FIMFS_INODE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fimfs.h"

/* The kernel keeps a node for every name it looked up until memory runs
 * short, a million after a walk of a million files; so a node keeps its
 * name and its parent, not its path, and comes from the node pool (28
 * bytes and the name; the snapshot identity only at the root, the last
 * open's attributes only for real files). A node keeps its parent: paths
 * are built on demand by walking up. A virtual entry's name ends in its
 * kind's suffix, kept once for all (f.sha256: 32 bytes, not 40). */
struct node {
	struct node *next;   /* in its bucket */
	struct node *parent; /* NULL for the root */
	uint32_t nlookup;    /* the kernel's; UINT32_MAX: kept for good */
	uint32_t children;   /* nodes whose parent this is */
	uint16_t tail;       /* virtual: path length - its file's path length;
			      * NODE_SUFFIX: name holds the base only */
	int8_t kind;         /* -1 real, else the virtual kind (FIM_VK_*); fixed */
	uint8_t namelen;
	/* namelen bytes, no NUL; then, unaligned: the snapshot identity
	 * (uint64_t, fim_view_snap_id) of a name at the root, and the last
	 * open's attributes (struct fim_stat *) of a real node */
	char name[];
};

#define NODE_SUFFIX 0x8000u

_Static_assert(NAME_MAX <= UINT8_MAX, "a name's length fits namelen");
_Static_assert(PATH_MAX < NODE_SUFFIX, "a path's length fits tail");

/* A node's path within SOURCE ("" for the root), and the length of its
 * regular file's path (a real node's: len). */
struct node_path {
	size_t len, baselen;
	char s[PATH_MAX];
};

int nodes_init(struct fimfs *fs);
void nodes_destroy(struct fimfs *fs);

/* The node of an inode number from the kernel. */
struct node *node_of(struct fimfs *fs, fuse_ino_t ino);

static inline fuse_ino_t node_ino(struct fimfs *fs, struct node *n)
{
	return n == fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

/* Find or create the node of name in parent, of kind; snap is the
 * snapshot identity of a name at the root (below, the parent's). tail: of
 * a virtual node, how much longer its path is than its file's path.
 * Counts one lookup. NULL when out of memory. The caller has checked that
 * the path fits in PATH_MAX. */
struct node *node_get(struct fimfs *fs, struct node *parent, const char *name,
		      uint64_t snap, int kind, size_t tail);

/* Drop n lookups; the node is freed when none remain and no node below it
 * is left, and so on upwards. */
void node_forget(struct fimfs *fs, struct node *node, uint64_t n);

/* n's path into *p. */
void node_path(struct fimfs *fs, const struct node *n, struct node_path *p);

/* The snapshot identity n lies in (0: not in a snapshot). */
uint64_t node_snap(const struct node *n);

/* Whether n is a name at the root (a snapshot's, in a snapshot layout). */
static inline bool node_at_root(const struct node *n)
{
	return n->parent && !n->parent->parent;
}

/* A real node's attributes at its last open; the caller locks. */
struct fim_stat *node_opened(const struct node *n);
void node_set_opened(struct node *n, struct fim_stat *st);

#endif
