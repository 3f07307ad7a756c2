/* Verdicts: the status of a file against the baseline, and the fixed-width
 * line of NAME.verified.
 *
 * The line has the same length for a given file whatever the outcome, so
 * that stat can report its size before anything is hashed:
 *
 *   STATUS     rule=RULE        ALG=ACTUAL expected=EXPECTED differs=LIST error=ERRNO\n
 *
 * STATUS is padded to 10, RULE to 11, ACTUAL and EXPECTED are hex digests of
 * the first configured algorithm or '-' padded to its width, LIST is a comma
 * list of attribute names padded to the longest possible list, ERRNO an errno
 * name, "nodigest" (FIM_ERR_NODIGEST) or '-', padded to 12.
 */
#ifndef FIM_VERDICT_H
#define FIM_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

enum fim_status {
	FIM_OK,
	FIM_MISMATCH,
	FIM_UNLISTED,
	FIM_IGNORED,
	FIM_NOBASELINE,
	FIM_ERROR,
	FIM_MISSING, /* reports only: in the baseline, absent from the tree */
	FIM_SHADOWED, /* reports only: hidden behind a virtual name */
	FIM_STATUS_COUNT
};

enum fim_rule {
	FIM_RULE_EXACT,
	FIM_RULE_CONTENT,
	FIM_RULE_APPEND_ONLY,
	FIM_RULE_IGNORE,
	FIM_RULE_NONE, /* no rule applied (no baseline) */
	FIM_RULE_COUNT
};

/* Attributes that can differ, as bits of fim_verdict.differs. */
enum {
	FIM_DIFF_CONTENT = 1 << 0,
	FIM_DIFF_SIZE = 1 << 1,
	FIM_DIFF_TYPE = 1 << 2,
	FIM_DIFF_MODE = 1 << 3,
	FIM_DIFF_UID = 1 << 4,
	FIM_DIFF_GID = 1 << 5,
	FIM_DIFF_LINK = 1 << 6,
};
#define FIM_DIFF_COUNT 7

struct fim_verdict {
	enum fim_status status;
	enum fim_rule rule;
	enum fim_alg alg;       /* the algorithm shown */
	int have_actual;        /* actual[] valid */
	int have_expected;      /* expected[] valid */
	unsigned char actual[FIM_MD_MAX];
	unsigned char expected[FIM_MD_MAX];
	unsigned differs;       /* FIM_DIFF_* bits */
	int err;                /* FIM_ERROR: positive errno or FIM_ERR_* */
};

/* The err of an ERROR for a regular file whose baseline entry lists no
 * digest that can be computed here (none at all, only cksum, or only an
 * algorithm OpenSSL lacks): nothing proves its content, which is not proof
 * of tampering either. Above every errno. */
#define FIM_ERR_NODIGEST 4096

/* The name of an ERROR's err: "nodigest" or the errno's name ("EIO"). */
const char *fim_verdict_errname(int err);

const char *fim_status_name(enum fim_status s);
const char *fim_rule_name(enum fim_rule r);
int fim_rule_from_name(const char *name); /* -1 when unknown */
/* Name of one FIM_DIFF_* bit ("content", "size", "mode", ...). */
const char *fim_diff_name(unsigned bit);

/* Length of the .verified line (with its newline) for algorithm alg. */
size_t fim_verdict_line_len(enum fim_alg alg);

/* Write the line into buf (at least fim_verdict_line_len(alg) + 1 bytes);
 * returns its length. */
size_t fim_verdict_format(const struct fim_verdict *v, char *buf,
			  size_t size);

#endif
