/* Regular files inside an image: read through the image's reader, no
 * kernel descriptor. */
#include <errno.h>
#include <stdlib.h>

#include "gpath.h"
#include "gsrc_int.h"

struct gfile {
	struct fim_src_file base;
	struct gloc l;
	uint64_t guest_ino;
	struct fim_stat st; /* as opened */
};

int gsrc_open(struct fim_source *src, const char *path,
	      struct fim_src_file **out)
{
	struct gsrc *s = (struct gsrc *)src;
	struct fim_gp_attr a;
	struct gfile *f;
	struct gloc l;
	int ret = gsrc_locate(s, path, &l);

	if (ret)
		return ret;
	if (!l.img)
		return fim_src_open(s->lower, path, out);
	ret = l.top ? -EINVAL : gsrc_check_part(&l);
	if (!ret)
		ret = gsrc_guest_stat(&l, &a);
	if (!ret && a.type != FIM_GP_REG)
		ret = -EINVAL;
	f = ret ? NULL : calloc(1, sizeof(*f));
	if (!ret && !f)
		ret = -ENOMEM;
	if (ret) {
		gsrc_unlocate(s, &l);
		return ret;
	}
	f->base.src = src;
	f->l = l;
	f->l.inner = NULL; /* points into the caller's path */
	f->guest_ino = a.ino;
	gsrc_attr_stat(l.img, l.part, &a, &f->st);
	*out = &f->base;
	return 0;
}

/* The file as opened while the image is the state it was opened in; once
 * the image changed, the attributes of the new state's inode number, so
 * that a hash read across the change is never taken for either. */
int gsrc_fstat(struct fim_src_file *file, struct fim_stat *st)
{
	struct gfile *f = (struct gfile *)file;
	struct fim_stat now;
	int ret = gpool_image_now(f->l.img, &now);

	if (ret)
		return ret;
	*st = f->st;
	if (!gpool_same_image(&now, &f->l.img->st))
		st->ino = gpath_ino(&now, f->l.part, f->guest_ino);
	return 0;
}

long gsrc_pread(struct fim_src_file *file, void *buf, size_t len,
		uint64_t off)
{
	struct gfile *f = (struct gfile *)file;

	if (len > FIM_GP_READ_MAX)
		len = FIM_GP_READ_MAX;
	return fim_guest_read(f->l.img->g, f->l.part, f->guest_ino, off, buf,
			      len);
}

int gsrc_fd(struct fim_src_file *file)
{
	(void)file;
	return -1;
}

void gsrc_close(struct fim_src_file *file)
{
	struct gfile *f = (struct gfile *)file;

	gsrc_unlocate((struct gsrc *)file->src, &f->l);
	free(f);
}
