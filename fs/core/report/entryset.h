/* A set of baseline entries by their slot (fim_baseline_slot): which
 * entries a report's walk met present, so that only the others need a look
 * of their own to tell whether they are missing. Exact, a bit an entry. */
#ifndef FIM_ENTRYSET_H
#define FIM_ENTRYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fim_entryset {
	uint64_t *bits;
	size_t slots;
};

/* An empty set of slots 0 .. slots - 1: 0 or -ENOMEM. */
int fim_entryset_init(struct fim_entryset *s, size_t slots);
/* A slot out of range is never added, never found. */
void fim_entryset_add(struct fim_entryset *s, size_t slot);
bool fim_entryset_has(const struct fim_entryset *s, size_t slot);
void fim_entryset_free(struct fim_entryset *s);

#endif
