/* Memory for nodes: objects of up to NODEPOOL_MAX bytes carved from large
 * mappings, in size classes of 8 bytes, each class with a free list. A
 * million nodes of 40 bytes take 40 MB here; from malloc they took 64 each
 * and were scattered over every worker thread's arena, between the
 * requests' own short-lived allocations.
 *
 * Memory freed goes back to its class, never to the system. Not thread
 * safe: the caller locks. */
#ifndef FIMFS_NODEPOOL_H
#define FIMFS_NODEPOOL_H

#include <stddef.h>

#define NODEPOOL_MAX 512

struct nodepool {
	void *free[NODEPOOL_MAX / 8 + 1]; /* by size / 8, rounded up */
	char *next, *end;                 /* the current slab's unused part */
	void *slabs;                      /* each starts with the previous */
	size_t slab_bytes;                /* in all slabs, for status */
};

/* A zeroed object of size bytes (1 .. NODEPOOL_MAX), 8-byte aligned;
 * NULL when out of memory. */
void *nodepool_alloc(struct nodepool *p, size_t size);

/* Return obj, allocated with the same size. */
void nodepool_free(struct nodepool *p, void *obj, size_t size);

/* Unmap everything; the pool is empty again. */
void nodepool_destroy(struct nodepool *p);

#endif
