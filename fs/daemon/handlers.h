/* FUSE handlers, by file: dir.c, file.c, xattr.c, refuse.c. */
#ifndef FIMFS_HANDLERS_H
#define FIMFS_HANDLERS_H

#include "fimfs.h"

void fimfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fimfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi);
void fimfs_releasedir(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi);

void fimfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fimfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void fimfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

void fimfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    size_t size);
void fimfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);

void refuse_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi);
void refuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev);
void refuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode);
void refuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void refuse_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name);
void refuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags);
void refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname);
void refuse_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi);
void refuse_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		  size_t size, off_t off, struct fuse_file_info *fi);
void refuse_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags);
void refuse_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);
void refuse_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi);
void refuse_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags);

/* Refuse an open for writing (file.c calls it). */
void refuse_open(fuse_req_t req, fuse_ino_t ino, int flags);

/* Log, count and record a refused write of op on path (within SOURCE) by
 * the requester of ctx, detail saying more (or NULL); the caller replies
 * EROFS. For writes that do not come as one of the requests above
 * (ioctl.c, tmpfile.c). */
void refuse_note(struct fimfs *fs, const struct fuse_ctx *ctx,
		 const char *op, const char *path, const char *detail);

void fimfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
		 struct fuse_file_info *fi, unsigned flags, const void *in_buf,
		 size_t in_bufsz, size_t out_bufsz);

#endif
