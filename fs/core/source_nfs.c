/* The NFS backend: SOURCE read through libnfs, NFSv3, without a kernel
 * NFS client.
 *
 * libnfs's path functions follow symlinks in every component, so paths are
 * resolved here with one LOOKUP per component from the root's handle, and a
 * symlink anywhere but at the end fails with -ELOOP; the last component is
 * never followed. Only the raw read-only NFSv3 calls are used (see
 * source_nfs_int.h), so no request that could modify the server is ever
 * built. Each operation runs on a pooled connection with a deadline of
 * nfs.timeout_ms; a failed transport is retried on a fresh mount, up to
 * nfs.retries times within that deadline, and then reported as -EIO.
 */
#include <errno.h>
#include <sys/sysmacros.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "source_nfs_int.h"

/* Wait for one call; a failed transport drops the conn (*cp = NULL) while
 * the call's frame is still alive for the cancelled callbacks. */
int fnfs_call_wait(struct nfs_conn **cp, struct call *cl, int queued,
		     int64_t deadline)
{
	int ret = queued ? NFS_ETRANSPORT
			 : fnfs_conn_wait(*cp, &cl->done, deadline);

	if (!ret && cl->status != RPC_STATUS_SUCCESS)
		ret = NFS_ETRANSPORT;
	if (ret) {
		fnfs_conn_drop(*cp);
		*cp = NULL;
	}
	return ret;
}

void fnfs_fh_arg(nfs_fh3 *a, const struct nfs_fhb *fh)
{
	a->data.data_len = fh->len;
	a->data.data_val = (char *)fh->val;
}

static int fh_copy(struct nfs_fhb *fh, const nfs_fh3 *a)
{
	if (a->data.data_len > NFS3_FHSIZE || !a->data.data_len)
		return -1;
	fh->len = a->data.data_len;
	memcpy(fh->val, a->data.data_val, fh->len);
	return 0;
}

void fnfs_stat_from(struct fim_stat *st, const struct fattr3 *a)
{
	static const mode_t fmt[] = { 0, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR,
				      S_IFLNK, S_IFSOCK, S_IFIFO };

	memset(st, 0, sizeof(*st));
	st->ino = a->fileid;
	st->dev = a->fsid;
	st->mode = (a->mode & 07777) |
		   ((unsigned)a->type < 8 ? fmt[a->type] : 0);
	st->nlink = a->nlink;
	st->uid = a->uid;
	st->gid = a->gid;
	st->size = a->size;
	st->blocks = (a->used + 511) / 512;
	st->rdev = makedev(a->rdev.specdata1, a->rdev.specdata2);
	st->atime_ns = a->atime.seconds * 1000000000LL + a->atime.nseconds;
	st->mtime_ns = a->mtime.seconds * 1000000000LL + a->mtime.nseconds;
	st->ctime_ns = a->ctime.seconds * 1000000000LL + a->ctime.nseconds;
}

unsigned char fnfs_dtype_of(ftype3 t)
{
	static const unsigned char dt[] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_BLK,
					    DT_CHR, DT_LNK, DT_SOCK, DT_FIFO };

	return (unsigned)t < 8 ? dt[t] : DT_UNKNOWN;
}

struct getattr_call {
	struct call c;
	struct fattr3 *a;
};

static void getattr_cb(struct rpc_context *rpc, int status, void *data,
		       void *priv)
{
	struct getattr_call *g = priv;
	GETATTR3res *r = data;

	(void)rpc;
	g->c.status = status;
	if (status == RPC_STATUS_SUCCESS) {
		g->c.nfsstat = r->status;
		if (r->status == NFS3_OK)
			*g->a = r->GETATTR3res_u.resok.obj_attributes;
	}
	g->c.done = 1;
}

static int getattr_on(struct nfs_src *s, struct nfs_conn **cp,
		      const struct nfs_fhb *fh, struct fattr3 *a,
		      int64_t deadline)
{
	struct getattr_call g = { .a = a };
	GETATTR3args args;
	int ret;

	fnfs_fh_arg(&args.object, fh);
	ret = fnfs_call_wait(cp, &g.c, rpc_nfs3_getattr_async((*cp)->rpc,
				  getattr_cb, &args, &g), deadline);
	if (ret)
		return ret;
	return g.c.nfsstat ? fnfs_err(s, g.c.nfsstat, "GETATTR") : 0;
}

