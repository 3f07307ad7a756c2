/* The READ reply size the daemon lets the kernel send (fs/daemon/splice.c):
 * on whatever this machine allows, a reply of that size plus libfuse's
 * header and three pages fits a pipe this process can grow, and one page
 * more would not. */
#include <fcntl.h>
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

int main(void)
{
	test_largest_that_fits();
	test_way();
	return tap_done();
}
