#include "source.h"

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
