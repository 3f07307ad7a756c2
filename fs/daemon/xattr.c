/* Extended attributes: the source's own, read-only, and on each regular
 * file user.fimfs.<digest> and user.fimfs.verified with the content of its
 * virtual entries, for tools that read xattrs rather than files. Names
 * under user.fimfs. are fimfs's own: the source's (say, values that a
 * backup of a mount copied) are never shown. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fimfs.h"
#include "attr.h"
#include "handlers.h"
#include "inode.h"
#include "listing.h"
#include "pending.h"
#include "perm.h"
#include "record.h"
#include "status.h"

#define PREFIX "user.fimfs."
#define ACL_ACCESS "system.posix_acl_access"
#define ACL_DEFAULT "system.posix_acl_default"

static bool is_ours(const char *name)
{
	return !strncmp(name, PREFIX, strlen(PREFIX));
}

/* The virtual kind an xattr name stands for, or -1 (always with
 * xattrs=off). */
static int xattr_kind(struct fimfs *fs, const char *name)
{
	if (fs->cfg.xattrs == FIM_XATTRS_OFF ||
	    strncmp(name, PREFIX, strlen(PREFIX)))
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
	const struct fim_stat *checked; /* see virtual_xattr */
	struct fim_stat file;
	char path[];
};

/* Recorded before it is answered, as a read of the virtual file would be:
 * the access, and a verdict other than OK. */
