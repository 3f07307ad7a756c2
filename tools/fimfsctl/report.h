/* fimfsctl report: the entries of a report, their output (text or JSON,
 * report_out.c), and the mapping of a path inside a fimfs mount back to
 * its source (report_mount.c). */
#ifndef FIMCTL_REPORT_H
#define FIMCTL_REPORT_H

#include <stdio.h>

#include "verdict.h"

struct rentry {
	const char *path; /* baseline path (relative to PATH) */
	struct fim_verdict vd;
};

/* Print entries (sorted by the caller) with counts[FIM_STATUS_COUNT].
 * Text: one line per entry that is not OK, then a summary line. JSON: the
 * document of fimfsctl(8). */
void report_text(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts);
void report_json(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts, enum fim_alg alg);

/* When path (resolved, absolute) lies inside a mounted fimfs, the source
 * it shows there, malloc'd, in *out, as the daemon tells it (a directory
 * or an nfs:// URL), and the mount's whole SOURCE in *root (whose names
 * the daemon's digest cache uses); else both are NULL. Returns 0, or -1
 * with a message in err when the daemon does not tell it: never a guess. */
int report_map_mount(const char *path, char **out, char **root, char *err,
		     size_t errsz);

#endif
