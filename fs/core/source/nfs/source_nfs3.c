/* NFSv3 requests of the NFS backend: raw RPCs, read-only procedures only
 * (GETATTR, LOOKUP, READ, READLINK, READDIRPLUS, FSSTAT, plus what
 * libnfs's mount sends: MNT, FSINFO, GETATTR, ACCESS). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <nfsc/libnfs-raw-nfs.h>

#include "source_nfs_int.h"

static void fh_arg(nfs_fh3 *a, const struct nfs_fhb *fh)
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

/* S_IF* of a type, 0 for a bad one. */
static mode_t fmt3(ftype3 t)
{
	static const mode_t fmt[] = { 0, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR,
				      S_IFLNK, S_IFSOCK, S_IFIFO };

	return (unsigned)t < 8 ? fmt[t] : 0;
}

static void stat_from(struct fim_stat *st, const struct fattr3 *a)
{
	memset(st, 0, sizeof(*st));
	st->ino = a->fileid;
	st->dev = a->fsid;
	st->mode = (a->mode & 07777) | fmt3(a->type);
	st->nlink = a->nlink;
	st->uid = a->uid;
	st->gid = a->gid;
	st->size = a->size;
	st->blocks = a->used / 512 + (a->used % 512 != 0);
	st->rdev = makedev(a->rdev.specdata1, a->rdev.specdata2);
	st->atime_ns = a->atime.seconds * 1000000000LL + a->atime.nseconds;
	st->mtime_ns = a->mtime.seconds * 1000000000LL + a->mtime.nseconds;
	st->ctime_ns = a->ctime.seconds * 1000000000LL + a->ctime.nseconds;
}

static int errno3(int nfsstat)
{
	return nfsstat == NFS3ERR_STALE ? -ESTALE : nfsstat3_to_errno(nfsstat);
}

struct getattr_call {
	struct call c;
	struct fim_stat *st;
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
			stat_from(g->st, &r->GETATTR3res_u.resok.obj_attributes);
	}
	g->c.done = 1;
}

static int getattr_on(struct nfs_src *s, struct nfs_conn **cp,
		      const struct nfs_fhb *fh, struct fim_stat *st,
		      int64_t deadline)
{
	struct getattr_call g = { .st = st };
	GETATTR3args args;
	int ret;

	fh_arg(&args.object, fh);
	ret = fnfs_call_wait(cp, &g.c, rpc_nfs3_getattr_async((*cp)->rpc,
				  getattr_cb, &args, &g), deadline);
	if (ret)
		return ret;
	return g.c.nfsstat ? fnfs_err(s, g.c.nfsstat, "GETATTR") : 0;
}

struct lookup_call {
	struct call c;
	struct nfs_fhb *fh;
	struct fim_stat *st;
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
			stat_from(l->st,
				  &ok->obj_attributes.post_op_attr_u.attributes);
			l->have_attr = 1;
		}
	}
	l->c.done = 1;
}

static int lookup_on(struct nfs_src *s, struct nfs_conn **cp,
		     const struct nfs_fhb *dir, const char *name,
		     struct nfs_fhb *fh, struct fim_stat *st, int64_t deadline)
{
	struct lookup_call l = { .fh = fh, .st = st };
	LOOKUP3args args;
	int ret;

	fh_arg(&args.what.dir, dir);
	args.what.name = (char *)name;
	ret = fnfs_call_wait(cp, &l.c, rpc_nfs3_lookup_async((*cp)->rpc,
				  lookup_cb, &args, &l), deadline);
	if (ret)
		return ret;
	if (l.c.nfsstat)
		return fnfs_err(s, l.c.nfsstat, name);
	return l.have_attr ? 0 : getattr_on(s, cp, fh, st, deadline);
}

/* One LOOKUP per name. */
static int walk3(struct nfs_src *s, struct nfs_conn **cp,
		 const struct nfs_fhb *dir, const char *path,
		 struct nfs_fhb *fh, struct fim_stat *st, int64_t deadline)
{
	struct nfs_fhb cur = *dir;
	char name[NAME_MAX + 1];
	int ret = 0, more;

	if (!fnfs_next_name(&path, name, &more))
		ret = getattr_on(s, cp, &cur, st, deadline);
	else
		do {
			ret = lookup_on(s, cp, &cur, name, &cur, st, deadline);
			if (!ret && more && !S_ISDIR(st->mode))
				ret = fnfs_not_dir(st);
		} while (!ret && fnfs_next_name(&path, name, &more));
	if (!ret && fh)
		*fh = cur;
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