static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct pending_xattr *p = arg;
	int rec, vrec;

	if (!err && p->checked &&
	    !perm_same_file(p->fs, p->path, strlen(p->path), p->checked))
		err = -ESTALE;
	if (pending_take(p->fs, &p->pub)) {
		rec = record_req(p->fs, p->pub.req, &(struct fim_audit_event){
			.kind = FIM_AUDIT_EV_ACCESS, .op = "getxattr",
			.path = p->path, .err = -err, .has_bytes = !err,
			.bytes = err ? 0 : len });
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

/* The value of a virtual xattr: its length is known without hashing.
 * checked: the file's attributes when a fresh check allowed the request
 * (the value is then that file's only), or NULL (root). */
static void virtual_xattr(fuse_req_t req, struct fimfs *fs, const char *path,
			  int kind, size_t size, const struct fim_stat *checked)
{
	struct pending_xattr *p;
	struct fim_stat st;
	int ret = fim_view_lstat(fs->view, path, &st);

	if (ret)
		return (void)fuse_reply_err(req, -ret);
	if (!S_ISREG(st.mode))
		return (void)fuse_reply_err(req, ENODATA);
	fim_view_virtual_stat(fs->view, path, &st, kind, &st);
	if (!size)
		return (void)fuse_reply_xattr(req, st.size);
	if (size < st.size)
		return (void)fuse_reply_err(req, ERANGE);
	p = calloc(1, sizeof(*p) + strlen(path) + 1);
	if (!p)
		return (void)fuse_reply_err(req, ENOMEM);
	p->pub.req = req;
	p->fs = fs;
	p->kind = kind;
	p->size = size;
	if (checked) {
		p->file = *checked;
		p->checked = &p->file;
	}
	strcpy(p->path, path);
	pending_add(fs, &p->pub);
	ret = fim_view_content(fs->view, p->path, kind, on_content, p);
	if (ret)
		on_content(p, ret, NULL, 0);
}

/* A POSIX ACL: the source's, and on a virtual entry its file's access ACL
 * made read-only, so that the kernel lets read it exactly whoever may read
 * the file. Without ACLs in SOURCE there are none (ENODATA, which the
 * kernel's ACL check takes as "none", where ENOTSUP would fail it). */
static void acl_xattr(fuse_req_t req, struct fimfs *fs, struct node *n,
		      struct node_path *p, const char *name, size_t size)
{
	unsigned char acl[FIM_ACL_MAX];
	long len;

	if ((n->kind >= 0 && strcmp(name, ACL_ACCESS)) ||
	    fim_vk_is_listing(n->kind))
		return (void)fuse_reply_err(req, ENODATA);
	p->s[p->baselen] = '\0'; /* a virtual entry's: its file's */
	len = fim_view_getxattr(fs->view, p->s, name, acl, sizeof(acl));
	if (len == -ENOTSUP)
		len = -ENODATA;
	if (len > 0 && n->kind >= 0)
		fim_acl_read_only(acl, (size_t)len); /* an invalid one fails alike */
	reply_xattr(req, len, (const char *)acl, size);
}

static bool is_acl(const char *name)
{
	return !strcmp(name, ACL_ACCESS) || !strcmp(name, ACL_DEFAULT);
}

void fimfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    size_t size)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	int kind = xattr_kind(fs, name);
	struct fim_stat st, *checked = NULL;
	struct node_path p;
	char *buf = NULL;
	long len;
	int ret;

	if (n->kind >= 0 && !is_acl(name))
		return (void)fuse_reply_err(req, ENODATA);
	node_path(fs, n, &p);
	ret = -node_current(fs, n);
	/* user.* values take read permission, as on SOURCE; the others
	 * only reaching the entry (trusted.* the kernel keeps to root) */
	if (!ret && !perm_exempt(req)) {
		ret = perm_check(req, fs, "getxattr", p.s, p.baselen,
				 strncmp(name, "user.", 5) ? 0 : FIM_MAY_READ,
				 false, &st);
		checked = &st;
	}
	if (ret)
		return (void)fuse_reply_err(req, ret);
	if (is_acl(name))
		return acl_xattr(req, fs, n, &p, name, size);
	if (n == fs->root && status_xattr(req, fs, name, size))
		return;
	if (!strcmp(name, SOURCE_XATTR))
		return source_xattr(req, fs, p.s, size);
	if (kind >= 0)
		return virtual_xattr(req, fs, p.s, kind, size, checked);
	if (is_ours(name))
		return (void)fuse_reply_err(req, ENODATA);
	if (size && !(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	len = fim_view_getxattr(fs->view, p.s, name, buf, size);
	reply_xattr(req, len, buf, size);
	free(buf);
}

/* The source's own names of the entry at path without any of ours, into
 * *out (malloc'd or NULL; the caller frees it): returns their length or a
 * negative errno. */
static long source_names(struct fim_view *v, const char *path,
			 char **out)
{
	char *buf = NULL;
	long len = 0, kept = 0; /* the loop runs at least once */

	/* The list may grow between asking its length and reading it. */
	for (int tries = 0; tries < 4; tries++) {
		len = fim_view_listxattr(v, path, NULL, 0);
		if (len <= 0)
			break;
		free(buf);
		buf = malloc((size_t)len);
		if (!buf)
			return -ENOMEM;
		len = fim_view_listxattr(v, path, buf, (size_t)len);
		if (len != -ERANGE)
			break;
	}
	for (long i = 0; len > 0 && i < len;) {
		long l = (long)strnlen(buf + i, (size_t)(len - i)) + 1;

		if (!is_ours(buf + i)) {
			memmove(buf + kept, buf + i, (size_t)l);
			kept += l;
		}
		i += l;
	}
	*out = buf;
	return len < 0 ? len : kept;
}

/* Our names after the source's, for regular files only, and only with
 * xattrs=on: hidden ones still answer by name. */
static long add_virtual_names(struct fimfs *fs, const char *path, char *buf,
			      size_t size, long len)
{
	struct fim_stat st;

	if (fs->cfg.xattrs != FIM_XATTRS_ON ||
	    fim_view_lstat(fs->view, path, &st) || !S_ISREG(st.mode))
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
	struct node *n = node_of(fs, ino);
	char *names = NULL, *buf = NULL;
	struct node_path p;
	long len;
	int ret = -node_current(fs, n);

	node_path(fs, n, &p);
	if (!ret && !perm_exempt(req))
		ret = perm_check(req, fs, "listxattr", p.s, p.baselen, 0, false,
				 NULL);
	if (ret)
		return (void)fuse_reply_err(req, ret);
	if (n->kind >= 0)
		return (void)(size ? fuse_reply_buf(req, "", 0)
				   : fuse_reply_xattr(req, 0));
	if (size && !(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	len = source_names(fs->view, p.s, &names);
	/* Filesystems without xattrs still get ours. */
	if (len == -ENOTSUP)
		len = 0;
	if (len > 0 && size && (size_t)len > size)
		len = -ERANGE;
	else if (len > 0 && size)
		memcpy(buf, names, (size_t)len);
	if (len >= 0)
		len = add_virtual_names(fs, p.s, buf, size, len);
	reply_xattr(req, len, buf, size);
	free(names);
	free(buf);
}
