/* Files of the NFS backend, for both versions, read with several READs in
 * flight (each version's read queues one).
 *
 * A file being read sequentially keeps a window of up to nfs.max_reads
 * READs of nfs.read_size bytes in flight on a connection it holds until
 * the window runs dry (end of file, or close): each pread() takes what has
 * arrived and tops the window up, so the network keeps working while the
 * caller hashes. A read elsewhere than where the window stands drains it
 * and starts a new one there. A failed transport drops the connection and
 * the read is retried on a fresh one within nfs.timeout_ms, then -EIO.
 * What the window holds was the file's when the server answered: a
 * reader that comes back to it after FRESH_MS has it asked again, so that
 * a file changed on the server meanwhile is read as it is now.
 *
 * A caller that only passes the bytes on (a FUSE reply) borrows them where
 * they landed instead of having them copied: the slots it was lent stay
 * out of the window until it gives them back. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "source_nfs_int.h"

struct nfs_file {
	struct fim_src_file pub;
	struct nfs_fhb fh;
	uint64_t size; /* at open: the window stops there */
	struct nfs_conn *c;
	struct fnfs_slot *slots;
	char *mem;
	unsigned n, head, count;
	unsigned lent; /* slots just behind head, lent out */
	int64_t *asked; /* per slot: fnfs_now_ms() when its READ was sent */
	uint64_t eof_off; /* where the last READ said the file ends, or ~0 */
	uint64_t next_off;
	/* The contract allows one thread per file, but FUSE hands concurrent
	 * reads of one open file to several threads. */
	pthread_mutex_t mu;
	pthread_cond_t moved; /* a read is done: the window may have moved */
};

/* How long a read from further on waits for the one before it. */
#define TURN_WAIT_NS (5 * 1000000L)

/* How long READ replies stay good for a reader that comes back to them. */
#define FRESH_MS 1000

static struct nfs_src *src_of(struct nfs_file *f)
{
	return (struct nfs_src *)f->pub.src;
}

static int cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t a;
	int ret = pthread_condattr_init(&a);

	if (ret)
		return ret;
	ret = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
	return ret;
}

int fnfs_file_open(struct fim_source *src, const char *path,
		  struct fim_src_file **out)
{
	struct nfs_file *f = calloc(1, sizeof(*f));
	struct fim_stat st;
	int ret;

	if (!f)
		return -ENOMEM;
	ret = fnfs_resolve((struct nfs_src *)src, path, &f->fh, &st);
	if (!ret && !S_ISREG(st.mode))
		ret = -EINVAL;
	if (ret) {
		free(f);
		return ret;
	}
	f->pub.src = src;
	f->size = st.size;
	f->eof_off = UINT64_MAX;
	if (cond_init_monotonic(&f->moved)) {
		free(f);
		return -ENOMEM;
	}
	pthread_mutex_init(&f->mu, NULL);
	*out = &f->pub;
	return 0;
}

int fnfs_file_fstat(struct fim_src_file *file, struct fim_stat *st)
{
	struct nfs_file *f = (struct nfs_file *)file;

	return fnfs_getattr(src_of(f), &f->fh, st);
}

int fnfs_file_fd(struct fim_src_file *f)
{
	(void)f;
	return -1;
}

/* Forget the window; in-flight READs are cancelled with the conn. */
static void window_drop(struct nfs_file *f)
{
	fnfs_conn_drop(f->c);
	f->c = NULL;
	f->count = 0;
}

/* Let the READs in flight finish (their data is discarded). */
static int window_drain(struct nfs_file *f, int64_t deadline)
{
	for (; f->count; f->count--, f->head = (f->head + 1) % f->n) {
		if (fnfs_conn_wait(f->c, &f->slots[f->head].done, deadline)) {
			window_drop(f);
			return NFS_ETRANSPORT;
		}
	}
	return 0;
}

static int window_fill(struct nfs_file *f)
{
	struct nfs_src *s = src_of(f);

	while (f->count + f->lent < f->n &&
	       (f->next_off < f->size || !f->count)) {
		unsigned i = (f->head + f->count) % f->n;
		struct fnfs_slot *sl = &f->slots[i];

		f->asked[i] = fnfs_now_ms();
		memset(sl, 0, offsetof(struct fnfs_slot, buf));
		sl->off = f->next_off;
		sl->want = s->read_size;
		if (s->proto->read(f->c, &f->fh, sl))
			return NFS_ETRANSPORT;
		f->count++;
		f->next_off += s->read_size;
	}
	/* On their way now, not when the next read waits. */
	return fnfs_conn_flush(f->c);
}

