/* For the core's layers above the view (report/, watch/, listing/): work
 * that runs in threads of its own beside the front ends' requests. The
 * watcher hashes with a service of its own (idle I/O priority, a rate
 * limit) so that no reader waits behind it; the listings are jobs the view
 * waits for before it goes. Internal: the front ends use the view's own
 * service through view.h. */
#ifndef FIM_VIEW_SVC_H
#define FIM_VIEW_SVC_H

#include "hashsvc.h"
#include "view.h"

/* A hashing service of its own for background work over the view's
 * source, digests and cache (fim_hashsvc_new_opts); the caller frees it
 * with fim_hashsvc_free() before the view. */
int fim_view_hashsvc_new(struct fim_view *v,
			 const struct fim_hashsvc_opts *opts,
			 struct fim_hashsvc **out);

/* fim_view_verdict hashing through svc instead of the view's service
 * (NULL: the view's), judging the attributes st a walk has just read of
 * path (NULL: read them here). They find the cached digests; a file that
 * is hashed is judged by the attributes of the descriptor read instead. */
int fim_view_verdict_with(struct fim_view *v, struct fim_hashsvc *svc,
			  const char *path, const struct fim_stat *st,
			  fim_verdict_cb cb, void *arg);

/* Work of its own on the view that runs in a thread (the listings of
 * listing.h) and must end before the view goes: fim_view_job_begin()
 * returns false once fim_view_free() has begun (start nothing then), and
 * fim_view_free() waits for the fim_view_job_end() of every job begun,
 * with fim_view_stopping() true meanwhile to tell them to end early. The
 * hashing threads run until the last job ended. */
bool fim_view_job_begin(struct fim_view *v);
void fim_view_job_end(struct fim_view *v);
bool fim_view_stopping(struct fim_view *v);

#endif
