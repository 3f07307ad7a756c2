#include "attr.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

void attr_to_stat(const struct fim_stat *st, struct stat *out)
{
	memset(out, 0, sizeof(*out));
	out->st_ino = st->ino;
	out->st_mode = st->mode;
	out->st_nlink = st->nlink;
	out->st_uid = st->uid;
	out->st_gid = st->gid;
	out->st_size = (off_t)st->size;
	out->st_blocks = (blkcnt_t)st->blocks;
	out->st_blksize = 1 << 20; /* big reads, for cp and friends */
	out->st_rdev = st->rdev;
	out->st_atim.tv_sec = st->atime_ns / 1000000000;
	out->st_atim.tv_nsec = st->atime_ns % 1000000000;
	out->st_mtim.tv_sec = st->mtime_ns / 1000000000;
	out->st_mtim.tv_nsec = st->mtime_ns % 1000000000;
	out->st_ctim.tv_sec = st->ctime_ns / 1000000000;
	out->st_ctim.tv_nsec = st->ctime_ns % 1000000000;
}

int snap_id_of(struct fimfs *fs, const char *path, int kind, size_t baselen,
	       bool now, uint64_t *id)
{
	char first[NAME_MAX + 1];
	size_t n = strcspn(path, "/");

	/* a virtual entry at the root lies in its file's snapshot */
	if (kind >= 0 && n > baselen)
		n = baselen;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(first, path, n);
	first[n] = '\0';
	return fim_view_snap_id(fs->view, first, now ? 0 :
				(int64_t)(fs->cfg.snapshot_timeout * 1e9), id);
}

int node_current(struct fimfs *fs, struct node *n)
{
	uint64_t snap = node_snap(n), id;
	struct node_path p;
	int ret;

	if (!snap)
		return 0;
	node_path(fs, n, &p);
	ret = snap_id_of(fs, p.s, n->kind, p.baselen, false, &id);
	if (!ret && id != snap)
		ret = -ESTALE;
	return ret;
}

int attr_of_node(struct fimfs *fs, struct node *n, struct fim_stat *st)
{
	int ret = node_current(fs, n);
	struct node_path p;

	if (ret)
		return ret;
	node_path(fs, n, &p);
	return fim_listing_stat(fs->view, p.s, n->kind, p.baselen, st);
}

/* Attributes cached for a day would otherwise serve a file changed in
 * place (same size, a new mtime) from its old pages, or a directory's old
 * listing, until memory pressure dropped them. */
bool attr_keep_cache(struct fimfs *fs, struct node *n,
		     const struct fim_stat *st)
{
	static pthread_mutex_t opened_mu = PTHREAD_MUTEX_INITIALIZER;
	struct fim_stat *opened;
	bool same;

	if (n->kind >= 0)
		return false; /* only SOURCE's files and directories are opened */
	pthread_mutex_lock(&opened_mu);
	opened = node_opened(n);
	if (!opened) {
		opened = calloc(1, sizeof(*opened));
		node_set_opened(n, opened);
	}
	same = opened && fim_stat_same(opened, st);
	if (opened)
		*opened = *st;
	pthread_mutex_unlock(&opened_mu);
	return fs->cfg.keep_cache && same;
}

static bool snapshot_name(struct node *n)
{
	return node_at_root(n) && node_snap(n);
}

static double shorter(double a, double b)
{
	return a < b ? a : b;
}

double attr_timeout_of(struct fimfs *fs, struct node *n)
{
	return snapshot_name(n) ? shorter(fs->cfg.attr_timeout,
					  fs->cfg.snapshot_timeout)
				: fs->cfg.attr_timeout;
}

double entry_timeout_of(struct fimfs *fs, struct node *n)
{
	return snapshot_name(n) ? shorter(fs->cfg.entry_timeout,
					  fs->cfg.snapshot_timeout)
				: fs->cfg.entry_timeout;
}

/* Without snprintf: a listing joins a path for every regular file. */
int child_path(const char *dir, const char *name, char *buf, size_t size)
{
	size_t dlen = strlen(dir), sep = dlen > 0, nlen = strlen(name);

	if (dlen + sep + nlen >= size)
		return -ENAMETOOLONG;
	memcpy(buf, dir, dlen);
	buf[dlen] = '/';
	memcpy(buf + dlen + sep, name, nlen + 1);
	return 0;
}
