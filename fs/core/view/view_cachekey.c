/* How a view names its files in the digest cache.
 *
 * The cache names an entry by the SOURCE it was hashed in and the path
 * within it. A view opened on a directory below a daemon's SOURCE (fimfsctl
 * report of one snapshot, straight or through the mount) must name its
 * files as that SOURCE does, or the two keep two rows per file and each
 * hashes what the other already did. The SOURCE whose names are used:
 *  - cfg->cache_scope, when the view's source lies within it (fimfsctl sets
 *    it to the SOURCE of the mount a report was asked through);
 *  - else, in the tree layout, the directory holding the view's source when
 *    that directory has the snapshots layout by its name (.snapshot,
 *    .zfs/snapshot): the view shows one snapshot of it, as a daemon over
 *    that directory does;
 *  - else the view's own source.
 * A key (SOURCE, path) always names the entry SOURCE/path, so that two
 * views never share a key for two files. The baseline path is the view's
 * own, the same in a snapshot's view and in a daemon's over its directory:
 * reuse_across_snapshots finds the other snapshots' entries from either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_int.h"

/* spec's parent directory (nfs:// URLs keep their arguments), or NULL when
 * it has none or out of memory. */
static char *parent_of(const char *spec)
{
	size_t args = strcspn(spec, "?"), n = args, host = 0;
	char *out;

	if (fim_source_is_url(spec))
		host = 6 + strcspn(spec + 6, "/");
	while (n > host + 1 && spec[n - 1] == '/')
		n--;
	while (n > host && spec[n - 1] != '/')
		n--;
	if (n <= host || n == args)
		return NULL;
	if (n > host + 1)
		n--; /* the '/' before the last name, unless it is the root */
	if (asprintf(&out, "%.*s%s", (int)n, spec, spec + args) < 0)
		return NULL;
	return out;
}

/* The SOURCE of a snapshots layout that spec is a snapshot of, or NULL. */
static char *snapshots_parent(const char *spec)
{
	struct fim_config by_name = { .layout = FIM_LAYOUT_AUTO };
	char *parent = parent_of(spec);

	if (parent && fim_config_layout_for(&by_name, parent) !=
			      FIM_LAYOUT_SNAPSHOTS) {
		free(parent);
		parent = NULL;
	}
	return parent;
}

int view_cache_scope(const struct fim_config *cfg, const char *spec,
		     enum fim_layout layout, char **scope, char **prefix)
{
	char *rel = NULL;

	*prefix = NULL;
	*scope = NULL;
	if (cfg->cache_scope) {
		rel = fim_source_spec_within(cfg->cache_scope, spec);
		if (rel)
			*scope = strdup(cfg->cache_scope);
	}
	if (!rel && layout == FIM_LAYOUT_TREE) {
		*scope = snapshots_parent(spec);
		if (*scope)
			rel = fim_source_spec_within(*scope, spec);
	}
	if (!rel || !*rel) {
		free(*scope);
		*scope = strdup(spec);
	} else if (asprintf(prefix, "%s/", rel) < 0) {
		*prefix = NULL;
		free(*scope);
		*scope = NULL;
	}
	free(rel);
	return *scope ? 0 : -ENOMEM;
}
