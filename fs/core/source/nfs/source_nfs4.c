/* NFSv4 requests of the NFS backend (see source_nfs4.h for what is sent).
 *
 * There is no MOUNT protocol: the root is found from the server's root
 * (PUTROOTFH, the pseudo filesystem) by resolving the URL's whole path
 * like any other, one LOOKUP per name, never following a symlink. A path
 * takes one COMPOUND per WALK_NAMES names instead of one RPC per name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "source_nfs4.h"

/* Names looked up per COMPOUND: 2 + 2 * 6 ops stay within the 16 that
 * older Linux servers accept in an NFSv4.0 COMPOUND. */
#define WALK_NAMES 6

/* What lstat needs; the rest of the request is optional. */
#define STAT_NEED                                                           \
	(FNFS4_BIT(FNFS4_TYPE) | FNFS4_BIT(FNFS4_SIZE) |                    \
	 FNFS4_BIT(FNFS4_FILEID) | FNFS4_BIT(FNFS4_MODE) |                  \
	 FNFS4_BIT(FNFS4_TIME_METADATA) | FNFS4_BIT(FNFS4_TIME_MODIFY))
#define STAT_WANT                                                           \
	(STAT_NEED | FNFS4_BIT(FNFS4_FSID) | FNFS4_BIT(FNFS4_NUMLINKS) |    \
	 FNFS4_BIT(FNFS4_OWNER) | FNFS4_BIT(FNFS4_OWNER_GROUP) |            \
	 FNFS4_BIT(FNFS4_RAWDEV) | FNFS4_BIT(FNFS4_SPACE_USED) |            \
	 FNFS4_BIT(FNFS4_TIME_ACCESS))
/* statfs: the space is needed, file counts are optional (0 if absent) */
#define FS_NEED                                                             \
	(FNFS4_BIT(FNFS4_SPACE_AVAIL) | FNFS4_BIT(FNFS4_SPACE_FREE) |       \
	 FNFS4_BIT(FNFS4_SPACE_TOTAL))
#define FS_WANT                                                             \
	(FS_NEED | FNFS4_BIT(FNFS4_FILES_AVAIL) |                           \
	 FNFS4_BIT(FNFS4_FILES_FREE) | FNFS4_BIT(FNFS4_FILES_TOTAL))
#define MASK(m) { (uint32_t)(m), (uint32_t)((m) >> 32) }

static const uint32_t stat_mask[2] = MASK(STAT_WANT);
static const uint32_t fs_mask[2] = MASK(FS_WANT);
static const uint32_t root_mask[2] = MASK(FNFS4_BIT(FNFS4_MAXREAD));

/* Copy result i of a reply out of libnfs's misaligned memory. */
static void result_of(const COMPOUND4res *r, unsigned i, nfs_resop4 *op)
{
	memcpy(op, (const char *)r->resarray.resarray_val + i * sizeof(*op),
	       sizeof(*op));
}

static void c4_results(struct c4 *k, const COMPOUND4res *r)
{
	unsigned n = r->resarray.resarray_len;

	k->failed = k->nops;
	if (n > k->nops) {
		k->err = -EPROTO;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		nfs_resop4 op;
		nfsstat4 st;

		result_of(r, i, &op);
		/* every result begins with its status */
		memcpy(&st, &op.nfs_resop4_u, sizeof(st));
		if (op.resop != k->ops[i].argop) {
			k->err = -EPROTO;
			return;
		}
		if (st != NFS4_OK) {
			k->c.nfsstat = st;
			k->failed = i;
			return;
		}
		if ((k->err = k->each(k, i, &op)))
			return;
	}
	/* Fewer results than ops, none failed: an error of the COMPOUND
	 * itself (e.g. NFS4ERR_RESOURCE), or a broken reply. */
	if (n < k->nops) {
		k->c.nfsstat = r->status;
		k->failed = n;
		if (r->status == NFS4_OK)
			k->err = -EPROTO;
	}
}

static void c4_cb(struct rpc_context *rpc, int status, void *data,
		  void *priv)
{
	struct c4 *k = priv;

	(void)rpc;
	k->c.status = status;
	if (status == RPC_STATUS_SUCCESS)
		c4_results(k, data);
	k->c.done = 1;
}

/* Queue ops as one COMPOUND (NFSv4.0) on c; cb gets COMPOUND4res. 0, or
 * non-zero when it could not be queued. */
