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
#include "listing.h"
#include "shadow.h"
#include "splice.h"
#include "perm.h"

static void fimfs_init(void *userdata, struct fuse_conn_info *conn)
{
	struct fimfs *fs = userdata;

	/* Splice file data straight from SOURCE's page cache into the FUSE
	 * device: without splice a page-cached 1 GiB read is ~10x slower
	 * (fs/PERFORMANCE-NOTES.md). The kernel sends READs of up to
	 * max_pages, which libfuse derives from max_write (unused: we refuse
	 * writes): capped to what libfuse can still splice, no reader's
	 * read-ahead (POSIX_FADV_SEQUENTIAL doubles it) makes it copy. Here,
	 * not before mounting: the serving threads' credentials count. */
	if (conn->capable & FUSE_CAP_SPLICE_WRITE) {
		conn->want |= FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE;
		fs->splice_max = splice_read_max(conn->max_write);
		if (fs->splice_max && fs->splice_max < conn->max_write)
			conn->max_write = (unsigned)fs->splice_max;
	}
	/* The kernel's own checks apply SOURCE's ACLs (getxattr of
	 * system.posix_acl_access) as well as the mode: an ACL may grant
	 * what the mode alone would refuse. */
	if (conn->capable & FUSE_CAP_POSIX_ACL)
		conn->want |= FUSE_CAP_POSIX_ACL;
	/* Plain readdir with d_type is what find(1) wants; lookups follow
	 * only where needed. */
	conn->want &= ~FUSE_CAP_READDIRPLUS;
	conn->max_readahead = 1 << 20;
}

/* How long the kernel may remember that a name does not exist: snapshots
 * appear, and must show within snapshot_timeout. */
static double negative_timeout(struct fimfs *fs)
{
	if (fim_config_layout_for(&fs->cfg, fs->source) != FIM_LAYOUT_SNAPSHOTS ||
	    fs->cfg.snapshot_timeout > fs->cfg.entry_timeout)
		return fs->cfg.entry_timeout;
	return fs->cfg.snapshot_timeout;
}

static void fimfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *p = node_of(fs, parent), *n;
	struct fuse_entry_param e = { 0 };
	struct node_path pp;
	char path[PATH_MAX];
	struct fim_entry ent;
	uint64_t snap = 0;
	int ret;

	node_path(fs, p, &pp);
	ret = child_path(pp.s, name, path, sizeof(path));
	if (!ret)
		ret = node_current(fs, p);
	if (!ret)
		ret = -perm_listing(req, fs, "lookup", pp.s, p->kind);
	if (!ret && !perm_exempt(req))
		ret = -perm_check(req, fs, "lookup", pp.s, pp.len,
				  FIM_MAY_EXEC, true, NULL);
	if (!ret)
		ret = fim_listing_lookup(fs->view, path, &ent);
	/* a snapshot's name: which snapshot it names now */
	if (!ret && p == fs->root)
		ret = snap_id_of(fs, path, ent.kind, ent.baselen, true, &snap);
	if (ret == -ENOENT) {
		e.entry_timeout = negative_timeout(fs);
		return (void)fuse_reply_entry(req, &e);
	}
	if (ret)
		return (void)fuse_reply_err(req, -ret);
	if (ent.shadows)
		shadow_report(req, fs, path);
	n = node_get(fs, p, name, snap, ent.kind,
		     ent.kind < 0 ? 0 : strlen(path) - ent.baselen);
	if (!n)
		return (void)fuse_reply_err(req, ENOMEM);
	e.ino = node_ino(fs, n);
	e.attr_timeout = attr_timeout_of(fs, n);
	e.entry_timeout = entry_timeout_of(fs, n);
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
	fuse_reply_attr(req, &s, attr_timeout_of(fs, node_of(fs, ino)));
}

static void fimfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	struct node_path p;
	char buf[PATH_MAX + 1];
	long len;
	int ret;

	if (n->kind >= 0)
		return (void)fuse_reply_err(req, EINVAL);
	ret = node_current(fs, n);
	if (ret)
		return (void)fuse_reply_err(req, -ret);
	node_path(fs, n, &p);
	if (!perm_exempt(req) && (ret = perm_check(req, fs, "readlink",
			p.s, p.len, 0, false, NULL)))
		return (void)fuse_reply_err(req, ret);
	len = fim_view_readlink(fs->view, p.s, buf, sizeof(buf));
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
	fim_view_statvfs(fs->view, &sv);
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
