/* Extended attributes: the source's own, read-only, and on each regular
 * file user.fimfs.<digest> and user.fimfs.verified with the content of its
 * virtual entries, for tools that read xattrs rather than files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fimfs.h"
#include "handlers.h"
#include "inode.h"
#include "pending.h"
#include "record.h"
#include "status.h"

#define PREFIX "user.fimfs."

/* The virtual kind an xattr name stands for, or -1. */
static int xattr_kind(struct fimfs *fs, const char *name)
{
	if (strncmp(name, PREFIX, strlen(PREFIX)))
		return -1;
	name += strlen(PREFIX);
	if (!strcmp(name, "verified"))
		return FIM_VK_VERIFIED;
	for (int a = 0; a < FIM_ALG_COUNT; a++)
		if ((fs->cfg.digests & (1u << a)) &&
		    !strcmp(name, fim_alg_name(a)))
			return a;
	return -1;
}

/* size 0 asks for the length only, as for getxattr(2). */
static void reply_xattr(fuse_req_t req, long n, const char *buf, size_t size)
{
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else if (!size)
		fuse_reply_xattr(req, (size_t)n);
	else if ((size_t)n > size)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

struct pending_xattr {
	struct pending pub; /* first: the list links */
	struct fimfs *fs;
	int kind;
	size_t size;
	char path[];
};

/* Recorded before it is answered, as a read of the virtual file would be:
 * the access, and a verdict other than OK. */
static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct pending_xattr *p = arg;
	int rec, vrec;

	if (pending_take(p->fs, &p->pub)) {
		rec = record_req(p->fs, p->pub.req, FIM_AUDIT_EV_ACCESS,
				 "getxattr", p->path, -err, !err,
				 err ? 0 : len, NULL);
		if (!err && p->kind == FIM_VK_VERIFIED) {
			vrec = record_verdict(p->fs, p->pub.req, p->path, buf,
					      len);
			rec = rec ? rec : vrec;
		}
		if (!err && record_refuses(p->fs, rec))
			err = -EACCES;
		reply_xattr(p->pub.req, err ? err : (long)len, buf, p->size);
	}
	free(p);
}

/* The value of a virtual xattr: its length is known without hashing. */
static void virtual_xattr(fuse_req_t req, struct fimfs *fs, struct node *n,
			  int kind, size_t size)
{
	struct pending_xattr *p;
	struct fim_stat st;
	int ret = fim_src_lstat(fim_view_source(fs->view), n->path, &st);

	if (ret)
		return (void)fuse_reply_err(req, -ret);
	if (!S_ISREG(st.mode))
		return (void)fuse_reply_err(req, ENODATA);
	fim_view_virtual_stat(fs->view, n->path, &st, kind, &st);
	if (!size)
		return (void)fuse_reply_xattr(req, st.size);
	if (size < st.size)
		return (void)fuse_reply_err(req, ERANGE);
	p = calloc(1, sizeof(*p) + strlen(n->path) + 1);
	if (!p)
		return (void)fuse_reply_err(req, ENOMEM);
	p->pub.req = req;
	p->fs = fs;
	p->kind = kind;
	p->size = size;
	strcpy(p->path, n->path);
	pending_add(fs, &p->pub);
	ret = fim_view_content(fs->view, p->path, kind, on_content, p);
	if (ret)
		on_content(p, ret, NULL, 0);
}

void fimfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    size_t size)
{
	struct fimfs *fs = fimfs_of(req);
	struct fim_source *src = fim_view_source(fs->view);
	struct node *n = node_of(fs, ino);
	int kind = xattr_kind(fs, name);
	char *buf = NULL;
	long len;

	if (n->kind >= 0)
		return (void)fuse_reply_err(req, ENODATA);
	if (n == fs->root && status_xattr(req, fs, name, size))
		return;
	if (kind >= 0)
		return virtual_xattr(req, fs, n, kind, size);
	if (size && !(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	len = src->ops->getxattr(src, n->path, name, buf, size);
	reply_xattr(req, len, buf, size);
	free(buf);
}

/* Our names after the source's, for regular files only. */
static long add_virtual_names(struct fimfs *fs, struct node *n, char *buf,
			      size_t size, long len)
{
	struct fim_stat st;

	if (fim_src_lstat(fim_view_source(fs->view), n->path, &st) ||
	    !S_ISREG(st.mode))
		return len;
	for (int k = 0; k < FIM_VK_COUNT; k++) {
		const char *what = k == FIM_VK_VERIFIED ? "verified"
							: fim_alg_name(k);
		size_t l = strlen(PREFIX) + strlen(what) + 1;

		if (k < FIM_ALG_COUNT && !(fs->cfg.digests & (1u << k)))
			continue;
		if (size && (size_t)len + l > size)
			return -ERANGE;
		if (size) {
			memcpy(buf + len, PREFIX, strlen(PREFIX));
			strcpy(buf + len + strlen(PREFIX), what);
		}
		len += (long)l;
	}
	return len;
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
	/* Filesystems without xattrs still get ours. */
	if (len == -ENOTSUP)
		len = 0;
	if (len >= 0)
		len = add_virtual_names(fs, n, buf, size, len);
	reply_xattr(req, len, buf, size);
	free(buf);
}
