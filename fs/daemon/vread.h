/* Reads of virtual entries. A read that must wait for a digest is answered
 * from a hashing thread (see pending.h). */
#ifndef FIMFS_VREAD_H
#define FIMFS_VREAD_H

#include "fimfs.h"
#include "inode.h"

/* checked: the file's attributes when a fresh check allowed the open (its
 * content is then served only while the path still names that file), or
 * NULL (root). */
void vread_open(fuse_req_t req, struct fimfs *fs, struct node *n,
		struct fuse_file_info *fi, const struct fim_stat *checked);
void vread_read(fuse_req_t req, struct fimfs *fs, struct fuse_file_info *fi,
		size_t size, off_t off);
/* Records the release (PATH: the entry's, without its leading '/') with
 * the opener's credentials and the bytes read, and drops the handle. */
void vread_release(struct fimfs *fs, const char *path,
		   struct fuse_file_info *fi);

/* Read a real file of a backend without a kernel fd: the reply is the
 * backend's own memory where it lends it, else a buffer. */
void vread_pread(fuse_req_t req, struct fimfs *fs, struct fim_view_file *f,
		 uint64_t *bytes, size_t size, off_t off);

#endif
