#include "splice.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/* libfuse's rule (fuse_send_data_iov): the pipe must hold the reply's data
 * plus a page for each of the header and data vectors and one more, plus
 * the header itself (struct fuse_out_header). */
#define REPLY_HEADER 16
#define REPLY_PAGES 3

size_t splice_read_max(size_t want)
{
	size_t page = (size_t)getpagesize();
	size_t overhead = REPLY_PAGES * page + REPLY_HEADER;
	size_t fit = 0;
	long cap = -1;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return 0;
	/* The kernel rounds a pipe's size up to a power of two pages and
	 * refuses beyond the limit: halving visits each power of two from
	 * the one that holds want down. */
	for (size_t sz = want + overhead; sz >= 2 * page + overhead && cap < 0;
	     sz /= 2)
		cap = fcntl(p[0], F_SETPIPE_SZ, sz);
	close(p[0]);
	close(p[1]);
	if (cap > 0 && (size_t)cap >= overhead + 2 * page)
		fit = ((size_t)cap - overhead) & ~(page - 1);
	return fit < want ? fit : want;
}

enum splice_way splice_read_way(size_t size, size_t max)
{
	if (size < 2 * (size_t)getpagesize())
		return SPLICE_SMALL;
	return size > max ? SPLICE_COPIED : SPLICE_SPLICED;
}

bool splice_mem_fits(const struct iovec *iov, int niov, size_t size,
		     size_t *pages)
{
	size_t page = (size_t)getpagesize(), n = 0;

	for (int i = 0; i < niov; i++) {
		uintptr_t a = (uintptr_t)iov[i].iov_base;

		if (iov[i].iov_len)
			n += (a + iov[i].iov_len + page - 1) / page - a / page;
	}
	*pages = n;
	/* Its pipe holds the reply's pages, the header's and REPLY_PAGES
	 * more, one of them kept free. */
	return n <= (size + page - 1) / page + REPLY_PAGES - 1;
}
