/* The set of baseline entries a report's walk met (entryset.h): exact by
 * slot, at the edges of its words and of its range. */
#include <stdlib.h>

#include "entryset.h"
#include "tap.h"

#define N 20001 /* not a multiple of 64: the last word is partly used */

int main(void)
{
	struct fim_entryset s, none;
	size_t missed = 0, extra = 0;

	if (fim_entryset_init(&s, N) || fim_entryset_init(&none, 0))
		return 1;
	ok(!fim_entryset_has(&s, 0) && !fim_entryset_has(&s, N - 1),
	   "an empty set has nothing");
	/* Every other slot, twice: adding again changes nothing. */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N; i += 2)
			fim_entryset_add(&s, i);
	for (size_t i = 0; i < N; i++) {
		bool has = fim_entryset_has(&s, i);

		missed += !(i % 2) && !has;
		extra += (i % 2) && has;
	}
	ok(missed == 0, "every slot added is found");
	ok(extra == 0, "no slot left out is found");
	fim_entryset_add(&s, 63);
	fim_entryset_add(&s, 65);
	ok(fim_entryset_has(&s, 63) && fim_entryset_has(&s, 64) &&
		   fim_entryset_has(&s, 65) && !fim_entryset_has(&s, 67),
	   "slots across a word's edge");
	fim_entryset_add(&s, N);
	fim_entryset_add(&s, (size_t)-1);
	ok(!fim_entryset_has(&s, N) && !fim_entryset_has(&s, (size_t)-1) &&
		   !fim_entryset_has(&s, N + 1),
	   "a slot past the range is never added, never found");
	fim_entryset_add(&none, 0);
	ok(!fim_entryset_has(&none, 0), "a set of no slots holds nothing");
	fim_entryset_free(&s);
	fim_entryset_free(&none);
	ok(!fim_entryset_has(&s, 0) && !s.bits, "freed: empty again");
	return tap_done();
}
