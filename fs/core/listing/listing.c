/* Listings: the .fimfs directory of a snapshot or tree; see listing.h. */
#include "listing.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "manifest.h"
#include "report.h"
#include "spec.h"
#include "view_svc.h"

/* The checksum list of each digest, named as coreutils' own lists are. */
static const char *const sums_names[FIM_ALG_COUNT] = {
	[FIM_SHA256] = "SHA256SUMS",
	[FIM_SHA512] = "SHA512SUMS",
	[FIM_SHA1] = "SHA1SUMS",
	[FIM_MD5] = "MD5SUMS",
	[FIM_BLAKE2B512] = "BLAKE2B512SUMS",
	[FIM_SHA3_256] = "SHA3-256SUMS",
	[FIM_SHA384] = "SHA384SUMS",
	[FIM_RMD160] = "RMD160SUMS",
};

const char *fim_listing_name(struct fim_view *v, int kind)
{
	switch (kind) {
	case FIM_VK_LIST_SUMS:
		return sums_names[fim_view_config(v)->primary];
	case FIM_VK_LIST_MTREE:
		return "mtree";
	case FIM_VK_LIST_REPORT:
		return "report";
	case FIM_VK_LIST_JSON:
		return "report.json";
	default:
		return FIM_LISTING_DIR;
	}
}

bool fim_listing_direct(int kind)
{
	return fim_vk_is_listing(kind);
}

/* The path before its last '/' ("" when there is none), into dir. */
static size_t parent_of(const char *path, size_t len, char *dir)
{
	size_t n = len;

	while (n && path[n - 1] != '/')
		n--;
	n = n ? n - 1 : 0;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return n;
}

/* The listing kind of path and the length of its listing root in
 * *rootlen; -1 for a path that is no listing entry, -ENOENT for a name in
 * a listing directory that it does not hold. */
static int parse(struct fim_view *v, const char *path, size_t *rootlen)
{
	size_t len = strlen(path), dlen, base;
	char dir[PATH_MAX], root[PATH_MAX];

	if (len >= sizeof(dir))
		return -1;
	dlen = parent_of(path, len, dir);
	base = dlen ? dlen + 1 : 0;
	if (!strcmp(path + base, FIM_LISTING_DIR) &&
	    fim_view_listing_root(v, dir)) {
		*rootlen = dlen;
		return FIM_VK_LIST_DIR;
	}
	/* dir must be a listing directory: root/.fimfs */
	*rootlen = parent_of(dir, dlen, root);
	if (strcmp(dir + (*rootlen ? *rootlen + 1 : 0), FIM_LISTING_DIR) ||
	    !fim_view_listing_root(v, root))
		return -1;
	for (int k = FIM_VK_LIST_SUMS; k < FIM_VK_LIST_END; k++)
		if (!strcmp(path + base, fim_listing_name(v, k)))
			return k;
	return -ENOENT;
}

int fim_listing_lookup(struct fim_view *v, const char *path,
		       struct fim_entry *e)
{
	size_t rootlen;
	struct fim_stat real;
	int kind = parse(v, path, &rootlen), ret;

	if (kind == -1)
		return fim_view_lookup(v, path, e);
	if (kind < 0)
		return kind;
	e->kind = kind;
	e->baselen = rootlen;
	ret = fim_listing_stat(v, path, kind, rootlen, &e->st);
	e->shadows = !ret && kind == FIM_VK_LIST_DIR &&
		     !fim_view_lstat(v, path, &real);
	return ret;
}

/* A FILE that only counts what is written to it. */
static ssize_t count_write(void *cookie, const char *buf, size_t size)
{
	(void)buf;
	*(uint64_t *)cookie += size;
	return (ssize_t)size;
}

/* The length of a list of the tree at root, without hashing: a spec walked
 * and written with its zero digests. */
static int list_size(struct fim_view *v, const char *root, int kind,
		     uint64_t *size)
{
	const struct fim_config *cfg = fim_view_config(v);
	cookie_io_functions_t io = { .write = count_write };
	struct fim_spec *spec;
	FILE *f;
	int ret;

	*size = 0;
	ret = fim_spec_walk(v, root, cfg->digests, FIM_SPEC_UNSHADOWED, &spec);
	if (ret)
		return ret;
	f = fopencookie(size, "w", io);
	if (!f) {
		fim_spec_free(spec);
		return -ENOMEM;
	}
	ret = kind == FIM_VK_LIST_SUMS
		      ? fim_spec_write_sums(spec, cfg->primary, f)
		      : fim_spec_write_mtree(spec, f);
	if (fclose(f) && !ret)
		ret = -EIO;
	fim_spec_free(spec);
	return ret;
}

