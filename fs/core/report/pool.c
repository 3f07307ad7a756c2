/* The bounded request pool; see walk.h. */
#include "walk.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct fim_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned limit, inflight;
	uint64_t files, bytes, done_files, done_bytes;
	fim_progress_cb progress;
	void *progress_arg;
	bool reported;
	struct timespec start;
	double last_report; /* seconds since start */
};

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int fim_pool_new(unsigned limit, uint64_t files, uint64_t bytes,
		 fim_progress_cb progress, void *progress_arg,
		 struct fim_pool **out)
{
	struct fim_pool *p = calloc(1, sizeof(*p));
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
	p->progress_arg = progress_arg;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	*out = p;
	return 0;
}

void fim_pool_free(struct fim_pool *p)
{
	if (!p)
		return;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* Tell the progress so far (caller holds mu). */
static void report(struct fim_pool *p, bool last)
{
	struct fim_progress pr = {
		.files = p->files, .bytes = p->bytes,
		.done_files = p->done_files, .done_bytes = p->done_bytes,
		.seconds = since(&p->start), .last = last,
	};

	p->progress(p->progress_arg, &pr);
	p->reported = true;
}

/* Wait on the condition for at most a quarter second, reporting. */
static void tick(struct fim_pool *p)
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
	if (since(&p->start) - p->last_report >= 0.25) {
		report(p, false);
		p->last_report = since(&p->start);
	}
}

/* A full pool is waited on until half of it is free, and only that and
 * the last release wake the waiter: with small files a wake-up for every
 * release was a futex call or two a file in each thread. */
static unsigned low_water(const struct fim_pool *p)
{
	return p->limit / 2;
}

void fim_pool_acquire(struct fim_pool *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->inflight >= p->limit)
		while (p->inflight > low_water(p))
			tick(p);
	p->inflight++;
	pthread_mutex_unlock(&p->mu);
}

void fim_pool_release(struct fim_pool *p, uint64_t bytes)
{
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	p->done_files++;
	p->done_bytes += bytes;
	if (p->inflight == low_water(p) || !p->inflight)
		pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

double fim_pool_wait(struct fim_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->inflight)
		tick(p);
	if (p->reported)
		report(p, true);
	pthread_mutex_unlock(&p->mu);
	return since(&p->start);
}
