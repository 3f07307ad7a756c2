/* Virtual names: NAME.sha256 (one per configured digest) and NAME.verified
 * beside each regular file NAME, and the coreutils line of a digest file. */
#ifndef FIM_VNAME_H
#define FIM_VNAME_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* Kinds of virtual entries: 0 .. FIM_ALG_COUNT-1 are the digest files of
 * each algorithm, then the verdict. */
enum { FIM_VK_VERIFIED = FIM_ALG_COUNT, FIM_VK_COUNT };

/* ".sha256", ".verified", ... */
const char *fim_vname_suffix(int kind);

/* When name ends in the suffix of a kind that is enabled (a digest in
 * digests, or .verified) after a non-empty base, returns the kind and sets
 * *baselen; otherwise -1. */
int fim_vname_parse(const char *name, uint32_t digests, size_t *baselen);

/* The line `sha256sum NAME` prints, run in NAME's directory: coreutils
 * (9.1) escapes a name holding a backslash, a newline or a carriage return
 * and marks the line with a leading backslash. */
size_t fim_sumline_len(enum fim_alg alg, const char *name);

/* Writes the line (with its newline, NUL-terminated) into buf of at least
 * fim_sumline_len() + 1 bytes; returns its length. */
size_t fim_sumline_format(enum fim_alg alg, const unsigned char *md,
			  const char *name, char *buf, size_t size);

#endif
