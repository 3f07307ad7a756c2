/* Listings a reader handed over (guest_kept.h): each given out once, to
 * the directory it names, within bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_kept.h"
#include "tap.h"

static void test_take_once(void)
{
	struct fim_guest_kept *k;
	uint8_t *body = NULL;
	size_t len = 0;

	if (fim_guest_kept_new(&k))
		return (void)ok(0, "new");
	ok(fim_guest_kept_put(k, 1, "etc", (const uint8_t *)"abc", 3),
	   "a listing is kept");
	ok(fim_guest_kept_put(k, 2, "etc", (const uint8_t *)"xy", 2),
	   "the same path of another partition is another listing");
	ok(!fim_guest_kept_take(k, 1, "et", &body, &len),
	   "a prefix of the path is not the path");
	ok(!fim_guest_kept_take(k, 3, "etc", &body, &len),
	   "nor is another partition");
	ok(fim_guest_kept_take(k, 1, "etc", &body, &len) && len == 3 &&
	   !memcmp(body, "abc", 3), "the listing of part 1");
	free(body);
	ok(!fim_guest_kept_take(k, 1, "etc", &body, &len),
	   "given out once");
	ok(fim_guest_kept_put(k, 2, "etc", (const uint8_t *)"new", 3),
	   "a listing given again replaces the one kept");
	ok(fim_guest_kept_take(k, 2, "etc", &body, &len) && len == 3 &&
	   !memcmp(body, "new", 3), "the newer one is given");
	free(body);
	ok(!fim_guest_kept_take(k, 2, "etc", &body, &len),
	   "and only once: the older one is gone");
	fim_guest_kept_put(k, 0, "", (const uint8_t *)"r", 1);
	fim_guest_kept_clear(k);
	ok(!fim_guest_kept_take(k, 0, "", &body, &len),
	   "nothing is given after a clear");
	fim_guest_kept_free(k);
}

static void test_bounds(void)
{
	struct fim_guest_kept *k;
	static uint8_t big[1u << 20];
	uint8_t *body = NULL;
	size_t len = 0, n = 0;
	char path[16];

	if (fim_guest_kept_new(&k))
		return (void)ok(0, "new");
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "d%d", i);
		n += fim_guest_kept_put(k, 0, path, (const uint8_t *)"e", 1);
	}
	is_int(n, 256, "at most 256 listings are kept");
	ok(fim_guest_kept_take(k, 0, "d255", &body, &len),
	   "the last that fitted is there");
	free(body);
	ok(!fim_guest_kept_take(k, 0, "d256", &body, &len),
	   "one beyond the bound was dropped");
	fim_guest_kept_clear(k);
	n = 0;
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "b%d", i);
		n += fim_guest_kept_put(k, 0, path, big, sizeof(big));
	}
	is_int(n, 4, "at most 4 MiB of listings are kept");
	ok(fim_guest_kept_take(k, 0, "b0", &body, &len) &&
	   len == sizeof(big), "a large listing is given whole");
	free(body);
	ok(fim_guest_kept_put(k, 0, "b9", big, sizeof(big)),
	   "what was given out makes room");
	fim_guest_kept_free(k);
}

int main(void)
{
	test_take_once();
	test_bounds();
	return tap_done();
}
