/* Baselines: the signed manifests in force, and verdicts against them.
 *
 * A baseline is all-or-nothing: every configured manifest must be readable,
 * carry a valid MANIFEST.sig from the configured public key and parse;
 * otherwise fim_baseline_load fails with a message and there is no baseline
 * (callers turn that into NOBASELINE verdicts and an alert). Each manifest
 * is read once into memory, and the signature is checked over exactly the
 * bytes that are then parsed.
 *
 * Lifetime and reload. A loaded baseline is immutable and reference
 * counted: fim_baseline_load returns one reference; fim_baseline_ref adds
 * one; fim_baseline_unref drops one and frees on the last. Lookups and
 * iteration need no lock while the caller holds a reference. A reload
 * (SIGHUP) loads a new baseline and the view publishes it
 * (fim_view_load_baseline); a verdict holds a reference for its whole
 * course (need + eval), so it sees the old or the new baseline, never a
 * mix, and the old one is freed when its last reader drops it.
 */
#ifndef FIM_BASELINE_H
#define FIM_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "fimstat.h"
#include "manifest.h"
#include "verdict.h"

struct fim_baseline;

/* Load manifests[0..n-1] (n >= 1), each with PATH.sig, against the PEM
 * public key. Returns 0, or a negative errno with one line in err:
 * -EBADMSG for a missing-length or bad signature, -ENOENT for a missing
 * file or signature, -EINVAL for a malformed manifest ("FILE:LINE: ...") or
 * key, another errno for I/O. */
int fim_baseline_load(char *const *manifests, size_t n, const char *pubkey,
		      struct fim_baseline **out, char *err, size_t errsz);

struct fim_pubkey;
/* One manifest the way a load takes it: read path once, check PATH.sig
 * over those bytes with key, parse those bytes. Returns 0 with *out, or a
 * negative errno with one line in err as fim_baseline_load. *refused
 * (when not NULL) tells a manifest that is unsigned, badly signed or
 * malformed (true) from one that could not be read or checked (false). */
int fim_baseline_load_manifest(const struct fim_pubkey *key,
			       const char *path, struct fim_manifest **out,
			       bool *refused, char *err, size_t errsz);

struct fim_baseline *fim_baseline_ref(struct fim_baseline *bl);
void fim_baseline_unref(struct fim_baseline *bl); /* NULL is a no-op */

/* The entry of a baseline path (leading "./" ignored), or NULL. When
 * several manifests list a path, the first manifest in configuration order
 * wins. */
const struct fim_mentry *fim_baseline_lookup(const struct fim_baseline *bl,
					     const char *bpath);

/* Call fn for every entry (a path shadowed by an earlier manifest is
 * skipped), in manifest order. Stops and returns fn's value when it is not
 * 0; returns 0 otherwise. */
int fim_baseline_foreach(const struct fim_baseline *bl,
			 int (*fn)(const struct fim_mentry *e, void *arg),
			 void *arg);

/* Every entry of every manifest numbered from 0 to fim_baseline_slots() -
 * 1 (those shadowed by an earlier manifest too), so that a set of entries
 * is a bitmap: a bit a file where a set of addresses took 16 bytes. */
size_t fim_baseline_slots(const struct fim_baseline *bl);
size_t fim_baseline_slot(const struct fim_baseline *bl,
			 const struct fim_mentry *e);

/* For status output. */
size_t fim_baseline_entry_count(const struct fim_baseline *bl);
size_t fim_baseline_manifest_count(const struct fim_baseline *bl);
const char *fim_baseline_manifest_path(const struct fim_baseline *bl,
				       size_t i);
const struct fim_manifest *fim_baseline_manifest(const struct fim_baseline *bl,
						 size_t i);
const char *fim_baseline_key_fingerprint(const struct fim_baseline *bl);
int64_t fim_baseline_load_time_ns(const struct fim_baseline *bl); /* UTC */

