/* Open files and directories of the view: typed handles over SOURCE's own,
 * so that front ends hold only what view.h declares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "view_int.h"

struct fim_view_file {
	struct fim_src_file *f;
};

struct fim_view_dir {
	struct fim_view *v;
	struct fim_src_dir *d;
	char path[]; /* the directory's, for the inode numbers it shows */
};

int fim_view_open(struct fim_view *v, const char *path,
		  struct fim_view_file **out)
{
	struct fim_view_file *f = malloc(sizeof(*f));
	int ret;

	*out = NULL;
	if (!f)
		return -ENOMEM;
	ret = fim_src_open(fim_view_source(v), path, &f->f);
	if (ret) {
		free(f);
		return ret;
	}
	*out = f;
	return 0;
}

int fim_view_fstat(struct fim_view_file *f, struct fim_stat *st)
{
	return fim_src_fstat(f->f, st);
}

int fim_view_fd(struct fim_view_file *f)
{
	return fim_src_fd(f->f);
}

long fim_view_read(struct fim_view_file *f, size_t len, uint64_t off,
		   fim_view_deliver_cb deliver, void *arg)
{
	struct fim_src_span span;
	long n = fim_src_span_get(f->f, len, off, &span);

	if (n >= 0)
		deliver(arg, span.iov, span.niov);
	fim_src_span_put(f->f, &span);
	return n;
}

void fim_view_close(struct fim_view_file *f)
{
	if (!f)
		return;
	fim_src_close(f->f);
	free(f);
}

int fim_view_opendir(struct fim_view *v, const char *path,
		     struct fim_view_dir **out)
{
	size_t len = strlen(path);
	struct fim_view_dir *d = malloc(sizeof(*d) + len + 1);
	int ret;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	ret = fim_src_opendir(fim_view_source(v), path, &d->d);
	if (ret) {
		free(d);
		return ret;
	}
	d->v = v;
	memcpy(d->path, path, len + 1);
	*out = d;
	return 0;
}

int fim_view_readdir(struct fim_view_dir *d, const char **name,
		     unsigned char *type, uint64_t *ino)
{
	int ret = fim_src_readdir(d->d, name, type, ino);

	/* at the root, the snapshot is the listed name itself */
	if (!ret && *name)
		*ino = fim_view_ino(d->v, *d->path ? d->path : *name, *ino);
	return ret;
}

int fim_view_dir_lstat(struct fim_view_dir *d, const char *name,
		       struct fim_stat *st)
{
	char *path;
	int ret = fim_src_lstat_at(d->d, name, st);

	if (ret != -ENOSYS)
		return ret;
	if (asprintf(&path, "%s%s%s", d->path, *d->path ? "/" : "", name) < 0)
		return -ENOMEM;
	ret = fim_src_lstat(fim_view_source(d->v), path, st);
	free(path);
	return ret;
}

void fim_view_closedir(struct fim_view_dir *d)
{
	if (!d)
		return;
	fim_src_closedir(d->d);
	free(d);
}
