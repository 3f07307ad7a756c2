/* fimfsctl status MOUNTPOINT [--json]: what a running daemon has done, read
 * from the root-only xattr it serves on its mount root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "cmd.h"

int cmd_status(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	const char *mnt = NULL, *name = "user.fimfs.status";
	char *buf = NULL;
	ssize_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			name = "user.fimfs.status.json";
		else if (!mnt && argv[i][0] != '-')
			mnt = argv[i];
		else
			return cmd_usage(cmd);
	}
	if (!mnt)
		return cmd_usage(cmd);
	/* The status may grow between the two calls: retry on ERANGE. */
	do {
		n = getxattr(mnt, name, NULL, 0);
		if (n < 0)
			break;
		free(buf);
		buf = malloc((size_t)n + 1);
		if (!buf) {
			fprintf(stderr, "fimfsctl: out of memory\n");
			return EXIT_USAGE;
		}
		n = getxattr(mnt, name, buf, (size_t)n);
	} while (n < 0 && errno == ERANGE);
	if (n < 0) {
		fprintf(stderr, "fimfsctl: %s: %s\n", mnt,
			errno == ENODATA || errno == ENOTSUP
				? "not the root of a fimfs mount"
				: strerror(errno));
		free(buf);
		return EXIT_USAGE;
	}
	fwrite(buf, 1, (size_t)n, stdout);
	free(buf);
	return EXIT_OK;
}
