/* The guest overlay: a source that shows, beside each regular file NAME of
 * the lower source whose content is a disk image, a read-only directory
 * NAME.files/ holding one directory per partition (p1, p2 ...; fs for a
 * bare file system) and in each the guest's tree, read by fimfs-guest.
 * Everything else is the lower source's. A real NAME.files beside an image
 * is hidden. Every layer above (the view, hashing, the cache, verdicts,
 * reports) sees guest entries as ordinary entries of SOURCE.
 */
#ifndef FIM_GUESTSRC_H
#define FIM_GUESTSRC_H

#include "config.h"
#include "source.h"

/* Wrap lower (owned by the overlay from then on, closed with it) per the
 * guest settings of cfg. Returns 0 or a negative errno. */
int fim_source_guest_wrap(struct fim_source *lower,
			  const struct fim_config *cfg,
			  struct fim_source **out);

#endif
