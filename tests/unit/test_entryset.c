/* The set of baseline entries a report's walk met (entryset.h): exact by
 * address, whatever the table's size, through the growth from the first
 * slot to many thousands. */
#include <stdlib.h>

#include "entryset.h"
#include "tap.h"

#define N 20000

int main(void)
{
	struct fim_mentry *e = calloc(N, sizeof(*e));
	struct fim_entryset s = { 0 };
	size_t missed = 0, extra = 0;

	if (!e)
		return 1;
	ok(!fim_entryset_has(&s, &e[0]), "an empty set has nothing");
	ok(fim_entryset_add(&s, NULL) == 0 && s.n == 0, "NULL is ignored");
	/* Every other entry, twice: duplicates count once. */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N; i += 2)
			if (fim_entryset_add(&s, &e[i]))
				return 1;
	ok(s.n == N / 2, "each entry once");
	for (size_t i = 0; i < N; i++) {
		bool has = fim_entryset_has(&s, &e[i]);

		missed += !(i % 2) && !has;
		extra += (i % 2) && has;
	}
	ok(missed == 0, "every entry added is found");
	ok(extra == 0, "no entry left out is found");
	ok(2 * s.n <= s.mask + 1, "the table stays at most half full");
	ok(!fim_entryset_has(&s, NULL), "NULL is never in it");
	fim_entryset_free(&s);
	ok(!fim_entryset_has(&s, &e[0]) && s.n == 0, "freed: empty again");
	free(e);
	return tap_done();
}