			l->len = fnfs_link_copy(l->buf, l->size, t,
						t ? strlen(t) : 0);
		}
	}
	l->c.done = 1;
}

static int readlink3(struct nfs_src *s, struct nfs_conn **cp,
		     const struct nfs_fhb *fh, char *buf, size_t size,
		     long *len, int64_t deadline)
{
	struct readlink_call l = { .buf = buf, .size = size };
	READLINK3args args;
	int ret;

	fh_arg(&args.symlink, fh);
	ret = fnfs_call_wait(cp, &l.c, rpc_nfs3_readlink_async((*cp)->rpc,
				    readlink_cb, &args, &l), deadline);
	if (ret)
		return ret;
	if (l.c.nfsstat)
		return fnfs_err(s, l.c.nfsstat, "READLINK");
	*len = l.len;
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

			fnfs_statvfs_fill(f->sv, ok->tbytes, ok->fbytes,
					  ok->abytes, ok->tfiles, ok->ffiles,
					  ok->afiles);
		}
	}
	f->c.done = 1;
}

static int fsstat3(struct nfs_src *s, struct nfs_conn **cp,
		   struct statvfs *sv, int64_t deadline)
{
	struct fsstat_call f = { .sv = sv };
	FSSTAT3args args;
	int ret;

	fh_arg(&args.fsroot, &s->root);
	ret = fnfs_call_wait(cp, &f.c, rpc_nfs3_fsstat_async((*cp)->rpc,
				    fsstat_cb, &args, &f), deadline);
	if (ret)
		return ret;
	return f.c.nfsstat ? fnfs_err(s, f.c.nfsstat, "FSSTAT") : 0;
}

static void read_cb(struct rpc_context *rpc, int status, void *data,
		    void *priv)
{
	struct fnfs_slot *sl = priv;
	READ3res *r = data;

	(void)rpc;
	sl->status = status;
	if (status == RPC_STATUS_SUCCESS) {
		READ3resok *ok = &r->READ3res_u.resok;

		sl->nfsstat = r->status;
		if (r->status == NFS3_OK) {
			uint32_t n = ok->count;

			if (n > ok->data.data_len)
				n = ok->data.data_len;
			if (n > sl->want)
				n = sl->want;
			memcpy(sl->buf, ok->data.data_val, n);
			sl->got = n;
			sl->eof = ok->eof;
		}
	}
	sl->done = 1;
}

static int read3(struct nfs_conn *c, const struct nfs_fhb *fh,
		 struct fnfs_slot *sl)
{
	READ3args args = { .offset = sl->off, .count = sl->want };

	fh_arg(&args.file, fh);
	return rpc_nfs3_read_async(c->rpc, read_cb, &args, sl);
}

struct rdp_call {
	struct call c;
	struct nfs_src *s;
	struct nfs_dir *d;
	uint64_t cookie;
	char verf[NFS3_COOKIEVERFSIZE];
	int eof, err;
	unsigned entries; /* in the last reply, "." and ".." included */
};

static void rdp_cb(struct rpc_context *rpc, int status, void *data,
		   void *priv)
{
	struct rdp_call *r = priv;
	READDIRPLUS3res *res = data;

	(void)rpc;
	r->c.status = status;
	if (status == RPC_STATUS_SUCCESS && res->status != NFS3_OK)
		r->c.nfsstat = res->status;
	if (status == RPC_STATUS_SUCCESS && res->status == NFS3_OK) {
		READDIRPLUS3resok *ok = &res->READDIRPLUS3res_u.resok;

		/* libnfs's decoder leaves entries misaligned: copy each one
		 * out before reading its 8-byte fields. */
		for (entryplus3 *p = ok->reply.entries, e; p && !r->err;
		     p = e.nextentry) {
			const post_op_attr *a = &e.name_attributes;

			memcpy(&e, p, sizeof(e));
			r->entries++;
			r->cookie = e.cookie;
			r->err = fnfs_dir_add(r->s, r->d, e.name, strlen(e.name),
					      e.fileid, a->attributes_follow
					      ? fnfs_dtype(fmt3(a->post_op_attr_u
							       .attributes.type))
					      : DT_UNKNOWN);
		}
		memcpy(r->verf, ok->cookieverf, sizeof(r->verf));
		r->eof = ok->reply.eof;
	}
	r->c.done = 1;
}