static int slots_alloc(struct nfs_file *f)
{
	struct nfs_src *s = src_of(f);

	f->n = s->max_reads;
	f->slots = calloc(f->n, sizeof(*f->slots));
	f->asked = calloc(f->n, sizeof(*f->asked));
	/* Page-aligned: a reply lent from here goes to the kernel in pages
	 * (a FUSE request starts on a page). */
	if (posix_memalign((void **)&f->mem, (size_t)getpagesize(),
			   (size_t)f->n * s->read_size))
		f->mem = NULL;
	if (!f->slots || !f->asked || !f->mem) {
		free(f->slots);
		free(f->asked);
		free(f->mem);
		f->slots = NULL;
		f->asked = NULL;
		f->mem = NULL;
		return -ENOMEM;
	}
	for (unsigned i = 0; i < f->n; i++)
		f->slots[i].buf = f->mem + (size_t)i * s->read_size;
	return 0;
}

/* Where take() puts the bytes: copied to buf, or lent in place as iov. */
struct sink {
	char *buf;
	struct iovec *iov;
	int niov, max;
};

enum { TAKE_MORE, TAKE_END, TAKE_STOP };

/* Move bytes from the head of the window to the sink: TAKE_END at the end
 * of the file, TAKE_STOP when no more can be lent. */
static int take(struct nfs_file *f, struct sink *to, size_t len,
		size_t *done)
{
	struct fnfs_slot *sl = &f->slots[f->head];
	size_t n = sl->got - sl->used;
	int end;

	if (n > len - *done)
		n = len - *done;
	if (to->buf)
		memcpy(to->buf + *done, sl->buf + sl->used, n);
	else if (n && to->niov == to->max)
		return TAKE_STOP;
	else if (n)
		to->iov[to->niov++] = (struct iovec){ sl->buf + sl->used, n };
	sl->used += (uint32_t)n;
	*done += n;
	if (sl->used < sl->got)
		return TAKE_MORE;
	end = sl->eof || !sl->got;
	if (sl->got < sl->want && !end) {
		/* Asking again would land over what is lent: the next pread
		 * does, once it is given back. */
		if (!to->buf)
			return TAKE_STOP;
		/* A short READ: the same slot asks for the rest, the READs
		 * behind it stay in flight. */
		sl->off += sl->got;
		sl->want -= sl->got;
		sl->got = sl->used = 0;
		sl->done = sl->status = sl->nfsstat = 0;
		if (src_of(f)->proto->read(f->c, &f->fh, sl))
			window_drop(f);
		return TAKE_MORE;
	}
	f->head = (f->head + 1) % f->n;
	f->count--;
	if (!to->buf)
		f->lent++;
	if (!end)
		return TAKE_MORE;
	f->eof_off = sl->off + sl->got;
	return TAKE_END;
}

static int head_wait(struct nfs_file *f, int64_t deadline)
{
	struct fnfs_slot *sl = &f->slots[f->head];

	if (fnfs_conn_wait(f->c, &sl->done, deadline) ||
	    sl->status != RPC_STATUS_SUCCESS)
		return NFS_ETRANSPORT;
	return 0;
}

/* Move the window to pos: skip what lies before it, or step back within
 * its first READ (FUSE delivers the kernel's read-ahead slightly out of
 * order), or drain it when pos is behind it or beyond what is in flight. */
static int window_seek(struct nfs_file *f, uint64_t pos, int64_t deadline)
{
	while (f->count) {
		struct fnfs_slot *sl = &f->slots[f->head];
		int ret;

		if (pos == sl->off + sl->used)
			return 0;
		if (pos < sl->off || pos >= f->next_off)
			return window_drain(f, deadline);
		ret = head_wait(f, deadline);
		if (ret)
			return ret;
		if (pos < sl->off + sl->got) {
			sl->used = (uint32_t)(pos - sl->off);
			return 0;
		}
		if (sl->got < sl->want)
			return window_drain(f, deadline);
		f->head = (f->head + 1) % f->n;
		f->count--;
	}
	return 0;
}

static int step(struct nfs_file *f, uint64_t pos, int64_t start,
		int64_t deadline, int *nfsstat, int *old)
{
	struct nfs_src *s = src_of(f);
	int ret;

	*old = f->c && f->c->born < start;
	ret = window_seek(f, pos, deadline);
	if (!ret && f->count && f->asked[f->head] + FRESH_MS < start)
		ret = window_drain(f, deadline);
	if (ret)
		return ret;
	if (!f->c && !(f->c = fnfs_conn_get(s, deadline, &ret)))
		return ret;
	*old = f->c->born < start;
	if (!f->count)
		f->next_off = pos;
	ret = window_fill(f);
	if (!ret)
		ret = head_wait(f, deadline);
	if (!ret)
		*nfsstat = f->slots[f->head].nfsstat;
	return ret;
}

/* A read behind the window (FUSE hands the kernel's read-ahead to several
 * threads, so requests arrive slightly out of order): one READ of its own
 * on the window's conn, leaving the window as it is. */
