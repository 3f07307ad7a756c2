#ifndef FIMFS_ATTR_H
#define FIMFS_ATTR_H

#include <sys/stat.h>

#include "fimfs.h"
#include "inode.h"

/* struct stat for the kernel from the core's attributes. */
void attr_to_stat(const struct fim_stat *st, struct stat *out);

/* The current attributes of a node (real or virtual), or a negative errno. */
int attr_of_node(struct fimfs *fs, struct node *n, struct fim_stat *st);

/* path + "/" + name into buf; -ENAMETOOLONG when it does not fit. */
int child_path(const char *dir, const char *name, char *buf, size_t size);

#endif
