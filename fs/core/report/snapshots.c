/* Reports: the snapshots of a snapshots-layout root, oldest first; see
 * report.h. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmp_snap(const void *a, const void *b)
{
	const struct fim_snapshot *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

void fim_snapshots_sort(struct fim_snapshot *s, size_t n)
{
	if (n)
		qsort(s, n, sizeof(*s), cmp_snap);
}

void fim_snapshots_free(struct fim_snapshot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].name);
	free(s);
}

/* Add the snapshot name, with its time; a name that is no directory (a
 * stray file at the root) or that is gone since listed is none. */
static int add(struct fim_view *v, const char *name, struct fim_snapshot **s,
	       size_t *n, size_t *cap)
{
	struct fim_snapshot *x;
	int ret;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;

		x = realloc(*s, c * sizeof(*x));
		if (!x)
			return -ENOMEM;
		*s = x;
		*cap = c;
	}
	x = &(*s)[*n];
	memset(x, 0, sizeof(*x));
	ret = fim_view_snap_time(v, name, &x->time_ns, &x->created);
	if (ret == -ENOTDIR || ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	x->name = strdup(name);
	if (!x->name)
		return -ENOMEM;
	++*n;
	return 0;
}

int fim_snapshots_list(struct fim_view *v, struct fim_snapshot **out,
		       size_t *count)
{
	struct fim_snapshot *s = NULL;
	struct fim_view_dir *d = NULL;
	size_t n = 0, cap = 0;
	const char *name;
	unsigned char type;
	uint64_t ino;
	int ret;

	ret = fim_view_opendir(v, "", &d);
	while (!ret && !(ret = fim_view_readdir(d, &name, &type, &ino)) &&
	       name)
		if (type == DT_DIR)
			ret = add(v, name, &s, &n, &cap);
	fim_view_closedir(d);
	if (ret) {
		fim_snapshots_free(s, n);
		return ret;
	}
	fim_snapshots_sort(s, n);
	*out = s;
	*count = n;
	return 0;
}
