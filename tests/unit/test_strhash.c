/* The keyed table hash (strhash.h): SipHash-2-4 gives the reference
 * answers under a known key, and the keyed hash is not the plain one. */
#include <stdint.h>

#include "strhash.h"
#include "tap.h"

static void test_vectors(void)
{
	unsigned char key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	/* From the SipHash paper's reference vectors. */
	ok(fim_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ull, "empty message");
	ok(fim_siphash(key, msg, 15) == 0xa129ca6149be45e5ull, "15 bytes");
}

static void test_keyed(void)
{
	uint64_t a = fim_strhash_keyed("etc/passwd");

	ok(a == fim_strhash_keyed("etc/passwd"), "stable within a process");
	ok(a != fim_strhash_keyed("etc/passwe"), "names differ");
	ok(a != fim_strhash64("etc/passwd", 0), "not the unkeyed FNV-1a");
}

int main(void)
{
	test_vectors();
	test_keyed();
	return tap_done();
}
