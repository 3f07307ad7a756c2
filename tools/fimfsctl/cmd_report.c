/* fimfsctl report [-c CONFIG] [-o KEY=VAL]... [--json] PATH: the verdict of
 * every regular file of PATH against the configured baseline, and MISSING
 * for every baseline entry absent from PATH.
 *
 * PATH is a directory of the source tree or inside a mounted fimfs, which is
 * mapped back to its source as the daemon tells it (report_map_mount) and
 * read directly. The
 * baseline path of a file is its path relative to PATH. Verdicts come from
 * fim_view_verdict, the same code that answers NAME.verified, over a view of
 * PATH (layout tree) with the configuration's baseline, rules, digests and
 * cache. What else is judged, beyond regular files:
 *  - a baseline entry whose path is absent (any type; not the root, not an
 *    entry marked optional, not one the rules ignore): MISSING;
 *  - an entry present with another type than the baseline's: MISMATCH
 *    (type) under every rule but ignore;
 *  - a directory that cannot be listed, an entry that cannot be stat'ed:
 *    ERROR;
 *  - an entry of any type whose name a mount shows as a virtual entry
 *    instead (NAME.sha256 or NAME.verified beside a regular NAME, see
 *    fim_view_shadowed): SHADOWED, under every rule, and not judged
 *    otherwise.
 * Exit 0 when clean; 1 when any MISMATCH, MISSING, UNLISTED, ERROR or
 * SHADOWED; 2 on usage, configuration or baseline errors. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "policy.h"
#include "report.h"
#include "view.h"
#include "walk.h"

/* A verdict in progress: the callback needs the pool. */
struct rslot {
	struct rentry e;
	struct fimctl_pool *pool;
};

struct rjob {
	struct fim_view *view;
	struct fim_baseline *bl;
	const struct fim_config *cfg;
	struct fimctl_tree tree;
	struct fimctl_pool *pool;
	struct rslot *node_res;  /* one per node; e.path NULL when unused */
	struct rentry *extra;    /* MISSING entries */
	size_t n_extra, cap_extra;
	size_t counts[FIM_STATUS_COUNT];
};

static void on_verdict(void *arg, const struct fim_verdict *vd,
		       const struct fim_hash_result *res)
{
	struct rslot *r = arg;

	r->e.vd = *vd;
	fimctl_pool_release(r->pool, res && !res->err ? res->st.size : 0);
}

/* The rule of a baseline path under the configured rules. */
static enum fim_rule rule_of(const struct rjob *j, const char *bpath)
{
	return fim_policy_match(j->cfg->rules, j->cfg->n_rules, bpath, NULL);
}

/* A non-regular entry (or one that failed): judged by type only. */
static void judge_other(struct rjob *j, size_t i)
{
	const struct fimctl_node *n = &j->tree.v[i];
	struct rentry *e = &j->node_res[i].e;
	const struct fim_mentry *m;

	memset(&e->vd, 0, sizeof(e->vd));
	e->vd.alg = j->cfg->primary;
	e->vd.rule = rule_of(j, n->path);
	if (e->vd.rule == FIM_RULE_IGNORE)
		return;
	if (n->err) {
		e->path = n->path;
		e->vd.status = FIM_ERROR;
		e->vd.err = -n->err;
		return;
	}
	m = fim_baseline_lookup(j->bl, n->path);
	if (!*n->path || !m || !(m->keys & FIM_MK_TYPE) ||
	    m->type == fim_ftype_from_mode(n->st.mode))
		return;
	e->path = n->path;
	e->vd.status = FIM_MISMATCH;
	e->vd.differs = FIM_DIFF_TYPE;
}

/* A real entry a mount hides behind a virtual entry of its name: whatever
 * it holds, through the mount that name shows fimfs's own answer. */
static void judge_shadowed(struct rjob *j, size_t i)
{
	struct rentry *e = &j->node_res[i].e;

	memset(&e->vd, 0, sizeof(e->vd));
	e->path = j->tree.v[i].path;
	e->vd.alg = j->cfg->primary;
	e->vd.rule = rule_of(j, e->path);
	e->vd.status = FIM_SHADOWED;
}

