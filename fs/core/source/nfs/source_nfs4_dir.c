/* NFSv4 directory listings: READDIR with each entry's type and fileid,
 * cookie after cookie until the server says eof. */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "source_nfs4.h"

/* rdattr_error: an entry the server cannot describe (a junction it will
 * not cross, say) comes back with that error alone instead of failing the
 * whole listing; the listing then looks it up. */
static const uint32_t dir_mask[2] = {
	(uint32_t)(FNFS4_BIT(FNFS4_TYPE) | FNFS4_BIT(FNFS4_RDATTR_ERROR) |
		   FNFS4_BIT(FNFS4_FILEID)),
	0
};

struct rd4 {
	struct c4 k;
	struct nfs_src *s;
	struct nfs_dir *d;
	uint64_t cookie;
	char verf[NFS4_VERIFIER_SIZE];
	int eof;
	unsigned added; /* entries in the last reply */
};

static int rd4_entry(struct rd4 *r, const entry4 *e)
{
	const fattr4 *f = &e->attrs;
	unsigned char type = DT_UNKNOWN;
	struct fnfs4_attr a;

	if (fnfs4_attr_decode(f->attrmask.bitmap4_val, f->attrmask.bitmap4_len,
			      f->attr_vals.attrlist4_val,
			      f->attr_vals.attrlist4_len, &a))
		return -EPROTO;
	if (!a.rdattr_error && (a.have & FNFS4_BIT(FNFS4_TYPE)))
		type = fnfs_dtype(a.st.mode);
	r->cookie = e->cookie;
	r->added++;
	return fnfs_dir_add(r->s, r->d, e->name.utf8string_val,
			    e->name.utf8string_len, a.st.ino, type);
}

static int rd4_each(struct c4 *k, unsigned i, const nfs_resop4 *op)
{
	struct rd4 *r = (struct rd4 *)k;
	READDIR4resok ok;
	entry4 e;
	int ret = 0;

	(void)i;
	if (op->resop != OP_READDIR)
		return 0;
	ok = op->nfs_resop4_u.opreaddir.READDIR4res_u.resok4;
	for (const entry4 *p = ok.reply.entries; p && !ret; p = e.nextentry) {
		memcpy(&e, p, sizeof(e));
		ret = rd4_entry(r, &e);
	}
	memcpy(r->verf, ok.cookieverf, sizeof(r->verf));
	r->eof = ok.reply.eof;
	return ret;
}

int fnfs4_list(struct nfs_src *s, struct nfs_conn **cp,
	       const struct nfs_fhb *fh, struct nfs_dir *d, int64_t deadline)
{
	struct rd4 r = { .k.each = rd4_each, .s = s, .d = d };

	while (!r.eof) {
		nfs_argop4 ops[2];
		READDIR4args *a = &ops[1].nfs_argop4_u.opreaddir;
		int ret;

		memset(ops, 0, sizeof(ops));
		fnfs4_putfh(&ops[0], fh);
		ops[1].argop = OP_READDIR;
		a->cookie = r.cookie;
		memcpy(a->cookieverf, r.verf, sizeof(r.verf));
		a->dircount = 32768;
		a->maxcount = 262144;
		a->attr_request.bitmap4_len = 2;
		a->attr_request.bitmap4_val = (uint32_t *)dir_mask;
		r.added = 0;
		ret = fnfs4_run(s, cp, ops, 2, &r.k, deadline);
		if (ret)
			return ret;
		if (r.k.c.nfsstat)
			return fnfs_err(s, r.k.c.nfsstat, "READDIR");
		if (!r.added && !r.eof)
			return fnfs_dir_stalled(s, "READDIR");
	}
	return 0;
}
