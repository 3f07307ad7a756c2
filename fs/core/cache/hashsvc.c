/* Hashing service: worker pool, single-flight table, cache consultation.
 *
 * Single-flight by path, and with reuse_across_snapshots also by what a
 * cache entry is reused by (baseline path, inode, size, mtime, ctime): the
 * copies of one unchanged file in several snapshots, asked for at once, are
 * hashed once. Such a joiner gets the answer with its own file's attributes
 * when the file hashed had those it saw; otherwise (the file changed, or
 * could not be read) its request is made again, for its own file. */
#include "hashsvc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "strhash.h"

#define NBUCKETS 4096

struct waiter {
	fim_hash_cb cb;
	void *arg;
	struct waiter *next;
	/* Joined by the reuse identity: its own request and attributes. */
	struct fim_hash_req *own;
	struct fim_stat st;
};

/* A computation in progress; guarded by the service's mutex while it is in
 * the table. A request joins it when it asks for no algorithm the job
 * lacks. */
struct job {
	char *path;
	char *bpath;
	int want_prefix;
	uint64_t prefix;
	uint32_t extra;
	uint32_t hash;
	struct waiter *waiters;
	struct job *next_queued;
	struct job *next_in_bucket;
	/* The attributes seen when requested, which the cache had no answer
	 * for; in rtable too when by_reuse. */
	struct fim_stat st;
	bool by_reuse;
	uint32_t rhash;
	struct job *next_in_rbucket;
};

struct fim_hashsvc {
	struct fim_source *src;
	const struct fim_digest_engine *eng;
	struct fim_dcache *dc;
	pthread_mutex_t mu;             /* guards everything below */
	pthread_cond_t cv;
	struct job *head, *tail;        /* queue of jobs not started */
	struct job *table[NBUCKETS];    /* every job not finished */
	struct job *rtable[NBUCKETS];   /* those with a reuse identity */
	bool reuse;                     /* the cache reuses across snapshots */
	int stop;
	volatile int cancel;            /* read by running computations */
	struct fim_hashsvc_stats stats;
	unsigned queued, running;       /* jobs in the queue, computed */
	unsigned nthreads;
	pthread_t *threads;
	struct fim_hashsvc_opts opts;
};

static uint32_t job_hash(const char *path, int want_prefix, uint64_t prefix)
{
	uint32_t h = (uint32_t)fim_strhash_keyed(path);

	if (want_prefix)
		h ^= (uint32_t)(prefix * 2654435761u) ^ (uint32_t)(prefix >> 32);
	return h;
}

