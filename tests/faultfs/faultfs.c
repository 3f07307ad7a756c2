/* faultfs: a read-only passthrough FUSE filesystem that injects I/O errors,
 * for the fimfs test suite only (tests/tcl/faults.test). It stands between
 * fimfs and a directory the way a failing disk or an NFS server with stale
 * handles would.
 *
 *   faultfs ROOT MOUNTPOINT [FUSE options, e.g. -f]
 *
 * ROOT/.faults (hidden from the mount) holds the faults, one a line:
 *
 *   PATH_GLOB ERRNO_NAME [AFTER]
 *
 * PATH_GLOB is matched with fnmatch(3) (no flags: '*' crosses '/') against
 * the path relative to ROOT, without a leading '/'. A read of a matching
 * file fails with ERRNO_NAME (EIO, ESTALE, ...) once it reaches byte AFTER
 * (default 0): bytes before AFTER are served, so a reader fails mid-file.
 * ERRNO_NAME "EOF" ends the file early instead (reads from AFTER return 0
 * bytes while stat still gives the full size: a torn, short read). AFTER =
 * "open" fails the open itself. The file is re-read on every open
 * and read, so faults come and go while mounted. '#' starts a comment.
 * Files are opened direct_io: no page cache hides a fault, none outlives
 * one. */
#define FUSE_USE_VERSION 35
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONTROL ".faults"

static int root_fd = -1;

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EIO", EIO }, { "ESTALE", ESTALE }, { "EACCES", EACCES },
	{ "ENOENT", ENOENT }, { "ENOMEM", ENOMEM }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EAGAIN", EAGAIN }, { "EINVAL", EINVAL }, { "ENXIO", ENXIO },
	{ "EREMOTEIO", EREMOTEIO },
};

/* "" for the root, else the path without its leading '/'. */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

/* The fault for path at offset off: a positive errno, -1 for a premature
 * end of file, or 0. at_open asks about the open itself. */
static int fault_for(const char *path, off_t off, int at_open)
{
	char line[4096], glob[4096], name[64], after[64];
	int found = 0, fd;
	FILE *f;

	fd = openat(root_fd, CONTROL, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%4095s %63s %63s", glob, name, after);

		if (n < 2 || glob[0] == '#' || fnmatch(glob, path + 1, 0))
			continue;
		for (size_t i = 0; i <= sizeof(errnos) / sizeof(errnos[0]); i++) {
			int err = i < sizeof(errnos) / sizeof(errnos[0])
					  ? errnos[i].err : -1;

			if (strcmp(err > 0 ? errnos[i].name : "EOF", name))
				continue;
			if (n == 3 && !strcmp(after, "open"))
				found = at_open ? err : 0;
			else if (!at_open &&
				 off >= (n == 3 ? strtoll(after, NULL, 10) : 0))
				found = err;
		}
	}
	fclose(f);
	return found;
}

/* The first offset at which reads of path fail (for a read that spans it),
 * or -1. */
static off_t fault_start(const char *path, off_t off, size_t size)
{
	char line[4096], glob[4096], name[64], after[64];
	off_t start = -1;
	FILE *f;
	int fd;

	fd = openat(root_fd, CONTROL, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%4095s %63s %63s", glob, name, after);
		off_t a;

		if (n != 3 || glob[0] == '#' || !strcmp(after, "open") ||
		    fnmatch(glob, path + 1, 0))
			continue;
		a = strtoll(after, NULL, 10);
		if (a > off && a < off + (off_t)size && (start < 0 || a < start))
			start = a;
	}
	fclose(f);
	return start;
}

static int is_control(const char *path)
{
	return !strcmp(path, "/" CONTROL);
}

static int ff_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	(void)fi;
	if (is_control(path))
		return -ENOENT;
	return fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

static int ff_readlink(const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(root_fd, rel(path), buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int ff_open(const char *path, struct fuse_file_info *fi)
{
	int err, fd;

	if (is_control(path))
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	err = fault_for(path, 0, 1);
	if (err > 0)
		return -err;
	fd = openat(root_fd, rel(path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	fi->direct_io = 1;
	return 0;
}

static int ff_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	int err = fault_for(path, off, 0);
	off_t start;
	ssize_t n;

	if (err)
		return err < 0 ? 0 : -err;
	/* serve the bytes before the fault; the next read fails */
	start = fault_start(path, off, size);
	if (start > off)
		size = (size_t)(start - off);
	n = pread((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int ff_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static int ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct dirent *e;
	DIR *d;
	int fd;

	(void)off;
	(void)fi;
	(void)flags;
	fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		struct stat st = { .st_ino = e->d_ino,
				   .st_mode = (mode_t)DTTOIF(e->d_type) };

		if (path[1] == '\0' && !strcmp(e->d_name, CONTROL))
			continue;
		if (fill(buf, e->d_name, &st, 0, 0))
			break;
	}
	closedir(d);
	return 0;
}

static int ff_statfs(const char *path, struct statvfs *sv)
{
	(void)path;
	return fstatvfs(root_fd, sv) ? -errno : 0;
}

static void *ff_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* real inode numbers: fimfs keys its cache on them */
	cfg->use_ino = 1;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	return NULL;
}

static const struct fuse_operations ff_ops = {
	.init = ff_init,
	.getattr = ff_getattr,
	.readlink = ff_readlink,
	.open = ff_open,
	.read = ff_read,
	.release = ff_release,
	.readdir = ff_readdir,
	.statfs = ff_statfs,
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: faultfs ROOT MOUNTPOINT [FUSE options]\n");
		return 2;
	}
	root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, "faultfs: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	/* fuse_main sees: faultfs MOUNTPOINT [options] */
	argv[1] = argv[0];
	return fuse_main(argc - 1, argv + 1, &ff_ops, NULL);
}
