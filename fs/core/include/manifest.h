/* Manifests: the entries of one baseline file, parsed from an mtree(5) spec
 * or a checksum list, and the mtree writer.
 *
 * Accepted formats, detected from the content:
 *  - mtree as `bsdtar --format=mtree` writes it ("#mtree", full paths such
 *    as "./dir/f", /set, \ooo escapes, sha256digest=);
 *  - mtree as NetBSD `mtree -c` writes it (/set, /unset, relative names with
 *    ".." to go up, backslash line continuations, vis(3) escapes, sha256=);
 *  - checksum lists of sha256sum, sha512sum, sha384sum, sha1sum or md5sum
 *    (algorithm by digest length), including coreutils' escaped form
 *    ("\HEX  a\\b\nc").
 *
 * Digests are kept in every algorithm of enum fim_alg, whatever the
 * configuration; cksum (a CRC) is not one. Whether an entry's digests can
 * be checked here is a question for fim_manifest_unchecked().
 *
 * Every entry is keyed by its baseline path: relative to the manifest's root,
 * without a leading "./", components separated by single '/', never "." or
 * ".." components; the root directory itself is ".". Names are raw bytes
 * after unescaping (never containing NUL).
 *
 * A manifest is immutable once parsed: any number of threads may look
 * entries up concurrently. Entries live as long as the manifest.
 */
#ifndef FIM_MANIFEST_H
#define FIM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "digest.h"

enum fim_ftype {
	FIM_FT_NONE, /* no type keyword */
	FIM_FT_FILE,
	FIM_FT_DIR,
	FIM_FT_LINK,
	FIM_FT_BLOCK,
	FIM_FT_CHAR,
	FIM_FT_FIFO,
	FIM_FT_SOCKET,
};

/* Keywords present in an entry (fim_mentry.keys); digests are in dmask. */
enum {
	FIM_MK_TYPE = 1 << 0,
	FIM_MK_SIZE = 1 << 1,
	FIM_MK_MODE = 1 << 2,
	FIM_MK_UID = 1 << 3,
	FIM_MK_GID = 1 << 4,
	FIM_MK_LINK = 1 << 5,
	FIM_MK_TIME = 1 << 6,
	FIM_MK_OPTIONAL = 1 << 7, /* mtree "optional": may be absent */
	FIM_MK_IGNORE = 1 << 8,   /* mtree "ignore": skip what is below */
};

enum fim_mformat { FIM_MF_MTREE, FIM_MF_SUMS };

/* Limits against hostile input. */
#define FIM_MANIFEST_MAX_SIZE ((size_t)1 << 30) /* bytes of a manifest file */
#define FIM_MANIFEST_MAX_LINE 65536 /* bytes of a joined logical line */
#define FIM_MANIFEST_MAX_PATH 16384 /* bytes of a baseline path */

/* One entry. Fields other than path are meaningful only when their
 * FIM_MK_* bit is set in keys; digests through fim_mentry_digest(). */
struct fim_mentry {
	const char *path;    /* baseline path, see above */
	const char *link;    /* symlink target when FIM_MK_LINK, else NULL */
	uint32_t keys;       /* FIM_MK_* */
	uint32_t dmask;      /* 1 << enum fim_alg for each digest present */
	enum fim_ftype type;
	mode_t mode;         /* permission bits (07777) */
	uid_t uid;
	gid_t gid;
	uint64_t size;
	int64_t time_ns;     /* modification time */
	unsigned line;       /* manifest line where the entry begins */
	uint32_t index;      /* its place: fim_manifest_entry(m, index) */
	/* private: digests of dmask in algorithm order, then path and link */
	unsigned char data[];
};

struct fim_manifest;

/* Parse len bytes of buf (need not be NUL-terminated; a NUL byte inside is
 * an error). name is used in messages: errors are "NAME:LINE: message"
 * with -EINVAL, or -ENOMEM. A pure function of its input (no I/O). */
int fim_manifest_parse(const char *name, const char *buf, size_t len,
		       struct fim_manifest **out, char *err, size_t errsz);
/* The same for a buffer the caller is done with once it is parsed: the
 * pages of buf the parser has passed are given back to the system as it
 * goes (their bytes are lost, whatever the outcome), so that a manifest of
 * a million files is not held twice at once, as text and parsed. The
 * caller still frees buf. */
int fim_manifest_parse_consume(const char *name, char *buf, size_t len,
			       struct fim_manifest **out, char *err,
			       size_t errsz);

