#include "gpool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "guest_magic.h"
#include "log.h"
#include "strhash.h"

/* Smaller files are never looked into: no disk image worth reading is. */
#define IMAGE_MIN_SIZE (64u << 10)
#define MEMO_SLOTS 1024

struct memo {
	struct fim_stat st; /* mode 0: empty */
	bool image;
};

#define ATTR_BUCKETS 4096
#define ATTR_MAX (1u << 17)

struct attr_node {
	struct attr_node *next;
	struct fim_gp_attr a;
	unsigned part;
	char path[];
};

struct entry {
	struct gimage pub;       /* first: gpool_put finds the entry */
	struct entry *prev, *next; /* most recently used first */
	struct fim_src_file *f;  /* the image, open */
	unsigned refs;
	struct timespec used;
	pthread_mutex_t parts_mu; /* guards the parts */
	bool parts_read;
	int parts_err;
	char parts_why[256];
	struct fim_guest_part *parts;
	size_t nparts;
	pthread_mutex_t attrs_mu; /* guards attrs and nattrs */
	struct attr_node **attrs; /* ATTR_BUCKETS, made on first put */
	size_t nattrs;
	char path[];
};

struct gpool {
	struct fim_source *lower;
	struct gpool_opts o; /* o.guest.spare set once, before warm */
	atomic_bool warm;
	struct fim_guest_spare *spare;
	pthread_mutex_t mu; /* guards the rest */
	struct entry *head;
	size_t n;
	struct memo memo[MEMO_SLOTS];
};

int gpool_new(struct fim_source *lower, const struct gpool_opts *o,
	      struct gpool **out)
{
	struct gpool *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->lower = lower;
	p->o = *o;
	if (!p->o.max_children)
		p->o.max_children = 1;
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return 0;
}

static void entry_free(struct entry *e)
{
	for (size_t i = 0; e->attrs && i < ATTR_BUCKETS; i++)
		while (e->attrs[i]) {
			struct attr_node *n = e->attrs[i];

			e->attrs[i] = n->next;
			free(n);
		}
	free(e->attrs);
	pthread_mutex_destroy(&e->attrs_mu);
	fim_guest_free(e->pub.g);
	fim_src_close(e->f);
	free(e->parts);
	pthread_mutex_destroy(&e->parts_mu);
	free(e);
}

