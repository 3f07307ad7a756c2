#include "guestsrc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpath.h"
#include "gpool.h"
#include "gsrc_int.h"
#include "log.h"

static const struct fim_source_ops gsrc_ops;

static struct gsrc *of(struct fim_source *src)
{
	return (struct gsrc *)src;
}

/* Where path lies: under the first NAME.files/ of an image, or in the
 * lower source (l->img NULL). */
int gsrc_locate(struct gsrc *s, const char *path, struct gloc *l)
{
	char image[PATH_MAX];
	struct fim_stat st;
	size_t from = 0, end, name_len;
	const char *rest;
	int ret;

	memset(l, 0, sizeof(*l));
	gpool_warm(s->pool);
	while ((end = gpath_next(path, from, &name_len))) {
		from = end + (path[end] == '/');
		if (name_len >= sizeof(image))
			return -ENAMETOOLONG;
		memcpy(image, path, name_len);
		image[name_len] = '\0';
		if (fim_src_lstat(s->lower, image, &st) ||
		    !gpool_is_image(s->pool, image, &st))
			continue;
		ret = gpool_get(s->pool, image, &st, &l->img);
		if (ret)
			return ret == -ENOTSUP ? -ENOENT : ret;
		rest = path + from;
		l->top = !*rest;
		if (l->top)
			return 0;
		l->inner = rest + strcspn(rest, "/");
		if (!gpath_part(rest, (size_t)(l->inner - rest), &l->part)) {
			gpool_put(s->pool, l->img);
			l->img = NULL;
			return -ENOENT;
		}
		l->inner += *l->inner == '/';
		return 0;
	}
	return 0;
}

void gsrc_unlocate(struct gsrc *s, struct gloc *l)
{
	gpool_put(s->pool, l->img);
	l->img = NULL;
}

/* The partition l names, when the reader can read it: -ENOENT when the
 * image has no such partition, -EIO (logged) when it cannot be read. */
int gsrc_check_part(const struct gloc *l)
{
	const struct fim_guest_part *parts;
	char why[256];
	size_t n;
	int ret;

	ret = gpool_parts(l->img, &parts, &n, why, sizeof(why));
	if (ret)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		if (parts[i].number == l->part)
			return parts[i].readable ? 0 : -EIO;
	return -ENOENT;
}

int gsrc_guest_stat(const struct gloc *l, struct fim_gp_attr *a)
{
	int ret;

	if (gpool_attr_get(l->img, l->part, l->inner, a))
		return 0;
	ret = fim_guest_stat(l->img->g, l->part, l->inner, a);
	if (!ret)
		gpool_attr_put(l->img, l->part, l->inner, a);
	return ret;
}

static mode_t mode_of(uint8_t type)
{
	switch (type) {
	case FIM_GP_REG:
		return S_IFREG;
	case FIM_GP_DIR:
		return S_IFDIR;
	case FIM_GP_LNK:
		return S_IFLNK;
	default:
		return S_IFIFO; /* never opened: fimfs reads files only */
	}
}

void gsrc_attr_stat(const struct gimage *img, unsigned part,
		    const struct fim_gp_attr *a, struct fim_stat *st)
{
	*st = (struct fim_stat){
		.dev = img->st.dev,
		.ino = gpath_ino(&img->st, part, a->ino),
		.mode = mode_of(a->type) | (a->mode & 07777),
		.nlink = a->nlink ? a->nlink : 1,
		.uid = a->uid,
		.gid = a->gid,
		.size = a->type == FIM_GP_DIR ? 0 : a->size,
		.blocks = (a->size + 511) / 512,
		.atime_ns = a->atime * 1000000000 + a->atime_ns,
		.mtime_ns = a->mtime * 1000000000 + a->mtime_ns,
		.ctime_ns = a->ctime * 1000000000 + a->ctime_ns,
	};
}

/* NAME.files/ itself: a directory readable by whoever may read the image
 * (r becomes r-x), owned as the image is, with its times. */
void gsrc_top_stat(const struct gimage *img, struct fim_stat *st)
{
	mode_t r = img->st.mode & 0444;

	*st = img->st;
	st->ino = gpath_ino(&img->st, FIM_GPATH_TOP, 0);
	st->mode = S_IFDIR | r | r >> 2;
	st->nlink = 2;
	st->size = 0;
	st->blocks = 0;
	st->rdev = 0;
}

static int guest_lstat(const struct gloc *l, struct fim_stat *st)
{
	struct fim_gp_attr a;
	int ret;

	if (l->top) {
		gsrc_top_stat(l->img, st);
		return 0;
	}
	ret = gsrc_check_part(l);
	if (!ret)
		ret = gsrc_guest_stat(l, &a);
	if (!ret)
		gsrc_attr_stat(l->img, l->part, &a, st);
	return ret;
}

