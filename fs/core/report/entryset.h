/* A set of baseline entries, by address: which entries a report's walk met
 * present, so that only the others need a look of their own to tell
 * whether they are missing. Exact (no hashing of names, no false hit). */
#ifndef FIM_ENTRYSET_H
#define FIM_ENTRYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

struct fim_entryset {
	const struct fim_mentry **slot; /* open addressing, NULL is empty */
	size_t mask, n;
};

/* Add e (NULL is ignored): 0 or -ENOMEM. */
int fim_entryset_add(struct fim_entryset *s, const struct fim_mentry *e);
bool fim_entryset_has(const struct fim_entryset *s,
		      const struct fim_mentry *e);
void fim_entryset_free(struct fim_entryset *s);

#endif
