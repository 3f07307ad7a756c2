/* Directory listings: the source's entries, each regular file followed by
 * its virtual entries. A real entry whose name is virtual is left out (the
 * virtual entry of that name takes its place) and reported. A listing is
 * read whole (at opendir, or at the first readdir when the kernel was told
 * to keep the one it has) so offsets stay stable across readdir calls. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fimfs.h"
#include "handlers.h"
#include "attr.h"
#include "inode.h"
#include "listing.h"
#include "shadow.h"
#include "perm.h"
#include "strhash.h"

struct dirent_rec {
	char *name;
	unsigned char type;
	bool hidden; /* real, behind a virtual entry of the same name */
	uint64_t ino;
	int kind; /* -1 real, else virtual */
};

struct listing {
	struct handle h; /* first: in fs->handles while open */
	struct dirent_rec *ents;
	size_t n, cap;
	/* false until read: opendir leaves it to the first readdir, which
	 * rarely comes, when the kernel keeps the listing it cached */
	bool read;
	bool checked;         /* a check allowed the listing: ... */
	struct fim_stat dir;  /* ... of the directory with these attributes */
};

/* The real entries of a directory by name (open addressing), for the
 * question which names are regular files. */
struct names {
	const struct dirent_rec **slot;
	size_t size; /* a power of two */
};

static int names_build(struct names *ns, const struct dirent_rec *ents,
		       size_t n)
{
	ns->size = 16;
	while (ns->size < 2 * n)
		ns->size *= 2;
	ns->slot = calloc(ns->size, sizeof(*ns->slot));
	if (!ns->slot)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t h = fim_strhash_keyed(ents[i].name) & (ns->size - 1);

		while (ns->slot[h])
			h = (h + 1) & (ns->size - 1);
		ns->slot[h] = &ents[i];
	}
	return 0;
}

static bool names_is_regular(void *arg, const char *name)
{
	struct names *ns = arg;

	for (size_t i = fim_strhash_keyed(name) & (ns->size - 1); ns->slot[i];
	     i = (i + 1) & (ns->size - 1))
		if (!strcmp(ns->slot[i]->name, name))
			return ns->slot[i]->type == DT_REG;
	return false;
}

static int push(struct listing *l, char *name, unsigned char type,
		uint64_t ino, int kind)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct dirent_rec *e = realloc(l->ents, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		l->ents = e;
		l->cap = cap;
	}
	l->ents[l->n++] = (struct dirent_rec){ .name = name, .type = type,
						.ino = ino, .kind = kind };
	return 0;
}

static void listing_clear(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ents[i].name);
	free(l->ents);
	l->ents = NULL;
	l->n = l->cap = 0;
}

static void listing_free(struct listing *l)
{
	listing_clear(l);
	free(l);
}

static void listing_drop(struct handle *h)
{
	listing_free((struct listing *)h);
}

static int read_source(struct fim_view *v, const char *path,
		       struct listing *l)
{
	struct fim_view_dir *d;
	const char *name;
	unsigned char type;
	uint64_t ino;
	char *copy;
	int ret;

	ret = fim_view_opendir(v, path, &d);
	if (ret)
		return ret;
	while (!(ret = fim_view_readdir(d, &name, &type, &ino)) && name) {
		if (!(copy = strdup(name)) || push(l, copy, type, ino, -1)) {
			free(copy);
			ret = -ENOMEM;
			break;
		}
	}
	fim_view_closedir(d);
	return ret;
}

/* The files of a listing directory (listing.h). */
static int read_listing(struct fim_view *v, const char *dir,
			struct listing *l)
{
	char path[PATH_MAX], *name;

