#include "source_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_nfs.h"

void fim_source_opts_init(struct fim_source_opts *o)
{
	o->nfs_version = 3;
	o->nfs_uid = -1;
	o->nfs_gid = -1;
	o->nfs_timeout_ms = 30000;
	o->nfs_retries = 2;
	o->nfs_read_size = 512u << 10;
	o->nfs_max_reads = 4;
}

char *fim_source_spec_below(const char *spec, const char *path)
{
	size_t len = strlen(spec);
	char *out;

	if (fim_source_is_url(spec))
		return fim_nfs_url_below(spec, path);
	if (!*path)
		return strdup(spec);
	if (asprintf(&out, "%s%s%s", spec, len && spec[len - 1] == '/' ? "" :
		     "/", path) < 0)
		return NULL;
	return out;
}

char *fim_source_spec_within(const char *spec, const char *below)
{
	size_t n = strlen(spec), m = strlen(below);

	if (fim_source_is_url(spec) || fim_source_is_url(below))
		return fim_source_is_url(spec) && fim_source_is_url(below) ?
			fim_nfs_url_within(spec, below) : NULL;
	while (n > 0 && spec[n - 1] == '/')
		n--;
	while (m > n && below[m - 1] == '/')
		m--;
	if (m < n || strncmp(spec, below, n) || (m > n && below[n] != '/'))
		return NULL;
	return m > n ? strndup(below + n + 1, m - n - 1) : strdup("");
}

int fim_source_open(const char *spec, const struct fim_source_opts *opts,
		    struct fim_source **out, char *err, size_t errsz)
{
	struct fim_source_opts def;

	if (!opts) {
		fim_source_opts_init(&def);
		opts = &def;
	}
	if (fim_source_is_url(spec))
		return fim_source_open_nfs(spec, opts, out, err, errsz);
	return fim_source_open_local(spec, out, err, errsz);
}

long fim_src_span_get(struct fim_src_file *f, size_t len, uint64_t off,
		      struct fim_src_span *span)
{
	const struct fim_source_ops *ops = f->src->ops;
	size_t done = 0;
	long n = 1;

	span->niov = 0;
	span->lent = 0;
	span->buf = NULL;
	if (ops->lend) {
		span->niov = FIM_SPAN_IOV;
		span->lent = 1;
		n = ops->lend(f, len, off, span->iov, &span->niov);
		if (n < 0 || (size_t)n == len)
			return n;
	}
	/* Not all at hand: what was lent and the rest by pread, in a buffer
	 * of the span's own (a reply is one or the other, never a mix). */
	span->buf = malloc(len ? len : 1);
	if (!span->buf)
		return -ENOMEM;
	for (int i = 0; i < span->niov; i++) {
		memcpy(span->buf + done, span->iov[i].iov_base,
		       span->iov[i].iov_len);
		done += span->iov[i].iov_len;
	}
	if (span->lent)
		ops->give_back(f);
	span->lent = 0;
	for (n = 1; done < len && n > 0;) {
		n = fim_src_pread(f, span->buf + done, len - done, off + done);
		if (n > 0)
			done += (size_t)n;
	}
	/* Never the part before an error: it would end the file. */
	if (n < 0)
		return n;
	span->iov[0] = (struct iovec){ span->buf, done };
	span->niov = 1;
	return (long)done;
}

void fim_src_span_put(struct fim_src_file *f, struct fim_src_span *span)
{
	if (span->lent)
		f->src->ops->give_back(f);
	span->lent = 0;
	free(span->buf);
	span->buf = NULL;
}

void fim_source_close(struct fim_source *src)
{
	if (src)
		src->ops->destroy(src);
}

int fim_src_lstat(struct fim_source *s, const char *p, struct fim_stat *st)
{
	return s->ops->lstat(s, p, st);
}

int fim_src_open(struct fim_source *s, const char *p, struct fim_src_file **f)
{
	return s->ops->open(s, p, f);
}

int fim_src_open_stat(struct fim_source *s, const char *p,
		      struct fim_src_file **f, struct fim_stat *st)
{
	int ret;

	if (s->ops->open_stat)
		return s->ops->open_stat(s, p, f, st);
	ret = s->ops->open(s, p, f);
	if (!ret && (ret = fim_src_fstat(*f, st))) {
		fim_src_close(*f);
		*f = NULL;
	}
	return ret;
}

long fim_src_pread(struct fim_src_file *f, void *b, size_t n, uint64_t off)
{
	return f->src->ops->pread(f, b, n, off);
}

int fim_src_fstat(struct fim_src_file *f, struct fim_stat *st)
{
	return f->src->ops->fstat(f, st);
}

int fim_src_fd(struct fim_src_file *f)
{
	return f->src->ops->fd(f);
}

void fim_src_close(struct fim_src_file *f)
{
	if (f)
		f->src->ops->close(f);
}

int fim_src_opendir(struct fim_source *s, const char *p,
		    struct fim_src_dir **d)
{
	return s->ops->opendir(s, p, d);
}

int fim_src_readdir(struct fim_src_dir *d, const char **name,
		    unsigned char *type, uint64_t *ino)
{
	return d->src->ops->readdir(d, name, type, ino);
}

int fim_src_lstat_at(struct fim_src_dir *d, const char *name,
		     struct fim_stat *st)
{
	if (!d->src->ops->lstat_at)
		return -ENOSYS;
	return d->src->ops->lstat_at(d, name, st);
}

void fim_src_closedir(struct fim_src_dir *d)
{
	if (d)
		d->src->ops->closedir(d);
}

long fim_src_readlink(struct fim_source *s, const char *p, char *buf,
		      size_t size)
{
	return s->ops->readlink(s, p, buf, size);
}

long fim_src_getxattr(struct fim_source *s, const char *p, const char *name,
		      void *buf, size_t size)
{
	return s->ops->getxattr(s, p, name, buf, size);
}

long fim_src_listxattr(struct fim_source *s, const char *p, char *buf,
		       size_t size)
{
	return s->ops->listxattr(s, p, buf, size);
}

long fim_src_access_attrs(struct fim_source *s, const char *p, bool dir,
			  struct fim_stat *st, void *buf, size_t size)
{
	return s->ops->access_attrs(s, p, dir, st, buf, size);
}

int fim_src_created(struct fim_source *s, const char *p, int64_t *ns)
{
	return s->ops->created ? s->ops->created(s, p, ns) : -ENOTSUP;
}

void fim_src_statvfs(struct fim_source *s, struct statvfs *sv)
{
	if (s->ops->statvfs)
		s->ops->statvfs(s, sv);
}

void fim_src_serving(struct fim_source *s)
{
	if (s->ops->serving)
		s->ops->serving(s);
}
