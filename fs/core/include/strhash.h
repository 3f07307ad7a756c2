/* String hashes.
 *
 * fim_strhash and fim_strhash64 are plain FNV-1a: the same name gives the
 * same value in every process, which is what inode numbers need (view.c).
 * They are not for tables: anyone who can create files in SOURCE chooses
 * the names, and colliding FNV-1a names are found in seconds, so a table
 * keyed by them can be made to degrade to a list (a directory listing, a
 * lookup, a hash job quadratic in the number of names).
 *
 * fim_strhash_keyed is the hash of path and name tables: SipHash-2-4 under
 * a key drawn from getrandom once per process, so that nobody outside the
 * process can pick names that collide. */
#ifndef FIM_STRHASH_H
#define FIM_STRHASH_H

#include <stddef.h>
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

/* SipHash-2-4 of the len bytes at p under the 16-byte key. */
uint64_t fim_siphash(const unsigned char key[16], const void *p, size_t len);

/* fim_siphash of the string s under this process's random key. */
uint64_t fim_strhash_keyed(const char *s);

/* The same of the len bytes at p. */
uint64_t fim_memhash_keyed(const void *p, size_t len);

#endif
