/* SipHash-2-4 (Aumasson and Bernstein), and the per-process key of the
 * table hash. */
#include "strhash.h"

#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13) ^ v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17) ^ v[2];
	v[2] = ROTL(v[2], 32);
}

static void absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t fim_siphash(const unsigned char key[16], const void *p, size_t len)
{
	const unsigned char *in = p;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
		k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull,
	};
	unsigned char last[8] = { 0 };
	size_t tail = len & 7;

	for (const unsigned char *end = in + (len - tail); in < end; in += 8)
		absorb(v, le64(in));
	memcpy(last, in, tail);
	absorb(v, le64(last) | (uint64_t)len << 56);
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static unsigned char process_key[16];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void make_key(void)
{
	struct timespec ts;
	uint64_t weak[2];

	if (getrandom(process_key, sizeof(process_key), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(process_key))
		return;
	/* Early boot without entropy: a weaker key still spreads names. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	weak[0] = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32;
	weak[1] = (uint64_t)(uintptr_t)&ts;
	memcpy(process_key, weak, sizeof(process_key));
}

uint64_t fim_memhash_keyed(const void *p, size_t len)
{
	pthread_once(&key_once, make_key);
	return fim_siphash(process_key, p, len);
}

uint64_t fim_strhash_keyed(const char *s)
{
	return fim_memhash_keyed(s, strlen(s));
}
