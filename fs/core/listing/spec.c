/* Specs of a tree: walk, hash, write; see spec.h. */
#include "spec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manifest.h"
#include "view_svc.h"
#include "vname.h"

struct fim_spec {
	struct fim_view *view;
	uint32_t digests;
	unsigned flags;
	size_t rootlen;     /* of the root's path and its '/' */
	/* Each node's st becomes the file's as hashed, its err a hashing
	 * error; the totals count the nodes kept. */
	struct fim_tree tree;
	unsigned char *md;  /* dsize bytes per node; zero until hashed */
	size_t dsize, off[FIM_ALG_COUNT];
	struct fim_pool *pool;
};

/* A request for one regular file. */
struct spec_req {
	struct fim_spec *s;
	size_t i;
};

static const char *rel(const struct fim_spec *s, const char *path)
{
	return strlen(path) < s->rootlen ? "" : path + s->rootlen;
}

static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/';
}

/* Drop the entries the view hides behind virtual names, and what lies
 * below them (walk order puts it right after), and count what is kept. */
static void drop_shadowed(struct fim_spec *s)
{
	struct fim_tree *t = &s->tree;
	char *hidden = NULL; /* a dropped entry's path, while below it */
	size_t kept = 0;

	t->files = t->bytes = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct fim_tree_node *n = &t->v[i];

		if (hidden && below(n->path, hidden)) {
			free(n->path);
			continue;
		}
		free(hidden);
		hidden = NULL;
		if (*rel(s, n->path) && fim_view_shadowed(s->view, n->path)) {
			hidden = n->path;
			continue;
		}
		if (!n->err && S_ISREG(n->st.mode)) {
			t->files++;
			t->bytes += n->st.size;
		}
		t->v[kept++] = *n;
	}
	free(hidden);
	t->n = kept;
}

int fim_spec_walk(struct fim_view *v, const char *root, uint32_t digests,
		  unsigned flags, struct fim_spec **out)
{
	struct fim_spec *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->view = v;
	s->digests = digests;
	s->flags = flags;
	s->rootlen = *root ? strlen(root) + 1 : 0;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		s->off[a] = s->dsize;
		if (digests & (1u << a))
			s->dsize += fim_alg_size(a);
	}
	ret = fim_tree_walk(v, root, &s->tree);
	if (!ret && (flags & FIM_SPEC_UNSHADOWED))
		drop_shadowed(s);
	if (!ret && s->tree.n && !(s->md = calloc(s->tree.n, s->dsize)))
		ret = -ENOMEM;
	if (ret) {
		fim_spec_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void fim_spec_free(struct fim_spec *s)
{
	if (!s)
		return;
	fim_tree_free(&s->tree);
	free(s->md);
	free(s);
}

static void on_hashed(void *arg, const struct fim_hash_result *res)
{
	struct spec_req *r = arg;
	struct fim_spec *s = r->s;
	struct fim_tree_node *n = &s->tree.v[r->i];
	unsigned char *md = s->md + r->i * s->dsize;

	n->err = res->err;
	if (!res->err) {
		n->st = res->st;
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (s->digests & (1u << a))
				memcpy(md + s->off[a], res->digests.md[a],
				       fim_alg_size(a));
	}
	free(r);
	fim_pool_release(s->pool, res->err ? 0 : res->st.size);
}

/* The first request takes the walk's attributes; a retry, after the file
 * changed while it was read, stats it again. */
static void submit(struct fim_spec *s, size_t i, bool retry)
{
	struct spec_req *r = NULL;
	int ret = -ECANCELED;

	fim_pool_acquire(s->pool);
	if (!fim_view_stopping(s->view)) {
		r = malloc(sizeof(*r));
		ret = -ENOMEM;
	}
	if (r) {
		*r = (struct spec_req){ .s = s, .i = i };
		ret = fim_view_digests_of(s->view, s->tree.v[i].path,
					  retry ? NULL : &s->tree.v[i].st,
					  on_hashed, r);
	}
	if (ret) {
		free(r);
		s->tree.v[i].err = ret;
		fim_pool_release(s->pool, 0);
	}
}

static bool is_file(const struct fim_tree_node *n)
{
	return S_ISREG(n->st.mode);
}

struct by_size {
	uint64_t size;
	size_t i;
};

static int larger_first(const void *a, const void *b)
{
	const struct by_size *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The regular files to hash, largest first: one file's digest is
 * sequential, so a large file started late would leave every other core
 * idle while it ends. The walk has the sizes. NULL when out of memory. */
static struct by_size *hash_order(const struct fim_tree *t, size_t *n)
{
	struct by_size *o = malloc((t->files ? t->files : 1) * sizeof(*o));

	if (!o)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < t->n && *n < t->files; i++)
		if (!t->v[i].err && is_file(&t->v[i]))
			o[(*n)++] = (struct by_size){ t->v[i].st.size, i };
	qsort(o, *n, sizeof(*o), larger_first);
	return o;
}

size_t fim_spec_hash(struct fim_spec *s, unsigned inflight,
		     fim_progress_cb progress, void *progress_arg,
		     fim_spec_fail_cb fail, void *fail_arg)
{
	struct fim_tree *t = &s->tree;
	struct by_size *order;
	size_t failed = 0, n;

	order = hash_order(t, &n);
	if (!order || fim_pool_new(inflight, t->files, t->bytes, progress,
				   progress_arg, &s->pool)) {
		free(order);
		if (fail)
			fail(fail_arg, "", -ENOMEM);
		return 1;
	}
	for (size_t k = 0; k < n; k++)
		submit(s, order[k].i, false);
	free(order);
	fim_pool_wait(s->pool);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].err == -EAGAIN && is_file(&t->v[i]))
				submit(s, i, true);
		fim_pool_wait(s->pool);
	}
	fim_pool_free(s->pool);
	s->pool = NULL;
	for (size_t i = 0; i < t->n; i++) {
		if (!t->v[i].err)
			continue;
		if (fail)
			fail(fail_arg, rel(s, t->v[i].path), t->v[i].err);
		failed++;
	}
	return failed;
}

