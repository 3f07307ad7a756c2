/* New-snapshot detection; see snapset.h. */
#include "snapset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct fim_snap *find(struct fim_snapset *s, uint64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].id == id)
			return &s->v[i];
	return NULL;
}

/* Room for n more entries. */
static int reserve(struct fim_snapset *s, size_t n)
{
	struct fim_snap *grown;
	size_t cap = s->cap ? s->cap : 16;

	while (cap < s->n + n)
		cap *= 2;
	if (cap == s->cap)
		return 0;
	grown = realloc(s->v, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->v = grown;
	s->cap = cap;
	return 0;
}

static void rename_snap(struct fim_snap *sn, const char *name)
{
	char *copy;

	if (!strcmp(sn->name, name))
		return;
	/* Out of memory: it keeps its old name, shown in messages only. */
	copy = strdup(name);
	if (copy) {
		free(sn->name);
		sn->name = copy;
	}
}

int fim_snapset_update(struct fim_snapset *s, const struct fim_snap_seen *seen,
		       size_t n)
{
	size_t known = s->n, added = 0, kept = 0;
	struct fim_snap *sn;

	if (reserve(s, n))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		s->v[i].seen = false;
	for (size_t i = 0; i < n; i++) {
		sn = find(s, seen[i].id);
		if (sn) {
			rename_snap(sn, seen[i].name);
			sn->seen = true;
			continue;
		}
		sn = &s->v[s->n];
		memset(sn, 0, sizeof(*sn));
		sn->name = strdup(seen[i].name);
		if (!sn->name)
			goto oom;
		sn->id = seen[i].id;
		sn->time_ns = seen[i].time_ns;
		sn->seen = true;
		s->n++;
		added++;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (!s->v[i].seen) {
			free(s->v[i].name);
			continue;
		}
		s->v[kept++] = s->v[i];
	}
	s->n = kept;
	return (int)added;
oom:
	while (s->n > known)
		free(s->v[--s->n].name);
	return -ENOMEM;
}

struct fim_snap *fim_snapset_next(struct fim_snapset *s)
{
	struct fim_snap *best = NULL;

	for (size_t i = 0; i < s->n; i++) {
		struct fim_snap *sn = &s->v[i];

		if (sn->done)
			continue;
		if (!best || sn->time_ns > best->time_ns ||
		    (sn->time_ns == best->time_ns &&
		     strcmp(sn->name, best->name) > 0))
			best = sn;
	}
	return best;
}

void fim_snapset_redo(struct fim_snapset *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->v[i].done = false;
}

size_t fim_snapset_done_count(const struct fim_snapset *s)
{
	size_t done = 0;

	for (size_t i = 0; i < s->n; i++)
		done += s->v[i].done;
	return done;
}

void fim_snapset_free(struct fim_snapset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
