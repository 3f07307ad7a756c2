#ifndef FIMFS_ATTR_H
#define FIMFS_ATTR_H

#include <stdbool.h>
#include <sys/stat.h>

#include "fimfs.h"
#include "inode.h"

/* struct stat for the kernel from the core's attributes. */
void attr_to_stat(const struct fim_stat *st, struct stat *out);

/* The identity of the snapshot that the entry at path (of kind, see
 * struct node) lies in (fim_view_snap_id), read now or within the last
 * snapshot_timeout. */
int snap_id_of(struct fimfs *fs, const char *path, int kind, size_t baselen,
	       bool now, uint64_t *id);

/* 0 when the snapshot that node n lies in is still the one it was looked
 * up in (as read within the last snapshot_timeout); -ESTALE when another
 * has taken its name, -ENOENT when it is gone. */
int node_current(struct fimfs *fs, struct node *n);

/* The current attributes of a node (real or virtual), or a negative errno
 * (-ESTALE, -ENOENT: see node_current). */
int attr_of_node(struct fimfs *fs, struct node *n, struct fim_stat *st);

/* Whether the kernel may keep what it cached of node n (a file's pages, a
 * directory's listing) at an open that found st on SOURCE: only while st
 * is what the node's last open found, and keep_cache is on. Remembers st
 * for the next open. A guest directory's inode number holds its image's
 * identity on SOURCE, so a rewritten image is listed anew whatever times
 * the guest claims. */
bool attr_keep_cache(struct fimfs *fs, struct node *n,
		     const struct fim_stat *st);

/* How long the kernel may keep a node's attributes and name: a snapshot
 * name (an entry at the root of a snapshots layout) only for
 * snapshot_timeout, so that a rotation shows. */
double attr_timeout_of(struct fimfs *fs, struct node *n);
double entry_timeout_of(struct fimfs *fs, struct node *n);

/* path + "/" + name into buf; -ENAMETOOLONG when it does not fit. */
int child_path(const char *dir, const char *name, char *buf, size_t size);

#endif
