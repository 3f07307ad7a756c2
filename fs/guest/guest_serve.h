/* One request of the core, one reply: the part of fimfs-guest that turns
 * protocol bytes into calls on the image and back. Kept apart from the
 * process set-up so that the fuzz target can drive it in-process. */
#ifndef FIM_GUEST_SERVE_H
#define FIM_GUEST_SERVE_H

#include <stddef.h>

#include "guest_image.h"
#include "guest_proto.h"

/* Capacity a reply buffer needs: one frame and its length prefix. */
#define GS_REPLY_CAP (FIM_GP_FRAME_MAX + 4u)

/* Answers the request payload req (len bytes) about gi: the whole reply
 * frame, length prefix included, replaces out's content. Returns 0, or
 * -EPROTO when the request does not parse (the peer is broken: stop). */
int gs_answer(struct guest_image *gi, const void *req, size_t len,
	      struct fim_gp_buf *out);

#endif
