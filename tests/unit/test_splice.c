/* The READ reply size the daemon lets the kernel send (fs/daemon/splice.c):
 * on whatever this machine allows, a reply of that size plus libfuse's
 * header and three pages fits a pipe this process can grow, and one page
 * more would not. A reply from the daemon's memory fits libfuse's pipe
 * unless its pieces are scattered over more pages than it has room for. */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "splice.h"
#include "tap.h"

#define HEADER 16 /* struct fuse_out_header */

/* Whether a pipe of this process can grow to hold size bytes. */
static int pipe_holds(size_t size)
{
	int p[2], ret;

	if (pipe2(p, O_CLOEXEC))
		return 0;
	ret = fcntl(p[0], F_SETPIPE_SZ, size) >= 0;
	close(p[0]);
	close(p[1]);
	return ret;
}

static void test_largest_that_fits(void)
{
	size_t page = (size_t)getpagesize(), want = 1 << 20;
	size_t max = splice_read_max(want);

	ok(max >= 2 * page && max <= want && max % page == 0,
	   "two pages to 1 MiB, whole pages");
	ok(pipe_holds(max + 3 * page + HEADER), "its reply fits a pipe");
	ok(max == want || !pipe_holds(max + 4 * page + HEADER),
	   "a page more would not");
	is_int(splice_read_max(64 << 10), 64 << 10, "a small want fits as is");
}

static void test_way(void)
{
	size_t page = (size_t)getpagesize();

	is_int(splice_read_way(page, 1 << 20), SPLICE_SMALL,
	       "one page: copied by design");
	is_int(splice_read_way(2 * page, 1 << 20), SPLICE_SPLICED,
	       "two pages: spliced");
	is_int(splice_read_way(1 << 20, 1 << 20), SPLICE_SPLICED,
	       "the largest: spliced");
	is_int(splice_read_way((1 << 20) + page, 1 << 20), SPLICE_COPIED,
	       "larger: copied");
	is_int(splice_read_way(2 * page, 0), SPLICE_COPIED,
	       "no splice: copied");
}

static void test_mem_fits(void)
{
	size_t page = (size_t)getpagesize(), pages;
	char *base = (char *)(uintptr_t)(64 * page); /* never dereferenced */
	struct iovec whole = { base, 256 * page };
	struct iovec split[2] = { { base, 100 * page },
				  { base + 300 * page, 156 * page } };
	struct iovec odd[3] = { { base + 16, 10 * page },
				{ base + 50 * page + 16, 10 * page },
				{ base + 90 * page + 16, 10 * page } };
	struct iovec tail = { base + 8, 2 * page };

	ok(splice_mem_fits(&whole, 1, 256 * page, &pages) && pages == 256,
	   "one aligned piece: its pages");
	ok(splice_mem_fits(split, 2, 256 * page, &pages) && pages == 256,
	   "pieces starting on pages: their pages");
	ok(!splice_mem_fits(odd, 3, 30 * page, &pages) && pages == 33,
	   "three pieces off a page: three pages more than the pipe has");
	ok(splice_mem_fits(odd, 2, 20 * page, &pages) && pages == 22,
	   "two pieces off a page: two more, which fit");
	ok(splice_mem_fits(&tail, 1, 2 * page, &pages) && pages == 3,
	   "one piece off a page: one more");
}

int main(void)
{
	test_largest_that_fits();
	test_way();
	test_mem_fits();
	return tap_done();
}
