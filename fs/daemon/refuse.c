/* Every mutating request fails with EROFS and changes nothing. The kernel
 * mount is read-write on purpose so that each attempt reaches us and can be
 * recorded with who made it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>

#include "attr.h"
#include "fimfs.h"
#include "handlers.h"
#include "inode.h"
#include "record.h"

/* One place that says no: log the attempt and reply. */
static void refuse(fuse_req_t req, const char *op, const char *path)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	fim_log(LOG_NOTICE, "refused %s of '%s' by uid %u pid %d: %s", op,
		path, (unsigned)ctx->uid, (int)ctx->pid, fim_errname(EROFS));
	__atomic_add_fetch(&fimfs_of(req)->refused, 1, __ATOMIC_RELAXED);
	record_req(fimfs_of(req), req, FIM_AUDIT_EV_REFUSAL, op, path, EROFS,
		   false, 0, NULL);
	fuse_reply_err(req, EROFS);
}

static void refuse_at(fuse_req_t req, const char *op, fuse_ino_t parent,
		      const char *name)
{
	struct fimfs *fs = fimfs_of(req);
	char path[PATH_MAX];

	if (child_path(node_of(fs, parent)->path, name, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", name);
	refuse(req, op, path);
}

static void refuse_ino(fuse_req_t req, const char *op, fuse_ino_t ino)
{
	refuse(req, op, node_of(fimfs_of(req), ino)->path);
}

void refuse_open(fuse_req_t req, fuse_ino_t ino, int flags)
{
	refuse_ino(req, flags & O_TRUNC ? "open-truncate" : "open-write", ino);
}

void refuse_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi)
{
	(void)attr;
	(void)fi;
	refuse_ino(req, to_set & FUSE_SET_ATTR_SIZE ? "truncate" :
		   to_set & FUSE_SET_ATTR_MODE ? "chmod" :
		   to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID) ? "chown" :
		   "utimens", ino);
}

void refuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev)
{
	(void)mode;
	(void)rdev;
	refuse_at(req, "mknod", parent, name);
}

void refuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode)
{
	(void)mode;
	refuse_at(req, "mkdir", parent, name);
}

void refuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	refuse_at(req, "unlink", parent, name);
}

void refuse_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	refuse_at(req, "rmdir", parent, name);
}

void refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name)
{
	(void)link;
	refuse_at(req, "symlink", parent, name);
}

void refuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags)
{
	(void)newparent;
	(void)newname;
	(void)flags;
	refuse_at(req, "rename", parent, name);
}

void refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname)
{
	(void)ino;
	refuse_at(req, "link", newparent, newname);
}

void refuse_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi)
{
	(void)mode;
	(void)fi;
	refuse_at(req, "create", parent, name);
}

void refuse_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		  size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)buf;
	(void)size;
	(void)off;
	(void)fi;
	refuse_ino(req, "write", ino);
}

void refuse_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags)
{
	(void)name;
	(void)value;
	(void)size;
	(void)flags;
	refuse_ino(req, "setxattr", ino);
}

void refuse_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)name;
	refuse_ino(req, "removexattr", ino);
}

void refuse_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi)
{
	(void)mode;
	(void)offset;
	(void)length;
	(void)fi;
	refuse_ino(req, "fallocate", ino);
}

void refuse_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags)
{
	(void)ino_in;
	(void)off_in;
	(void)fi_in;
	(void)off_out;
	(void)fi_out;
	(void)len;
	(void)flags;
	refuse_ino(req, "copy_file_range", ino_out);
}