static bool same_file_state(const struct fim_stat *a, const struct fim_stat *b)
{
	return a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

static void make_key(struct fim_dkey *k, const char *path, const char *bpath,
		     const struct fim_stat *st)
{
	k->path = path;
	k->bpath = bpath;
	k->ino = st->ino;
	k->size = st->size;
	k->mtime_ns = st->mtime_ns;
	k->ctime_ns = st->ctime_ns;
}

/* A cached answer for this state of the file, including the prefix digest
 * when it is the whole file or longer than the file. */
static int from_cache(struct fim_hashsvc *svc, const struct fim_hash_req *req,
		      const struct fim_stat *st, struct fim_hash_result *res)
{
	struct fim_digest_set set;
	struct fim_stat keep;
	struct fim_dkey key;

	if (req->want_prefix && req->prefix < st->size)
		return -ENOENT;
	make_key(&key, req->path, req->bpath, st);
	if (fim_dcache_get(svc->dc, &key,
			   fim_digest_engine_mask(svc->eng) | req->extra, &set))
		return -ENOENT;
	keep = *st; /* callers pass &res->st: copy it before res is cleared */
	memset(res, 0, sizeof(*res));
	res->st = keep;
	res->digests = set;
	res->from_cache = 1;
	if (req->want_prefix && req->prefix == st->size)
		res->prefix = res->digests;
	return 0;
}

/* What the digest engine reads through: the file, and the service for its
 * after_read hook. */
struct reading {
	struct fim_hashsvc *svc;
	struct fim_src_file *f;
};

static long src_pread(void *arg, void *buf, size_t len, uint64_t off)
{
	struct reading *r = arg;
	long n = fim_src_pread(r->f, buf, len, off);
	int ret;

	if (n > 0 && r->svc->opts.after_read) {
		ret = r->svc->opts.after_read(r->svc->opts.arg, (uint64_t)n);
		if (ret)
			return ret;
	}
	return n;
}

/* The page-cache state of a file range (cachestat(2), Linux 6.5): not in
 * every libc's headers yet. */
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
struct cachestat_range {
	uint64_t off, len;
};
struct cachestat {
	uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted,
		 nr_recently_evicted;
};

/* Whether all size bytes of the file open on fd are in the page cache;
 * false when the kernel cannot tell. */
static bool in_page_cache(int fd, uint64_t size)
{
	struct cachestat_range r = { .off = 0, .len = size };
	struct cachestat cs;
	long page = sysconf(_SC_PAGESIZE);

	if (syscall(__NR_cachestat, fd, &r, &cs, 0) || page <= 0)
		return false;
	return cs.nr_cache >= (size + (uint64_t)page - 1) / (uint64_t)page;
}

/* Whether the file is better read in the hashing thread than by a reader
 * thread ahead of it: when it is one read long, or when its reads will not
 * wait for storage and every worker has a file, so that no core is spare
 * for the copies; a reader thread then only costs thread starts and
 * switches (fs/PERFORMANCE-NOTES.md). */
static bool read_inline(struct fim_hashsvc *svc, int fd, uint64_t size)
{
	bool busy;

	if (size <= FIM_DIGEST_CHUNK)
		return true;
	if (fd < 0)
		return false;
	pthread_mutex_lock(&svc->mu);
	busy = svc->running + svc->queued >= svc->nthreads;
	pthread_mutex_unlock(&svc->mu);
	return busy && in_page_cache(fd, size);
}

static void compute(struct fim_hashsvc *svc, const struct job *job,
		    struct fim_hash_result *res)
{
	struct fim_digest_opts opts = { .cancel = &svc->cancel,
					.extra = job->extra };
	struct fim_hash_req req = { .path = job->path, .bpath = job->bpath,
				    .want_prefix = job->want_prefix,
				    .prefix = job->prefix,
				    .extra = job->extra };
	struct fim_src_file *f = NULL;
	struct reading rd = { .svc = svc };
	struct fim_stat after;
	struct fim_dkey key;
	uint64_t bytes = 0;
	int fd;

	memset(res, 0, sizeof(*res));
	res->err = fim_src_open_stat(svc->src, job->path, &f, &res->st);
	if (res->err)
		goto out;
	/* The request looked in the cache for the state it saw: only a file
	 * changed since then can have an answer there now. */
	if (!same_file_state(&job->st, &res->st) &&
	    !from_cache(svc, &req, &res->st, res))
		goto out;
	fd = fim_src_fd(f);
	/* One read is all a small file takes: no read-ahead to ask for. */
	if (fd >= 0 && res->st.size > FIM_DIGEST_CHUNK)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (job->want_prefix) {
		opts.prefix = job->prefix;
		opts.prefix_out = &res->prefix;
	}
	opts.read_inline = read_inline(svc, fd, res->st.size);
	opts.size_known = true;
	opts.size = res->st.size;
	rd.f = f;
	res->err = fim_digest_run(svc->eng, src_pread, &rd, &opts,
				  &res->digests, &bytes);
	if (!res->err)
		res->err = fim_src_fstat(f, &after);
	/* Content read while the file changed is no digest of any state of
	 * it: report and never cache. */
	if (!res->err && (!fim_stat_same(&res->st, &after) ||
			  bytes != after.size)) {
		fim_log(LOG_WARNING, "%s: changed while it was hashed",
			job->path);
		res->err = -EAGAIN;
	}
	if (!res->err) {
		make_key(&key, job->path, job->bpath, &res->st);
		fim_dcache_put(svc->dc, &key, &res->digests);
	}
	pthread_mutex_lock(&svc->mu);
	if (res->err == -EAGAIN)
		svc->stats.changed++;
	else if (res->err)
		svc->stats.errors++;
	else {
		svc->stats.files_hashed++;
		svc->stats.bytes_hashed += bytes;
	}
	pthread_mutex_unlock(&svc->mu);
out:
	fim_src_close(f);
}

static void job_free(struct job *job)
{
	free(job->path);
	free(job->bpath);
	free(job);
}

static void own_free(struct fim_hash_req *own)
{
	if (!own)
		return;
	free((char *)own->path);
	free((char *)own->bpath);
	free(own);
}

/* Answer a waiter that joined by the reuse identity: the digests with its
 * own attributes, or its request made again when the file hashed was not
 * in the state it saw. */
static void answer_joiner(struct fim_hashsvc *svc, struct waiter *w,
			  const struct fim_hash_result *res)
{
	struct fim_hash_result mine;
	int err;

	if (!res->err && same_file_state(&res->st, &w->st)) {
		mine = *res;
		mine.st = w->st;
		mine.from_cache = 1;
		w->cb(w->arg, &mine);
		return;
	}
	err = fim_hashsvc_request(svc, w->own, w->cb, w->arg);
	if (err) {
		memset(&mine, 0, sizeof(mine));
		mine.err = err;
		w->cb(w->arg, &mine);
	}
}

/* Take the job out of the tables and answer everyone who waited for it. */
static void finish(struct fim_hashsvc *svc, struct job *job,
		   const struct fim_hash_result *res)
{
	struct job **pp;
	struct waiter *w, *next;

	pthread_mutex_lock(&svc->mu);
	svc->running--;
	for (pp = &svc->table[job->hash % NBUCKETS]; *pp != job;
	     pp = &(*pp)->next_in_bucket)
		;
	*pp = job->next_in_bucket;
	if (job->by_reuse) {
		for (pp = &svc->rtable[job->rhash % NBUCKETS]; *pp != job;
		     pp = &(*pp)->next_in_rbucket)
			;
		*pp = job->next_in_rbucket;
	}
	w = job->waiters;
	pthread_mutex_unlock(&svc->mu);
	for (; w; w = next) {
		next = w->next;
		if (w->own)
			answer_joiner(svc, w, res);
		else
			w->cb(w->arg, res);
		own_free(w->own);
		free(w);
	}
	job_free(job);
}

static void *worker(void *arg)
{
	struct fim_hashsvc *svc = arg;
	struct fim_hash_result res;
	struct job *job;

	if (svc->opts.thread_init)
		svc->opts.thread_init(svc->opts.arg);
	for (;;) {
		pthread_mutex_lock(&svc->mu);
		while (!svc->head && !svc->stop)
			pthread_cond_wait(&svc->cv, &svc->mu);
		job = svc->head;
		if (job) {
			svc->head = job->next_queued;
			if (!svc->head)
				svc->tail = NULL;
			svc->queued--;
			svc->running++;
		}
		pthread_mutex_unlock(&svc->mu);
		if (!job)
			return NULL;
		if (svc->cancel) {
			memset(&res, 0, sizeof(res));
			res.err = -ECANCELED;
		} else {
			compute(svc, job, &res);
		}
		finish(svc, job, &res);
	}
}

/* Whether a job computes what req asks for (the same file aside). */
static bool covers(const struct job *j, const struct fim_hash_req *req)
{
	return j->want_prefix == req->want_prefix &&
	       (!req->want_prefix || j->prefix == req->prefix) &&
	       !(req->extra & ~j->extra);
}

static struct job *find_job(struct fim_hashsvc *svc, uint32_t hash,
			    const struct fim_hash_req *req)
{
	for (struct job *j = svc->table[hash % NBUCKETS]; j;
	     j = j->next_in_bucket)
		if (j->hash == hash && covers(j, req) &&
		    !strcmp(j->path, req->path))
			return j;
	return NULL;
}

/* A job hashing another snapshot's copy of the file req names, in the
 * state st. */
static struct job *find_reused(struct fim_hashsvc *svc, uint32_t rhash,
			       const struct fim_hash_req *req,
			       const struct fim_stat *st)
{
	for (struct job *j = svc->rtable[rhash % NBUCKETS]; j;
	     j = j->next_in_rbucket)
		if (j->rhash == rhash && covers(j, req) &&
		    same_file_state(&j->st, st) && !strcmp(j->bpath, req->bpath))
			return j;
	return NULL;
}

/* The request, copied for a waiter that may have to make it again. */
static struct fim_hash_req *own_copy(const struct fim_hash_req *req)
{
	struct fim_hash_req *own = malloc(sizeof(*own));

	if (!own)
		return NULL;
	*own = *req;
	own->st = NULL; /* asked again later: read the attributes then */
	own->path = strdup(req->path);
	own->bpath = strdup(req->bpath);
	if (!own->path || !own->bpath) {
		own_free(own);
		return NULL;
	}
	return own;
}

static struct job *job_new(const struct fim_hash_req *req, uint32_t hash)
{
	struct job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->path = strdup(req->path);
	job->bpath = req->bpath ? strdup(req->bpath) : NULL;
	if (!job->path || (req->bpath && !job->bpath)) {
		job_free(job);
		return NULL;
	}
	job->want_prefix = req->want_prefix;
	job->prefix = req->prefix;
	job->extra = req->extra;
	job->hash = hash;
	return job;
}

/* Join a job in progress or queue a new one; called with the lock held.
 * Returns 0 or a negative errno. */
static int enqueue(struct fim_hashsvc *svc, const struct fim_hash_req *req,
		   const struct fim_stat *st, struct waiter *w)
{
	uint32_t hash = job_hash(req->path, req->want_prefix, req->prefix);
	bool reuse = svc->reuse && req->bpath;
	uint32_t rhash = reuse ? (uint32_t)fim_strhash_keyed(req->bpath) : 0;
	struct job *job;

	job = find_job(svc, hash, req);
	if (!job && reuse) {
		job = find_reused(svc, rhash, req, st);
		if (job) {
			w->own = own_copy(req);
			if (!w->own)
				return -ENOMEM;
			w->st = *st;
		}
	}
	if (job) {
		svc->stats.joined++;
	} else {
		job = job_new(req, hash);
		if (!job)
			return -ENOMEM;
		job->st = *st;
		job->next_in_bucket = svc->table[hash % NBUCKETS];
		svc->table[hash % NBUCKETS] = job;
		if (reuse) {
			job->by_reuse = true;
			job->rhash = rhash;
			job->next_in_rbucket = svc->rtable[rhash % NBUCKETS];
			svc->rtable[rhash % NBUCKETS] = job;
		}
		if (svc->tail)
			svc->tail->next_queued = job;
		else
			svc->head = job;
		svc->tail = job;
		svc->queued++;
		pthread_cond_signal(&svc->cv);
	}
	w->next = job->waiters;
	job->waiters = w;
	return 0;
}

int fim_hashsvc_request(struct fim_hashsvc *svc, const struct fim_hash_req *req,
			fim_hash_cb cb, void *arg)
{
	struct fim_hash_result res;
	struct waiter *w;
	int err;

	/* A caller that has just read them spares a lookup per file. */
	if (req->st)
		res.st = *req->st;
	else if ((err = fim_src_lstat(svc->src, req->path, &res.st)))
		return err;
	if (!S_ISREG(res.st.mode))
		return -EINVAL;
	if (!from_cache(svc, req, &res.st, &res)) {
		cb(arg, &res);
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cb = cb;
	w->arg = arg;
	pthread_mutex_lock(&svc->mu);
	err = svc->stop ? -ECANCELED : enqueue(svc, req, &res.st, w);
	pthread_mutex_unlock(&svc->mu);
	if (err)
		free(w);
	return err;
}

int fim_hashsvc_new(struct fim_source *src,
		    const struct fim_digest_engine *eng, struct fim_dcache *dc,
		    unsigned threads, struct fim_hashsvc **out)
{
	struct fim_hashsvc_opts opts = { .threads = threads };

	return fim_hashsvc_new_opts(src, eng, dc, &opts, out);
}

int fim_hashsvc_new_opts(struct fim_source *src,
			 const struct fim_digest_engine *eng,
			 struct fim_dcache *dc,
			 const struct fim_hashsvc_opts *opts,
			 struct fim_hashsvc **out)
{
	struct fim_hashsvc *svc = calloc(1, sizeof(*svc));
	unsigned threads = opts->threads ? opts->threads : 1;

	if (!svc)
		return -ENOMEM;
	svc->src = src;
	svc->eng = eng;
	svc->dc = dc;
	svc->opts = *opts;
	svc->reuse = fim_dcache_reuses(dc);
	pthread_mutex_init(&svc->mu, NULL);
	pthread_cond_init(&svc->cv, NULL);
	svc->threads = calloc(threads, sizeof(pthread_t));
	if (!svc->threads)
		goto fail;
	for (unsigned i = 0; i < threads; i++) {
		if (pthread_create(&svc->threads[i], NULL, worker, svc))
			goto fail;
		svc->nthreads++;
	}
	*out = svc;
	return 0;
fail:
	fim_hashsvc_free(svc);
	return -ENOMEM;
}

void fim_hashsvc_free(struct fim_hashsvc *svc)
{
	if (!svc)
		return;
	pthread_mutex_lock(&svc->mu);
	svc->stop = 1;
	svc->cancel = 1;
	pthread_cond_broadcast(&svc->cv);
	pthread_mutex_unlock(&svc->mu);
	for (unsigned i = 0; i < svc->nthreads; i++)
		pthread_join(svc->threads[i], NULL);
	free(svc->threads);
	pthread_cond_destroy(&svc->cv);
	pthread_mutex_destroy(&svc->mu);
	free(svc);
}

void fim_hashsvc_get_stats(struct fim_hashsvc *svc,
			   struct fim_hashsvc_stats *st)
{
	pthread_mutex_lock(&svc->mu);
	*st = svc->stats;
	pthread_mutex_unlock(&svc->mu);
}
