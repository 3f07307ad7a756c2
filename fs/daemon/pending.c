#include "pending.h"

#include <errno.h>

static void unlink_pending(struct fimfs *fs, struct pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		fs->pending = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->linked = false;
}

static void on_interrupt(fuse_req_t req, void *data)
{
	struct fimfs *fs = data;
	struct pending *p;

	pthread_mutex_lock(&fs->pending_mu);
	for (p = fs->pending; p && p->req != req; p = p->next)
		;
	if (p)
		unlink_pending(fs, p);
	pthread_mutex_unlock(&fs->pending_mu);
	/* The computation goes on and fills the cache; its completion frees
	 * the waiter. */
	if (p)
		fuse_reply_err(req, EINTR);
}

void pending_add(struct fimfs *fs, struct pending *p)
{
	pthread_mutex_lock(&fs->pending_mu);
	p->linked = true;
	p->prev = NULL;
	p->next = fs->pending;
	if (p->next)
		p->next->prev = p;
	fs->pending = p;
	pthread_mutex_unlock(&fs->pending_mu);
	fuse_req_interrupt_func(p->req, on_interrupt, fs);
}

bool pending_take(struct fimfs *fs, struct pending *p)
{
	bool mine;

	pthread_mutex_lock(&fs->pending_mu);
	mine = p->linked;
	if (mine)
		unlink_pending(fs, p);
	pthread_mutex_unlock(&fs->pending_mu);
	return mine;
}
