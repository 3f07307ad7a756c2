/* Reports: the entries of a run kept for output; see report.h. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The entry and its path in one allocation. */
struct kept {
	struct fim_report_entry e;
	char path[];
};

void fim_report_set_add(void *arg, const struct fim_report_entry *e)
{
	struct fim_report_set *s = arg;
	size_t len = strlen(e->path) + 1;
	struct kept *k;

	if (s->err || (s->text && e->vd.status == FIM_OK))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct fim_report_entry **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->err = -ENOMEM;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	k = malloc(sizeof(*k) + len);
	if (!k) {
		s->err = -ENOMEM;
		return;
	}
	k->e = *e;
	memcpy(k->path, e->path, len);
	k->e.path = k->path;
	k->e.st = NULL;
	k->e.digests = NULL;
	s->v[s->n++] = &k->e;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct fim_report_entry *const *)a)->path,
		      (*(struct fim_report_entry *const *)b)->path);
}

void fim_report_set_sort(struct fim_report_set *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
}

void fim_report_set_free(struct fim_report_set *s)
{
	/* Each entry is the head of its struct kept. */
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
