/* fim_openat_beneath: the same answers through openat2 and, once seccomp
 * makes openat2 say ENOSYS, through the component walk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "openat_beneath.h"
#include "tap.h"

#include "no_openat2.h"

static char top[64];
static int root;

struct tcase {
	const char *path;
	int flags;
	int want; /* 0: opened, with the type in mode; else -errno */
	mode_t mode;
};

static const struct tcase cases[] = {
	{ "", O_PATH, 0, S_IFDIR },
	{ "a", O_RDONLY, 0, S_IFREG },
	{ "sub/inner", O_RDONLY, 0, S_IFREG },
	{ "sub//inner", O_PATH, 0, S_IFREG },
	{ "./sub/./inner", O_PATH, 0, S_IFREG },
	{ "sub", O_RDONLY | O_DIRECTORY, 0, S_IFDIR },
	{ "a", O_RDONLY | O_DIRECTORY, -ENOTDIR, 0 },
	{ "a/x", O_PATH, -ENOTDIR, 0 },
	{ "nope", O_PATH, -ENOENT, 0 },
	{ "sub/nope/x", O_PATH, -ENOENT, 0 },
	/* the last component: the link itself, never its target */
	{ "link", O_PATH, 0, S_IFLNK },
	{ "link", O_RDONLY, -ELOOP, 0 },
	{ "abs", O_PATH, 0, S_IFLNK },
	{ "dirlink", O_RDONLY | O_DIRECTORY, -ENOTDIR, 0 }, /* as open(2) says */
	/* a link before the last component */
	{ "dirlink/inner", O_PATH, -ELOOP, 0 },
	{ "esc/secret", O_RDONLY, -ELOOP, 0 },
	{ "abs/passwd", O_RDONLY, -ELOOP, 0 },
	{ "sub/uplink/secret", O_RDONLY, -ELOOP, 0 },
	/* never above the root */
	{ "../outside/secret", O_RDONLY, -EXDEV, 0 },
	{ "/etc/passwd", O_RDONLY, -EXDEV, 0 },
	/* a FIFO is opened O_PATH only: no hang */
	{ "fifo", O_PATH, 0, S_IFIFO },
};

static void mk(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	f = fopen(p, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void setup(void)
{
	char p[256];

	snprintf(top, sizeof(top), "/tmp/fim-beneath-XXXXXX");
	if (!mkdtemp(top))
		exit(1);
	snprintf(p, sizeof(p), "%s/outside", top);
	mkdir(p, 0755);
	mk("outside/secret", "outside\n");
	snprintf(p, sizeof(p), "%s/root", top);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/root/sub", top);
	mkdir(p, 0755);
	mk("root/a", "a\n");
	mk("root/sub/inner", "inner\n");
	snprintf(p, sizeof(p), "%s/root", top);
	root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || symlinkat("a", root, "link") ||
	    symlinkat("sub", root, "dirlink") ||
	    symlinkat("../outside", root, "esc") ||
	    symlinkat("/etc", root, "abs") ||
	    symlinkat("../../outside", root, "sub/uplink") ||
	    mkfifoat(root, "fifo", 0644))
		exit(1);
}

static void run_cases(const char *mode)
{
	char what[160], name[NAME_MAX + 2];
	struct stat st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		int fd = fim_openat_beneath(root, c->path, c->flags);

		snprintf(what, sizeof(what), "%s: \"%s\" flags %#x", mode,
			 c->path, c->flags);
		if (c->want) {
			is_int(fd, c->want, what);
		} else {
			ok(fd >= 0 && !fstat(fd, &st) &&
			   (st.st_mode & S_IFMT) == c->mode, what);
		}
		if (fd >= 0)
			close(fd);
	}
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(what, sizeof(what), "%s: a name over NAME_MAX", mode);
	is_int(fim_openat_beneath(root, name, O_PATH), -ENAMETOOLONG, what);
}

int main(void)
{
	char cmd[128];

	fim_log_set_level(LOG_WARNING);
	setup();
	run_cases("openat2");
	if (no_openat2()) {
		ok(0, "seccomp filter");
	} else {
		run_cases("walk");
		/* ".." that stays beneath: openat2 allows it, the walk
		 * refuses every ".." (the core never asks for one). */
		is_int(fim_openat_beneath(root, "sub/../a", O_PATH), -EXDEV,
		       "walk: any .. is refused");
	}
	close(root);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	if (system(cmd))
		fprintf(stderr, "# cannot remove %s\n", top);
	return tap_done();
}
