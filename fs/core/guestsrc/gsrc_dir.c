/* Directories of the guest overlay: those of the lower source, with
 * NAME.files beside each image (a real entry of that name hidden), and
 * those inside an image, read whole when opened. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpath.h"
#include "gsrc_int.h"
#include "log.h"
#include "strhash.h"

struct gent {
	char *name;
	unsigned char type;
	uint64_t ino;
};

struct gdir {
	struct fim_src_dir base;
	/* a lower directory */
	struct fim_src_dir *lower;
	char *path;                      /* its path, "" for the root */
	char pending[NAME_MAX + 1];      /* NAME.files to list next, or "" */
	struct fim_stat pending_image;   /* NAME's attributes */
	char shown[NAME_MAX + 1];        /* the NAME.files listed last */
	/* a directory inside an image, its entries */
	struct gent *ents;
	size_t n, cap, next;
};

static int add(struct gdir *d, const char *name, unsigned char type,
	       uint64_t ino)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 32;
		struct gent *e = realloc(d->ents, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		d->ents = e;
		d->cap = cap;
	}
	d->ents[d->n].name = strdup(name);
	if (!d->ents[d->n].name)
		return -ENOMEM;
	d->ents[d->n].type = type;
	d->ents[d->n].ino = ino;
	d->n++;
	return 0;
}

static int list_parts(const struct gloc *l, struct gdir *d)
{
	const struct fim_guest_part *parts;
	struct fim_gp_attr a;
	char why[256], name[16];
	size_t n;
	int ret = gpool_parts(l->img, &parts, &n, why, sizeof(why));

	if (ret)
		return -EIO;
	for (size_t i = 0; i < n && !ret; i++) {
		uint64_t ino = 0;

		if (parts[i].readable &&
		    !fim_guest_stat(l->img->g, parts[i].number, "", &a))
			ino = a.ino;
		gpath_part_name(parts[i].number, name);
		ret = add(d, name, DT_DIR,
			  gpath_ino(&l->img->st, parts[i].number, ino));
	}
	return ret;
}

struct listing {
	struct gdir *d;
	const struct gloc *l;
	int err;
};

static unsigned char dtype(uint8_t type)
{
	switch (type) {
	case FIM_GP_REG:
		return DT_REG;
	case FIM_GP_DIR:
		return DT_DIR;
	case FIM_GP_LNK:
		return DT_LNK;
	default:
		return DT_FIFO;
	}
}

static int list_one(void *arg, const char *name, const struct fim_gp_attr *a)
{
	struct listing *li = arg;
	const char *dir = li->l->inner;
	size_t dlen = strlen(dir), nlen = strlen(name);
	char path[PATH_MAX];

	/* what a lookup of each name asks next (a path too long is never
	 * looked up) */
	if (dlen + 1 + nlen < sizeof(path)) {
		memcpy(path, dir, dlen);
		path[dlen] = '/';
		memcpy(path + dlen + !!dlen, name, nlen + 1);
		gpool_attr_put(li->l->img, li->l->part, path, a);
	}
	li->err = add(li->d, name, dtype(a->type),
		      gpath_ino(&li->l->img->st, li->l->part, a->ino));
	return li->err;
}

static int list_guest(const struct gloc *l, struct gdir *d)
{
	struct listing li = { .d = d, .l = l };
	unsigned skipped = 0;
	int ret = gsrc_check_part(l);

	if (!ret)
		ret = fim_guest_readdir(l->img->g, l->part, l->inner, list_one,
					&li, &skipped);
	if (!ret && skipped)
		fim_log(LOG_WARNING, "guest: %s.files: %u names fimfs cannot "
			"show are left out", l->img->path, skipped);
	return li.err ? li.err : ret;
}

static void gdir_free(struct gdir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->ents[i].name);
	free(d->ents);
	free(d->path);
	fim_src_closedir(d->lower);
	free(d);
}

