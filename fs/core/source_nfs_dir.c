/* Directories of the NFS backend: READDIRPLUS, read whole at opendir so
 * that no connection is held while the caller walks the listing. Types
 * come from the attributes READDIRPLUS returns, or a LOOKUP when a server
 * leaves them out, so DT_UNKNOWN is never handed on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "source_nfs_int.h"

struct dent {
	char *name;
	uint64_t ino;
	unsigned char type;
};

struct nfs_dir {
	struct fim_src_dir pub;
	struct dent *e;
	size_t n, cap, next;
};

struct rdp_call {
	struct call c;
	struct nfs_dir *d;
	uint64_t cookie;
	char verf[NFS3_COOKIEVERFSIZE];
	int eof, oom;
};

static int add(struct nfs_dir *d, const char *name, uint64_t ino,
	       unsigned char type)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct dent *e = realloc(d->e, cap * sizeof(*e));

		if (!e)
			return -1;
		d->e = e;
		d->cap = cap;
	}
	d->e[d->n].name = strdup(name);
	if (!d->e[d->n].name)
		return -1;
	d->e[d->n].ino = ino;
	d->e[d->n++].type = type;
	return 0;
}

static void rdp_cb(struct rpc_context *rpc, int status, void *data,
		   void *priv)
{
	struct rdp_call *r = priv;
	READDIRPLUS3res *res = data;

	(void)rpc;
	r->c.status = status;
	if (status == RPC_STATUS_SUCCESS) {
		READDIRPLUS3resok *ok = &res->READDIRPLUS3res_u.resok;

		r->c.nfsstat = res->status;
		if (res->status == NFS3_OK) {
			/* libnfs's decoder leaves entries misaligned: copy
			 * each one out before reading its 8-byte fields. */
			for (entryplus3 *p = ok->reply.entries, e; p;
			     p = e.nextentry) {
				const post_op_attr *a = &e.name_attributes;

				memcpy(&e, p, sizeof(e));
				r->cookie = e.cookie;
				if (!strcmp(e.name, ".") ||
				    !strcmp(e.name, ".."))
					continue;
				if (add(r->d, e.name, e.fileid,
					a->attributes_follow
					? fnfs_dtype_of(a->post_op_attr_u
						       .attributes.type)
					: DT_UNKNOWN))
					r->oom = 1;
			}
			memcpy(r->verf, ok->cookieverf, sizeof(r->verf));
			r->eof = ok->reply.eof;
		}
	}
	r->c.done = 1;
}

struct list_arg {
	const char *path;
	struct nfs_dir *d;
};

static void entries_free(struct nfs_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->e[i].name);
	d->n = 0;
}

static int list_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		   int64_t deadline)
{
	struct list_arg *l = arg;
	struct rdp_call r = { .d = l->d };
	struct nfs_fhb fh, tmp;
	struct fattr3 a;
	int ret;

	entries_free(l->d); /* a retry starts over */
	ret = fnfs_resolve_on(s, cp, l->path, &fh, &a, deadline);
	if (ret)
		return ret;
	if (a.type != NF3DIR)
		return a.type == NF3LNK ? -ELOOP : -ENOTDIR;
	while (!r.eof) {
		READDIRPLUS3args args = { .cookie = r.cookie,
					  .dircount = 32768,
					  .maxcount = 262144 };

		fnfs_fh_arg(&args.dir, &fh);
		memcpy(args.cookieverf, r.verf, sizeof(r.verf));
		memset(&r.c, 0, sizeof(r.c));
		ret = fnfs_call_wait(cp, &r.c, rpc_nfs3_readdirplus_async(
					    (*cp)->rpc, rdp_cb, &args, &r),
				    deadline);
		if (ret)
			return ret;
		if (r.oom)
			return -ENOMEM;
		if (r.c.nfsstat)
			return fnfs_err(s, r.c.nfsstat, l->path);
	}
	for (size_t i = 0; i < l->d->n; i++) {
		struct dent *e = &l->d->e[i];

		if (e->type != DT_UNKNOWN)
			continue;
		ret = fnfs_lookup_on(s, cp, &fh, e->name, &tmp, &a, deadline);
		if (ret)
			return ret == -ENOENT ? -EAGAIN : ret;
		e->type = fnfs_dtype_of(a.type);
	}
	return 0;
}

int fnfs_dir_open(struct fim_source *src, const char *path,
		 struct fim_src_dir **out)
{
	struct nfs_dir *d = calloc(1, sizeof(*d));
	struct list_arg l = { path, d };
	int ret;

	if (!d)
		return -ENOMEM;
	d->pub.src = src;
	ret = fnfs_with_conn((struct nfs_src *)src, list_op, &l);
	if (ret) {
		fnfs_dir_close(&d->pub);
		return ret;
	}
	*out = &d->pub;
	return 0;
}

int fnfs_dir_read(struct fim_src_dir *dir, const char **name,
		 unsigned char *type, uint64_t *ino)
{
	struct nfs_dir *d = (struct nfs_dir *)dir;
	struct dent *e;

	if (d->next == d->n) {
		*name = NULL;
		return 0;
	}
	e = &d->e[d->next++];
	*name = e->name;
	*type = e->type;
	*ino = e->ino;
	return 0;
}

void fnfs_dir_close(struct fim_src_dir *dir)
{
	struct nfs_dir *d = (struct nfs_dir *)dir;

	entries_free(d);
	free(d->e);
	free(d);
}