static int judge_tree(struct rjob *j)
{
	j->node_res = calloc(j->tree.n ? j->tree.n : 1, sizeof(*j->node_res));
	if (!j->node_res)
		return -ENOMEM;
	for (size_t i = 0; i < j->tree.n; i++) {
		const struct fimctl_node *n = &j->tree.v[i];
		struct rslot *r = &j->node_res[i];

		if (*n->path && fim_view_shadowed(j->view, n->path)) {
			judge_shadowed(j, i);
			continue;
		}
		if (n->err || !S_ISREG(n->st.mode)) {
			judge_other(j, i);
			continue;
		}
		r->e.path = n->path;
		r->pool = j->pool;
		fimctl_pool_acquire(j->pool);
		fim_view_verdict(j->view, n->path, on_verdict, r);
	}
	fimctl_pool_wait(j->pool);
	return 0;
}

static int add_missing(const struct fim_mentry *m, void *arg)
{
	struct rjob *j = arg;
	const unsigned char *md;
	struct rentry *e;
	struct fim_stat st;
	int ret;

	if (!strcmp(m->path, ".") || (m->keys & FIM_MK_OPTIONAL) ||
	    rule_of(j, m->path) == FIM_RULE_IGNORE)
		return 0;
	ret = fim_view_stat(j->view, m->path, -1, 0, &st);
	if (ret != -ENOENT && ret != -ENOTDIR && ret != -ELOOP)
		return 0; /* present, or an error judged in the walk */
	if (j->n_extra == j->cap_extra) {
		size_t cap = j->cap_extra ? 2 * j->cap_extra : 64;

		e = realloc(j->extra, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		j->extra = e;
		j->cap_extra = cap;
	}
	e = &j->extra[j->n_extra++];
	memset(e, 0, sizeof(*e));
	e->path = m->path;
	e->vd.status = FIM_MISSING;
	e->vd.rule = rule_of(j, m->path);
	e->vd.alg = j->cfg->primary;
	md = fim_mentry_digest(m, j->cfg->primary);
	if (md) {
		e->vd.have_expected = 1;
		memcpy(e->vd.expected, md, fim_alg_size(j->cfg->primary));
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct rentry *const *)a)->path,
		      (*(struct rentry *const *)b)->path);
}

static int print(struct rjob *j, bool json)
{
	size_t n = 0;
	struct rentry **v = calloc(j->tree.n + j->n_extra + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < j->tree.n; i++)
		if (j->node_res[i].e.path)
			v[n++] = &j->node_res[i].e;
	for (size_t i = 0; i < j->n_extra; i++)
		v[n++] = &j->extra[i];
	qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < n; i++)
		j->counts[v[i]->vd.status]++;
	if (json)
		report_json(stdout, v, n, j->counts, j->cfg->primary);
	else
		report_text(stdout, v, n, j->counts);
	free(v);
	return 0;
}

/* The core logs a rejected baseline as an alert; fimfsctl reports it once,
 * itself, with its exit status. */
static void quiet_sink(int prio, const char *msg, void *arg)
{
	(void)prio, (void)msg, (void)arg;
}

static int open_all(struct rjob *j, struct fim_config *cfg, const char *dir)
{
	char err[1024];
	int ret;

	cfg->layout = FIM_LAYOUT_TREE;
	if (!cfg->n_manifests) {
		fprintf(stderr, "fimfsctl: no baseline configured "
			"(baseline.manifests, or -o manifest=PATH)\n");
		return -EINVAL;
	}
	ret = fimctl_open_view(cfg, dir, &j->view, err, sizeof(err));
	if (!ret) {
		fim_log_set_sink(quiet_sink, NULL);
		ret = fim_view_load_baseline(j->view, cfg, err, sizeof(err));
		fim_log_set_sink(NULL, NULL);
	}
	if (!ret)
		ret = fim_view_start(j->view, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return ret;
	}
	j->bl = fim_view_baseline(j->view);
	ret = fimctl_walk(j->view, &j->tree);
	if (!ret && j->tree.v[0].err) {
		fprintf(stderr, "fimfsctl: %s: %s\n", dir,
			strerror(-j->tree.v[0].err));
		return j->tree.v[0].err;
	}
	if (!ret)
		ret = fimctl_pool_new(4 * fim_config_threads(cfg),
				      j->tree.files, j->tree.bytes,
				      isatty(STDERR_FILENO), &j->pool);
	if (ret)
		fprintf(stderr, "fimfsctl: out of memory\n");
	return ret;
}

