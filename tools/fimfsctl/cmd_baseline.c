/* fimfsctl baseline [-c CONFIG] [-t] [-k SECRET.pem] -o MANIFEST DIR: write
 * an mtree(5) spec of DIR, a directory or an nfs:// URL (and with -k,
 * MANIFEST.sig over its exact bytes).
 *
 * Files are hashed through a view of DIR (layout tree), i.e. with the same
 * digest engine, cache and hashing threads as the daemon; a bounded number of
 * requests is kept in flight. The spec is complete or not written at all:
 * any entry that cannot be read makes the run fail (exit 2) and leaves an
 * existing MANIFEST untouched. MANIFEST may not lie inside DIR, where it
 * would describe itself or a previous version of itself. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "fileio.h"
#include "manifest.h"
#include "sign.h"
#include "fimctl.h"
#include "source_spec.h"
#include "view.h"
#include "walk.h"

struct bjob {
	struct fim_tree tree;
	struct fim_view *view;
	struct fim_pool *pool;
	uint32_t mask;
	size_t dsize, off[FIM_ALG_COUNT];
	struct bitem *items; /* one per node; used for regular files */
	unsigned char *md;   /* dsize bytes per node */
	const char *dir;
	bool with_time;
};

struct bitem {
	struct bjob *job;
	size_t node;
	int err;
	struct fim_stat st; /* as hashed */
};

static void on_hashed(void *arg, const struct fim_hash_result *res)
{
	struct bitem *it = arg;
	struct bjob *j = it->job;
	unsigned char *md = j->md + it->node * j->dsize;

	it->err = res->err;
	if (!res->err) {
		it->st = res->st;
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (j->mask & (1u << a))
				memcpy(md + j->off[a], res->digests.md[a],
				       fim_alg_size(a));
	}
	fim_pool_release(j->pool, res->err ? 0 : res->st.size);
}

static void submit(struct bjob *j, size_t i)
{
	struct bitem *it = &j->items[i];
	int ret;

	it->job = j;
	it->node = i;
	it->err = -ECANCELED;
	fim_pool_acquire(j->pool);
	ret = fim_view_digests(j->view, j->tree.v[i].path, on_hashed, it);
	if (ret) {
		it->err = ret;
		fim_pool_release(j->pool, 0);
	}
}

/* Hash every regular file; a file that changed while hashed (-EAGAIN) is
 * tried twice more. Returns the number of files that failed, reported. */
static size_t hash_all(struct bjob *j)
{
	size_t failed = 0;

	for (size_t i = 0; i < j->tree.n; i++)
		if (!j->tree.v[i].err && S_ISREG(j->tree.v[i].st.mode))
			submit(j, i);
	fim_pool_wait(j->pool);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < j->tree.n; i++)
			if (j->items[i].err == -EAGAIN)
				submit(j, i);
		fim_pool_wait(j->pool);
	}
	for (size_t i = 0; i < j->tree.n; i++) {
		const struct fim_tree_node *n = &j->tree.v[i];
		int err = n->err ? n->err
			  : S_ISREG(n->st.mode) ? j->items[i].err : 0;

		if (!err)
			continue;
		fprintf(stderr, "fimfsctl: %s/%s: %s\n", j->dir, n->path,
			err == -EAGAIN ? "changed while it was read"
				       : strerror(-err));
		failed++;
	}
	return failed;
}

static int write_entry(struct bjob *j, FILE *f, size_t i)
{
	const struct fim_tree_node *n = &j->tree.v[i];
	const struct fim_stat *st = S_ISREG(n->st.mode) ? &j->items[i].st
							: &n->st;
	struct fim_digest_set ds = { .mask = 0 };
	struct fim_mtree_rec r = {
		.path = *n->path ? n->path : ".",
		.type = fim_ftype_from_mode(st->mode),
		.keys = FIM_MK_TYPE | FIM_MK_MODE | FIM_MK_UID | FIM_MK_GID,
		.mode = st->mode & 07777, .uid = st->uid, .gid = st->gid,
		.time_ns = st->mtime_ns,
	};
	char link[PATH_MAX + 1];
	long len;

	if (j->with_time)
		r.keys |= FIM_MK_TIME;
	if (r.type == FIM_FT_FILE) {
		const unsigned char *md = j->md + i * j->dsize;

		ds.mask = j->mask;
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (j->mask & (1u << a))
				memcpy(ds.md[a], md + j->off[a],
				       fim_alg_size(a));
		r.keys |= FIM_MK_SIZE;
		r.size = st->size;
		r.digests = &ds;
	} else if (r.type == FIM_FT_LINK) {
		len = fim_view_readlink(j->view, n->path, link, sizeof(link));
		if (len < 0 || (size_t)len >= sizeof(link)) {
			fprintf(stderr, "fimfsctl: %s/%s: %s\n", j->dir,
				n->path, strerror(len < 0 ? (int)-len
							  : ENAMETOOLONG));
			return -EIO;
		}
		link[len] = '\0';
		r.link = link;
		r.keys |= FIM_MK_LINK;
	}
	return fim_mtree_write_entry(f, &r);
}

/* The spec in memory, so that it can be signed over exactly these bytes. */
static int render(struct bjob *j, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int ret;

	if (!f)
		return -ENOMEM;
	ret = fim_mtree_write_header(f);
	for (size_t i = 0; i < j->tree.n && !ret; i++)
		ret = write_entry(j, f, i);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	return ret;
}

