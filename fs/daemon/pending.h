/* Requests waiting for a digest. A request answered from a hashing thread
 * sits in the session's pending list until then, so that an interrupt
 * (Ctrl-C) can answer it first with EINTR. Exactly one reply is sent:
 * whoever takes the request off the list replies. */
#ifndef FIMFS_PENDING_H
#define FIMFS_PENDING_H

#include <stdbool.h>

#include "fimfs.h"

struct pending {
	fuse_req_t req;
	bool linked; /* guarded by pending_mu */
	struct pending *prev, *next;
};

/* Put p (with p->req set) on the list and register the interrupt handler;
 * call before anything can answer the request. */
void pending_add(struct fimfs *fs, struct pending *p);

/* Take p off the list; true when the caller must reply (no interrupt did). */
bool pending_take(struct fimfs *fs, struct pending *p);

#endif
