/* Tree walks and the bounded request pool of fimfsctl; see walk.h. */
#include "walk.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "view.h"

static int add_node(struct fimctl_tree *t, char *path,
		    struct fim_view *v)
{
	struct fimctl_node *n;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;

		n = realloc(t->v, cap * sizeof(*n));
		if (!n) {
			free(path);
			return -ENOMEM;
		}
		t->v = n;
		t->cap = cap;
	}
	n = &t->v[t->n++];
	memset(n, 0, sizeof(*n));
	n->path = path;
	n->err = fim_view_lstat(v, path, &n->st);
	if (!n->err && S_ISREG(n->st.mode)) {
		t->files++;
		t->bytes += n->st.size;
	}
	return 0;
}

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
	struct fim_src_dir *d = NULL;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	const char *name;
	unsigned char type;
	uint64_t ino;
	int ret;

	*err = fim_view_opendir(v, dir, &d);
	if (*err)
		goto done;
	while ((ret = fim_src_readdir(d, &name, &type, &ino)) == 0 && name) {
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
	fim_src_closedir(d);
done:
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*count = n;
	return 0;
oom:
	fim_src_closedir(d);
	free_names(names, n);
	return -ENOMEM;
}

static int walk_dir(struct fim_view *v, struct fimctl_tree *t,
		    size_t self)
{
	char **names = NULL, *path;
	size_t n = 0, i;
	int ret, err;

	ret = list_dir(v, t->v[self].path, &names, &n, &err);
	if (ret)
		return ret;
	if (err)
		t->v[self].err = err;
	for (i = 0; i < n && !ret; i++) {
		const char *dir = t->v[self].path; /* t->v may move */
		size_t at = t->n;

		if (asprintf(&path, "%s%s%s", dir, *dir ? "/" : "",
			     names[i]) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = add_node(t, path, v);
		if (!ret && !t->v[at].err && S_ISDIR(t->v[at].st.mode))
			ret = walk_dir(v, t, at);
	}
	free_names(names, n);
	return ret;
}

int fimctl_walk(struct fim_view *v, struct fimctl_tree *t)
{
	char *root = strdup("");
	int ret;

	if (!root)
		return -ENOMEM;
	ret = add_node(t, root, v);
	if (!ret && !t->v[0].err && S_ISDIR(t->v[0].st.mode))
		ret = walk_dir(v, t, 0);
	return ret;
}

void fimctl_tree_free(struct fimctl_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* --- the pool ------------------------------------------------------------ */

struct fimctl_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned limit, inflight;
	uint64_t files, bytes, done_files, done_bytes;
	bool progress, drawn;
	struct timespec start;
	double last_draw; /* seconds since start */
};

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int fimctl_pool_new(unsigned limit, uint64_t files, uint64_t bytes,
		    bool progress, struct fimctl_pool **out)
{
	struct fimctl_pool *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->limit = limit ? limit : 1;
	p->files = files;
	p->bytes = bytes;
	p->progress = progress;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	*out = p;
	return 0;
}

void fimctl_pool_free(struct fimctl_pool *p)
{
	if (!p)
		return;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static void human(double b, char *out, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB" };
	int u = 0;

	while (b >= 1024 && u < 5) {
		b /= 1024;
		u++;
	}
	snprintf(out, size, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

/* One progress line, redrawn in place (caller holds mu). */
static void draw(struct fimctl_pool *p)
{
	double t = since(&p->start), rate = t > 0 ? p->done_bytes / t : 0;
	char done[32], total[32], r[32], eta[32] = "--:--";

	human((double)p->done_bytes, done, sizeof(done));
	human((double)p->bytes, total, sizeof(total));
	human(rate, r, sizeof(r));
	if (rate > 0 && p->bytes >= p->done_bytes) {
		unsigned long s = (unsigned long)((p->bytes - p->done_bytes) /
						  rate);

		snprintf(eta, sizeof(eta), "%lu:%02lu:%02lu", s / 3600,
			 s / 60 % 60, s % 60);
	}
	fprintf(stderr, "\r\033[K%llu/%llu files, %s/%s, %s/s, ETA %s",
		(unsigned long long)p->done_files,
		(unsigned long long)p->files, done, total, r, eta);
	fflush(stderr);
	p->drawn = true;
}

/* Wait on the condition for at most a quarter second, redrawing. */
static void tick(struct fimctl_pool *p)
{
	struct timespec ts;

	if (!p->progress) {
		pthread_cond_wait(&p->cv, &p->mu);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 250000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	/* By the clock: with many small files the wait seldom times out. */
	if (since(&p->start) - p->last_draw >= 0.25) {
		draw(p);
		p->last_draw = since(&p->start);
	}
}

void fimctl_pool_acquire(struct fimctl_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->inflight >= p->limit)
		tick(p);
	p->inflight++;
	pthread_mutex_unlock(&p->mu);
}

void fimctl_pool_release(struct fimctl_pool *p, uint64_t bytes)
{
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	p->done_files++;
	p->done_bytes += bytes;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

double fimctl_pool_wait(struct fimctl_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->inflight)
		tick(p);
	if (p->drawn) {
		draw(p);
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&p->mu);
	return since(&p->start);
}

int fimctl_open_view(struct fim_config *cfg, const char *source,
		     struct fim_view **out, char *err, size_t errsz)
{
	char first[1024];
	int ret;

	ret = fim_view_new(cfg, source, out, first, sizeof(first));
	if (!ret || !strcmp(cfg->cache_path, "none") || !*cfg->cache_path) {
		if (ret)
			snprintf(err, errsz, "%s", first);
		return ret;
	}
	/* Most often the daemon's cache under /var/lib/fimfs, whose key only
	 * root may read: without the key its entries cannot be trusted (nor
	 * written). The run still works, it just hashes again. */
	free(cfg->cache_path);
	cfg->cache_path = strdup("none");
	if (!cfg->cache_path) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	ret = fim_view_new(cfg, source, out, err, errsz);
	if (!ret)
		fprintf(stderr, "fimfsctl: warning: %s; the persistent digest "
			"cache is not used, digests are kept in memory only%s\n",
			first, cfg->cache_scope ? ": every file is read and "
			"hashed again, none of the digests the mount's daemon "
			"keeps there is used (run this as the user that may "
			"read the cache key, root by default)" : "");
	return ret;
}
