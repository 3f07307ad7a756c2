/* openat2(2) came with Linux 5.6, and seccomp profiles written before it
 * (older container runtimes) as well as valgrind 3.19 answer ENOSYS. The
 * fallback walks the path itself with openat(2), O_NOFOLLOW on every
 * component, holding each directory open while it opens the next, so that
 * a rename or a symlink swapped in behind it cannot redirect the walk. It
 * is stricter than RESOLVE_BENEATH in one way: any ".." fails, even one
 * that would stay beneath; the core never asks for one. */
#include "openat_beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

static int no_openat2; /* atomic: set once openat2 said ENOSYS */

static int by_openat2(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	do {
		fd = syscall(SYS_openat2, dirfd, *path ? path : ".", &how,
			     sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

/* Open one component of the walk: a directory to go on from, or the last
 * one with the caller's flags. */
static int step(int dir, const char *name, bool last, int flags)
{
	int fd = openat(dir, name, last ? flags | O_NOFOLLOW | O_CLOEXEC :
			O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd >= 0)
		return fd;
	/* O_DIRECTORY on a symlink says ENOTDIR; RESOLVE_NO_SYMLINKS ELOOP. */
	if (errno == ENOTDIR && !last &&
	    !fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -errno;
}

static int by_walk(int dirfd, const char *path, int flags)
{
	char name[NAME_MAX + 1];
	int dir = dirfd, fd = -EINVAL;

	if (*path == '/')
		return -EXDEV;
	if (!*path)
		path = ".";
	while (*path) {
		const char *end = strchrnul(path, '/'), *next = end;
		size_t n = (size_t)(end - path);

		while (*next == '/')
			next++;
		if (n > NAME_MAX || (n == 2 && path[0] == '.' &&
				     path[1] == '.')) {
			fd = n > NAME_MAX ? -ENAMETOOLONG : -EXDEV;
			break;
		}
		memcpy(name, path, n);
		name[n] = '\0';
		fd = step(dir, name, !*next, flags);
		if (dir != dirfd)
			close(dir);
		dir = dirfd;
		if (fd < 0 || !*next)
			return fd;
		dir = fd;
		path = next;
	}
	if (dir != dirfd)
		close(dir);
	return fd;
}

int fim_openat_beneath(int dirfd, const char *path, int flags)
{
	int fd;

	if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
		fd = by_openat2(dirfd, path, flags);
		if (fd != -ENOSYS)
			return fd;
		if (!__atomic_exchange_n(&no_openat2, 1, __ATOMIC_RELAXED))
			fim_log(LOG_NOTICE, "openat2 is not available here: "
				"paths are resolved one component at a time");
	}
	return by_walk(dirfd, path, flags);
}
