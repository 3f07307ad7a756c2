#include "memsplice.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "splice.h"

/* Each serving thread's pipe, closed when the thread ends (libfuse ends
 * idle ones). */
struct tpipe {
	int fd[2];
	size_t size;
};

static pthread_key_t pipe_key;
static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;

static void tpipe_free(void *p)
{
	struct tpipe *t = p;

	close(t->fd[0]);
	close(t->fd[1]);
	free(t);
}

static void key_init(void)
{
	/* On failure every reply takes the caller's way. */
	if (pthread_key_create(&pipe_key, tpipe_free))
		pipe_key = (pthread_key_t)-1;
}

static void tpipe_drop(struct tpipe *t)
{
	pthread_setspecific(pipe_key, NULL);
	tpipe_free(t);
}

/* This thread's pipe, grown to hold size bytes in pieces of a page. */
static struct tpipe *tpipe_get(size_t size)
{
	struct tpipe *t;
	long got;

	if (pthread_once(&pipe_once, key_init) ||
	    pipe_key == (pthread_key_t)-1)
		return NULL;
	t = pthread_getspecific(pipe_key);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return NULL;
		if (pipe2(t->fd, O_CLOEXEC | O_NONBLOCK)) {
			free(t);
			return NULL;
		}
		if (pthread_setspecific(pipe_key, t)) {
			tpipe_free(t);
			return NULL;
		}
	}
	if (t->size < size) {
		got = fcntl(t->fd[0], F_SETPIPE_SZ, size);
		if (got < 0)
			return NULL;
		t->size = (size_t)got;
	}
	return t;
}

int memsplice_reply(fuse_req_t req, const struct iovec *iov, int niov,
		    size_t size, size_t max)
{
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size);
	struct tpipe *t;
	size_t pages;
	ssize_t n;
	int left;

	if (splice_read_way(size, max) != SPLICE_SPLICED)
		return -1;
	/* Pieces that libfuse's pipe cannot take would have it copy them
	 * through a buffer it maps for each reply. */
	if (!splice_mem_fits(iov, niov, size, &pages))
		return -1;
	t = tpipe_get(pages * (size_t)getpagesize());
	if (!t)
		return -1;
	n = vmsplice(t->fd[1], iov, (unsigned long)niov, SPLICE_F_NONBLOCK);
	if (n != (ssize_t)size) {
		/* Refused, or the pipe full: what it holds is no reply. */
		tpipe_drop(t);
		return -1;
	}
	bv.buf[0].flags = FUSE_BUF_IS_FD;
	bv.buf[0].fd = t->fd[0];
	/* libfuse moves the pages to its own pipe and on into the device,
	 * or reads them back to copy them when its pipe cannot hold them:
	 * either way the pipe is empty again and the memory free once this
	 * returns. */
	fuse_reply_data(req, &bv, 0);
	if (ioctl(t->fd[0], FIONREAD, &left) || left)
		tpipe_drop(t); /* a reply that failed half-way */
	return 0;
}
