/* The disk images of a guest overlay (guestsrc.c): which regular files of
 * the lower source are images, and one fim_guest (one sandboxed reader) per
 * image state, shared by all threads.
 *
 * An image state is the identity the host sees (device, inode number, size,
 * mtime, ctime): a changed image is a new state with a reader of its own,
 * and its old reader stops once unused. At most max_children readers stay
 * alive (the least recently used unused one is stopped beyond that), and a
 * reader unused for idle seconds is stopped at the next request.
 */
#ifndef FIM_GPOOL_H
#define FIM_GPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "guest.h"
#include "source.h"

struct gpool;

struct gpool_opts {
	struct fim_guest_opts guest;
	unsigned max_children; /* 0 = 1 */
	double idle_seconds;   /* 0 = never */
};

int gpool_new(struct fim_source *lower, const struct gpool_opts *o,
	      struct gpool **out);
void gpool_free(struct gpool *p);

/* Starts a spare reader (fim_guest_spare_new), once, so that the first
 * image looked at does not wait for one to start. Called when the serving
 * process is set up (fim_src_serving) or at the first use of the source,
 * whichever comes first, rather than by gpool_new: a daemon makes its
 * source before it forks and drops privileges, and a reader must be the
 * child of the process, and have the user, that serves. */
void gpool_warm(struct gpool *p);

/* Whether the entry st at path of the lower source is a disk image: a
 * regular file of at least a minimum size whose first and last bytes say
 * so (guest_magic.h). The answer is kept per identity. */
bool gpool_is_image(struct gpool *p, const char *path,
		    const struct fim_stat *st);

/* One image state, with its reader. */
struct gimage {
	struct fim_stat st;      /* the image's identity when it was opened */
	struct fim_guest *g;
	const char *path;        /* the lower path it was opened by */
};

/* The image at path, whose attributes the caller has just read into st,
 * with a reference gpool_put drops. */
int gpool_get(struct gpool *p, const char *path, const struct fim_stat *st,
	      struct gimage **out);
void gpool_put(struct gpool *p, struct gimage *img);

/* The image's identity now, read from the file its reader reads: st as
 * gimage.st when unchanged. */
int gpool_image_now(struct gimage *img, struct fim_stat *st);

/* Its partitions, read once (fim_guest_parts): the array stays valid while
 * img is held; a negative errno when the image holds none, with the reason
 * in why. */
int gpool_parts(struct gimage *img, const struct fim_guest_part **parts,
		size_t *n, char *why, size_t whysz);

/* The guest attributes of path in partition part, remembered per image
 * state (a state never changes: a changed image is another state), so
 * that a lookup after a listing asks the reader nothing. At most a bound
 * of entries are kept per image; beyond it puts are dropped. */
bool gpool_attr_get(struct gimage *img, unsigned part, const char *path,
		    struct fim_gp_attr *a);
void gpool_attr_put(struct gimage *img, unsigned part, const char *path,
		    const struct fim_gp_attr *a);

/* Whether two stats are one image state. */
bool gpool_same_image(const struct fim_stat *a, const struct fim_stat *b);

#endif
