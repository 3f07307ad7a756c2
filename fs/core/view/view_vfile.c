/* Open virtual entries: the content of one open, computed on its first
 * read and then kept, so that every read of one open sees one answer. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "view_int.h"

struct fim_view_vfile {
	struct fim_view *v;
	int kind;
	fim_content_fn content;
	bool checked;       /* file: the one a check allowed */
	struct fim_stat file;
	pthread_mutex_t mu; /* guards kept, buf, len */
	bool kept;          /* set once; buf and len never change after */
	char *buf;
	size_t len;
	char path[];        /* the regular file's */
};

struct vread {
	struct fim_view_vfile *vf;
	fim_content_cb cb;
	void *arg;
};

bool fim_view_same_file(struct fim_view *v, const char *path,
			const struct fim_stat *was)
{
	struct fim_stat now;

	/* read as an access check reads it (a directory entered if mounted
	 * on demand) */
	return !fim_src_access_attrs(fim_view_source(v), path,
				     S_ISDIR(was->mode), &now, NULL, 0) &&
	       now.dev == was->dev && now.ino == was->ino;
}

int fim_view_vopen(struct fim_view *v, const char *path, int kind,
		   fim_content_fn content, const struct fim_stat *file,
		   struct fim_view_vfile **out)
{
	size_t len = strlen(path);
	struct fim_view_vfile *vf = calloc(1, sizeof(*vf) + len + 1);

	*out = NULL;
	if (!vf)
		return -ENOMEM;
	vf->v = v;
	vf->kind = kind;
	vf->content = content ? content : fim_view_content;
	if (file) {
		vf->checked = true;
		vf->file = *file;
	}
	pthread_mutex_init(&vf->mu, NULL);
	memcpy(vf->path, path, len + 1);
	*out = vf;
	return 0;
}

bool fim_view_vkept(struct fim_view_vfile *vf, const char **buf,
		    size_t *len)
{
	bool kept;

	pthread_mutex_lock(&vf->mu);
	kept = vf->kept;
	pthread_mutex_unlock(&vf->mu);
	if (kept) {
		*buf = vf->buf;
		*len = vf->len;
	}
	return kept;
}

static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct vread *r = arg;
	struct fim_view_vfile *vf = r->vf;
	char *copy;

	/* Never the content of another file than the one the opener was
	 * allowed to read: a snapshot rotated since then. */
	if (!err && vf->checked &&
	    !fim_view_same_file(vf->v, vf->path, &vf->file))
		err = -ESTALE;
	pthread_mutex_lock(&vf->mu);
	/* Failures are not kept: the next read tries again. The first
	 * answer kept is the one every read gets. */
	if (!err && !vf->kept) {
		copy = malloc(len ? len : 1);
		if (copy) {
			memcpy(copy, buf, len);
			vf->buf = copy;
			vf->len = len;
			vf->kept = true;
		} else {
			err = -ENOMEM;
		}
	}
	pthread_mutex_unlock(&vf->mu);
	if (err)
		r->cb(r->arg, err, NULL, 0);
	else
		r->cb(r->arg, 0, vf->buf, vf->len);
	free(r);
}

int fim_view_vread(struct fim_view_vfile *vf, fim_content_cb cb, void *arg)
{
	struct vread *r = malloc(sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	*r = (struct vread){ .vf = vf, .cb = cb, .arg = arg };
	ret = vf->content(vf->v, vf->path, vf->kind, on_content, r);
	if (ret)
		free(r);
	return ret;
}

void fim_view_vclose(struct fim_view_vfile *vf)
{
	if (!vf)
		return;
	pthread_mutex_destroy(&vf->mu);
	free(vf->buf);
	free(vf);
}
