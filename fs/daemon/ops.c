/* Metadata handlers and the operations table. Each handler fetches its
 * node, asks the core and sends exactly one reply. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "attr.h"
#include "fimfs.h"
#include "handlers.h"
#include "inode.h"

static void fimfs_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* Splice file data straight from SOURCE's page cache into the FUSE
	 * device (PERFORMANCE.md). */
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE;
	/* Plain readdir with d_type is what find(1) wants; lookups follow
	 * only where needed. */
	conn->want &= ~FUSE_CAP_READDIRPLUS;
	conn->max_readahead = 1 << 20;
}

static void fimfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fimfs *fs = fimfs_of(req);
	struct fuse_entry_param e = {
		.attr_timeout = fs->cfg.attr_timeout,
		.entry_timeout = fs->cfg.entry_timeout,
	};
	char path[PATH_MAX];
	struct fim_entry ent;
	struct node *n;
	int ret;

	ret = child_path(node_of(fs, parent)->path, name, path, sizeof(path));
	if (!ret)
		ret = fim_view_lookup(fs->view, path, &ent);
	if (ret == -ENOENT)
		/* Snapshots do not change: remember the absence too. */
		return (void)fuse_reply_entry(req, &e);
	if (ret)
		return (void)fuse_reply_err(req, -ret);
	n = node_get(fs, path, ent.kind, ent.baselen);
	if (!n)
		return (void)fuse_reply_err(req, ENOMEM);
	e.ino = node_ino(fs, n);
	attr_to_stat(&ent.st, &e.attr);
	fuse_reply_entry(req, &e);
}

static void fimfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	node_forget(fimfs_of(req), node_of(fimfs_of(req), ino), nlookup);
	fuse_reply_none(req);
}

static void fimfs_forget_multi(fuse_req_t req, size_t count,
			       struct fuse_forget_data *forgets)
{
	struct fimfs *fs = fimfs_of(req);

	for (size_t i = 0; i < count; i++)
		node_forget(fs, node_of(fs, forgets[i].ino),
			    forgets[i].nlookup);
	fuse_reply_none(req);
}

static void fimfs_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct fim_stat st;
	struct stat s;
	int ret;

	(void)fi;
	ret = attr_of_node(fs, node_of(fs, ino), &st);
	if (ret)
		return (void)fuse_reply_err(req, -ret);
	attr_to_stat(&st, &s);
	fuse_reply_attr(req, &s, fs->cfg.attr_timeout);
}

static void fimfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	char buf[PATH_MAX + 1];
	long len;

	if (n->kind >= 0)
		return (void)fuse_reply_err(req, EINVAL);
	len = fim_view_source(fs->view)->ops->readlink(
		fim_view_source(fs->view), n->path, buf, sizeof(buf));
	if (len < 0)
		return (void)fuse_reply_err(req, (int)-len);
	if ((size_t)len >= sizeof(buf))
		return (void)fuse_reply_err(req, ENAMETOOLONG);
	fuse_reply_readlink(req, buf);
}

static void fimfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fimfs *fs = fimfs_of(req);
	struct statvfs sv = { .f_bsize = 4096, .f_frsize = 4096,
			      .f_namemax = NAME_MAX };

	(void)ino;
	if (fim_view_source(fs->view)->ops->statvfs)
		fim_view_source(fs->view)->ops->statvfs(
			fim_view_source(fs->view), &sv);
	sv.f_flag |= ST_RDONLY;
	fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops fimfs_ops = {
	.init = fimfs_init,
	.lookup = fimfs_lookup,
	.forget = fimfs_forget,
	.forget_multi = fimfs_forget_multi,
	.getattr = fimfs_getattr,
	.readlink = fimfs_readlink,
	.statfs = fimfs_statfs,
	.opendir = fimfs_opendir,
	.readdir = fimfs_readdir,
	.releasedir = fimfs_releasedir,
	.open = fimfs_open,
	.read = fimfs_read,
	.release = fimfs_release,
	.getxattr = fimfs_getxattr,
	.listxattr = fimfs_listxattr,
	.ioctl = fimfs_ioctl, /* flags read; writes refused (ioctl.c) */
	/* Every mutating request is refused and recorded (refuse.c). */
	.setattr = refuse_setattr,
	.mknod = refuse_mknod,
	.mkdir = refuse_mkdir,
	.unlink = refuse_unlink,
	.rmdir = refuse_rmdir,
	.symlink = refuse_symlink,
	.rename = refuse_rename,
	.link = refuse_link,
	.create = refuse_create,
	.write = refuse_write,
	.setxattr = refuse_setxattr,
	.removexattr = refuse_removexattr,
	.fallocate = refuse_fallocate,
	.copy_file_range = refuse_copy_file_range,
};
