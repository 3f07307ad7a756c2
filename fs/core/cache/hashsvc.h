/* Hashing service: a pool of worker threads computing file digests, with
 * one computation per file at a time however many callers wait for it
 * (single-flight), answers from the digest cache when the file is unchanged,
 * and "changed while hashed" detection. Every answer carries the digests of
 * the engine's algorithms and of the request's extra ones: a cache entry
 * lacking one of them is not an answer (the file is hashed again).
 *
 * Callers never block: a request is answered through its callback, exactly
 * once, either before fim_hashsvc_request() returns (cache hit, early error)
 * or later from a worker thread. A caller that loses interest (an
 * interrupted reader) simply ignores the callback; the computation goes on
 * and fills the cache.
 */
#ifndef FIM_HASHSVC_H
#define FIM_HASHSVC_H

#include <stdint.h>

#include "dcache.h"
#include "digest.h"
#include "hashres.h"
#include "source.h"

struct fim_hash_req {
	const char *path;   /* within SOURCE */
	const char *bpath;  /* baseline path, for reuse across snapshots */
	int want_prefix;    /* also the digests of the first prefix bytes */
	uint64_t prefix;
	uint32_t extra;     /* algorithms beyond the engine's mask, of
			       fim_digest_engine_avail (fim_verdict_extra) */
	const struct fim_stat *st; /* the file's attributes as the caller
				      just read them, or NULL: read now */
};

struct fim_hashsvc_stats {
	uint64_t files_hashed, bytes_hashed, joined, errors, changed;
};

struct fim_hashsvc;

/* threads: number of workers (at least 1). The source, engine and cache
 * must outlive the service. */
int fim_hashsvc_new(struct fim_source *src,
		    const struct fim_digest_engine *eng, struct fim_dcache *dc,
		    unsigned threads, struct fim_hashsvc **out);

/* A service for background work (a watcher) beside the one that serves
 * readers: the same cache, so what it hashes answers readers later, but
 * its own single-flight table, so that a reader never waits behind its
 * throttled reads. */
struct fim_hashsvc_opts {
	unsigned threads; /* workers, at least 1 */
	/* Called once in each worker before its first job: whatever it sets
	 * for the thread (its I/O priority) is inherited by the threads the
	 * digest engine starts from it to read ahead. NULL: nothing. */
	void (*thread_init)(void *arg);
	/* Called after each read of a file with the bytes it read, in the
	 * thread that read them; it may sleep (a rate limit). A negative
	 * errno fails the computation with it (nothing is cached). NULL:
	 * nothing. */
	int (*after_read)(void *arg, uint64_t bytes);
	void *arg;
};

int fim_hashsvc_new_opts(struct fim_source *src,
			 const struct fim_digest_engine *eng,
			 struct fim_dcache *dc,
			 const struct fim_hashsvc_opts *opts,
			 struct fim_hashsvc **out);

/* Stops the workers: queued requests are answered with -ECANCELED, the
 * running computations are cancelled. */
void fim_hashsvc_free(struct fim_hashsvc *svc);

/* Ask for the digests of a regular file. Returns 0 (cb will be or has been
 * called) or a negative errno (cb is not called). */
int fim_hashsvc_request(struct fim_hashsvc *svc, const struct fim_hash_req *req,
			fim_hash_cb cb, void *arg);

void fim_hashsvc_get_stats(struct fim_hashsvc *svc,
			   struct fim_hashsvc_stats *st);

#endif
