/* FNV-1a over a NUL-terminated string: the hash of the path tables. Path
 * tables that an attacker could fill with colliding names use a seeded hash
 * instead (dcache_mem.c). */
#ifndef FIM_STRHASH_H
#define FIM_STRHASH_H

#include <stdint.h>

static inline uint32_t fim_strhash(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* 64-bit FNV-1a, with the kind of a virtual entry folded in: inode
 * numbers of virtual entries. */
static inline uint64_t fim_strhash64(const char *s, uint64_t salt)
{
	uint64_t h = 14695981039346656037ull ^ salt;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

#endif
