/* fimfsctl report: the source behind a path inside a fimfs mount; see
 * fimctl.h.
 *
 * The mount table cannot tell it exactly: the daemon names the mount
 * "fimfs:SOURCE" with every comma of SOURCE turned into '_' (libfuse's
 * option parser takes no comma there), so a SOURCE "/srv/c,d" would lead to
 * a directory "/srv/c_d" that may hold anything. The daemon itself answers
 * the exact source of each of its entries (xattr user.fimfs.source); when
 * it does not, the report refuses rather than guess. */
#include "fimctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "mountinfo.h"

#define SOURCE_XATTR "user.fimfs.source"

/* Whether mount point mp contains path; the length of mp that matched. */
static size_t under(const char *path, const char *mp)
{
	size_t n = strlen(mp);

	if (!strcmp(mp, "/"))
		return 0;
	if (strncmp(path, mp, n) || (path[n] && path[n] != '/'))
		return (size_t)-1;
	return n;
}

/* Whether the deepest mount containing path is a fimfs mount: then its
 * mount point (malloc'd) in *point. -ENOMEM. */
static int fimfs_mount_of(const char *path, char **point)
{
	char *line = NULL;
	size_t cap = 0, best_len = 0, n;
	struct fim_mount m;
	bool found = false, fimfs = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	*point = NULL;
	if (!f)
		return 0; /* no /proc: nothing is known to be a mount */
	/* The last listed wins among stacked mounts of one point. */
	while (getline(&line, &cap, f) > 0) {
		if (fim_mountinfo_parse(line, &m) ||
		    (n = under(path, m.point)) == (size_t)-1 ||
		    (found && n < best_len))
			continue;
		found = true;
		best_len = n;
		fimfs = !strcmp(m.fstype, "fuse.fimfs");
		free(*point);
		*point = fimfs ? strdup(m.point) : NULL;
		if (fimfs && !*point)
			break;
	}
	free(line);
	fclose(f);
	if (fimfs && !*point)
		return -ENOMEM;
	return fimfs;
}

/* The daemon's source of path (malloc'd in *out): 0, or -1 with err. */
static int source_of(const char *path, char **out, char *err, size_t errsz)
{
	char *buf = NULL;
	ssize_t n;

	*out = NULL;
	/* The value may change between the two calls: retry on ERANGE. */
	do {
		n = getxattr(path, SOURCE_XATTR, NULL, 0);
		if (n < 0)
			break;
		free(buf);
		buf = malloc((size_t)n + 1);
		if (!buf) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		n = getxattr(path, SOURCE_XATTR, buf, (size_t)n);
	} while (n < 0 && errno == ERANGE);
	if (n <= 0 || memchr(buf, '\0', (size_t)n)) {
		snprintf(err, errsz, "%s: on a fimfs mount whose daemon does not "
			 "tell its source exactly (%s: %s); run the report on "
			 "the source directory instead", path, SOURCE_XATTR,
			 n < 0 ? strerror(errno) : "no usable value");
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

int report_map_mount(const char *path, char **out, char **root,
		     bool *at_root, char *err, size_t errsz)
{
	char *point;
	int ret = fimfs_mount_of(path, &point);

	*out = NULL;
	*root = NULL;
	*at_root = point && !strcmp(path, point);
	if (ret < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	ret = 0;
	if (point) {
		ret = source_of(path, out, err, errsz);
		if (!ret)
			ret = source_of(point, root, err, errsz);
		if (ret) {
			free(*out);
			*out = NULL;
		}
	}
	free(point);
	return ret;
}
