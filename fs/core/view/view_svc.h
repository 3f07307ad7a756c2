/* For the core's layers above the view (report/, watch/) that hash with a
 * service of their own: the watcher's threads run at idle I/O priority and
 * a rate limit, and must not make a reader wait behind them. Internal: the
 * front ends use the view's own service through view.h. */
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
 * (NULL: the view's). */
int fim_view_verdict_with(struct fim_view *v, struct fim_hashsvc *svc,
			  const char *path, fim_verdict_cb cb, void *arg);

#endif
