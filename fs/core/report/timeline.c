/* Reports: the tamper timeline across snapshots; see report.h. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strhash.h"

/* One path, its statuses and its name in one allocation. */
struct tl_path {
	struct fim_timeline_path pub;
	struct tl_path *next; /* in its bucket */
	signed char status[];
};

struct fim_timeline {
	size_t n_snaps;
	struct tl_path **bucket;
	size_t n_buckets, n;
	const struct fim_timeline_path **sorted; /* NULL when stale */
};

int fim_timeline_new(size_t n_snapshots, struct fim_timeline **out)
{
	struct fim_timeline *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->n_snaps = n_snapshots;
	t->n_buckets = 256;
	t->bucket = calloc(t->n_buckets, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

void fim_timeline_free(struct fim_timeline *t)
{
	struct tl_path *p, *next;

	if (!t)
		return;
	for (size_t i = 0; i < t->n_buckets; i++)
		for (p = t->bucket[i]; p; p = next) {
			next = p->next;
			free(p);
		}
	free(t->bucket);
	free(t->sorted);
	free(t);
}

size_t fim_timeline_snapshots(const struct fim_timeline *t)
{
	return t->n_snaps;
}

static struct tl_path *find(struct fim_timeline *t, const char *path,
			    size_t *b)
{
	struct tl_path *p;

	*b = fim_strhash_keyed(path) % t->n_buckets;
	for (p = t->bucket[*b]; p; p = p->next)
		if (!strcmp(p->pub.path, path))
			return p;
	return NULL;
}

/* Double the buckets when the chains grow long; a failure only keeps
 * them long. */
static void grow(struct fim_timeline *t)
{
	size_t n = 2 * t->n_buckets, b;
	struct tl_path **nb = calloc(n, sizeof(*nb)), *p, *next;

	if (!nb)
		return;
	for (size_t i = 0; i < t->n_buckets; i++)
		for (p = t->bucket[i]; p; p = next) {
			next = p->next;
			b = fim_strhash_keyed(p->pub.path) % n;
			p->next = nb[b];
			nb[b] = p;
		}
	free(t->bucket);
	t->bucket = nb;
	t->n_buckets = n;
}

static struct tl_path *add(struct fim_timeline *t, const char *path,
			   size_t b)
{
	size_t len = strlen(path) + 1;
	struct tl_path *p = malloc(sizeof(*p) + t->n_snaps + len);
	char *name;

	if (!p)
		return NULL;
	name = (char *)p->status + t->n_snaps;
	memcpy(name, path, len);
	memset(p->status, -1, t->n_snaps);
	p->pub.path = name;
	p->pub.status = p->status;
	p->pub.first = t->n_snaps;
	p->pub.last = 0;
	p->next = t->bucket[b];
	t->bucket[b] = p;
	if (++t->n > 2 * t->n_buckets)
		grow(t);
	return p;
}

int fim_timeline_note(struct fim_timeline *t, size_t snap, const char *path,
		      enum fim_status status)
{
	bool bad = fim_report_status_bad(status);
	struct tl_path *p;
	size_t b;

	if (snap >= t->n_snaps)
		return -EINVAL;
	p = find(t, path, &b);
	if (!p && !bad)
		return 0; /* never a finding so far: nothing to tell */
	if (!p) {
		p = add(t, path, b);
		if (!p)
			return -ENOMEM;
		free(t->sorted);
		t->sorted = NULL;
	}
	p->status[snap] = (signed char)status;
	if (bad) {
		if (snap < p->pub.first)
			p->pub.first = snap;
		if (snap > p->pub.last)
			p->pub.last = snap;
	}
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp((*(const struct fim_timeline_path *const *)a)->path,
		      (*(const struct fim_timeline_path *const *)b)->path);
}

int fim_timeline_paths(struct fim_timeline *t,
		       const struct fim_timeline_path *const **out, size_t *n)
{
	size_t k = 0;

	if (!t->sorted) {
		t->sorted = malloc((t->n ? t->n : 1) * sizeof(*t->sorted));
		if (!t->sorted)
			return -ENOMEM;
		for (size_t i = 0; i < t->n_buckets; i++)
			for (struct tl_path *p = t->bucket[i]; p; p = p->next)
				t->sorted[k++] = &p->pub;
		qsort(t->sorted, t->n, sizeof(*t->sorted), cmp_path);
	}
	*out = t->sorted;
	*n = t->n;
	return 0;
}
