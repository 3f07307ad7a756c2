/* Listings made ahead: while the core asks nothing, a reader lists the
 * subdirectories of what it listed last, so that a walk of the guest tree
 * (find, a baseline) gets each directory's reply at once instead of waiting
 * for TSK. The walk runs in the daemon and the kernel on one CPU while the
 * reader works ahead on another: a first find over 10k guest files spent
 * about a fifth of its time waiting for listings.
 *
 * Depth first, each directory's subdirectories in the order listed, which
 * is the order find(1) and fimfsctl take them. A listing is made ahead
 * only between requests, never delays one by more than the listing being
 * made, and is a reply like any other: the image cannot change under a
 * reader, so it cannot go stale. Bounded in listings and bytes; beyond the
 * bound nothing more is made ahead until the core takes what is kept.
 *
 * Only for an image the reader reads itself (fd 3): one that comes
 * through the socket is read by asking the core, which answers only while
 * it waits for a reply. */
#ifndef FIM_GUEST_AHEAD_H
#define FIM_GUEST_AHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "guest_image.h"
#include "guest_proto.h"

struct gs_ahead;

int gs_ahead_new(struct gs_ahead **out);
void gs_ahead_free(struct gs_ahead *a);

/* Sends one frame (length prefix included) to the core. */
typedef void (*gs_send_fn)(void *arg, const void *frame, size_t len);

/* As gs_answer (guest_serve.h), from a listing made ahead where one is
 * kept; the subdirectories of every listing given are queued to be made
 * ahead. Before the reply to a READDIR, every other listing kept is
 * handed over with send, as AHEAD frames (guest_proto.h): a walk then
 * waits for the reader once for many directories, not once for each. */
int gs_ahead_answer(struct gs_ahead *a, struct guest_image *gi,
		    const void *req, size_t len, struct fim_gp_buf *out,
		    gs_send_fn send, void *arg);

/* Makes the next listing ahead; false when there is none to make. */
bool gs_ahead_work(struct gs_ahead *a, struct guest_image *gi);

#endif
