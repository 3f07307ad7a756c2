#include "nodepool.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* Big enough that a million nodes are ~160 mappings, small enough that a
 * mount of a few files keeps a page or two resident. */
#define SLAB_BYTES (256u << 10)

static size_t class_of(size_t size)
{
	return (size + 7) / 8;
}

void *nodepool_alloc(struct nodepool *p, size_t size)
{
	size_t c = class_of(size), bytes = c * 8;
	void *obj;

	if (!size || size > NODEPOOL_MAX)
		return NULL;
	obj = p->free[c];
	if (obj) {
		memcpy(&p->free[c], obj, sizeof(void *));
		return memset(obj, 0, bytes);
	}
	if ((size_t)(p->end - p->next) < bytes) {
		char *slab = mmap(NULL, SLAB_BYTES, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (slab == MAP_FAILED)
			return NULL;
		/* the old slab's rest, too small for this object, is left */
		memcpy(slab, &p->slabs, sizeof(void *));
		p->slabs = slab;
		p->slab_bytes += SLAB_BYTES;
		p->next = slab + 8;
		p->end = slab + SLAB_BYTES;
	}
	obj = p->next;
	p->next += bytes;
	return obj; /* fresh from mmap: zeroed */
}

void nodepool_free(struct nodepool *p, void *obj, size_t size)
{
	size_t c = class_of(size);

	memcpy(obj, &p->free[c], sizeof(void *));
	p->free[c] = obj;
}

void nodepool_destroy(struct nodepool *p)
{
	void *slab = p->slabs, *prev;

	while (slab) {
		memcpy(&prev, slab, sizeof(void *));
		munmap(slab, SLAB_BYTES);
		slab = prev;
	}
	memset(p, 0, sizeof(*p));
}