int gsrc_opendir(struct fim_source *src, const char *path,
		 struct fim_src_dir **out)
{
	struct gsrc *s = (struct gsrc *)src;
	struct gdir *d = calloc(1, sizeof(*d));
	struct gloc l;
	int ret;

	if (!d)
		return -ENOMEM;
	d->base.src = src;
	ret = gsrc_locate(s, path, &l);
	if (!ret && !l.img) {
		d->path = strdup(path);
		ret = d->path ? fim_src_opendir(s->lower, path, &d->lower)
			      : -ENOMEM;
	} else if (!ret) {
		ret = l.top ? list_parts(&l, d) : list_guest(&l, d);
		gsrc_unlocate(s, &l);
	}
	if (ret) {
		gdir_free(d);
		return ret;
	}
	*out = &d->base;
	return 0;
}

/* Whether the lower entry name of d is an image. */
static bool is_image(struct gsrc *s, struct gdir *d, const char *name,
		     size_t len, struct fim_stat *st)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s%.*s", d->path,
			 *d->path ? "/" : "", (int)len, name);

	return n > 0 && (size_t)n < sizeof(path) &&
	       !fim_src_lstat(s->lower, path, st) &&
	       gpool_is_image(s->pool, path, st);
}

static int lower_next(struct gsrc *s, struct gdir *d, const char **name,
		      unsigned char *type, uint64_t *ino)
{
	const size_t slen = sizeof(FIM_GUEST_SUFFIX) - 1;
	struct fim_stat st;
	size_t len;
	int ret;

	for (;;) {
		ret = fim_src_readdir(d->lower, name, type, ino);
		if (ret || !*name)
			return ret;
		len = strlen(*name);
		if (len > slen &&
		    !strcmp(*name + len - slen, FIM_GUEST_SUFFIX) &&
		    is_image(s, d, *name, len - slen, &st)) {
			gsrc_note_hidden(s, d->path, *name);
			continue;
		}
		if (*type == DT_REG && len + slen <= NAME_MAX &&
		    is_image(s, d, *name, len, &d->pending_image))
			snprintf(d->pending, sizeof(d->pending), "%s%s",
				 *name, FIM_GUEST_SUFFIX);
		return 0;
	}
}

int gsrc_readdir(struct fim_src_dir *dir, const char **name,
		 unsigned char *type, uint64_t *ino)
{
	struct gdir *d = (struct gdir *)dir;

	if (!d->lower) {
		if (d->next == d->n) {
			*name = NULL;
			return 0;
		}
		*name = d->ents[d->next].name;
		*type = d->ents[d->next].type;
		*ino = d->ents[d->next].ino;
		d->next++;
		return 0;
	}
	if (*d->pending) {
		/* valid until the next call, which may set another pending */
		memcpy(d->shown, d->pending, sizeof(d->shown));
		*d->pending = '\0';
		*name = d->shown;
		*type = DT_DIR;
		*ino = gpath_ino(&d->pending_image, FIM_GPATH_TOP, 0);
		return 0;
	}
	return lower_next((struct gsrc *)dir->src, d, name, type, ino);
}

void gsrc_note_hidden(struct gsrc *s, const char *dir, const char *name)
{
	char path[PATH_MAX];
	uint64_t h;
	bool said;

	snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "", name);
	h = fim_strhash_keyed(path) | 1; /* 0 marks an empty slot */
	pthread_mutex_lock(&s->hidden_mu);
	said = s->hidden[h % GSRC_HIDDEN_SLOTS] == h;
	s->hidden[h % GSRC_HIDDEN_SLOTS] = h;
	pthread_mutex_unlock(&s->hidden_mu);
	if (!said)
		fim_log(LOG_WARNING, "guest: %s is hidden by the file systems "
			"of the image beside it", path);
}

void gsrc_closedir(struct fim_src_dir *dir)
{
	gdir_free((struct gdir *)dir);
}