static int write_out(const char *out, const char *buf, size_t len,
		     const struct fim_seckey *key)
{
	unsigned char sig[FIM_SIG_LEN];
	char sigpath[PATH_MAX], err[512];
	int ret;

	if (key && fim_sign_buf(key, buf, len, sig, err, sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s: %s\n", out, err);
		return EXIT_USAGE;
	}
	ret = fim_file_replace(out, buf, len, 0644);
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", out, strerror(-ret));
		return EXIT_USAGE;
	}
	printf("%s\n", out);
	if (!key)
		return EXIT_OK;
	snprintf(sigpath, sizeof(sigpath), "%s%s", out, FIM_SIG_SUFFIX);
	ret = fim_file_replace(sigpath, sig, sizeof(sig), 0644);
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", sigpath, strerror(-ret));
		return EXIT_USAGE;
	}
	printf("%s\n", sigpath);
	return EXIT_OK;
}

/* Refuse an output inside dir (resolved): it would be part of the tree. */
static int inside(const char *rdir, const char *out)
{
	char *copy = strdup(out), *slash, *rparent;
	size_t n = strlen(rdir);
	int in;

	if (!copy)
		return -1;
	slash = strrchr(copy, '/');
	if (slash)
		slash == copy ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	rparent = realpath(slash ? copy : ".", NULL);
	free(copy);
	if (!rparent)
		return -1;
	in = !strncmp(rparent, rdir, n) &&
	     (rparent[n] == '\0' || rparent[n] == '/' || !strcmp(rdir, "/"));
	free(rparent);
	return in;
}

static int setup(struct bjob *j, struct fim_config *cfg, const char *rdir)
{
	char err[1024];
	int ret;

	ret = fimctl_open_view(cfg, rdir, &j->view, err, sizeof(err));
	if (!ret)
		ret = fim_view_start(j->view, err, sizeof(err));
	if (!ret)
		ret = fim_tree_walk(j->view, "", &j->tree);
	if (!ret)
		ret = fim_pool_new(4 * fim_config_threads(cfg),
				   j->tree.files, j->tree.bytes,
				   isatty(STDERR_FILENO) ? fimctl_progress
							 : NULL,
				   NULL, &j->pool);
	if (ret == -ENOMEM)
		snprintf(err, sizeof(err), "out of memory");
	if (!ret) {
		j->items = calloc(j->tree.n, sizeof(*j->items));
		j->md = calloc(j->tree.n, j->dsize);
		if (!j->items || !j->md) {
			snprintf(err, sizeof(err), "out of memory");
			ret = -ENOMEM;
		}
	}
	if (ret)
		fprintf(stderr, "fimfsctl: %s\n", err);
	return ret;
}

static int run(struct fim_config *cfg, const char *dir, const char *out,
	       const struct fim_seckey *key, bool with_time)
{
	struct bjob j = { .dir = dir, .with_time = with_time };
	/* An nfs:// URL is read by the core itself: nothing to resolve, and
	 * a local MANIFEST cannot lie inside it. */
	bool url = fim_source_is_url(dir);
	char *rdir = url ? strdup(dir) : realpath(dir, NULL), *buf = NULL;
	size_t len = 0;
	int status = EXIT_USAGE, in;

	if (!rdir) {
		fprintf(stderr, "fimfsctl: %s: %s\n", dir, strerror(errno));
		return EXIT_USAGE;
	}
	in = url ? 0 : inside(rdir, out);
	if (in) {
		fprintf(stderr, in < 0 ? "fimfsctl: %s: %s\n" :
			"fimfsctl: %s: inside %s; the manifest would list "
			"itself\n", out, in < 0 ? strerror(errno) : dir);
		goto out;
	}
	cfg->layout = FIM_LAYOUT_TREE;
	cfg->digests |= 1u << FIM_SHA256;
	j.mask = cfg->digests;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		j.off[a] = j.dsize;
		if (j.mask & (1u << a))
			j.dsize += fim_alg_size(a);
	}
	if (j.mask & ~FIM_MTREE_NETBSD_DIGESTS)
		fprintf(stderr, "fimfsctl: warning: blake2b512 and sha3-256 "
			"digests are not known to NetBSD mtree -f\n");
	if (setup(&j, cfg, rdir) || hash_all(&j))
		goto out;
	if (render(&j, &buf, &len)) {
		fprintf(stderr, "fimfsctl: %s: cannot write the spec\n", out);
		goto out;
	}
	status = write_out(out, buf, len, key);
out:
	free(buf);
	fim_pool_free(j.pool);
	fim_view_free(j.view);
	fim_tree_free(&j.tree);
	free(j.items);
	free(j.md);
	free(rdir);
	return status;
}

int cmd_baseline(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	const char *conf = NULL, *keypath = NULL, *out = NULL;
	struct fim_seckey *key = NULL;
	struct fim_config cfg;
	bool with_time = false;
	char err[1024];
	int c, ret, status = EXIT_USAGE;

	while ((c = getopt(argc, argv, "+hc:k:o:t")) != -1) {
		switch (c) {
		case 'h':
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			return EXIT_OK;
		case 'c': conf = optarg; break;
		case 'k': keypath = optarg; break;
		case 'o': out = optarg; break;
		case 't': with_time = true; break;
		default: return cmd_usage(cmd);
		}
	}
	if (!out || optind != argc - 1)
		return cmd_usage(cmd);
	fim_config_init(&cfg);
	ret = fim_config_load_file(&cfg, conf ? conf : FIM_DEFAULT_CONFIG, err,
				   sizeof(err));
	if (ret && !(ret == -ENOENT && !conf)) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	if (keypath && fim_seckey_load(keypath, &key, err, sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	status = run(&cfg, argv[optind], out, key, with_time);
out:
	fim_seckey_free(key);
	fim_config_free(&cfg);
	return status;
}
