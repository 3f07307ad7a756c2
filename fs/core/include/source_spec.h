/* How SOURCE is named: a local directory or an nfs:// URL, as given on the
 * command line and in fimfsctl's arguments. Only names; reading SOURCE is
 * the view's (view.h).
 */
#ifndef FIM_SOURCE_SPEC_H
#define FIM_SOURCE_SPEC_H

#include <string.h>

/* Whether spec names a remote source (an nfs:// URL) rather than a local
 * path: callers must not realpath()/stat() it, just pass it on. */
static inline int fim_source_is_url(const char *spec)
{
	return !strncmp(spec, "nfs://", 6);
}

/* The spec of the entry at path (relative, "" for the root itself) within
 * the source spec: "spec/path" for a directory, and for an nfs:// URL the
 * URL with path percent-encoded onto its path, before its arguments.
 * Opening it gives a source rooted at that entry. malloc'd; NULL when out
 * of memory. */
char *fim_source_spec_below(const char *spec, const char *path);

/* The inverse of fim_source_spec_below: the path within spec of the entry
 * that below names ("" for spec itself), when below lies within spec.
 * malloc'd; NULL when it does not (or out of memory). */
char *fim_source_spec_within(const char *spec, const char *below);

#endif