static int write_entry(struct fim_spec *s, FILE *f, size_t i)
{
	const struct fim_tree_node *n = &s->tree.v[i];
	const char *path = rel(s, n->path);
	struct fim_digest_set ds = { .mask = 0 };
	struct fim_mtree_rec r = {
		.path = *path ? path : ".",
		.type = fim_ftype_from_mode(n->st.mode),
		.keys = FIM_MK_TYPE | FIM_MK_MODE | FIM_MK_UID | FIM_MK_GID,
		.mode = n->st.mode & 07777, .uid = n->st.uid,
		.gid = n->st.gid, .time_ns = n->st.mtime_ns,
	};
	char link[PATH_MAX + 1];
	long len;

	if (s->flags & FIM_SPEC_TIME)
		r.keys |= FIM_MK_TIME;
	if (r.type == FIM_FT_FILE) {
		const unsigned char *md = s->md + i * s->dsize;

		ds.mask = s->digests;
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (s->digests & (1u << a))
				memcpy(ds.md[a], md + s->off[a],
				       fim_alg_size(a));
		r.keys |= FIM_MK_SIZE;
		r.size = n->st.size;
		r.digests = &ds;
	} else if (r.type == FIM_FT_LINK) {
		len = fim_view_readlink(s->view, n->path, link, sizeof(link));
		if (len < 0 || (size_t)len >= sizeof(link))
			return -EIO;
		link[len] = '\0';
		r.link = link;
		r.keys |= FIM_MK_LINK;
	}
	return fim_mtree_write_entry(f, &r);
}

int fim_spec_write_mtree(struct fim_spec *s, FILE *f)
{
	int ret = fim_mtree_write_header(f);

	for (size_t i = 0; i < s->tree.n && !ret; i++)
		if (!s->tree.v[i].err)
			ret = write_entry(s, f, i);
	return ret;
}

int fim_spec_write_sums(struct fim_spec *s, enum fim_alg alg, FILE *f)
{
	for (size_t i = 0; i < s->tree.n; i++) {
		const struct fim_tree_node *n = &s->tree.v[i];
		const char *path = rel(s, n->path);
		size_t size;
		char *line;

		/* "-" is standard input to sha256sum -c */
		if (!strcmp(path, "-"))
			path = "./-";
		size = fim_sumline_len(alg, path) + 1;
		if (n->err || !is_file(n))
			continue;
		line = malloc(size);
		if (!line)
			return -ENOMEM;
		fim_sumline_format(alg, s->md + i * s->dsize + s->off[alg],
				   path, line, size);
		fputs(line, f);
		free(line);
	}
	return ferror(f) ? -EIO : 0;
}