struct lookup_call {
	struct call c;
	struct nfs_fhb *fh;
	struct fattr3 *a;
	int have_attr;
};

static void lookup_cb(struct rpc_context *rpc, int status, void *data,
		      void *priv)
{
	struct lookup_call *l = priv;
	LOOKUP3res *r = data;

	(void)rpc;
	l->c.status = status;
	if (status == RPC_STATUS_SUCCESS) {
		LOOKUP3resok *ok = &r->LOOKUP3res_u.resok;

		l->c.nfsstat = r->status;
		if (r->status == NFS3_OK && fh_copy(l->fh, &ok->object))
			l->c.nfsstat = NFS3ERR_BADHANDLE;
		if (r->status == NFS3_OK &&
		    ok->obj_attributes.attributes_follow) {
			*l->a = ok->obj_attributes.post_op_attr_u.attributes;
			l->have_attr = 1;
		}
	}
	l->c.done = 1;
}

int fnfs_lookup_on(struct nfs_src *s, struct nfs_conn **cp,
		     const struct nfs_fhb *dir, const char *name,
		     struct nfs_fhb *fh, struct fattr3 *a, int64_t deadline)
{
	struct lookup_call l = { .fh = fh, .a = a };
	LOOKUP3args args;
	int ret;

	fnfs_fh_arg(&args.what.dir, dir);
	args.what.name = (char *)name;
	ret = fnfs_call_wait(cp, &l.c, rpc_nfs3_lookup_async((*cp)->rpc,
				  lookup_cb, &args, &l), deadline);
	if (ret)
		return ret;
	if (l.c.nfsstat)
		return fnfs_err(s, l.c.nfsstat, name);
	return l.have_attr ? 0 : getattr_on(s, cp, fh, a, deadline);
}

/* Resolve path on one conn, component by component, never following a
 * symlink and never going above the root. */
int fnfs_resolve_on(struct nfs_src *s, struct nfs_conn **cp,
		      const char *path, struct nfs_fhb *fh, struct fattr3 *a,
		      int64_t deadline)
{
	struct nfs_fhb cur = s->root;
	char name[NAME_MAX + 1];
	int ret = 0;

	while (*path == '/')
		path++;
	if (!*path)
		ret = getattr_on(s, cp, &cur, a, deadline);
	while (*path) {
		const char *e = strchrnul(path, '/');
		size_t n = (size_t)(e - path);

		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		if (n == 2 && path[0] == '.' && path[1] == '.')
			return -EXDEV; /* as RESOLVE_BENEATH would */
		memcpy(name, path, n);
		name[n] = '\0';
		ret = fnfs_lookup_on(s, cp, &cur, name, &cur, a, deadline);
		if (ret)
			return ret;
		for (path = e; *path == '/'; path++)
			;
		if (*e == '/' && a->type != NF3DIR)
			return a->type == NF3LNK ? -ELOOP : -ENOTDIR;
	}
	if (!ret && fh)
		*fh = cur;
	return ret;
}

/* Run op on a borrowed conn, retrying on fresh ones as configured. */
int fnfs_with_conn(struct nfs_src *s, fnfs_op_fn op, void *arg)
{
	int64_t start = fnfs_now_ms(), deadline = start + s->timeout_ms;
	unsigned attempt = 0;
	int ret, old;

	do {
		struct nfs_conn *c = fnfs_conn_get(s, deadline, &ret);

		old = 0;
		if (!c)
			continue;
		old = c->born < start;
		ret = op(s, &c, arg, deadline);
		if (c)
			fnfs_conn_put(s, c);
	} while (fnfs_should_retry(s, ret, &attempt, deadline, old));
	return ret == NFS_ETRANSPORT ? -EIO : ret;
}

struct resolve_arg {
	const char *path;
	struct nfs_fhb *fh;
	struct fattr3 *a;
};

static int resolve_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		      int64_t deadline)
{
	struct resolve_arg *r = arg;

	return fnfs_resolve_on(s, cp, r->path, r->fh, r->a, deadline);
}

int fnfs_resolve(struct nfs_src *s, const char *path, struct nfs_fhb *fh,
		struct fattr3 *a)
{
	struct fattr3 tmp;
	struct resolve_arg r = { path, fh, a ? a : &tmp };

	return fnfs_with_conn(s, resolve_op, &r);
}

struct getattr_arg {
	const struct nfs_fhb *fh;
	struct fattr3 *a;
};