	for (int k = FIM_VK_LIST_SUMS; k < FIM_VK_LIST_END; k++) {
		if (child_path(dir, fim_listing_name(v, k), path, sizeof(path)))
			return -ENAMETOOLONG;
		if (!(name = strdup(fim_listing_name(v, k))) ||
		    push(l, name, DT_REG, fim_view_virtual_ino(path, k), k)) {
			free(name);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Which real entries are hidden behind virtual entries of their name (in
 * a listing root: its listing directory's name too). */
static int find_hidden(struct fimfs *fs, struct dirent_rec *ents, size_t n,
		       bool listing_root)
{
	struct names ns;
	size_t baselen;

	if (names_build(&ns, ents, n))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ents[i].hidden = (listing_root &&
				  !strcmp(ents[i].name, FIM_LISTING_DIR)) ||
				 fim_view_name_kind(fs->view, ents[i].name,
						    names_is_regular, &ns,
						    &baselen) >= 0;
	free(ns.slot);
	return 0;
}

/* Add the virtual entries after each regular file shown, in place order,
 * and the listing directory last in a listing root; leave out (and report)
 * the real entries they hide. */
static int add_virtual(fuse_req_t req, struct fimfs *fs, const char *dir,
		       struct listing *l)
{
	char path[PATH_MAX], vname[NAME_MAX + 1], *name;
	struct dirent_rec *real = l->ents;
	size_t nreal = l->n, ri;
	bool listing_root = fim_view_listing_root(fs->view, dir);
	int ret = find_hidden(fs, real, nreal, listing_root);

	if (ret)
		return ret;
	ret = -ENOMEM;
	l->ents = NULL;
	l->n = l->cap = 0;
	for (size_t i = 0; i < nreal; i++) {
		if (real[i].hidden) {
			if (!child_path(dir, real[i].name, path, sizeof(path)))
				shadow_report(req, fs, path);
			continue;
		}
		if (push(l, real[i].name, real[i].type, real[i].ino, -1))
			goto out;
		real[i].name = NULL;
		/* too long a path has no virtual entries to reach */
		if (real[i].type != DT_REG ||
		    child_path(dir, l->ents[l->n - 1].name, path, sizeof(path)))
			continue;
		/* index, not pointer: pushing may move the array */
		ri = l->n - 1;
		for (int k = 0; k < FIM_VK_COUNT; k++) {
			if (!fim_view_virtual_name(fs->view, l->ents[ri].name,
						   k, vname))
				continue;
			if (!(name = strdup(vname)))
				goto out;
			if (push(l, name, DT_REG, fim_view_virtual_ino(path, k),
				 k)) {
				free(name);
				goto out;
			}
		}
	}
	if (listing_root &&
	    !child_path(dir, FIM_LISTING_DIR, path, sizeof(path))) {
		if (!(name = strdup(FIM_LISTING_DIR)))
			goto out;
		if (push(l, name, DT_DIR,
			 fim_view_virtual_ino(path, FIM_VK_LIST_DIR),
			 FIM_VK_LIST_DIR)) {
			free(name);
			goto out;
		}
	}
	ret = 0;
out:
	/* What was not moved into the listing: hidden, or after a failure. */
	for (size_t i = 0; i < nreal; i++)
		free(real[i].name);
	free(real);
	return ret;
}

/* The directory's entries and their virtual entries into l, read now:
 * for the directory a check found with attributes l->dir when
 * l->checked, not for one put in its place since. */
static int read_dir(fuse_req_t req, struct fimfs *fs, struct node *n,
		    struct listing *l)
{
	struct node_path p;
	int ret;

	node_path(fs, n, &p);
	ret = read_source(fs->view, p.s, l);
	if (!ret)
		ret = add_virtual(req, fs, p.s, l);
	if (!ret && l->checked && !perm_same_file(fs, p.s, p.len, &l->dir))
		ret = -ESTALE;
	/* a readdir that comes again starts afresh */
	if (ret)
		listing_clear(l);
	l->read = !ret;
	return ret;
}

void fimfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	struct listing *l = calloc(1, sizeof(*l));
	bool own = n->kind == FIM_VK_LIST_DIR; /* not SOURCE's */
	bool keep = fs->cfg.keep_cache;
	struct node_path p;
	int ret;

	if (!l)
		return (void)fuse_reply_err(req, ENOMEM);
	node_path(fs, n, &p);
	ret = node_current(fs, n);
	if (!ret)
		ret = -perm_listing(req, fs, "opendir", p.s, n->kind);
	if (!ret && own) {
		ret = read_listing(fs->view, p.s, l);
		l->read = true;
	}
	if (!ret && !own && !perm_exempt(req)) {
		ret = -perm_check(req, fs, "opendir", p.s, p.len, FIM_MAY_READ,
				  true, &l->dir);
		l->checked = true;
	} else if (!ret && !own) {
		ret = fim_view_lstat(fs->view, p.s, &l->dir);
	}
	if (!ret && !own)
		keep = attr_keep_cache(fs, n, &l->dir);
	if (!ret && !own && !keep)
		ret = read_dir(req, fs, n, l);
	if (ret) {
		listing_free(l);
		return (void)fuse_reply_err(req, -ret);
	}
	fi->fh = (uintptr_t)l;
	fi->cache_readdir = fs->cfg.keep_cache;
	fi->keep_cache = keep;
	handles_add(&fs->handles, &l->h, HANDLE_DIR, listing_drop);
	if (fuse_reply_open(req, fi)) {
		handles_remove(&fs->handles, &l->h);
		listing_free(l);
	}
}

/* The bytes the entries of l from index from on take in a reply, at most
 * size. */
static size_t reply_size(fuse_req_t req, const struct listing *l, size_t from,
			 size_t size)
{
	size_t need = 0;

	for (size_t i = from; i < l->n && need < size; i++)
		need += fuse_add_direntry(req, NULL, 0, l->ents[i].name, NULL,
					  0);
	return need < size ? need : size;
}

void fimfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct listing *l = (struct listing *)handle_of(fi->fh);
	struct fimfs *fs = fimfs_of(req);
	char *buf;
	size_t used = 0;
	int ret;

	if (!l->read && (ret = read_dir(req, fs, node_of(fs, ino), l)))
		return (void)fuse_reply_err(req, -ret);
	/* the kernel asks for up to 1 MiB: a buffer of that size for every
	 * READDIR cost page faults each time, for a few KiB of entries */
	size = reply_size(req, l, (size_t)off, size);
	if (!size)
		return (void)fuse_reply_buf(req, NULL, 0);
	if (!(buf = malloc(size)))
		return (void)fuse_reply_err(req, ENOMEM);
	for (size_t i = (size_t)off; i < l->n; i++) {
		struct stat st = { .st_ino = l->ents[i].ino,
				   .st_mode = (mode_t)DTTOIF(l->ents[i].type) };
		size_t len = fuse_add_direntry(req, buf + used, size - used,
					       l->ents[i].name, &st,
					       (off_t)(i + 1));

		if (len > size - used)
			break;
		used += len;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

void fimfs_releasedir(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	struct listing *l = (struct listing *)handle_of(fi->fh);

	(void)ino;
	handles_remove(&fimfs_of(req)->handles, &l->h);
	listing_free(l);
	fuse_reply_err(req, 0);
}
