/* Directories of the NFS backend, for both versions: read whole at opendir
 * (the version's list: READDIRPLUS or READDIR) so that no connection is
 * held while the caller walks the listing. Types come from the attributes
 * the listing returns, or a LOOKUP when a server leaves them out, so
 * DT_UNKNOWN is never handed on. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
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

int fnfs_dir_add(struct nfs_src *s, struct nfs_dir *d, const char *name,
		 size_t len, uint64_t ino, unsigned char type)
{
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (!len || len > NAME_MAX || memchr(name, '/', len) ||
	    memchr(name, '\0', len)) {
		fim_log(LOG_ERR, "%s: the server listed a bad name (%zu "
			"bytes)", s->pub.root, len);
		return -EIO;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct dent *e = realloc(d->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		d->e = e;
		d->cap = cap;
	}
	d->e[d->n].name = strndup(name, len);
	if (!d->e[d->n].name)
		return -ENOMEM;
	d->e[d->n].ino = ino;
	d->e[d->n++].type = type;
	return 0;
}

int fnfs_dir_stalled(struct nfs_src *s, const char *op)
{
	fim_log(LOG_ERR, "%s: the server's %s makes no progress", s->pub.root,
		op);
	return -EIO;
}

static void entries_free(struct nfs_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->e[i].name);
	d->n = 0;
}

struct list_arg {
	const char *path;
	struct nfs_dir *d;
};

static int list_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		   int64_t deadline)
{
	struct list_arg *l = arg;
	struct fim_stat st;
	struct nfs_fhb fh;
	int ret;

	entries_free(l->d); /* a retry starts over */
	ret = fnfs_resolve_on(s, cp, l->path, &fh, &st, deadline);
	if (ret)
		return ret;
	if (!S_ISDIR(st.mode))
		return fnfs_not_dir(&st);
	ret = s->proto->list(s, cp, &fh, l->d, deadline);
	if (ret)
		return ret;
	for (size_t i = 0; i < l->d->n; i++) {
		struct dent *e = &l->d->e[i];

		if (e->type != DT_UNKNOWN)
			continue;
		ret = s->proto->walk(s, cp, &fh, e->name, NULL, &st, deadline);
		if (ret)
			return ret == -ENOENT ? -EAGAIN : ret;
		e->type = fnfs_dtype(st.mode);
		e->ino = st.ino;
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