static int getattr_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		      int64_t deadline)
{
	struct getattr_arg *g = arg;

	return getattr_on(s, cp, g->fh, g->a, deadline);
}

int fnfs_getattr(struct nfs_src *s, const struct nfs_fhb *fh,
		struct fattr3 *a)
{
	struct getattr_arg g = { fh, a };

	return fnfs_with_conn(s, getattr_op, &g);
}

static int fnfs_lstat(struct fim_source *src, const char *path,
		     struct fim_stat *st)
{
	struct fattr3 a;
	int ret = fnfs_resolve((struct nfs_src *)src, path, NULL, &a);

	if (!ret)
		fnfs_stat_from(st, &a);
	return ret;
}

struct readlink_call {
	struct call c;
	char *buf;
	size_t size;
	long len;
};

static void readlink_cb(struct rpc_context *rpc, int status, void *data,
			void *priv)
{
	struct readlink_call *l = priv;
	READLINK3res *r = data;

	(void)rpc;
	l->c.status = status;
	if (status == RPC_STATUS_SUCCESS) {
		l->c.nfsstat = r->status;
		if (r->status == NFS3_OK) {
			const char *t = r->READLINK3res_u.resok.data;
			size_t n = t ? strlen(t) : 0;

			l->len = (long)(n < l->size ? n : l->size);
			memcpy(l->buf, t, (size_t)l->len);
			if (n < l->size)
				l->buf[n] = '\0';
		}
	}
	l->c.done = 1;
}

struct readlink_arg {
	const char *path;
	char *buf;
	size_t size;
	long len;
};

static int readlink_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		       int64_t deadline)
{
	struct readlink_arg *r = arg;
	struct readlink_call l = { .buf = r->buf, .size = r->size };
	READLINK3args args;
	struct nfs_fhb fh;
	struct fattr3 a;
	int ret = fnfs_resolve_on(s, cp, r->path, &fh, &a, deadline);

	if (ret)
		return ret;
	if (a.type != NF3LNK)
		return -EINVAL;
	fnfs_fh_arg(&args.symlink, &fh);
	ret = fnfs_call_wait(cp, &l.c, rpc_nfs3_readlink_async((*cp)->rpc,
				    readlink_cb, &args, &l), deadline);
	if (ret)
		return ret;
	if (l.c.nfsstat)
		return fnfs_err(s, l.c.nfsstat, r->path);
	r->len = l.len;
	return 0;
}

static long fnfs_readlink(struct fim_source *src, const char *path,
			 char *buf, size_t size)
{
	struct readlink_arg r = { path, buf, size, 0 };
	int ret = fnfs_with_conn((struct nfs_src *)src, readlink_op, &r);

	return ret ? ret : r.len;
}

/* NFSv3 has no extended attributes: like a filesystem without them. */
static long fnfs_getxattr(struct fim_source *src, const char *path,
			 const char *name, void *buf, size_t size)
{
	(void)src, (void)path, (void)name, (void)buf, (void)size;
	return -ENOTSUP;
}

static long fnfs_listxattr(struct fim_source *src, const char *path,
			  char *buf, size_t size)
{
	(void)src, (void)path, (void)buf, (void)size;
	return 0;
}

struct fsstat_call {
	struct call c;
	struct statvfs *sv;
};

static void fsstat_cb(struct rpc_context *rpc, int status, void *data,
		      void *priv)
{
	struct fsstat_call *f = priv;
	FSSTAT3res *r = data;

	(void)rpc;
	f->c.status = status;
	if (status == RPC_STATUS_SUCCESS) {
		f->c.nfsstat = r->status;
		if (r->status == NFS3_OK) {
			FSSTAT3resok *ok = &r->FSSTAT3res_u.resok;
			struct statvfs *sv = f->sv;

			memset(sv, 0, sizeof(*sv));
			sv->f_bsize = sv->f_frsize = 4096;
			sv->f_blocks = ok->tbytes / 4096;
			sv->f_bfree = ok->fbytes / 4096;
			sv->f_bavail = ok->abytes / 4096;
			sv->f_files = ok->tfiles;
			sv->f_ffree = ok->ffiles;
			sv->f_favail = ok->afiles;
			sv->f_namemax = NAME_MAX;
			sv->f_flag = ST_RDONLY | ST_NOSUID | ST_NODEV;
		}
	}
	f->c.done = 1;
}

