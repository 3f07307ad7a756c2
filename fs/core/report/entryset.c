/* The set of baseline entries; see entryset.h. */
#include "entryset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Fibonacci hashing: the top bits of the product depend on every bit of
 * the address, whose low bits are all alike (entries are aligned). */
static size_t slot_of(const struct fim_mentry *e, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> (64 - __builtin_popcountll(mask)));
}

static void place(const struct fim_mentry **slot, size_t mask,
		  const struct fim_mentry *e)
{
	size_t i = slot_of(e, mask);

	while (slot[i] && slot[i] != e)
		i = (i + 1) & mask;
	slot[i] = e;
}

/* Keep the table at most half full. */
static int grow(struct fim_entryset *s)
{
	size_t cap = s->slot ? 2 * (s->mask + 1) : 1024;
	const struct fim_mentry **slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; s->slot && i <= s->mask; i++)
		if (s->slot[i])
			place(slot, cap - 1, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->mask = cap - 1;
	return 0;
}

int fim_entryset_add(struct fim_entryset *s, const struct fim_mentry *e)
{
	if (!e || fim_entryset_has(s, e))
		return 0;
	if ((!s->slot || 2 * (s->n + 1) > s->mask + 1) && grow(s))
		return -ENOMEM;
	place(s->slot, s->mask, e);
	s->n++;
	return 0;
}

bool fim_entryset_has(const struct fim_entryset *s,
		      const struct fim_mentry *e)
{
	if (!s->slot || !e)
		return false;
	for (size_t i = slot_of(e, s->mask); s->slot[i]; i = (i + 1) & s->mask)
		if (s->slot[i] == e)
			return true;
	return false;
}

void fim_entryset_free(struct fim_entryset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = s->n = 0;
}
