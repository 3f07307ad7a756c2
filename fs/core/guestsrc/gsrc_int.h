/* The guest overlay's internals, shared by guestsrc.c (paths, attributes),
 * gsrc_file.c (guest files) and gsrc_dir.c (directories). */
#ifndef FIM_GSRC_INT_H
#define FIM_GSRC_INT_H

#include <pthread.h>
#include <stdint.h>

#include "gpool.h"
#include "guestsrc.h"
#include "source_backend.h"

#define GSRC_HIDDEN_SLOTS 256

struct gsrc {
	struct fim_source base;
	struct fim_source *lower;
	struct gpool *pool;
	pthread_mutex_t hidden_mu;  /* guards hidden */
	uint64_t hidden[GSRC_HIDDEN_SLOTS]; /* real NAME.files logged */
};

/* Log once (as far as a small table remembers) that the real entry at
 * dir/name is hidden by an image's NAME.files. */
void gsrc_note_hidden(struct gsrc *s, const char *dir, const char *name);

/* Where a path lies. img NULL: in the lower source. Else under the image
 * img (held until gsrc_unlocate): NAME.files/ itself (top), or partition
 * part at inner ("" for its root), inner pointing into the path. */
struct gloc {
	struct gimage *img;
	bool top;
	unsigned part;
	const char *inner;
};

int gsrc_locate(struct gsrc *s, const char *path, struct gloc *l);
void gsrc_unlocate(struct gsrc *s, struct gloc *l);
int gsrc_check_part(const struct gloc *l);

/* The guest's attributes of the entry l names (not top), remembered per
 * image state. */
int gsrc_guest_stat(const struct gloc *l, struct fim_gp_attr *a);

/* The attributes shown of a guest entry and of NAME.files/ itself. */
void gsrc_attr_stat(const struct gimage *img, unsigned part,
		    const struct fim_gp_attr *a, struct fim_stat *st);
void gsrc_top_stat(const struct gimage *img, struct fim_stat *st);

int gsrc_open(struct fim_source *src, const char *path,
	      struct fim_src_file **out);
int gsrc_fstat(struct fim_src_file *f, struct fim_stat *st);
long gsrc_pread(struct fim_src_file *f, void *buf, size_t len, uint64_t off);
int gsrc_fd(struct fim_src_file *f);
void gsrc_close(struct fim_src_file *f);

int gsrc_opendir(struct fim_source *src, const char *path,
		 struct fim_src_dir **out);
int gsrc_readdir(struct fim_src_dir *d, const char **name,
		 unsigned char *type, uint64_t *ino);
void gsrc_closedir(struct fim_src_dir *d);

#endif
