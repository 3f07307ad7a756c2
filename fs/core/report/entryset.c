/* The set of baseline entries; see entryset.h. */
#include "entryset.h"

#include <errno.h>
#include <stdlib.h>

int fim_entryset_init(struct fim_entryset *s, size_t slots)
{
	s->slots = 0;
	s->bits = calloc(slots / 64 + 1, sizeof(*s->bits));
	if (!s->bits)
		return -ENOMEM;
	s->slots = slots;
	return 0;
}

void fim_entryset_add(struct fim_entryset *s, size_t slot)
{
	if (slot < s->slots)
		s->bits[slot / 64] |= 1ull << (slot % 64);
}

bool fim_entryset_has(const struct fim_entryset *s, size_t slot)
{
	return slot < s->slots && (s->bits[slot / 64] >> (slot % 64) & 1);
}

void fim_entryset_free(struct fim_entryset *s)
{
	free(s->bits);
	s->bits = NULL;
	s->slots = 0;
}