static int send_ops(struct nfs_conn *c, nfs_argop4 *ops, unsigned n,
		    rpc_cb cb, void *priv)
{
	COMPOUND4args args;

	memset(&args, 0, sizeof(args));
	args.argarray.argarray_len = n;
	args.argarray.argarray_val = ops;
	return rpc_nfs4_compound_async(c->rpc, cb, &args, priv);
}

int fnfs4_run(struct nfs_src *s, struct nfs_conn **cp, nfs_argop4 *ops,
	      unsigned n, struct c4 *k, int64_t deadline)
{
	int ret;

	memset(&k->c, 0, sizeof(k->c));
	k->err = 0;
	k->ops = ops;
	k->nops = n;
	ret = fnfs_call_wait(cp, &k->c, send_ops(*cp, ops, n, c4_cb, k),
			     deadline);
	if (ret)
		return ret;
	if (k->err == -EPROTO) {
		fim_log(LOG_ERR, "%s: malformed NFSv4 reply, or attributes "
			"missing from it", s->pub.root);
		return -EIO;
	}
	return k->err;
}

void fnfs4_putfh(nfs_argop4 *op, const struct nfs_fhb *fh)
{
	op->argop = OP_PUTFH;
	op->nfs_argop4_u.opputfh.object.nfs_fh4_len = fh->len;
	op->nfs_argop4_u.opputfh.object.nfs_fh4_val = (char *)fh->val;
}

static void getattr_op(nfs_argop4 *op, const uint32_t *mask)
{
	op->argop = OP_GETATTR;
	op->nfs_argop4_u.opgetattr.attr_request.bitmap4_len = 2;
	op->nfs_argop4_u.opgetattr.attr_request.bitmap4_val = (uint32_t *)mask;
}

/* The attributes of a GETATTR result; need: what must be in them. */
static int attrs_of(const nfs_resop4 *op, uint64_t need, struct fnfs4_attr *a)
{
	const fattr4 *f = &op->nfs_resop4_u.opgetattr.GETATTR4res_u.resok4
				   .obj_attributes;

	if (fnfs4_attr_decode(f->attrmask.bitmap4_val, f->attrmask.bitmap4_len,
			      f->attr_vals.attrlist4_val,
			      f->attr_vals.attrlist4_len, a) ||
	    (a->have & need) != need)
		return -EPROTO;
	return 0;
}

static int fh_of(const nfs_resop4 *op, struct nfs_fhb *fh)
{
	const nfs_fh4 *o = &op->nfs_resop4_u.opgetfh.GETFH4res_u.resok4.object;

	if (!o->nfs_fh4_len || o->nfs_fh4_len > FNFS_FHSIZE)
		return -EPROTO;
	fh->len = o->nfs_fh4_len;
	memcpy(fh->val, o->nfs_fh4_val, fh->len);
	return 0;
}

struct walk4 {
	struct c4 k;
	unsigned n;       /* names looked up */
	const int *dirs;  /* dirs[j]: name j must be a directory */
	struct nfs_fhb *fh;
	struct fim_stat *st;
};

/* Ops: PUTFH, then LOOKUP and GETATTR per name (or one GETATTR), GETFH. */
static int walk4_each(struct c4 *k, unsigned i, const nfs_resop4 *op)
{
	struct walk4 *w = (struct walk4 *)k;
	struct fnfs4_attr a;
	int ret;

	if (op->resop == OP_GETFH)
		return fh_of(op, w->fh);
	if (op->resop != OP_GETATTR)
		return 0;
	ret = attrs_of(op, STAT_NEED, &a);
	if (ret)
		return ret;
	*w->st = a.st;
	/* Stop at a symlink or file in the middle of the path rather than
	 * trust the server's error for the LOOKUP beneath it. */
	if (w->n && w->dirs[(i - 2) / 2] && !S_ISDIR(a.st.mode))
		return fnfs_not_dir(&a.st);
	return 0;
}

static int walk4_chunk(struct nfs_src *s, struct nfs_conn **cp,
		       struct nfs_fhb *cur, char (*names)[NAME_MAX + 1],
		       const int *dirs, unsigned n, struct fim_stat *st,
		       int64_t deadline)
{
	nfs_argop4 ops[3 + 2 * WALK_NAMES];
	struct walk4 w = { .k.each = walk4_each, .n = n, .dirs = dirs,
			   .fh = cur, .st = st };
	unsigned i = 0, j;
	int ret;

	memset(ops, 0, sizeof(ops));
	fnfs4_putfh(&ops[i++], cur);
	for (j = 0; j < n; j++) {
		ops[i].argop = OP_LOOKUP;
		ops[i].nfs_argop4_u.oplookup.objname.utf8string_len =
			(u_int)strlen(names[j]);
		ops[i++].nfs_argop4_u.oplookup.objname.utf8string_val =
			names[j];
		getattr_op(&ops[i++], stat_mask);
	}
	if (!n)
		getattr_op(&ops[i++], stat_mask);
	ops[i++].argop = OP_GETFH;
	ret = fnfs4_run(s, cp, ops, i, &w.k, deadline);
	if (ret || !w.k.c.nfsstat)
		return ret;
	j = w.k.failed ? (w.k.failed - 1) / 2 : 0;
	return fnfs_err(s, w.k.c.nfsstat, j < n ? names[j] : "GETATTR");
}

