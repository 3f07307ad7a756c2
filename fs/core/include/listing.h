/* Listings: the read-only directory .fimfs/ at the root of each snapshot
 * (snapshots layout) or of the tree (tree layout), holding whole-tree
 * files that ordinary tools check:
 *
 *   SHA256SUMS   the checksum list of every regular file (named after the
 *                first configured digest: SHA512SUMS, MD5SUMS, ...), paths
 *                relative to the snapshot, for `sha256sum -c` run there;
 *   mtree        the mtree(5) spec that `fimfsctl baseline` writes of it;
 *   report       its report against the baseline, as `fimfsctl report`
 *   report.json  prints it (text, --json).
 *
 * Both lists hold what the mount shows as the snapshot's own: a real entry
 * hidden behind a virtual name (and what is below it) is left out, and the
 * report lists it as SHADOWED. A real .fimfs in SOURCE at that place is
 * such an entry.
 *
 * The listings are a layer above the view and the reports: a front end
 * asks fim_listing_lookup, _stat and _content, which answer for the
 * listing entries and pass every other path on to the view's functions of
 * the same name. Listing entries have kinds of their own (FIM_VK_LIST_*),
 * and their baselen is the length of the snapshot's (or tree's) path.
 */
#ifndef FIM_LISTING_H
#define FIM_LISTING_H

#include <stdbool.h>

#include "view.h"

enum {
	FIM_VK_LIST_DIR = FIM_VK_COUNT, /* the .fimfs directory itself */
	FIM_VK_LIST_SUMS,
	FIM_VK_LIST_MTREE,
	FIM_VK_LIST_REPORT,
	FIM_VK_LIST_JSON,
	FIM_VK_LIST_END,
};

static inline bool fim_vk_is_listing(int kind)
{
	return kind >= FIM_VK_LIST_DIR && kind < FIM_VK_LIST_END;
}

/* The name of a listing file (kind FIM_VK_LIST_SUMS ..) in v. */
const char *fim_listing_name(struct fim_view *v, int kind);

/* fim_view_lookup, and the listing entries: root/.fimfs and the files in
 * it, where root is a listing root (fim_view_listing_root). A real entry
 * of SOURCE at root/.fimfs sets e->shadows. */
int fim_listing_lookup(struct fim_view *v, const char *path,
		       struct fim_entry *e);

/* fim_view_stat, and for listing kinds the entry's attributes: owner root,
 * the directory 0500 and the files 0400 (only root reads the names and
 * digests of the whole tree), the times of the root. The size of the lists
 * is exact, from a walk of the tree that does not hash; the reports' is 0:
 * it is known only once every file is hashed (see fim_listing_direct). */
int fim_listing_stat(struct fim_view *v, const char *path, int kind,
		     size_t baselen, struct fim_stat *st);

/* fim_view_content, and for a listing file the whole content, computed in
 * a thread of its own (walking, and hashing through the view's hashing
 * service); path is the listing root. A list fails with -EIO when any entry
 * could not be read or hashed (logged). */
int fim_listing_content(struct fim_view *v, const char *path, int kind,
			fim_content_cb cb, void *arg);

/* Whether reads of an entry of kind must bypass the kernel's page cache
 * and its idea of the size: listing files, whose content is made at the
 * first read (a report's size is not known before, and a live tree's
 * lists may have changed since the size was taken). */
bool fim_listing_direct(int kind);

#endif