/* -v: what the run read, so that a rerun shows what the cache saved. */
static void print_work(struct rjob *j)
{
	struct fim_hashsvc_stats h;
	struct fim_dcache_stats c;

	fim_hashsvc_get_stats(fim_view_hashsvc(j->view), &h);
	fim_dcache_get_stats(fim_view_dcache(j->view), &c);
	fprintf(stderr, "fimfsctl: hashed %llu files, %llu bytes; digest cache: "
		"%llu hits (%llu reused across snapshots), %llu misses\n",
		(unsigned long long)h.files_hashed,
		(unsigned long long)h.bytes_hashed, (unsigned long long)c.hits,
		(unsigned long long)c.reused, (unsigned long long)c.misses);
}

static int run(struct fim_config *cfg, const char *path, bool json,
	       bool verbose)
{
	struct rjob j = { .cfg = cfg };
	char *real = NULL, *mapped = NULL, err[1024];
	int status = EXIT_USAGE;
	struct stat st;

	/* An nfs:// URL is read by the core itself: nothing to resolve. */
	if (fim_source_is_url(path)) {
		real = strdup(path);
		if (!real) {
			fprintf(stderr, "fimfsctl: out of memory\n");
			goto out;
		}
		goto judge;
	}
	real = realpath(path, NULL);
	if (!real || stat(real, &st)) {
		fprintf(stderr, "fimfsctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fimfsctl: %s: not a directory\n", path);
		goto out;
	}
	if (report_map_mount(real, &mapped, &cfg->cache_scope, err,
			     sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
judge:
	if (open_all(&j, cfg, mapped ? mapped : real) || judge_tree(&j) ||
	    fim_baseline_foreach(j.bl, add_missing, &j) || print(&j, json)) {
		if (j.node_res)
			fprintf(stderr, "fimfsctl: out of memory\n");
		goto out;
	}
	if (verbose)
		print_work(&j);
	status = EXIT_OK;
	if (j.counts[FIM_MISMATCH] || j.counts[FIM_MISSING] ||
	    j.counts[FIM_UNLISTED] || j.counts[FIM_ERROR] ||
	    j.counts[FIM_NOBASELINE] || j.counts[FIM_SHADOWED])
		status = EXIT_BAD;
out:
	fimctl_pool_free(j.pool);
	fim_view_free(j.view); /* stops the hashing threads first */
	fim_baseline_unref(j.bl);
	fimctl_tree_free(&j.tree);
	free(j.node_res);
	free(j.extra);
	free(mapped);
	free(real);
	return status;
}

int cmd_report(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = NULL;
	struct fim_config cfg;
	char **opts = calloc((size_t)argc, sizeof(*opts)), err[1024];
	size_t nopts = 0;
	bool json = false, verbose = false;
	int c, ret, status = EXIT_USAGE;

	if (!opts)
		return EXIT_USAGE;
	fim_config_init(&cfg);
	while ((c = getopt_long(argc, argv, "+hc:o:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			status = EXIT_OK;
			goto out;
		case 'c': conf = optarg; break;
		case 'o': opts[nopts++] = optarg; break;
		case 'j': json = true; break;
		case 'v': verbose = true; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	ret = fim_config_load_file(&cfg, conf ? conf : FIM_DEFAULT_CONFIG, err,
				   sizeof(err));
	if (ret && !(ret == -ENOENT && !conf)) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	for (size_t i = 0; i < nopts; i++) {
		ret = fim_config_set_option(&cfg, opts[i], err, sizeof(err));
		if (ret == -ENOENT)
			snprintf(err, sizeof(err), "-o %s: unknown option",
				 opts[i]);
		if (ret) {
			fprintf(stderr, "fimfsctl: %s\n", err);
			goto out;
		}
	}
	status = run(&cfg, argv[optind], json, verbose);
	goto out;
usage:
	status = cmd_usage(cmd);
out:
	fim_config_free(&cfg);
	free(opts);
	return status;
}
