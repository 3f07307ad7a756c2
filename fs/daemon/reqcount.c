#include "reqcount.h"

#include <errno.h>

#include "fimfs.h"
#include "handlers.h"

const char *const reqcount_names[REQ_KINDS] = {
	"lookup", "getattr", "open", "read", "flush", "release", "getxattr",
	"opendir", "readdir", "releasedir",
};

static void count(fuse_req_t req, enum reqcount_kind kind)
{
	__atomic_fetch_add(&fimfs_of(req)->requests[kind], 1,
			   __ATOMIC_RELAXED);
}

static void c_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	count(req, REQ_LOOKUP);
	fimfs_ops.lookup(req, parent, name);
}

static void c_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	count(req, REQ_GETATTR);
	fimfs_ops.getattr(req, ino, fi);
}

static void c_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	count(req, REQ_OPEN);
	fimfs_ops.open(req, ino, fi);
}

static void c_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	count(req, REQ_READ);
	fimfs_ops.read(req, ino, size, off, fi);
}

static void c_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	count(req, REQ_FLUSH);
	fuse_reply_err(req, ENOSYS);
}

static void c_release(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	count(req, REQ_RELEASE);
	fimfs_ops.release(req, ino, fi);
}

static void c_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       size_t size)
{
	count(req, REQ_GETXATTR);
	fimfs_ops.getxattr(req, ino, name, size);
}

static void c_opendir(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	count(req, REQ_OPENDIR);
	fimfs_ops.opendir(req, ino, fi);
}

static void c_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	count(req, REQ_READDIR);
	fimfs_ops.readdir(req, ino, size, off, fi);
}

static void c_releasedir(fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi)
{
	count(req, REQ_RELEASEDIR);
	fimfs_ops.releasedir(req, ino, fi);
}

void reqcount_ops(struct fuse_lowlevel_ops *out)
{
	*out = fimfs_ops;
	out->lookup = c_lookup;
	out->getattr = c_getattr;
	out->open = c_open;
	out->read = c_read;
	out->flush = c_flush;
	out->release = c_release;
	out->getxattr = c_getxattr;
	out->opendir = c_opendir;
	out->readdir = c_readdir;
	out->releasedir = c_releasedir;
}
