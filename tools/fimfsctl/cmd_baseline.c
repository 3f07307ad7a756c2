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

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "fileio.h"
#include "manifest.h"
#include "sign.h"
#include "fimctl.h"
#include "source_spec.h"
#include "spec.h"
#include "view.h"

/* A failed entry, reported as it is met. */
static void report_fail(void *arg, const char *path, int err)
{
	fprintf(stderr, "fimfsctl: %s/%s: %s\n", (const char *)arg, path,
		err == -EAGAIN ? "changed while it was read" : strerror(-err));
}

/* The spec in memory, so that it can be signed over exactly these bytes. */
static int render(struct fim_spec *spec, struct fim_buf *buf)
{
	FILE *f = fim_buf_stream(buf);
	int ret;

	if (!f)
		return -ENOMEM;
	ret = fim_spec_write_mtree(spec, f);
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

static int setup(struct fim_view **view, struct fim_spec **spec,
		 struct fim_config *cfg, const char *rdir, const char *sub,
		 unsigned flags)
{
	char err[1024];
	int ret;

	ret = fimctl_open_view(cfg, rdir, view, err, sizeof(err));
	if (!ret)
		ret = fim_view_start(*view, err, sizeof(err));
	if (!ret)
		ret = fim_spec_walk(*view, sub, cfg->digests, flags, spec);
	if (ret == -ENOMEM)
		snprintf(err, sizeof(err), "out of memory");
	if (ret)
		fprintf(stderr, "fimfsctl: %s\n", err);
	return ret;
}

static int run(struct fim_config *cfg, const char *dir, const char *out,
	       const struct fim_seckey *key, bool with_time)
{
	/* An nfs:// URL is read by the core itself: nothing to resolve, and
	 * a local MANIFEST cannot lie inside it. */
	bool url = fim_source_is_url(dir);
	char *rdir = NULL, *sub = NULL;
	struct fim_buf buf = FIM_BUF_INIT;
	struct fim_view *view = NULL;
	struct fim_spec *spec = NULL;
	int status = EXIT_USAGE, in, ret;

	if (url) {
		rdir = strdup(dir);
		sub = strdup("");
		ret = rdir && sub ? 0 : -ENOMEM;
	} else {
		ret = fimctl_guest_root(dir, cfg->guest_enabled, &rdir, &sub);
	}
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", dir, ret == -EINVAL ?
			"\"..\" inside an image's files" : strerror(-ret));
		goto out;
	}
	/* A guest tree has no host path a manifest could be written to. */
	in = url || *sub ? 0 : inside(rdir, out);
	if (in) {
		fprintf(stderr, in < 0 ? "fimfsctl: %s: %s\n" :
			"fimfsctl: %s: inside %s; the manifest would list "
			"itself\n", out, in < 0 ? strerror(errno) : dir);
		goto out;
	}
	cfg->layout = FIM_LAYOUT_TREE;
	cfg->digests |= 1u << FIM_SHA256;
	if (cfg->digests & ~FIM_MTREE_NETBSD_DIGESTS)
		fprintf(stderr, "fimfsctl: warning: blake2b512 and sha3-256 "
			"digests are not known to NetBSD mtree -f\n");
	/* The hashing threads run as many files as they are; the rest wait
	 * in their queue, where a deep one lets the walking thread sleep
	 * through many small files at a time instead of waking for each. */
	if (setup(&view, &spec, cfg, rdir, sub, with_time ? FIM_SPEC_TIME : 0) ||
	    fim_spec_hash(spec, 64 * fim_config_threads(cfg),
			  isatty(STDERR_FILENO) ? fimctl_progress : NULL, NULL,
			  report_fail, (void *)dir))
		goto out;
	if (render(spec, &buf)) {
		fprintf(stderr, "fimfsctl: %s: cannot write the spec\n", out);
		goto out;
	}
	status = write_out(out, buf.p, buf.len, key);
out:
	fim_buf_free(&buf);
	fim_spec_free(spec);
	fim_view_free(view); /* stops the hashing threads first */
	free(rdir);
	free(sub);
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