void gpool_free(struct gpool *p)
{
	if (!p)
		return;
	while (p->head) {
		struct entry *e = p->head;

		p->head = e->next;
		entry_free(e);
	}
	fim_guest_spare_free(p->spare);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void gpool_warm(struct gpool *p)
{
	if (atomic_load_explicit(&p->warm, memory_order_acquire))
		return;
	pthread_mutex_lock(&p->mu);
	if (!atomic_load_explicit(&p->warm, memory_order_relaxed)) {
		if (!fim_guest_spare_new(&p->o.guest, &p->spare))
			p->o.guest.spare = p->spare;
		atomic_store_explicit(&p->warm, true, memory_order_release);
	}
	pthread_mutex_unlock(&p->mu);
}

bool gpool_same_image(const struct fim_stat *a, const struct fim_stat *b)
{
	return a->dev == b->dev && fim_stat_same(a, b);
}

static size_t memo_slot(const struct fim_stat *st)
{
	return (size_t)((st->dev * 31 + st->ino) % MEMO_SLOTS);
}

/* The image's bytes for a reader of a source without kernel descriptors
 * (NFS): the child asks, the client preads the open lower file. */
static ssize_t lower_pread(void *arg, void *buf, size_t len, uint64_t off)
{
	return fim_src_pread(arg, buf, len, off);
}

static bool recognize(struct gpool *p, const char *path,
		      const struct fim_stat *st)
{
	unsigned char *head = malloc(FIM_GUEST_HEAD);
	unsigned char tail[FIM_GUEST_TAIL];
	struct fim_src_file *f = NULL;
	long nh = -1, nt = -1;
	bool image = false;

	if (!head)
		return false;
	if (!fim_src_open(p->lower, path, &f)) {
		nh = fim_src_pread(f, head, FIM_GUEST_HEAD, 0);
		nt = fim_src_pread(f, tail, sizeof(tail),
				   st->size - sizeof(tail));
	}
	if (nh > 0 && nt == (long)sizeof(tail))
		image = fim_guest_recognize(head, (size_t)nh, tail,
					    sizeof(tail), st->size) !=
			FIM_GUEST_NONE;
	fim_src_close(f);
	free(head);
	return image;
}

bool gpool_is_image(struct gpool *p, const char *path,
		    const struct fim_stat *st)
{
	struct memo *m = &p->memo[memo_slot(st)];
	bool known = false, image = false;

	if (!S_ISREG(st->mode) || st->size < IMAGE_MIN_SIZE)
		return false;
	pthread_mutex_lock(&p->mu);
	if (m->st.mode && gpool_same_image(&m->st, st)) {
		known = true;
		image = m->image;
	}
	pthread_mutex_unlock(&p->mu);
	if (known)
		return image;
	image = recognize(p, path, st);
	pthread_mutex_lock(&p->mu);
	m->st = *st;
	m->image = image;
	pthread_mutex_unlock(&p->mu);
	return image;
}

static void unlink_entry(struct gpool *p, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		p->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	e->prev = e->next = NULL;
	p->n--;
}

static void push_front(struct gpool *p, struct entry *e)
{
	e->prev = NULL;
	e->next = p->head;
	if (p->head)
		p->head->prev = e;
	p->head = e;
	p->n++;
}

static double age(const struct timespec *then, const struct timespec *now)
{
	return (double)(now->tv_sec - then->tv_sec) +
	       (double)(now->tv_nsec - then->tv_nsec) / 1e9;
}

/* The unused entries beyond max_children (least recently used first) and
 * those idle too long, unlinked into *dead for freeing without the lock. */
static void trim(struct gpool *p, struct entry **dead)
{
	struct timespec now;
	struct entry *e, *prev;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (e = p->head; e && e->next; e = e->next)
		;
	for (; e; e = prev) {
		prev = e->prev;
		if (e->refs)
			continue;
		if (p->n > p->o.max_children ||
		    (p->o.idle_seconds > 0 &&
		     age(&e->used, &now) >= p->o.idle_seconds)) {
			unlink_entry(p, e);
			e->next = *dead;
			*dead = e;
		}
	}
}

static void free_dead(struct entry *dead)
{
	while (dead) {
		struct entry *e = dead;

		dead = e->next;
		entry_free(e);
	}
}

static struct entry *find(struct gpool *p, const struct fim_stat *st)
{
	for (struct entry *e = p->head; e; e = e->next)
		if (gpool_same_image(&e->pub.st, st))
			return e;
	return NULL;
}

static int open_entry(struct gpool *p, const char *path,
		      const struct fim_stat *st, struct entry **out)
{
	size_t len = strlen(path) + 1;
	struct entry *e = calloc(1, sizeof(*e) + len);
	int ret;

	if (!e)
		return -ENOMEM;
	memcpy(e->path, path, len);
	e->pub.path = e->path;
	pthread_mutex_init(&e->parts_mu, NULL);
	pthread_mutex_init(&e->attrs_mu, NULL);
	ret = fim_src_open(p->lower, path, &e->f);
	if (!ret)
		ret = fim_src_fstat(e->f, &e->pub.st);
	/* the file opened must be the state looked up */
	if (!ret && !gpool_same_image(&e->pub.st, st))
		ret = -ESTALE;
	if (!ret && fim_src_fd(e->f) >= 0)
		ret = fim_guest_new(&p->o.guest, fim_src_fd(e->f), &e->pub.g);
	else if (!ret)
		ret = fim_guest_new_reader(&p->o.guest, lower_pread, e->f,
					   e->pub.st.size, &e->pub.g);
	if (ret) {
		entry_free(e);
		return ret;
	}
	*out = e;
	return 0;
}

int gpool_get(struct gpool *p, const char *path, const struct fim_stat *st,
	      struct gimage **out)
{
	struct entry *e, *fresh = NULL, *dead = NULL;
	int ret;

	gpool_warm(p);
	pthread_mutex_lock(&p->mu);
	e = find(p, st);
	if (e)
		e->refs++;
	pthread_mutex_unlock(&p->mu);
	if (!e) {
		ret = open_entry(p, path, st, &fresh);
		if (ret)
			return ret;
		pthread_mutex_lock(&p->mu);
		e = find(p, st); /* another thread may have been first */
		if (!e) {
			e = fresh;
			fresh = NULL;
			push_front(p, e);
		}
		e->refs++;
		pthread_mutex_unlock(&p->mu);
		if (fresh)
			entry_free(fresh);
	}
	pthread_mutex_lock(&p->mu);
	unlink_entry(p, e);
	push_front(p, e);
	trim(p, &dead);
	pthread_mutex_unlock(&p->mu);
	free_dead(dead);
	*out = &e->pub;
	return 0;
}

void gpool_put(struct gpool *p, struct gimage *img)
{
	struct entry *e = (struct entry *)img, *dead = NULL;

	if (!img)
		return;
	pthread_mutex_lock(&p->mu);
	e->refs--;
	clock_gettime(CLOCK_MONOTONIC, &e->used);
	trim(p, &dead);
	pthread_mutex_unlock(&p->mu);
	free_dead(dead);
}

int gpool_image_now(struct gimage *img, struct fim_stat *st)
{
	return fim_src_fstat(((struct entry *)img)->f, st);
}

/* Once per image state: what of it cannot be read, and why. */
static void log_parts(const struct entry *e)
{
	if (e->parts_err) {
		fim_log(LOG_WARNING, "guest: %s: no partition or file system "
			"can be read: %s", e->path,
			*e->parts_why ? e->parts_why : strerror(-e->parts_err));
		return;
	}
	for (size_t i = 0; i < e->nparts; i++)
		if (!e->parts[i].readable)
			fim_log(LOG_WARNING, "guest: %s: partition %u cannot "
				"be read: %s", e->path, e->parts[i].number,
				e->parts[i].note);
}

int gpool_parts(struct gimage *img, const struct fim_guest_part **parts,
		size_t *n, char *why, size_t whysz)
{
	struct entry *e = (struct entry *)img;
	int ret;

	pthread_mutex_lock(&e->parts_mu);
	if (!e->parts_read) {
		e->parts_err = fim_guest_parts(img->g, &e->parts, &e->nparts);
		if (e->parts_err)
			fim_guest_reason(img->g, e->parts_why,
					 sizeof(e->parts_why));
		log_parts(e);
		/* a reader given up for good is asked again by the next
		 * image state, not by every request of this one */
		e->parts_read = true;
	}
	ret = e->parts_err;
	*parts = e->parts;
	*n = e->nparts;
	snprintf(why, whysz, "%s", e->parts_why);
	pthread_mutex_unlock(&e->parts_mu);
	return ret;
}

static size_t attr_bucket(unsigned part, const char *path)
{
	return (size_t)((fim_strhash_keyed(path) ^ part) % ATTR_BUCKETS);
}

bool gpool_attr_get(struct gimage *img, unsigned part, const char *path,
		    struct fim_gp_attr *a)
{
	struct entry *e = (struct entry *)img;
	bool found = false;

	pthread_mutex_lock(&e->attrs_mu);
	for (struct attr_node *n = e->attrs ? e->attrs[attr_bucket(part, path)]
					    : NULL;
	     n && !found; n = n->next)
		if (n->part == part && !strcmp(n->path, path)) {
			*a = n->a;
			found = true;
		}
	pthread_mutex_unlock(&e->attrs_mu);
	return found;
}

void gpool_attr_put(struct gimage *img, unsigned part, const char *path,
		    const struct fim_gp_attr *a)
{
	struct entry *e = (struct entry *)img;
	size_t len = strlen(path) + 1, b = attr_bucket(part, path);
	struct attr_node *n;

	pthread_mutex_lock(&e->attrs_mu);
	if (!e->attrs)
		e->attrs = calloc(ATTR_BUCKETS, sizeof(*e->attrs));
	for (n = e->attrs ? e->attrs[b] : NULL; n; n = n->next)
		if (n->part == part && !strcmp(n->path, path))
			break;
	if (!n && e->attrs && e->nattrs < ATTR_MAX) {
		n = malloc(sizeof(*n) + len);
		if (n) {
			n->a = *a;
			n->part = part;
			memcpy(n->path, path, len);
			n->next = e->attrs[b];
			e->attrs[b] = n;
			e->nattrs++;
		}
	}
	pthread_mutex_unlock(&e->attrs_mu);
}
