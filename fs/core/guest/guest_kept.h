/* Listings a reader made ahead and handed over before a reply (AHEAD in
 * guest_proto.h), kept by the client until the directory is asked for: a
 * walk of the guest tree then costs one round trip to the reader for many
 * directories instead of one each. A listing is given out once; what is
 * kept is bounded in count and bytes, and a listing that does not fit is
 * dropped (asked for again when needed). A reader's listings hold for its
 * image state alone, so they never go stale while the reader lives. */
#ifndef FIM_GUEST_KEPT_H
#define FIM_GUEST_KEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fim_guest_kept;

int fim_guest_kept_new(struct fim_guest_kept **out);
void fim_guest_kept_free(struct fim_guest_kept *k);

/* Keeps a copy of body (a whole READDIR page, len bytes) as the listing
 * of path in partition part, in place of one kept before; false when it
 * is not kept (over the bounds, or out of memory). */
bool fim_guest_kept_put(struct fim_guest_kept *k, uint16_t part,
			const char *path, const uint8_t *body, size_t len);

/* The listing kept for path in partition part, handed to the caller (who
 * frees *body), and forgotten; false when none is kept. */
bool fim_guest_kept_take(struct fim_guest_kept *k, uint16_t part,
			 const char *path, uint8_t **body, size_t *len);

/* Forgets every listing kept (the reader that made them is gone). */
void fim_guest_kept_clear(struct fim_guest_kept *k);

#endif
