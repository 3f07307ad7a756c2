/* Tree walks through the view; see walk.h. */
#include "walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names of directory dir, sorted; *err set when it cannot be listed. */
static int list_dir(struct fim_view *v, const char *dir, char ***out,
		    size_t *count, int *err)
{
	struct fim_view_dir *d = NULL;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	const char *name;
	unsigned char type;
	uint64_t ino;
	int ret;

	*err = fim_view_opendir(v, dir, &d);
	if (*err)
		goto done;
	while ((ret = fim_view_readdir(d, &name, &type, &ino)) == 0 && name) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				goto oom;
			names = grown;
		}
		names[n] = strdup(name);
		if (!names[n])
			goto oom;
		n++;
	}
	if (ret)
		*err = ret;
	fim_view_closedir(d);
done:
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*count = n;
	return 0;
oom:
	fim_view_closedir(d);
	free_names(names, n);
	return -ENOMEM;
}

/* Visit path, then, when it is a directory, what it holds. */
static int walk_at(struct fim_view *v, const char *path, fim_walk_cb visit,
		   void *arg)
{
	char **names = NULL, *child;
	size_t n = 0, i;
	struct fim_stat st = { 0 };
	int ret, err, list_err = 0;

	err = fim_view_lstat(v, path, &st);
	if (!err && S_ISDIR(st.mode)) {
		ret = list_dir(v, path, &names, &n, &list_err);
		if (ret)
			return ret;
	}
	ret = visit(arg, path, &st, err ? err : list_err);
	for (i = 0; i < n && !ret; i++) {
		if (asprintf(&child, "%s%s%s", path, *path ? "/" : "",
			     names[i]) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = walk_at(v, child, visit, arg);
		free(child);
	}
	free_names(names, n);
	return ret;
}

int fim_walk(struct fim_view *v, const char *root, fim_walk_cb visit,
	     void *arg)
{
	return walk_at(v, root, visit, arg);
}

static int add_node(void *arg, const char *path, const struct fim_stat *st,
		    int err)
{
	struct fim_tree *t = arg;
	struct fim_tree_node *n;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;

		n = realloc(t->v, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->v = n;
		t->cap = cap;
	}
	n = &t->v[t->n];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	if (!n->path)
		return -ENOMEM;
	t->n++;
	n->err = err;
	n->st = *st;
	if (!n->err && S_ISREG(n->st.mode)) {
		t->files++;
		t->bytes += n->st.size;
	}
	return 0;
}

int fim_tree_walk(struct fim_view *v, const char *root, struct fim_tree *t)
{
	return fim_walk(v, root, add_node, t);
}

void fim_tree_free(struct fim_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct totals {
	uint64_t files, bytes;
	const volatile int *cancel;
};

static int count_node(void *arg, const char *path, const struct fim_stat *st,
		      int err)
{
	struct totals *t = arg;

	(void)path;
	if (t->cancel && *t->cancel)
		return -ECANCELED;
	if (!err && S_ISREG(st->mode)) {
		t->files++;
		t->bytes += st->size;
	}
	return 0;
}

int fim_walk_count(struct fim_view *v, const char *root, uint64_t *files,
		   uint64_t *bytes)
{
	return fim_walk_count_until(v, root, NULL, files, bytes);
}

int fim_walk_count_until(struct fim_view *v, const char *root,
			 const volatile int *cancel, uint64_t *files,
			 uint64_t *bytes)
{
	struct totals t = { .cancel = cancel };
	int ret = fim_walk(v, root, count_node, &t);

	*files = t.files;
	*bytes = t.bytes;
	return ret;
}