static int g_lstat(struct fim_source *src, const char *path,
		   struct fim_stat *st)
{
	struct gsrc *s = of(src);
	struct gloc l;
	int ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_lstat(s->lower, path, st);
	ret = guest_lstat(&l, st);
	gsrc_unlocate(s, &l);
	return ret;
}

static long g_readlink(struct fim_source *src, const char *path, char *buf,
		       size_t size)
{
	struct gsrc *s = of(src);
	struct gloc l;
	long ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_readlink(s->lower, path, buf, size);
	ret = l.top ? -EINVAL : gsrc_check_part(&l);
	if (!ret && !*l.inner)
		ret = -EINVAL;
	if (!ret)
		ret = fim_guest_readlink(l.img->g, l.part, l.inner, buf, size);
	gsrc_unlocate(s, &l);
	return ret;
}

/* Guest entries carry no extended attributes of their own. */
static long g_getxattr(struct fim_source *src, const char *path,
		       const char *name, void *buf, size_t size)
{
	struct gsrc *s = of(src);
	struct gloc l;
	long ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_getxattr(s->lower, path, name, buf, size);
	gsrc_unlocate(s, &l);
	return -ENODATA;
}

static long g_listxattr(struct fim_source *src, const char *path, char *buf,
			size_t size)
{
	struct gsrc *s = of(src);
	struct gloc l;
	long ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_listxattr(s->lower, path, buf, size);
	gsrc_unlocate(s, &l);
	return 0;
}

/* Access checks inside an image go by what is shown: NAME.files/ opens to
 * whoever may read the image, and the guest's own modes below it (which
 * only ever narrow that), without ACLs. */
static long g_access_attrs(struct fim_source *src, const char *path,
			   bool dir, struct fim_stat *st, void *buf,
			   size_t size)
{
	struct gsrc *s = of(src);
	struct gloc l;
	long ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_access_attrs(s->lower, path, dir, st, buf,
					    size);
	ret = guest_lstat(&l, st);
	if (!ret && dir && !S_ISDIR(st->mode))
		ret = -ENOTDIR;
	gsrc_unlocate(s, &l);
	return ret;
}

static int g_created(struct fim_source *src, const char *path, int64_t *ns)
{
	struct gsrc *s = of(src);
	struct gloc l;
	int ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_created(s->lower, path, ns);
	gsrc_unlocate(s, &l);
	return -ENOTSUP;
}

static int g_statvfs(struct fim_source *src, struct statvfs *sv)
{
	fim_src_statvfs(of(src)->lower, sv);
	return 0;
}

/* The spare reader starts with the mount, not at its first request: a
 * find right after mounting waited for its start. */
static void g_serving(struct fim_source *src)
{
	gpool_warm(of(src)->pool);
}

static void g_destroy(struct fim_source *src)
{
	struct gsrc *s = of(src);

	gpool_free(s->pool);
	fim_source_close(s->lower);
	pthread_mutex_destroy(&s->hidden_mu);
	free(s);
}

int fim_source_guest_wrap(struct fim_source *lower,
			  const struct fim_config *cfg,
			  struct fim_source **out)
{
	struct gsrc *s = calloc(1, sizeof(*s));
	struct gpool_opts po;
	int ret;

	if (!s)
		return -ENOMEM;
	fim_guest_opts_init(&po.guest);
	po.guest.helper = cfg->guest_helper;
	po.guest.timeout_ms = (unsigned)cfg->guest_timeout_ms;
	po.guest.mem_mib = (unsigned)cfg->guest_memory_mib;
	po.max_children = (unsigned)cfg->guest_children;
	po.idle_seconds = cfg->guest_idle;
	ret = gpool_new(lower, &po, &s->pool);
	if (ret) {
		free(s);
		return ret;
	}
	pthread_mutex_init(&s->hidden_mu, NULL);
	s->base.ops = &gsrc_ops;
	s->base.root = lower->root;
	s->lower = lower;
	*out = &s->base;
	return 0;
}

static const struct fim_source_ops gsrc_ops = {
	.lstat = g_lstat,
	.open = gsrc_open,
	.fstat = gsrc_fstat,
	.pread = gsrc_pread,
	.fd = gsrc_fd,
	.close = gsrc_close,
	.opendir = gsrc_opendir,
	.readdir = gsrc_readdir,
	.closedir = gsrc_closedir,
	.readlink = g_readlink,
	.getxattr = g_getxattr,
	.listxattr = g_listxattr,
	.access_attrs = g_access_attrs,
	.created = g_created,
	.statvfs = g_statvfs,
	.serving = g_serving,
	.destroy = g_destroy,
};