/* --- Verdicts ------------------------------------------------------------
 *
 * Order of decisions: no baseline -> NOBASELINE (rule none); rule ignore
 * -> IGNORED; a read or hash error -> ERROR; path not in the baseline ->
 * UNLISTED (OK when new_files_ok); otherwise the comparison:
 *  - type (when the manifest lists it), under every rule: a file that was a
 *    symlink is never "the same content";
 *  - exact and content: size and every digest both sides have;
 *  - append-only: a file shorter than the listed size is MISMATCH (size); a
 *    longer one must have its first `size` bytes hash to the listed digest
 *    (content); an equal one is compared whole. Without a listed size it is
 *    compared like content;
 *  - exact and append-only also: mode, uid, gid, link target, when listed.
 * A regular file whose entry lists no digest in checkable (none, only cksum,
 * or only algorithms OpenSSL lacks here) is never OK under exact, content
 * or append-only: size and attributes prove nothing of the content. It is
 * MISMATCH when something listed differs, else ERROR with err
 * FIM_ERR_NODIGEST. A listing with digests none of which was computed is
 * ERROR (ENOTSUP). The verdict shows alg: actual = the whole file's digest
 * (as NAME.sha256 shows it), expected = the listed one ('-' when the entry
 * lists none of alg and was judged by another of its digests).
 */
enum {
	FIM_NEED_DIGEST = 1 << 0, /* whole-file digests */
	FIM_NEED_PREFIX = 1 << 1, /* digests of the first *prefix_len bytes */
};

/* What the hashing layer must compute so that fim_verdict_eval can decide,
 * in one pass (see fim_digest_opts.prefix). st is the file's current
 * attributes. Returns FIM_NEED_* bits; *prefix_len is set with
 * FIM_NEED_PREFIX. */
unsigned fim_verdict_need(const struct fim_baseline *bl, const char *bpath,
			  enum fim_rule rule, const struct fim_stat *st,
			  uint64_t *prefix_len);

/* The algorithms to compute besides configured (those of every run) so that
 * the entry of bpath is judged by a digest it lists: the strongest one it
 * lists of avail (what the engine can compute), unless that is configured
 * already; 0 when there is nothing to add. Strongest first: sha256 (also the
 * cheapest with SHA-NI), sha512, sha384, sha3-256, blake2b512, then the
 * broken ones sha1, rmd160, md5. */
uint32_t fim_verdict_extra(const struct fim_baseline *bl, const char *bpath,
			   enum fim_rule rule, uint32_t configured,
			   uint32_t avail);

struct fim_eval_in {
	const struct fim_baseline *bl;        /* NULL: no usable baseline */
	const char *bpath;                    /* baseline path */
	enum fim_rule rule;                   /* from fim_policy_match */
	bool new_files_ok;
	enum fim_alg alg;                     /* shown (config primary) */
	uint32_t checkable;                   /* algorithms computable here */
	const struct fim_stat *st;            /* NULL only with err */
	const char *link;                     /* target when st is a symlink */
	const struct fim_digest_set *digests; /* whole file, or NULL */
	const struct fim_digest_set *prefix;  /* FIM_NEED_PREFIX, or NULL */
	int err;                              /* positive errno, or 0 */
};

void fim_verdict_eval(const struct fim_eval_in *in, struct fim_verdict *out);

/* The verdict of an entry that is not a regular file, or that could not be
 * stat'ed or listed (in->err), as a report gives it; in->digests and
 * in->prefix are unused. Only the type is compared: a directory, symlink,
 * device, FIFO or socket whose baseline entry has another type is a
 * MISMATCH (type); one that cannot be read is an ERROR. Returns false when
 * the entry is not judged at all: its rule is ignore, it is the root (empty
 * bpath) or it has no baseline entry with a type of another kind. */
bool fim_verdict_eval_other(const struct fim_eval_in *in,
			    struct fim_verdict *out);

/* The verdict of the baseline entry in->bpath when it is absent from the
 * tree: MISSING, with its listed digest of in->alg as expected. Returns
 * false when its absence is no finding: the root ("."), an entry marked
 * optional, or one whose rule is ignore. in->st, in->err and the digests
 * are unused. */
bool fim_verdict_missing(const struct fim_eval_in *in,
			 struct fim_verdict *out);

/* The verdict of a real entry that a mount hides behind a virtual entry of
 * its name (fim_view_shadowed): SHADOWED under every rule, whatever it
 * holds, since through a mount its name shows fimfs's own answer. */
void fim_verdict_shadowed(const struct fim_eval_in *in,
			  struct fim_verdict *out);

#endif