static int fsstat_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		     int64_t deadline)
{
	struct fsstat_call f = { .sv = arg };
	FSSTAT3args args;
	int ret;

	fnfs_fh_arg(&args.fsroot, &s->root);
	ret = fnfs_call_wait(cp, &f.c, rpc_nfs3_fsstat_async((*cp)->rpc,
				    fsstat_cb, &args, &f), deadline);
	if (ret)
		return ret;
	return f.c.nfsstat ? fnfs_err(s, f.c.nfsstat, "FSSTAT") : 0;
}

static int fnfs_statvfs(struct fim_source *src, struct statvfs *sv)
{
	return fnfs_with_conn((struct nfs_src *)src, fsstat_op, sv);
}

static void fnfs_destroy(struct fim_source *src)
{
	struct nfs_src *s = (struct nfs_src *)src;

	while (s->idle) {
		struct nfs_conn *c = s->idle;

		s->idle = c->next;
		fnfs_conn_drop(c);
	}
	pthread_mutex_destroy(&s->mu);
	fim_nfs_url_free(&s->url);
	free(s->export);
	free(s->pub.root);
	free(s);
}

static const struct fim_source_ops fnfs_ops = {
	.lstat = fnfs_lstat,
	.open = fnfs_file_open,
	.fstat = fnfs_file_fstat,
	.pread = fnfs_file_pread,
	.fd = fnfs_file_fd,
	.close = fnfs_file_close,
	.opendir = fnfs_dir_open,
	.readdir = fnfs_dir_read,
	.closedir = fnfs_dir_close,
	.readlink = fnfs_readlink,
	.getxattr = fnfs_getxattr,
	.listxattr = fnfs_listxattr,
	.statvfs = fnfs_statvfs,
	.destroy = fnfs_destroy,
};

static int configure(struct nfs_src *s, const struct fim_source_opts *o,
		     char *err, size_t errsz)
{
	s->version = s->url.version ? s->url.version : o->nfs_version;
	if (s->version != 3) {
		snprintf(err, errsz, "%s: NFSv%u is not supported yet "
			 "(version=3)", s->pub.root, s->version);
		return -EPROTONOSUPPORT;
	}
	s->uid = (int)(s->url.uid >= 0 ? s->url.uid
		       : o->nfs_uid >= 0 ? o->nfs_uid : (int64_t)getuid());
	s->gid = (int)(s->url.gid >= 0 ? s->url.gid
		       : o->nfs_gid >= 0 ? o->nfs_gid : (int64_t)getgid());
	s->timeout_ms = o->nfs_timeout_ms ? o->nfs_timeout_ms : 30000;
	s->retries = o->nfs_retries;
	s->read_size = o->nfs_read_size ? o->nfs_read_size : 1u << 20;
	s->max_reads = o->nfs_max_reads ? o->nfs_max_reads : 1;
	return 0;
}

int fim_source_open_nfs(const char *url, const struct fim_source_opts *o,
			struct fim_source **out, char *err, size_t errsz)
{
	struct nfs_src *s = calloc(1, sizeof(*s));
	char msg[512];
	struct fattr3 a;
	int ret;

	if (!s || !(s->pub.root = strdup(url))) {
		free(s);
		snprintf(err, errsz, "%s: out of memory", url);
		return -ENOMEM;
	}
	s->pub.ops = &fnfs_ops;
	pthread_mutex_init(&s->mu, NULL);
	ret = fim_nfs_url_parse(url, &s->url, err, errsz);
	if (!ret)
		ret = configure(s, o, err, errsz);
	if (ret)
		goto fail;
	ret = fnfs_find_export(s, fnfs_now_ms() + s->timeout_ms, msg,
			      sizeof(msg));
	if (ret < 0) {
		snprintf(err, errsz, "%s: %s", url, msg);
		goto fail;
	}
	/* The rest of the URL's path, beneath the export, becomes the root
	 * (resolved like any other path: no symlink is followed). */
	ret = fnfs_resolve(s, s->url.path + ret, &s->root, &a);
	if (!ret && a.type != NF3DIR)
		ret = -ENOTDIR;
	if (ret) {
		snprintf(err, errsz, "%s: %s", url, strerror(-ret));
		goto fail;
	}
	fim_log(LOG_INFO, "%s: mounted export %s of %s (NFSv3, READ size "
		"%u, %u in flight)", url, s->export, s->url.host,
		s->read_size, s->max_reads);
	*out = &s->pub;
	return 0;
fail:
	fnfs_destroy(&s->pub);
	return ret;
}
