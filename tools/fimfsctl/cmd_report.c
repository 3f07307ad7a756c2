/* fimfsctl report [-c CONFIG] [-o KEY=VAL]... [--json] PATH: the verdict of
 * every regular file of PATH against the configured baseline, and MISSING
 * for every baseline entry absent from PATH.
 *
 * PATH is a directory of the source tree or inside a mounted fimfs, which is
 * mapped back to its source as the daemon tells it (report_map_mount) and
 * read directly. The
 * baseline path of a file is its path relative to PATH. The core's report
 * (report.h) judges every entry over a view of PATH with the
 * configuration's baseline, rules, digests and cache; regular files by the
 * same code that answers NAME.verified. A PATH in the snapshots layout (a
 * mount's root by the configuration's layout, else -o layout= or a name
 * ending in .snapshot) is reported snapshot by snapshot with the timeline
 * (report_snapshots.c). What else is judged:
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

#include "cmd.h"
#include "config.h"
#include "fimctl.h"
#include "log.h"
#include "report.h"
#include "source_spec.h"
#include "view.h"

/* The core logs a rejected baseline as an alert; fimfsctl reports it once,
 * itself, with its exit status. */
static void quiet_sink(int prio, const char *msg, void *arg)
{
	(void)prio, (void)msg, (void)arg;
}

static int open_view(struct fim_config *cfg, const char *dir,
		     struct fim_view **view)
{
	char err[1024];
	int ret;

	if (!cfg->n_manifests) {
		fprintf(stderr, "fimfsctl: no baseline configured "
			"(baseline.manifests, or -o manifest=PATH)\n");
		return -EINVAL;
	}
	ret = fimctl_open_view(cfg, dir, view, err, sizeof(err));
	if (!ret) {
		fim_log_set_sink(quiet_sink, NULL);
		ret = fim_view_load_baseline(*view, cfg, err, sizeof(err));
		fim_log_set_sink(NULL, NULL);
	}
	if (!ret)
		ret = fim_view_start(*view, err, sizeof(err));
	if (ret)
		fprintf(stderr, "fimfsctl: %s\n", err);
	return ret;
}

void report_write_failed(int err)
{
	if (err == -ENOMEM)
		fprintf(stderr, "fimfsctl: out of memory\n");
	else
		fprintf(stderr, "fimfsctl: standard output: %s\n",
			strerror(-err));
}

/* Judge the tree and print the report; returns the exit status. */
static int judge(struct fim_view *view, const struct fim_config *cfg,
		 const char *dir, bool json)
{
	struct fim_report_opts opts = {
		.root = "",
		.inflight = 4 * fim_config_threads(cfg),
		.progress = isatty(STDERR_FILENO) ? fimctl_progress : NULL,
	};
	struct fim_report_set set = { .text = !json };
	struct fim_report_sum sum;
	int ret, status = EXIT_USAGE;

	ret = fim_report_run(view, &opts, fim_report_set_add, &set, &sum);
	if (!ret)
		ret = set.err;
	if (ret == -ENOMEM) {
		fprintf(stderr, "fimfsctl: out of memory\n");
		goto out;
	}
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", dir, strerror(-ret));
		goto out;
	}
	fim_report_set_sort(&set);
	if (json)
		ret = fim_report_set_json(stdout, &set, sum.counts,
					  cfg->primary);
	if (ret) {
		report_write_failed(ret);
		goto out;
	}
	if (!json)
		fim_report_set_text(stdout, &set, sum.counts);
	status = fim_report_sum_bad(&sum) ? EXIT_BAD : EXIT_OK;
out:
	fim_report_set_free(&set);
	return status;
}

/* -v: what the run read, so that a rerun shows what the cache saved. */
static void print_work(struct fim_view *view)
{
	struct fim_view_stats w;

	fim_view_get_stats(view, &w);
	fprintf(stderr, "fimfsctl: hashed %llu files, %llu bytes; digest cache: "
		"%llu hits (%llu reused across snapshots), %llu misses\n",
		(unsigned long long)w.files_hashed,
		(unsigned long long)w.bytes_hashed,
		(unsigned long long)w.cache_hits,
		(unsigned long long)w.cache_reused,
		(unsigned long long)w.cache_misses);
}

static int run(struct fim_config *cfg, const char *path, bool layout_given,
	       bool json, bool verbose)
{
	char *real = NULL, *mapped = NULL, err[1024];
	struct fim_view *view = NULL;
	int status = EXIT_USAGE;
	bool at_root = false;
	const char *src;
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
	if (report_map_mount(real, &mapped, &cfg->cache_scope, &at_root, err,
			     sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
judge:
	src = mapped ? mapped : real;
	/* The configuration file's layout is the daemon's, for its SOURCE:
	 * a mount's root. Below it is one snapshot or a subtree of a tree; a
	 * path given directly is often one snapshot of SOURCE. */
	if (!mapped && !layout_given)
		cfg->layout = FIM_LAYOUT_AUTO;
	cfg->layout = mapped && !at_root ? FIM_LAYOUT_TREE
					 : fim_config_layout_for(cfg, src);
	if (open_view(cfg, src, &view))
		goto out;
	if (cfg->layout == FIM_LAYOUT_SNAPSHOTS)
		status = report_snapshots(view, cfg, src, json);
	else
		status = judge(view, cfg, src, json);
	if (verbose)
		print_work(view);
out:
	fim_view_free(view); /* stops the hashing threads first */
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
	bool json = false, layout_given = false, verbose = false;
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
		layout_given |= !strncmp(opts[i], "layout=", 7);
		ret = fim_config_set_option(&cfg, opts[i], err, sizeof(err));
		if (ret == -ENOENT)
			snprintf(err, sizeof(err), "-o %s: unknown option",
				 opts[i]);
		if (ret) {
			fprintf(stderr, "fimfsctl: %s\n", err);
			goto out;
		}
	}
	status = run(&cfg, argv[optind], layout_given, json, verbose);
	goto out;
usage:
	status = cmd_usage(cmd);
out:
	fim_config_free(&cfg);
	free(opts);
	return status;
}
