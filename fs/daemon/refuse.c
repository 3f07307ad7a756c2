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

/* One place that says no: log the attempt, count it and record it. */
static void refuse_as(struct fimfs *fs, const struct fuse_ctx *ctx,
		      const char *op, const char *path, const char *target,
		      const char *times, const char *detail)
{
	fim_log(LOG_NOTICE, "refused %s of '%s'%s%s%s%s by uid %u pid %d: %s",
		op, path, target ? " to " : "", target ? target : "",
		detail ? " " : "", detail ? detail : "", (unsigned)ctx->uid,
		(int)ctx->pid, fim_errname(EROFS));
	__atomic_add_fetch(&fs->refused, 1, __ATOMIC_RELAXED);
	record_refusal(fs, ctx, op, path, target, times, detail);
}

void refuse_note(struct fimfs *fs, const struct fuse_ctx *ctx,
		 const char *op, const char *path, const char *detail)
{
	refuse_as(fs, ctx, op, path, NULL, NULL, detail);
}

static void refuse(fuse_req_t req, const char *op, const char *path,
		   const char *target, const char *times)
{
	refuse_as(fimfs_of(req), fuse_req_ctx(req), op, path, target, times,
		  NULL);
	fuse_reply_err(req, EROFS);
}

/* The path of name in directory parent, within SOURCE. */
static void path_at(struct fimfs *fs, fuse_ino_t parent, const char *name,
		    char *path, size_t size)
{
	struct node_path p;

	node_path(fs, node_of(fs, parent), &p);
	if (child_path(p.s, name, path, size))
		snprintf(path, size, "%s", name);
}

static void refuse_at(fuse_req_t req, const char *op, fuse_ino_t parent,
		      const char *name)
{
	char path[PATH_MAX];

	path_at(fimfs_of(req), parent, name, path, sizeof(path));
	refuse(req, op, path, NULL, NULL);
}

static void refuse_ino(fuse_req_t req, const char *op, fuse_ino_t ino)
{
	struct node_path p;

	node_path(fimfs_of(req), node_of(fimfs_of(req), ino), &p);
	refuse(req, op, p.s, NULL, NULL);
}

void refuse_open(fuse_req_t req, fuse_ino_t ino, int flags)
{
	refuse_ino(req, flags & O_TRUNC ? "open-truncate" : "open-write", ino);
}

/* Whether a utimens asks for the times the file already has: archivers
 * restoring access times after reading (tar --atime-preserve=replace,
 * cpio -a, touch -r F F) do, and a reviewer must tell that from a content
 * write. NULL when the file's times cannot be read. */
static const char *times_asked(struct fimfs *fs, struct node *n,
			       const struct stat *attr, int to_set)
{
	struct fim_stat st;
	int64_t a = attr->st_atim.tv_sec * 1000000000LL + attr->st_atim.tv_nsec;
	int64_t m = attr->st_mtim.tv_sec * 1000000000LL + attr->st_mtim.tv_nsec;

	if (attr_of_node(fs, n, &st))
		return NULL;
	if ((to_set & (FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)) ||
	    ((to_set & FUSE_SET_ATTR_ATIME) && a != st.atime_ns) ||
	    ((to_set & FUSE_SET_ATTR_MTIME) && m != st.mtime_ns))
		return "changed";
	return "unchanged";
}

void refuse_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	struct node_path p;

	(void)fi;
	node_path(fs, n, &p);
	if (to_set & FUSE_SET_ATTR_SIZE)
		return refuse(req, "truncate", p.s, NULL, NULL);
	if (to_set & FUSE_SET_ATTR_MODE)
		return refuse(req, "chmod", p.s, NULL, NULL);
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
		return refuse(req, "chown", p.s, NULL, NULL);
	refuse(req, "utimens", p.s, NULL, times_asked(fs, n, attr, to_set));
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

/* The link's content as given: it need not name anything in the mount. */
void refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name)
{
	char path[PATH_MAX];

	path_at(fimfs_of(req), parent, name, path, sizeof(path));
	refuse(req, "symlink", path, link, NULL);
}

void refuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags)
{
	struct fimfs *fs = fimfs_of(req);
	char path[PATH_MAX], to[PATH_MAX], shown[PATH_MAX + 1];

	(void)flags;
	path_at(fs, parent, name, path, sizeof(path));
	path_at(fs, newparent, newname, to, sizeof(to));
	snprintf(shown, sizeof(shown), "/%s", to);
	refuse(req, "rename", path, shown, NULL);
}

/* path: the new name; target: the file it would be another name of. */
void refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname)
{
	struct fimfs *fs = fimfs_of(req);
	char path[PATH_MAX], shown[PATH_MAX + 1];
	struct node_path p;

	path_at(fs, newparent, newname, path, sizeof(path));
	node_path(fs, node_of(fs, ino), &p);
	snprintf(shown, sizeof(shown), "/%s", p.s);
	refuse(req, "link", path, shown, NULL);
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
