/* Tree walks through the view; see walk.h. */
#include "walk.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An entry of a directory, stat'ed while the directory was open. */
struct child {
	char *name;
	struct fim_stat st;
	int err;
};

static int cmp_child(const void *a, const void *b)
{
	return strcmp(((const struct child *)a)->name,
		      ((const struct child *)b)->name);
}

static void free_children(struct child *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

/* The entries of directory dir with their attributes, sorted by name; *err
 * set when it cannot be listed. Each is stat'ed relative to the open
 * directory: one system call, where resolving its path from the root again
 * would take three. */
static int list_dir(struct fim_view *v, const char *dir, struct child **out,
		    size_t *count, int *err)
{
	struct fim_view_dir *d = NULL;
	struct child *c = NULL, *grown;
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
			grown = realloc(c, cap * sizeof(*c));
			if (!grown)
				goto oom;
			c = grown;
		}
		memset(&c[n], 0, sizeof(c[n]));
		c[n].name = strdup(name);
		if (!c[n].name)
			goto oom;
		c[n].err = fim_view_dir_lstat(d, name, &c[n].st);
		if (c[n].err == -ENOMEM) {
			n++;
			goto oom;
		}
		n++;
	}
	if (ret)
		*err = ret;
	fim_view_closedir(d);
done:
	if (n)
		qsort(c, n, sizeof(*c), cmp_child);
	*out = c;
	*count = n;
	return 0;
oom:
	fim_view_closedir(d);
	free_children(c, n);
	return -ENOMEM;
}

/* Visit path, whose attributes are st (or err), then, when it is a
 * directory, what it holds. */
static int walk_at(struct fim_view *v, const char *path,
		   const struct fim_stat *st, int err, fim_walk_cb visit,
		   void *arg)
{
	struct child *c = NULL;
	char *path_of;
	size_t n = 0, i;
	int ret, list_err = 0;

	if (!err && S_ISDIR(st->mode)) {
		ret = list_dir(v, path, &c, &n, &list_err);
		if (ret)
			return ret;
	}
	ret = visit(arg, path, st, err ? err : list_err);
	for (i = 0; i < n && !ret; i++) {
		if (asprintf(&path_of, "%s%s%s", path, *path ? "/" : "",
			     c[i].name) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = walk_at(v, path_of, &c[i].st, c[i].err, visit, arg);
		free(path_of);
	}
	free_children(c, n);
	return ret;
}

int fim_walk(struct fim_view *v, const char *root, fim_walk_cb visit,
	     void *arg)
{
	struct fim_stat st = { 0 };
	int err = fim_view_lstat(v, root, &st);

	return walk_at(v, root, &st, err, visit, arg);
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

/* The subtrees of the root's entries, walked by several threads at once:
 * a walk of many small files is one stat a file, and one thread would
 * leave the other cores idle until the hashing begins. Each entry's
 * subtree goes to a tree of its own, moved to the end of the whole as soon
 * as those before it are (so that few are held twice at a time): the
 * result is the one walk_at gives. */
struct subtrees {
	struct fim_view *v;
	const char *root;
	struct child *c;
	struct fim_tree *sub;
	size_t n;
	atomic_size_t next;
	atomic_int err;
	pthread_mutex_t mu; /* guards t, done, joined */
	struct fim_tree *t;
	bool *done;
	size_t joined;
};

/* Move the nodes of sub to the end of t. */
static int join(struct fim_tree *t, struct fim_tree *sub)
{
	struct fim_tree_node *v;
	size_t cap = t->cap;

	while (cap < t->n + sub->n)
		cap = cap ? 2 * cap : 1024;
	if (cap != t->cap) {
		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memcpy(t->v + t->n, sub->v, sub->n * sizeof(*v));
	t->n += sub->n;
	t->files += sub->files;
	t->bytes += sub->bytes;
	free(sub->v);
	memset(sub, 0, sizeof(*sub));
	return 0;
}

/* Subtree i is walked: join it and every walked one after it in order. */
static void walked(struct subtrees *w, size_t i)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	w->done[i] = true;
	for (; w->joined < w->n && w->done[w->joined]; w->joined++) {
		ret = atomic_load(&w->err) ? 0 : join(w->t, &w->sub[w->joined]);
		if (ret)
			atomic_store(&w->err, ret);
		fim_tree_free(&w->sub[w->joined]);
	}
	pthread_mutex_unlock(&w->mu);
}

static void *walk_subtrees(void *arg)
{
	struct subtrees *w = arg;
	size_t i;
	char *path;
	int ret;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->n &&
	       !atomic_load(&w->err)) {
		ret = -ENOMEM;
		if (asprintf(&path, "%s%s%s", w->root, *w->root ? "/" : "",
			     w->c[i].name) >= 0) {
			ret = walk_at(w->v, path, &w->c[i].st, w->c[i].err,
				      add_node, &w->sub[i]);
			free(path);
		}
		if (ret)
			atomic_store(&w->err, ret);
		walked(w, i);
	}
	return NULL;
}

/* Threads beside the caller's: one a core, a few at most. */
static unsigned helpers(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 1 ? (unsigned)(cpus < 8 ? cpus - 1 : 7) : 0;
}

int fim_tree_walk(struct fim_view *v, const char *root, struct fim_tree *t)
{
	struct subtrees w = { .v = v, .root = root, .t = t };
	struct fim_stat st = { 0 };
	pthread_t tid[7];
	unsigned started = 0, want = helpers();
	int err = fim_view_lstat(v, root, &st), list_err = 0, ret;

	if (!err && S_ISDIR(st.mode) &&
	    (ret = list_dir(v, root, &w.c, &w.n, &list_err)))
		return ret;
	ret = add_node(t, root, &st, err ? err : list_err);
	if (!ret) {
		w.sub = calloc(w.n ? w.n : 1, sizeof(*w.sub));
		w.done = calloc(w.n ? w.n : 1, sizeof(*w.done));
	}
	if (!w.sub || !w.done) {
		free(w.sub);
		free(w.done);
		free_children(w.c, w.n);
		return -ENOMEM;
	}
	pthread_mutex_init(&w.mu, NULL);
	for (; started < want && started + 1 < w.n; started++)
		if (pthread_create(&tid[started], NULL, walk_subtrees, &w))
			break;
	walk_subtrees(&w);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	/* After a failure some were never walked, nor joined. */
	for (size_t i = 0; i < w.n; i++)
		fim_tree_free(&w.sub[i]);
	pthread_mutex_destroy(&w.mu);
	free(w.sub);
	free(w.done);
	free_children(w.c, w.n);
	return atomic_load(&w.err);
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
