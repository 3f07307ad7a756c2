/* Open file handles of the mount. The kernel releases each one, except
 * when the connection is aborted or the daemon stops with files still
 * open: those are freed at exit from this list. */
#ifndef FIMFS_HANDLES_H
#define FIMFS_HANDLES_H

#include <pthread.h>

struct handle {
	struct handle *prev, *next;
	void (*drop)(struct handle *h); /* frees what it is part of */
};

struct handles {
	pthread_mutex_t mu;
	struct handle head; /* circular */
};

void handles_init(struct handles *hs);
/* Before the open's reply: its release may come at once after it. */
void handles_add(struct handles *hs, struct handle *h,
		 void (*drop)(struct handle *h));
void handles_remove(struct handles *hs, struct handle *h);
/* At exit, once no request can come any more: drop what is left. */
void handles_drop_all(struct handles *hs);

#endif