/* Read a manifest file whole (at most FIM_MANIFEST_MAX_SIZE) into a
 * malloc'd, NUL-terminated *buf, with "PATH: reason" in err on failure. */
int fim_manifest_read(const char *path, char **buf, size_t *len, char *err,
		      size_t errsz);

/* Read path (at most FIM_MANIFEST_MAX_SIZE bytes) and parse it. I/O errors
 * return their negative errno with "PATH: reason" in err. */
int fim_manifest_load(const char *path, struct fim_manifest **out, char *err,
		      size_t errsz);

void fim_manifest_free(struct fim_manifest *m);

const char *fim_manifest_name(const struct fim_manifest *m);
enum fim_mformat fim_manifest_format(const struct fim_manifest *m);

/* Entries in manifest order (a path listed twice in an mtree spec keeps the
 * place of its first listing with the content of its last, as mtree does). */
size_t fim_manifest_count(const struct fim_manifest *m);
const struct fim_mentry *fim_manifest_entry(const struct fim_manifest *m,
					    size_t i);

/* The entry of a baseline path (a leading "./" is ignored, "" is the root),
 * or NULL. O(1) expected, whatever the input: the hash is keyed randomly. */
const struct fim_mentry *fim_manifest_lookup(const struct fim_manifest *m,
					     const char *path);

/* The digest of algorithm a, or NULL when the entry has none. */
const unsigned char *fim_mentry_digest(const struct fim_mentry *e,
				       enum fim_alg a);

/* Entries that may stand for a regular file (type file, or no type) and
 * list no digest in checkable (the algorithms that can be computed here,
 * fim_digest_available()): a content rule can never find such a file OK.
 * Returns their count and sets *first_line to the lowest line of one (0
 * when there is none). */
size_t fim_manifest_unchecked(const struct fim_manifest *m, uint32_t checkable,
			      unsigned *first_line);
/* The same count, and when it is not 0 the warning every front end gives
 * ("NAME:LINE: N file entries ...") in msg. */
size_t fim_manifest_unchecked_msg(const struct fim_manifest *m,
				  uint32_t checkable, char *msg, size_t size);

/* mtree keyword of a type ("file", "dir", ...); NULL for FIM_FT_NONE. */
const char *fim_ftype_name(enum fim_ftype t);
/* The type of a st_mode (S_IFMT bits). */
enum fim_ftype fim_ftype_from_mode(mode_t mode);

/* --- Writer --------------------------------------------------------------
 *
 * Writes specs in the full-path form ("./dir/f type=file ...") that NetBSD
 * `mtree -f SPEC -p DIR`, libarchive and fim_manifest_parse all read. Names
 * and link targets are escaped as \ooo for every byte that is not a
 * printable ASCII character and for '\\', '#', '*', '?', '[' and ']', so any
 * name round-trips. NetBSD mtree requires the root "." to come first and
 * each directory before its contents; the caller writes records in that
 * order.
 *
 * Digests are written as ALGdigest= for every algorithm of the set. NetBSD
 * mtree knows only those of FIM_MTREE_NETBSD_DIGESTS: a spec with
 * blake2b512digest or sha3-256digest is read by fimfs but refused by
 * `mtree -f` ("unknown keyword"), so callers may warn or leave them out.
 */
#define FIM_MTREE_NETBSD_DIGESTS                                               \
	(1u << FIM_SHA256 | 1u << FIM_SHA512 | 1u << FIM_SHA384 |              \
	 1u << FIM_SHA1 | 1u << FIM_RMD160 | 1u << FIM_MD5)

struct fim_mtree_rec {
	const char *path;    /* baseline path; "." or "" for the root */
	enum fim_ftype type;
	uint32_t keys;       /* FIM_MK_* to write (TYPE, SIZE, MODE, UID, GID,
				LINK, TIME, OPTIONAL) */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	int64_t time_ns;
	const char *link;
	const struct fim_digest_set *digests; /* written as ALGdigest=, or
						 NULL */
};

/* The "#mtree" signature line and a comment. Returns 0 or -EIO. */
int fim_mtree_write_header(FILE *f);

/* One line per record. Returns 0, -EINVAL for an invalid path (empty
 * component, "." or "..", NUL-free strings are assumed), or -EIO. */
int fim_mtree_write_entry(FILE *f, const struct fim_mtree_rec *r);

/* Escape s as the writer does into out (size at least 4 * strlen(s) + 1).
 * Returns the length written. */
size_t fim_mtree_escape(const char *s, char *out, size_t size);

#endif
