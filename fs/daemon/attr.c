#include "attr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

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

int attr_of_node(struct fimfs *fs, struct node *n, struct fim_stat *st)
{
	return fim_view_stat(fs->view, n->path, n->kind, n->baselen, st);
}

int child_path(const char *dir, const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", dir, *dir ? "/" : "", name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