static int walk4(struct nfs_src *s, struct nfs_conn **cp,
		 const struct nfs_fhb *dir, const char *path,
		 struct nfs_fhb *fh, struct fim_stat *st, int64_t deadline)
{
	char names[WALK_NAMES][NAME_MAX + 1];
	int dirs[WALK_NAMES];
	struct nfs_fhb cur = *dir;
	int ret;

	do {
		unsigned n = 0;

		while (n < WALK_NAMES &&
		       fnfs_next_name(&path, names[n], &dirs[n]))
			n++;
		ret = walk4_chunk(s, cp, &cur, names, dirs, n, st, deadline);
	} while (!ret && *path);
	if (!ret && fh)
		*fh = cur;
	return ret;
}

struct readlink4 {
	struct c4 k;
	char *buf;
	size_t size;
	long len;
};

static int readlink4_each(struct c4 *k, unsigned i, const nfs_resop4 *op)
{
	struct readlink4 *l = (struct readlink4 *)k;
	const linktext4 *t =
		&op->nfs_resop4_u.opreadlink.READLINK4res_u.resok4.link;

	(void)i;
	if (op->resop == OP_READLINK)
		l->len = fnfs_link_copy(l->buf, l->size, t->utf8string_val,
					t->utf8string_len);
	return 0;
}

static int readlink4(struct nfs_src *s, struct nfs_conn **cp,
		     const struct nfs_fhb *fh, char *buf, size_t size,
		     long *len, int64_t deadline)
{
	struct readlink4 l = { .k.each = readlink4_each, .buf = buf,
			       .size = size };
	nfs_argop4 ops[2];
	int ret;

	memset(ops, 0, sizeof(ops));
	fnfs4_putfh(&ops[0], fh);
	ops[1].argop = OP_READLINK;
	ret = fnfs4_run(s, cp, ops, 2, &l.k, deadline);
	if (ret)
		return ret;
	if (l.k.c.nfsstat)
		return fnfs_err(s, l.k.c.nfsstat, "READLINK");
	*len = l.len;
	return 0;
}

struct getattr4 {
	struct c4 k;
	uint64_t need;
	struct fnfs4_attr a;
	struct nfs_fhb *fh; /* GETFH, if sent */
};

static int getattr4_each(struct c4 *k, unsigned i, const nfs_resop4 *op)
{
	struct getattr4 *g = (struct getattr4 *)k;

	(void)i;
	if (op->resop == OP_GETFH)
		return fh_of(op, g->fh);
	return op->resop == OP_GETATTR ? attrs_of(op, g->need, &g->a) : 0;
}

static int statvfs4(struct nfs_src *s, struct nfs_conn **cp,
		    struct statvfs *sv, int64_t deadline)
{
	struct getattr4 g = { .k.each = getattr4_each, .need = FS_NEED };
	nfs_argop4 ops[2];
	int ret;

	memset(ops, 0, sizeof(ops));
	fnfs4_putfh(&ops[0], &s->root);
	getattr_op(&ops[1], fs_mask);
	ret = fnfs4_run(s, cp, ops, 2, &g.k, deadline);
	if (ret)
		return ret;
	if (g.k.c.nfsstat)
		return fnfs_err(s, g.k.c.nfsstat, "GETATTR");
	fnfs_statvfs_fill(sv, g.a.space_total, g.a.space_free,
			  g.a.space_avail, g.a.files_total, g.a.files_free,
			  g.a.files_avail);
	return 0;
}

/* The server's root: its handle (resolved further by the caller) and
 * largest READ. The conn it took goes to the pool. */
