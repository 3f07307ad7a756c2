/* Internals shared by manifest.c and its parsers (mtree_parse.c,
 * sums_parse.c). Not part of the public API. */
#ifndef FIM_MANIFEST_INT_H
#define FIM_MANIFEST_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

/* An entry being built. path and link point into the parser's buffers;
 * fim_manifest_put copies them. */
struct fim_mdraft {
	const char *path;
	const char *link;
	uint32_t keys;
	uint32_t dmask;
	enum fim_ftype type;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	int64_t time_ns;
	unsigned line;
	unsigned char md[FIM_ALG_COUNT][FIM_MD_MAX];
};

enum fim_mput {
	/* mtree: a second listing replaces the first (same type required) */
	FIM_MPUT_REPLACE,
	/* checksum lists: digests are merged; a conflicting digest is an
	 * error */
	FIM_MPUT_MERGE,
};

/* Add or update the entry of d->path. -EINVAL with a message, -ENOMEM. */
int fim_manifest_put(struct fim_manifest *m, const struct fim_mdraft *d,
		     enum fim_mput how, char *err, size_t errsz);

/* The parser is done with the bytes of its input before upto: when the
 * input is consumed (fim_manifest_parse_consume), the whole pages among
 * them go back to the system. Cheap enough to call after every line. */
void fim_mparse_passed(struct fim_manifest *m, const char *upto);

/* "NAME:LINE: message" into err. */
void fim_mperr(char *err, size_t errsz, const char *name, unsigned line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A short, escaped rendering of a hostile string for messages (at most
 * size - 1 bytes, "..." when cut). Returns out. */
const char *fim_mquote(const char *s, char *out, size_t size);

/* Append the components of rel to the normalized path in dst (length
 * *dlen, "" for the root), skipping empty and "." components. Returns 0,
 * -EINVAL for a ".." component, -ENAMETOOLONG past FIM_MANIFEST_MAX_PATH.
 * dst has room for FIM_MANIFEST_MAX_PATH + 1 bytes. */
int fim_mpath_append(char *dst, size_t *dlen, const char *rel);

/* The parsers. m is empty and named; lines are numbered from 1. */
int fim_mtree_parse(struct fim_manifest *m, const char *buf, size_t len,
		    char *err, size_t errsz);
int fim_sums_parse(struct fim_manifest *m, const char *buf, size_t len,
		   char *err, size_t errsz);

/* Whether one line (without its newline) is a checksum-list line. */
bool fim_sums_line_ok(const char *line, size_t len);

#endif
