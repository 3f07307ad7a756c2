/* How SQLite opens the cache's files.
 *
 * The cache lives in a directory that the run_as account may write, and
 * root opens it at mount time (and fimfsctl as root at any time). SQLite
 * refuses a symlinked database with SQLITE_OPEN_NOFOLLOW, but opens (and
 * creates, writes, truncates) PATH-wal, PATH-shm and PATH-journal by name,
 * following symlinks: a planted cache.db-shm -> /etc/shadow would be
 * truncated by root. The unix VFS lets a program replace the system calls
 * it uses; its open() becomes one that never follows a final symlink, does
 * not block on a FIFO, and hands back only a regular file with one link, or
 * a directory opened read-only (SQLite opens the directory to sync it).
 * dcache_dbfile.c checks the same before the first open, so this is the
 * guard against a file swapped in between.
 */
#include "dcache_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static int safe_open(const char *path, int flags, int mode)
{
	struct stat st;
	int fd, err;

	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		err = errno;
	} else if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
		/* O_NONBLOCK means nothing to a regular file; dropped all the
		 * same so that the descriptor is the one SQLite asked for. */
		if (!(flags & O_NONBLOCK))
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		return fd;
	} else if (S_ISDIR(st.st_mode) && (flags & O_ACCMODE) == O_RDONLY) {
		return fd;
	} else {
		err = S_ISDIR(st.st_mode) ? EISDIR : EPERM;
	}
	close(fd);
	errno = err;
	return -1;
}

static int vfs_status = -ENOSYS;

static void install(void)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);

	if (vfs && vfs->iVersion >= 3 && vfs->xSetSystemCall &&
	    vfs->xSetSystemCall(vfs, "open", (sqlite3_syscall_ptr)safe_open) ==
		    SQLITE_OK)
		vfs_status = 0;
}

int fim_dcdb_vfs_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install);
	return vfs_status;
}