static int find_root4(struct nfs_src *s, int64_t deadline, char *err,
		      size_t errsz)
{
	struct getattr4 g = { .k.each = getattr4_each, .fh = &s->root };
	struct nfs_conn *c;
	nfs_argop4 ops[3];
	int ret;

	s->export = strdup("/");
	if (!s->export)
		return -ENOMEM;
	ret = fnfs_conn_new(s, &c, deadline, err, errsz);
	if (ret)
		return ret == NFS_ETRANSPORT ? -EHOSTUNREACH : ret;
	memset(ops, 0, sizeof(ops));
	ops[0].argop = OP_PUTROOTFH;
	ops[1].argop = OP_GETFH;
	getattr_op(&ops[2], root_mask);
	ret = fnfs4_run(s, &c, ops, 3, &g.k, deadline);
	if (!ret && g.k.c.nfsstat)
		ret = fnfs_err(s, g.k.c.nfsstat, "PUTROOTFH");
	if (ret) {
		snprintf(err, errsz, "%s: the server's root: %s", s->url.host,
			 ret == NFS_ETRANSPORT ? "timed out" : strerror(-ret));
		fnfs_conn_drop(c);
		return ret == NFS_ETRANSPORT ? -EHOSTUNREACH : ret;
	}
	if (g.a.maxread && s->read_size > g.a.maxread)
		s->read_size = (unsigned)g.a.maxread;
	fnfs_conn_put(s, c);
	return 0;
}

/* A READ of the window: the slot, not a struct c4, is the callback's. A
 * reply that is no READ result is the server's fault. */
static void read4_result(struct fnfs_slot *sl, const COMPOUND4res *r)
{
	nfs_resop4 op;
	READ4resok ok;

	sl->nfsstat = r->status;
	if (r->status != NFS4_OK)
		return;
	sl->nfsstat = NFS4ERR_SERVERFAULT;
	if (r->resarray.resarray_len != 2)
		return;
	result_of(r, 1, &op);
	if (op.resop != OP_READ)
		return;
	ok = op.nfs_resop4_u.opread.READ4res_u.resok4;
	sl->nfsstat = NFS4_OK;
	sl->got = ok.data.data_len < sl->want ? ok.data.data_len : sl->want;
	if (sl->got)
		memcpy(sl->buf, ok.data.data_val, sl->got);
	sl->eof = ok.eof;
}

static void read4_cb(struct rpc_context *rpc, int status, void *data,
		     void *priv)
{
	struct fnfs_slot *sl = priv;

	(void)rpc;
	sl->status = status;
	if (status == RPC_STATUS_SUCCESS)
		read4_result(sl, data);
	sl->done = 1;
}

static int read4(struct nfs_conn *c, const struct nfs_fhb *fh,
		 struct fnfs_slot *sl)
{
	nfs_argop4 ops[2];

	memset(ops, 0, sizeof(ops)); /* stateid: the anonymous one */
	fnfs4_putfh(&ops[0], fh);
	ops[1].argop = OP_READ;
	ops[1].nfs_argop4_u.opread.offset = sl->off;
	ops[1].nfs_argop4_u.opread.count = sl->want;
	return send_ops(c, ops, 2, read4_cb, sl);
}

static int errno4(int nfsstat)
{
	switch (nfsstat) {
	case NFS4ERR_PERM: return -EPERM;
	case NFS4ERR_NOENT: return -ENOENT;
	case NFS4ERR_NXIO: return -ENXIO;
	case NFS4ERR_ACCESS:
	case NFS4ERR_WRONGSEC: return -EACCES;
	case NFS4ERR_XDEV: return -EXDEV;
	case NFS4ERR_NOTDIR: return -ENOTDIR;
	case NFS4ERR_ISDIR: return -EISDIR;
	case NFS4ERR_INVAL:
	case NFS4ERR_BADNAME:
	case NFS4ERR_BADCHAR: return -EINVAL;
	case NFS4ERR_FBIG: return -EFBIG;
	case NFS4ERR_ROFS: return -EROFS;
	case NFS4ERR_NAMETOOLONG: return -ENAMETOOLONG;
	case NFS4ERR_STALE:
	case NFS4ERR_FHEXPIRED: return -ESTALE;
	case NFS4ERR_SYMLINK: return -ELOOP;
	case NFS4ERR_DELAY:
	case NFS4ERR_GRACE: return -EAGAIN;
	case NFS4ERR_NOTSUPP:
	case NFS4ERR_ATTRNOTSUPP: return -EOPNOTSUPP;
	}
	return -EIO;
}

const struct fnfs_proto fnfs_proto4 = {
	.find_root = find_root4,
	.walk = walk4,
	.readlink = readlink4,
	.list = fnfs4_list,
	.statvfs = statvfs4,
	.read = read4,
	.errno_of = errno4,
};
