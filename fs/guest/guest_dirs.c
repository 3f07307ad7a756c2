/* Directories listed by a reader, by path (see guest_dirs.h). */
#include "guest_dirs.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "guest_proto.h"

/* At most about 7 MiB with the tree's nodes; a reader's address space is
 * limited to 1 GiB. */
#define GDIRS_MAX_ENTRIES 65536
#define GDIRS_MAX_BYTES (4u << 20)

struct dir_ent {
	uint64_t inum;
	uint16_t part;
	char path[];
};

static int cmp(const void *a, const void *b)
{
	const struct dir_ent *x = a, *y = b;

	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return strcmp(x->path, y->path);
}

void gdirs_add(struct guest_dirs *d, uint16_t part, const char *dir,
	       const char *name, size_t len, uint64_t inum)
{
	size_t dlen = strlen(dir), plen = dlen + (dlen > 0) + len;
	struct dir_ent *e, **found;

	if (d->n >= GDIRS_MAX_ENTRIES || d->bytes + plen > GDIRS_MAX_BYTES ||
	    plen > FIM_GP_PATH_MAX)
		return;
	e = malloc(sizeof(*e) + plen + 1);
	if (!e)
		return;
	e->inum = inum;
	e->part = part;
	memcpy(e->path, dir, dlen);
	if (dlen)
		e->path[dlen] = '/';
	memcpy(e->path + dlen + (dlen > 0), name, len);
	e->path[plen] = '\0';
	found = tsearch(e, &d->root, cmp);
	if (found && *found == e) {
		d->n++;
		d->bytes += plen;
		return;
	}
	/* the first name wins, as the first listing gave it; or no memory */
	free(e);
}

bool gdirs_find(const struct guest_dirs *d, uint16_t part, const char *path,
		uint64_t *inum)
{
	union {
		struct dir_ent e;
		char bytes[sizeof(struct dir_ent) + FIM_GP_PATH_MAX + 1];
	} key;
	size_t plen = strlen(path);
	struct dir_ent *const *found;

	if (!d->root || plen > FIM_GP_PATH_MAX)
		return false;
	key.e.part = part;
	memcpy(key.e.path, path, plen + 1);
	found = tfind(&key.e, &d->root, cmp);
	if (!found)
		return false;
	*inum = (*found)->inum;
	return true;
}

void gdirs_free(struct guest_dirs *d)
{
	tdestroy(d->root, free);
	*d = (struct guest_dirs){ 0 };
}
