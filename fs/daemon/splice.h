/* Keeping READ replies on libfuse's splice path. libfuse splices a reply
 * through a per-thread pipe that must hold the data, the reply header and
 * three pages; when the pipe cannot grow that far it silently allocates a
 * buffer and copies the data instead, several times slower. A pipe grows
 * past fs.pipe-max-size (1 MiB by default) only with CAP_SYS_RESOURCE. */
#ifndef FIMFS_SPLICE_H
#define FIMFS_SPLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/* The largest READ reply, at most want bytes and a whole number of pages,
 * that libfuse can splice for this process as its credentials are now:
 * found by growing a pipe as libfuse would. 0 when not even two pages fit
 * (libfuse copies anything smaller anyway). */
size_t splice_read_max(size_t want);

/* How libfuse sends a READ reply of size bytes from a file descriptor,
 * max being the splice_read_max() of the serving threads (0: no splice).
 * Under two pages it copies by design, cheaply: SPLICE_SMALL. */
enum splice_way { SPLICE_SMALL, SPLICE_SPLICED, SPLICE_COPIED };
enum splice_way splice_read_way(size_t size, size_t max);

/* Whether a reply of size bytes in the niov pieces at iov, moved into a
 * pipe with vmsplice(2), fits the pipe libfuse sizes for that reply: each
 * page a piece touches takes a pipe buffer of its own, so pieces that do
 * not start on a page may need more than the reply's pages. *pages: how
 * many the pieces touch. */
bool splice_mem_fits(const struct iovec *iov, int niov, size_t size,
		     size_t *pages);

#endif
