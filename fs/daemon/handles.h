/* Open file and directory handles of the mount. The kernel releases each
 * one, except when the connection is aborted or the daemon stops with
 * handles still open: those are freed at exit from this list.
 *
 * fi->fh of every open file and directory points to its struct handle, the
 * first member of what was opened, and the handle says what that is, one of
 * the view's open things. Requests on an open file go by the handle, never
 * by its node: a later lookup of the same path may find a different kind of
 * entry there (a live tree), and the open file stays what it was. */
#ifndef FIMFS_HANDLES_H
#define FIMFS_HANDLES_H

#include <pthread.h>
#include <stdint.h>

enum handle_type {
	HANDLE_FILE,    /* a real file: a struct fim_view_file (file.c) */
	HANDLE_VIRTUAL, /* a virtual entry's content (vread.c) */
	HANDLE_DIR,     /* a directory's listing, read from a struct
			   fim_view_dir and the view's virtual names (dir.c) */
};

struct handle {
	enum handle_type type;          /* set at open, never changed */
	struct handle *prev, *next;
	void (*drop)(struct handle *h); /* frees what it is part of */
};

struct handles {
	pthread_mutex_t mu;
	struct handle head; /* circular */
};

/* The handle of an open file or directory, from its fi->fh. */
static inline struct handle *handle_of(uint64_t fh)
{
	return (struct handle *)(uintptr_t)fh;
}

void handles_init(struct handles *hs);
/* Before the open's reply: its release may come at once after it. */
void handles_add(struct handles *hs, struct handle *h, enum handle_type type,
		 void (*drop)(struct handle *h));
void handles_remove(struct handles *hs, struct handle *h);
/* At exit, once no request can come any more: drop what is left. */
void handles_drop_all(struct handles *hs);

#endif
