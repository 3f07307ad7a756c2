/* One request of the core, one reply: the part of fimfs-guest that turns
 * protocol bytes into calls on the image and back. Kept apart from the
 * process set-up so that the fuzz target can drive it in-process. */
#ifndef FIM_GUEST_SERVE_H
#define FIM_GUEST_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "guest_image.h"
#include "guest_proto.h"

/* Capacity a reply buffer needs: one frame and its length prefix. */
#define GS_REPLY_CAP (FIM_GP_FRAME_MAX + 4u)

/* Answers the request payload req (len bytes) about gi: the whole reply
 * frame, length prefix included, replaces out's content. Returns 0, or
 * -EPROTO when the request does not parse (the peer is broken: stop). */
int gs_answer(struct guest_image *gi, const void *req, size_t len,
	      struct fim_gp_buf *out);

/* The same for a request already decoded. */
int gs_answer_req(struct guest_image *gi, const struct fim_gp_req *q,
		  struct fim_gp_buf *out);

/* Called with each subdirectory name (len bytes) a listing of directory
 * dir of partition part gives. */
typedef void (*gs_subdir_fn)(void *arg, uint16_t part, const char *dir,
			     const char *name, size_t len);

/* The reply to the decoded READDIR q, as gs_answer gives it, calling
 * subdir (unless NULL) for each subdirectory listed. Returns 0 for a whole
 * listing, 1 when it goes on in another page, a negative errno when the
 * reply is an error. */
int gs_readdir(struct guest_image *gi, const struct fim_gp_req *q,
	       struct fim_gp_buf *out, gs_subdir_fn subdir, void *arg);

/* Sets the request id of the reply frame (length prefix included). */
void gs_set_id(struct fim_gp_buf *frame, uint32_t id);

#endif
