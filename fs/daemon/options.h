/* Command line of the daemon: fimfs [-f] [-d] [-c CONFIG] [-o OPT,...]
 * SOURCE MOUNTPOINT. Options that are configuration keys go to the config;
 * the rest go to FUSE; fstab-only options are dropped. */
#ifndef FIMFS_OPTIONS_H
#define FIMFS_OPTIONS_H

#include <stdbool.h>

#include "fimfs.h"

struct fimfs_cmdline {
	const char *config;     /* -c, or NULL for the default if present */
	bool foreground;        /* -f (or -d) */
	bool debug;             /* -d */
	const char *source;
	const char *mountpoint;
	char **opts;            /* every -o element, in order */
	size_t nopts;
};

/* Parse argv; exits with usage (2) or after -h / -V (0). */
void options_parse(int argc, char **argv, struct fimfs_cmdline *cl);
void options_free(struct fimfs_cmdline *cl);

/* Load the config file, then apply the -o elements that are config keys and
 * collect the others into args for FUSE (with our defaults). Prints
 * "FILE:LINE: message" or "-o KEY: message" and returns -1 on error. */
int options_configure(const struct fimfs_cmdline *cl, struct fim_config *cfg,
		      struct fuse_args *args);

#endif
