/* Virtual names: NAME.sha256 (one per configured digest) and NAME.verified
 * beside each regular file NAME, and the coreutils line of a digest file. */
#ifndef FIM_VNAME_H
#define FIM_VNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "view.h" /* the kinds, FIM_VK_* */

/* ".sha256", ".verified", ... */
const char *fim_vname_suffix(int kind);

/* When name ends in the suffix of a kind that is enabled (a digest in
 * digests, or .verified) after a non-empty base, returns the kind and sets
 * *baselen; otherwise -1. */
int fim_vname_parse(const char *name, uint32_t digests, size_t *baselen);

/* Whether name, in a directory, is the name of a virtual entry: NAME.sha256
 * (an enabled digest) or NAME.verified beside a regular file NAME that is
 * shown as itself. Returns the kind and sets *baselen, or -1.
 *
 * is_regular(arg, n) says whether SOURCE has a regular file named n in
 * that directory. What SOURCE has under name itself does not matter: a
 * virtual name always names the virtual entry, and a real entry of that
 * name is hidden (shadowed). A regular file is shown as itself unless its
 * own name is virtual, so a shadowed x.sha256 beside x has no virtual
 * entries (no x.sha256.sha256), while a real x.sha256 without a regular x
 * is an ordinary file with its own. Asks is_regular at most once per
 * suffix that name ends in. */
int fim_vname_kind_in_dir(const char *name, uint32_t digests,
			  bool (*is_regular)(void *arg, const char *name),
			  void *arg, size_t *baselen);

/* The line `sha256sum NAME` prints, run in NAME's directory: coreutils
 * (9.1) escapes a name holding a backslash, a newline or a carriage return
 * and marks the line with a leading backslash. */
size_t fim_sumline_len(enum fim_alg alg, const char *name);

/* Writes the line (with its newline, NUL-terminated) into buf of at least
 * fim_sumline_len() + 1 bytes; returns its length. */
size_t fim_sumline_format(enum fim_alg alg, const unsigned char *md,
			  const char *name, char *buf, size_t size);

#endif
