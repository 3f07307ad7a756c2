#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
"usage: fimfs [-f] [-d] [-c CONFIG] [-o OPT[,OPT...]] SOURCE MOUNTPOINT\n"
"\n"
"Mount SOURCE (a snapshot tree) read-only at MOUNTPOINT with a NAME.sha256\n"
"and a NAME.verified beside every regular file.\n"
"\n"
"  -c CONFIG   configuration file (default %s if present)\n"
"  -f          stay in the foreground, log to stderr\n"
"  -d          foreground with FUSE debug output\n"
"  -o OPT      a configuration key in flat form (layout=tree, cache=PATH,\n"
"              digests=sha256:sha512, threads=N, manifest=PATH, pubkey=PATH,\n"
"              rule=GLOB=RULE, ...) or a FUSE mount option\n"
"  -h, --help  this text\n"
"  -V          version\n"
"\n"
"See fimfs(8) and fimfs.conf(5).\n", FIM_DEFAULT_CONFIG);
}

static int add_opt(struct fimfs_cmdline *cl, const char *s, size_t len)
{
	char **o = realloc(cl->opts, (cl->nopts + 1) * sizeof(*o));
	char *copy = malloc(len + 1);
	size_t j = 0;

	if (!o || !copy) {
		free(copy);
		if (o)
			cl->opts = o;
		return -1;
	}
	cl->opts = o;
	/* "\," keeps a comma inside a value, as in libfuse */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == ',')
			i++;
		copy[j++] = s[i];
	}
	copy[j] = '\0';
	cl->opts[cl->nopts++] = copy;
	return 0;
}

static int split_opts(struct fimfs_cmdline *cl, const char *arg)
{
	const char *start = arg;

	for (const char *p = arg;; p++) {
		if (*p == '\\' && p[1] == ',') {
			p++;
			continue;
		}
		if (*p && *p != ',')
			continue;
		if (p > start && add_opt(cl, start, (size_t)(p - start)))
			return -1;
		if (!*p)
			return 0;
		start = p + 1;
	}
}

void options_parse(int argc, char **argv, struct fimfs_cmdline *cl)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(cl, 0, sizeof(*cl));
	/* Options may follow SOURCE and MOUNTPOINT: mount.fuse3 puts -o
	 * last. */
	while ((c = getopt_long(argc, argv, "c:fdo:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cl->config = optarg;
			break;
		case 'd':
			cl->debug = true;
			__attribute__((fallthrough));
		case 'f':
			cl->foreground = true;
			break;
		case 'o':
			if (split_opts(cl, optarg)) {
				fprintf(stderr, "fimfs: out of memory\n");
				exit(1);
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("fimfs %s (libfuse %s)\n", FIMFS_VERSION,
			       fuse_pkgversion());
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "fimfs: expected SOURCE and MOUNTPOINT\n");
		usage(stderr);
		exit(2);
	}
	cl->source = argv[optind];
	cl->mountpoint = argv[optind + 1];
}

void options_free(struct fimfs_cmdline *cl)
{
	for (size_t i = 0; i < cl->nopts; i++)
		free(cl->opts[i]);
	free(cl->opts);
}

/* Options fstab and mount(8) pass that mean nothing to a FUSE daemon, and
 * "ro": a read-only kernel mount would refuse writes before fimfs could
 * record them. */
static int dropped(const char *opt)
{
	static const char *const names[] = { "noauto", "auto", "nofail",
					     "_netdev", "defaults", "user",
					     "users", "nouser", "rw", "ro",
					     "exec", "noexec", "suid",
					     "nosuid", "dev", "nodev",
					     "x-systemd", NULL };

	for (int i = 0; names[i]; i++)
		if (!strncmp(opt, names[i], strlen(names[i])) &&
		    (!opt[strlen(names[i])] || !strcmp(names[i], "x-systemd")))
			return 1;
	return 0;
}

static int fuse_opt(struct fuse_args *args, const char *opt)
{
	return fuse_opt_add_arg(args, "-o") || fuse_opt_add_arg(args, opt);
}

/* Who the kernel lets in: with access = "source" (mounted by root) every
 * user, each then checked as SOURCE would; with "root", root alone. */
static int access_opts(const struct fim_config *cfg, struct fuse_args *args,
		       bool allow_other)
{
	if (cfg->access == FIM_ACCESS_ROOT) {
		if (allow_other) {
			fim_log(LOG_ERR, "-o allow_other contradicts access = "
				"\"root\"");
			return -1;
		}
		return 0;
	}
	if ((allow_other || getuid() == 0) && fuse_opt(args, "allow_other")) {
		fprintf(stderr, "fimfs: out of memory\n");
		return -1;
	}
	return 0;
}

int options_configure(const struct fimfs_cmdline *cl, struct fim_config *cfg,
		      struct fuse_args *args)
{
	const char *path = cl->config ? cl->config : FIM_DEFAULT_CONFIG;
	char err[1024], fsname[4200];
	bool allow_other = false;
	int ret;

	ret = fim_config_load_file(cfg, path, err, sizeof(err));
	if (ret && !(ret == -ENOENT && !cl->config)) {
		fim_log(LOG_ERR, "%s", err);
		return -1;
	}
	snprintf(fsname, sizeof(fsname), "fsname=fimfs:%s", cl->source);
	/* fsname takes no commas in libfuse's option parser */
	for (char *p = fsname; *p; p++)
		if (*p == ',')
			*p = '_';
	if (fuse_opt(args, "default_permissions") || fuse_opt(args, fsname) ||
	    fuse_opt(args, "subtype=fimfs") ||
	    (cl->debug && fuse_opt_add_arg(args, "-d"))) {
		fprintf(stderr, "fimfs: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < cl->nopts; i++) {
		const char *o = cl->opts[i];

		ret = fim_config_set_option(cfg, o, err, sizeof(err));
		if (ret == -ENOENT && !strcmp(o, "allow_other"))
			allow_other = true, ret = 0;
		else if (ret == -ENOENT && !dropped(o))
			ret = fuse_opt(args, o) ? -ENOMEM : 0;
		else if (ret == -ENOENT)
			ret = 0;
		if (ret) {
			fim_log(LOG_ERR, "%s", ret == -ENOMEM ?
				"out of memory" : err);
			return -1;
		}
	}
	return access_opts(cfg, args, allow_other);
}
