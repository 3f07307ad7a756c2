/* Extended attributes: the source's own, read-only. */
#include <errno.h>
#include <stdlib.h>

#include "fimfs.h"
#include "handlers.h"
#include "inode.h"

/* size 0 asks for the length only, as for getxattr(2). */
static void reply_xattr(fuse_req_t req, long n, const char *buf, size_t size)
{
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else if (!size)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

void fimfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    size_t size)
{
	struct fimfs *fs = fimfs_of(req);
	struct fim_source *src = fim_view_source(fs->view);
	struct node *n = node_of(fs, ino);
	char *buf = NULL;
	long len;

	if (n->kind >= 0)
		return (void)fuse_reply_err(req, ENODATA);
	if (size && !(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	len = src->ops->getxattr(src, n->path, name, buf, size);
	reply_xattr(req, len, buf, size);
	free(buf);
}

void fimfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fimfs *fs = fimfs_of(req);
	struct fim_source *src = fim_view_source(fs->view);
	struct node *n = node_of(fs, ino);
	char *buf = NULL;
	long len;

	if (n->kind >= 0)
		return (void)(size ? fuse_reply_buf(req, "", 0)
				   : fuse_reply_xattr(req, 0));
	if (size && !(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	len = src->ops->listxattr(src, n->path, buf, size);
	reply_xattr(req, len, buf, size);
	free(buf);
}