int fim_listing_stat(struct fim_view *v, const char *path, int kind,
		     size_t baselen, struct fim_stat *st)
{
	char root[PATH_MAX];
	uint64_t size = 0;
	int ret;

	if (!fim_vk_is_listing(kind))
		return fim_view_stat(v, path, kind, baselen, st);
	if (baselen >= sizeof(root))
		return -ENAMETOOLONG;
	memcpy(root, path, baselen);
	root[baselen] = '\0';
	ret = fim_view_stat(v, root, -1, 0, st);
	if (ret)
		return ret;
	if (!S_ISDIR(st->mode))
		return -ENOENT;
	if (kind == FIM_VK_LIST_SUMS || kind == FIM_VK_LIST_MTREE) {
		ret = list_size(v, root, kind, &size);
		if (ret)
			return ret;
	}
	st->mode = kind == FIM_VK_LIST_DIR ? S_IFDIR | 0500 : S_IFREG | 0400;
	st->nlink = kind == FIM_VK_LIST_DIR ? 2 : 1;
	st->uid = 0;
	st->gid = 0;
	st->size = size;
	st->blocks = (size + 511) / 512;
	st->rdev = 0;
	/* A report is news when the baseline changes. */
	if ((kind == FIM_VK_LIST_REPORT || kind == FIM_VK_LIST_JSON) &&
	    fim_view_judged_since(v) > st->mtime_ns)
		st->mtime_ns = fim_view_judged_since(v);
	st->ino = fim_view_virtual_ino(path, kind);
	return 0;
}

/* One listing file being made. */
struct job {
	struct fim_view *v;
	int kind;
	fim_content_cb cb;
	void *arg;
	char root[];
};

static void log_failed(void *arg, const char *path, int err)
{
	const struct job *j = arg;
	size_t size = 4 * strlen(path) + 1;
	char *shown = malloc(size);

	/* names may hold newlines: escaped as in the mtree spec */
	if (shown)
		fim_mtree_escape(path, shown, size);
	fim_log(LOG_WARNING, "%s/%s: not in %s/" FIM_LISTING_DIR "/%s: %s",
		j->root, shown ? shown : "?", j->root,
		fim_listing_name(j->v, j->kind),
		err == -EAGAIN ? "changed while it was read" :
		fim_errname(-err));
	free(shown);
}

static int write_list(struct job *j, FILE *f)
{
	const struct fim_config *cfg = fim_view_config(j->v);
	struct fim_spec *spec;
	int ret;

	ret = fim_spec_walk(j->v, j->root, cfg->digests, FIM_SPEC_UNSHADOWED,
			    &spec);
	if (ret)
		return ret;
	if (fim_spec_hash(spec, 4 * fim_config_threads(cfg), NULL, NULL,
			  log_failed, j))
		ret = -EIO;
	else if (j->kind == FIM_VK_LIST_SUMS)
		ret = fim_spec_write_sums(spec, cfg->primary, f);
	else
		ret = fim_spec_write_mtree(spec, f);
	fim_spec_free(spec);
	return ret;
}

static int write_report(struct job *j, FILE *f)
{
	const struct fim_config *cfg = fim_view_config(j->v);
	struct fim_report_opts opts = {
		.root = j->root, .inflight = 4 * fim_config_threads(cfg),
	};
	struct fim_report_set set = { .text = j->kind != FIM_VK_LIST_JSON };
	struct fim_report_sum sum;
	int ret = fim_report_run(j->v, &opts, fim_report_set_add, &set, &sum);

	if (!ret)
		ret = set.err;
	if (!ret) {
		fim_report_set_sort(&set);
		if (j->kind == FIM_VK_LIST_JSON)
			fim_report_set_json(f, &set, sum.counts,
					    cfg->primary);
		else
			fim_report_set_text(f, &set, sum.counts);
	}
	fim_report_set_free(&set);
	return ret;
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = -ENOMEM;

	if (f) {
		ret = j->kind == FIM_VK_LIST_REPORT || j->kind == FIM_VK_LIST_JSON
			      ? write_report(j, f)
			      : write_list(j, f);
		if (fclose(f) && !ret)
			ret = -ENOMEM;
	}
	if (ret && ret != -ENOMEM && ret != -EIO)
		fim_log(LOG_WARNING, "%s/" FIM_LISTING_DIR "/%s: %s", j->root,
			fim_listing_name(j->v, j->kind), fim_errname(-ret));
	j->cb(j->arg, ret ? -EIO : 0, buf, ret ? 0 : len);
	free(buf);
	fim_view_job_end(j->v);
	free(j);
	return NULL;
}

int fim_listing_content(struct fim_view *v, const char *path, int kind,
			fim_content_cb cb, void *arg)
{
	size_t len = strlen(path) + 1;
	struct job *j;
	pthread_attr_t attr;
	pthread_t t;
	int ret;

	if (!fim_vk_is_listing(kind))
		return fim_view_content(v, path, kind, cb, arg);
	if (kind == FIM_VK_LIST_DIR)
		return -EISDIR;
	j = malloc(sizeof(*j) + len);
	if (!j)
		return -ENOMEM;
	*j = (struct job){ .v = v, .kind = kind, .cb = cb, .arg = arg };
	memcpy(j->root, path, len);
	if (!fim_view_job_begin(v)) {
		free(j);
		return -ESHUTDOWN;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = -pthread_create(&t, &attr, run_job, j);
	pthread_attr_destroy(&attr);
	if (ret) {
		fim_view_job_end(v);
		free(j);
	}
	return ret;
}