static long read_aside(struct nfs_file *f, char *buf, size_t len,
		       uint64_t off, int64_t deadline)
{
	struct nfs_src *s = src_of(f);
	struct fnfs_slot sl = { .off = off, .buf = buf };

	if (len > s->read_size)
		len = s->read_size;
	sl.want = (uint32_t)len;
	if (s->proto->read(f->c, &f->fh, &sl) ||
	    fnfs_conn_wait(f->c, &sl.done, deadline) ||
	    sl.status != RPC_STATUS_SUCCESS) {
		window_drop(f); /* before sl goes: its callback is cancelled */
		return NFS_ETRANSPORT;
	}
	return sl.nfsstat ? fnfs_err(s, sl.nfsstat, "READ") : (long)sl.got;
}

/* FUSE hands the kernel's read-ahead to several threads, so the request
 * for the next stretch often comes in just before the one for this: it
 * waits (briefly) for that one rather than skip what it is about to ask
 * for, which would then be read again on its own. */
static void wait_turn(struct nfs_file *f, uint64_t off)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += TURN_WAIT_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (f->count && off < f->next_off &&
	       off > f->slots[f->head].off + f->slots[f->head].used) {
		if (pthread_cond_timedwait(&f->moved, &f->mu, &until))
			break;
	}
}

static long file_read(struct nfs_file *f, struct sink *to, size_t len,
		      uint64_t off)
{
	struct nfs_src *s = src_of(f);
	int64_t start = fnfs_now_ms(), deadline = start + s->timeout_ms;
	unsigned attempt = 0;
	size_t done = 0;
	int ret = 0, nfsstat = 0, old = 0;

	/* Asked to go on where a READ just said the file ends (to fill a
	 * request, or to see the end): that READ's word stands. */
	if (off == f->eof_off) {
		f->eof_off = UINT64_MAX;
		return 0;
	}
	f->eof_off = UINT64_MAX;
	if (!f->slots && slots_alloc(f))
		return -ENOMEM;
	wait_turn(f, off);
	if (f->count && off < f->slots[f->head].off) {
		long n = to->buf ? read_aside(f, to->buf, len, off, deadline)
				 : 0; /* lent: not the window's */

		if (n != NFS_ETRANSPORT)
			return n;
	}
	while (done < len) {
		/* Every slot lent: none left to read into. */
		if (!f->count && f->lent == f->n)
			break;
		ret = step(f, off + done, start, deadline, &nfsstat, &old);
		if (ret == NFS_ETRANSPORT) {
			window_drop(f);
			if (fnfs_should_retry(s, ret, &attempt, deadline, old))
				continue;
			fim_log(LOG_ERR, "%s: READ failed: the server did "
				"not answer within %u ms", s->pub.root,
				s->timeout_ms);
			return -EIO;
		}
		if (!ret && nfsstat)
			ret = fnfs_err(s, nfsstat, "READ");
		if (ret) {
			if (window_drain(f, deadline))
				window_drop(f);
			return ret;
		}
		ret = take(f, to, len, &done);
		if (ret == TAKE_STOP)
			break;
		if (ret == TAKE_END) {
			if (window_drain(f, deadline))
				window_drop(f);
			break;
		}
	}
	/* Keep the pipe full while the caller works on this chunk. */
	if (f->count && window_fill(f))
		window_drop(f);
	if (!f->count && f->c) {
		fnfs_conn_put(s, f->c);
		f->c = NULL;
	}
	return (long)done;
}

long fnfs_file_pread(struct fim_src_file *file, void *buf, size_t len,
		     uint64_t off)
{
	struct nfs_file *f = (struct nfs_file *)file;
	struct sink to = { .buf = buf };
	long n;

	pthread_mutex_lock(&f->mu);
	n = file_read(f, &to, len, off);
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->mu);
	return n;
}

long fnfs_file_lend(struct fim_src_file *file, size_t len, uint64_t off,
		    struct iovec *iov, int *niov)
{
	struct nfs_file *f = (struct nfs_file *)file;
	struct sink to = { .iov = iov, .max = *niov };
	long n;

	pthread_mutex_lock(&f->mu); /* until give_back */
	n = file_read(f, &to, len, off);
	*niov = to.niov;
	return n;
}

void fnfs_file_give_back(struct fim_src_file *file)
{
	struct nfs_file *f = (struct nfs_file *)file;

	f->lent = 0;
	if (f->count && window_fill(f))
		window_drop(f);
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->mu);
}

void fnfs_file_close(struct fim_src_file *file)
{
	struct nfs_file *f = (struct nfs_file *)file;
	struct nfs_src *s = src_of(f);

	if (f->c) {
		/* Give the conn back only once nothing is in flight on it. */
		if (window_drain(f, fnfs_now_ms() + s->timeout_ms))
			window_drop(f);
		else
			fnfs_conn_put(s, f->c);
	}
	pthread_cond_destroy(&f->moved);
	pthread_mutex_destroy(&f->mu);
	free(f->slots);
	free(f->asked);
	free(f->mem);
	free(f);
}