static int list3(struct nfs_src *s, struct nfs_conn **cp,
		 const struct nfs_fhb *fh, struct nfs_dir *d, int64_t deadline)
{
	struct rdp_call r = { .s = s, .d = d };
	int ret;

	while (!r.eof) {
		READDIRPLUS3args args = { .cookie = r.cookie,
					  .dircount = 32768,
					  .maxcount = 262144 };

		fh_arg(&args.dir, fh);
		memcpy(args.cookieverf, r.verf, sizeof(r.verf));
		memset(&r.c, 0, sizeof(r.c));
		r.entries = 0;
		ret = fnfs_call_wait(cp, &r.c, rpc_nfs3_readdirplus_async(
					     (*cp)->rpc, rdp_cb, &args, &r),
				     deadline);
		if (ret)
			return ret;
		if (r.err)
			return r.err;
		if (r.c.nfsstat)
			return fnfs_err(s, r.c.nfsstat, "READDIRPLUS");
		if (!r.entries && !r.eof)
			return fnfs_dir_stalled(s, "READDIRPLUS");
	}
	return 0;
}

struct mcb {
	int done, err;
	struct nfsfh *fh;
	char msg[256];
};

static void open_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct mcb *m = priv;

	(void)nfs;
	m->err = err;
	if (err < 0 && data)
		snprintf(m->msg, sizeof(m->msg), "%s", (const char *)data);
	else if (err >= 0)
		m->fh = data;
	m->done = 1;
}

/* libnfs 4.0 keeps the handle of an open file opaque; this is its layout
 * there (libnfs-private.h), needed once to learn the export's handle.
 * Checked for sanity where used. */
struct nfs_fh {
	int len;
	char *val;
};

/* The handle of the export mounted on c: "opening" its root sends only
 * ACCESS. */
static int export_root(struct nfs_src *s, struct nfs_conn *c,
		       int64_t deadline, char *err, size_t errsz)
{
	struct mcb m = { 0 };
	struct nfs_fh *fh;
	int ret = 0;

	if (nfs_open_async(c->nfs, "/", O_RDONLY, open_cb, &m) ||
	    (ret = fnfs_conn_wait(c, &m.done, deadline)) || m.err < 0) {
		snprintf(err, errsz, "%s:%s: cannot look up the root: %s",
			 s->url.host, s->export, m.msg);
		return ret ? ret : m.err < 0 ? m.err : -EIO;
	}
	fh = nfs_get_fh(m.fh);
	if (fh->len <= 0 || fh->len > NFS3_FHSIZE) {
		snprintf(err, errsz, "unexpected handle from libnfs");
		ret = -EPROTO;
	} else {
		s->root.len = (uint32_t)fh->len;
		memcpy(s->root.val, fh->val, s->root.len);
	}
	nfs_close(c->nfs, m.fh); /* read-only v3 handle: nothing is sent */
	return ret;
}

/* Mount export on a new conn, learn its handle and the server's READ
 * size; the conn goes to the pool. */
static int mount_export(struct nfs_src *s, size_t len, int64_t deadline,
			char *err, size_t errsz)
{
	struct nfs_conn *c;
	uint64_t max;
	int ret;

	free(s->export);
	s->export = strndup(s->url.path, len);
	if (!s->export)
		return -ENOMEM;
	ret = fnfs_conn_new(s, &c, deadline, err, errsz);
	if (ret)
		return ret;
	ret = export_root(s, c, deadline, err, errsz);
	if (ret) {
		fnfs_conn_drop(c);
		return ret;
	}
	max = nfs_get_readmax(c->nfs);
	if (max && s->read_size > max)
		s->read_size = (unsigned)max;
	fnfs_conn_put(s, c);
	return 0;
}

/* The export: the longest prefix of the URL's path that mounts. */
static int find_export(struct nfs_src *s, int64_t deadline, char *err,
		       size_t errsz)
{
	char first[512] = "";
	int ret = -ENOENT;

	for (unsigned i = 0;; i++) {
		size_t len = fim_nfs_export_len(s->url.path, i);

		if (!len)
			break;
		ret = mount_export(s, len, deadline, err, errsz);
		if (!ret)
			return (int)len;
		if (!*first)
			snprintf(first, sizeof(first), "%s", err);
		if (ret == NFS_ETRANSPORT || ret == -ENOMEM ||
		    fnfs_now_ms() >= deadline)
			break;
	}
	snprintf(err, errsz, "%s", first);
	return ret == NFS_ETRANSPORT ? -EHOSTUNREACH : ret < 0 ? ret : -ENOENT;
}

const struct fnfs_proto fnfs_proto3 = {
	.find_root = find_export,
	.walk = walk3,
	.readlink = readlink3,
	.list = list3,
	.statvfs = fsstat3,
	.read = read3,
	.errno_of = errno3,
};
