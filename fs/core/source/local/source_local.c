/* The local backend: a directory (kernel NFS, ZFS, btrfs, anything mounted).
 *
 * Every path is resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS),
 * or a walk that does the same where openat2 is missing (openat_beneath.c),
 * from a descriptor of the root, so no component is ever a followed symlink
 * and ".." can never climb out. Files are first opened O_PATH and checked to
 * be regular before being reopened for reading, so FIFOs and devices are
 * never opened at all (a FIFO would block, a tape device would rewind). */
#include "source_backend.h"
#include "openat_beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btrfs.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

#define ACL_XATTR "system.posix_acl_access"

struct local_source {
	struct fim_source pub;
	int root_fd;
};

struct local_file {
	struct fim_src_file pub;
	int fd;
};

struct local_dir {
	struct fim_src_dir pub;
	DIR *dir;
	int fd;
};

static int root_fd(struct fim_source *src)
{
	return ((struct local_source *)src)->root_fd;
}

/* Open path beneath the root without following any symlink. */
static int open_beneath(struct fim_source *src, const char *path, int flags)
{
	return fim_openat_beneath(root_fd(src), path, flags);
}

/* Reading must not write SOURCE: O_NOATIME keeps the access times of a
 * live tree (a snapshot's never move). The kernel grants it to the owner
 * and to CAP_FOWNER only, so under run_as a plain open is what is left. */
static int reopen_noatime(const char *proc, int flags)
{
	int fd = open(proc, flags | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = open(proc, flags);
	return fd < 0 ? -errno : fd;
}

static void stat_from(struct fim_stat *st, const struct stat *s)
{
	st->ino = s->st_ino;
	st->dev = s->st_dev;
	st->mode = s->st_mode;
	st->nlink = (uint32_t)s->st_nlink;
	st->uid = s->st_uid;
	st->gid = s->st_gid;
	st->size = (uint64_t)s->st_size;
	st->blocks = (uint64_t)s->st_blocks;
	st->rdev = s->st_rdev;
	st->atime_ns = s->st_atim.tv_sec * 1000000000LL + s->st_atim.tv_nsec;
	st->mtime_ns = s->st_mtim.tv_sec * 1000000000LL + s->st_mtim.tv_nsec;
	st->ctime_ns = s->st_ctim.tv_sec * 1000000000LL + s->st_ctim.tv_nsec;
}

static int fd_stat(int fd, struct fim_stat *st)
{
	struct stat s;

	if (fstat(fd, &s) < 0)
		return -errno;
	stat_from(st, &s);
	return 0;
}

static int local_lstat(struct fim_source *src, const char *path,
		       struct fim_stat *st)
{
	int fd = open_beneath(src, path, O_PATH);
	int ret;

	if (fd < 0)
		return fd;
	ret = fd_stat(fd, st);
	close(fd);
	return ret;
}

/* The attributes are the O_PATH descriptor's: the same inode as the one
 * reopened for reading. */
static int local_open_stat(struct fim_source *src, const char *path,
			   struct fim_src_file **out, struct fim_stat *st)
{
	struct local_file *f;
	char proc[32];
	int pfd, fd, err;

	pfd = open_beneath(src, path, O_PATH);
	if (pfd < 0)
		return pfd;
	err = fd_stat(pfd, st);
	if (!err && !S_ISREG(st->mode))
		err = -EINVAL;
	if (err) {
		close(pfd);
		return err;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = reopen_noatime(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	close(pfd);
	if (fd < 0)
		return fd;
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->pub.src = src;
	f->fd = fd;
	*out = &f->pub;
	return 0;
}

static int local_open(struct fim_source *src, const char *path,
		      struct fim_src_file **out)
{
	struct fim_stat st;

	return local_open_stat(src, path, out, &st);
}

static int file_fd(struct fim_src_file *f)
{
	return ((struct local_file *)f)->fd;
}

static int local_fstat(struct fim_src_file *f, struct fim_stat *st)
{
	return fd_stat(file_fd(f), st);
}

static long local_pread(struct fim_src_file *f, void *buf, size_t len,
			uint64_t off)
{
	size_t done = 0;

	/* Fill the buffer unless at end of file: callers take a short count
	 * as the end. */
	while (done < len) {
		ssize_t n = pread(file_fd(f), (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

static void local_close(struct fim_src_file *f)
{
	close(file_fd(f));
	free(f);
}

static int local_opendir(struct fim_source *src, const char *path,
			 struct fim_src_dir **out)
{
	struct local_dir *d;
	int fd = open_beneath(src, path, O_RDONLY | O_DIRECTORY | O_NOATIME);

	if (fd == -EPERM)
		fd = open_beneath(src, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	d->dir = fdopendir(fd);
	if (!d->dir) {
		int err = -errno;

		close(fd);
		free(d);
		return err;
	}
	d->pub.src = src;
	d->fd = fd;
	*out = &d->pub;
	return 0;
}

static unsigned char dtype_of(mode_t mode)
{
	return (unsigned char)IFTODT(mode);
}

static int local_readdir(struct fim_src_dir *dir, const char **name,
			 unsigned char *type, uint64_t *ino)
{
	struct local_dir *d = (struct local_dir *)dir;
	struct dirent *e;

	for (;;) {
		errno = 0;
		e = readdir(d->dir);
		if (!e) {
			*name = NULL;
			return -errno;
		}
		if (e->d_name[0] == '.' && (!e->d_name[1] ||
		    (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		break;
	}
	*type = e->d_type;
	*ino = e->d_ino;
	if (*type == DT_UNKNOWN) {
		struct stat s;

		if (fstatat(d->fd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*type = dtype_of(s.st_mode);
	}
	*name = e->d_name;
	return 0;
}

/* name is one component: relative to a directory that was itself reached
 * without a symlink, with NOFOLLOW, it can name nothing outside it. */
static int local_lstat_at(struct fim_src_dir *dir, const char *name,
			  struct fim_stat *st)
{
	struct local_dir *d = (struct local_dir *)dir;
	struct stat s;

	if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	if (fstatat(d->fd, name, &s, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT))
		return -errno;
	stat_from(st, &s);
	return 0;
}

static void local_closedir(struct fim_src_dir *dir)
{
	struct local_dir *d = (struct local_dir *)dir;

	closedir(d->dir);
	free(d);
}

static long local_readlink(struct fim_source *src, const char *path,
			   char *buf, size_t size)
{
	int fd = open_beneath(src, path, O_PATH);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = readlinkat(fd, "", buf, size);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0 && (size_t)n < size)
		buf[n] = '\0';
	return (long)n;
}

/* xattr calls need a path; /proc/self/fd/N names the O_PATH descriptor's
 * inode itself, which for a symlink is the link, not its target. name NULL
 * lists. */
static long xattr_call(struct fim_source *src, const char *path,
		       const char *name, void *buf, size_t size)
{
	int fd = open_beneath(src, path, O_PATH);
	char proc[32];
	ssize_t n;

	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = name ? getxattr(proc, name, buf, size) : listxattr(proc, buf, size);
	if (n < 0)
		n = -errno;
	close(fd);
	return (long)n;
}

static long local_getxattr(struct fim_source *src, const char *path,
			   const char *name, void *buf, size_t size)
{
	return xattr_call(src, path, name, buf, size);
}

static long local_listxattr(struct fim_source *src, const char *path,
			    char *buf, size_t size)
{
	return xattr_call(src, path, NULL, buf, size);
}

static long local_access_attrs(struct fim_source *src, const char *path,
			       bool dir, struct fim_stat *st, void *buf,
			       size_t size)
{
	/* A directory is opened for reading, which enters an automount
	 * point and takes fgetxattr; anything else is looked at through
	 * O_PATH, as lstat. */
	int fd = open_beneath(src, path, dir ? O_RDONLY | O_DIRECTORY : O_PATH);
	char proc[32];
	long n;

	if (fd < 0)
		return fd;
	n = fd_stat(fd, st);
	if (!n && size) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		n = dir ? fgetxattr(fd, ACL_XATTR, buf, size)
			: getxattr(proc, ACL_XATTR, buf, size);
		if (n < 0)
			n = errno == ENODATA || errno == ENOTSUP ? 0 : -errno;
	}
	close(fd);
	return n;
}

/* The root directory of a btrfs subvolume has this inode number. */
#define BTRFS_SUBVOL_ROOT_INO 256

static int local_created(struct fim_source *src, const char *path,
			 int64_t *ns)
{
	struct btrfs_ioctl_get_subvol_info_args info;
	int fd = open_beneath(src, path, O_RDONLY | O_DIRECTORY);
	struct stat s;
	int ret = 0;

	if (fd < 0)
		return fd;
	/* Any inode answers for the subvolume it lies in: only a
	 * subvolume's root has the subvolume's time as its own. */
	if (fstat(fd, &s) < 0)
		ret = -errno;
	else if (s.st_ino != BTRFS_SUBVOL_ROOT_INO ||
		 ioctl(fd, BTRFS_IOC_GET_SUBVOL_INFO, &info) < 0)
		ret = -ENOTSUP;
	else
		*ns = (int64_t)info.otime.sec * 1000000000LL +
		      info.otime.nsec;
	close(fd);
	return ret;
}

static int local_statvfs(struct fim_source *src, struct statvfs *sv)
{
	return fstatvfs(root_fd(src), sv) < 0 ? -errno : 0;
}

static void local_destroy(struct fim_source *src)
{
	close(root_fd(src));
	free(src->root);
	free(src);
}

static const struct fim_source_ops local_ops = {
	.lstat = local_lstat,
	.open = local_open,
	.fstat = local_fstat,
	.open_stat = local_open_stat,
	.pread = local_pread,
	.fd = file_fd,
	.close = local_close,
	.opendir = local_opendir,
	.readdir = local_readdir,
	.closedir = local_closedir,
	.lstat_at = local_lstat_at,
	.readlink = local_readlink,
	.getxattr = local_getxattr,
	.listxattr = local_listxattr,
	.access_attrs = local_access_attrs,
	.created = local_created,
	.statvfs = local_statvfs,
	.destroy = local_destroy,
};

int fim_source_open_local(const char *root, struct fim_source **out,
			  char *err, size_t errsz)
{
	struct local_source *s;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errsz, "%s: %s", root, strerror(e));
		return -e;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->pub.root = strdup(root))) {
		free(s);
		close(fd);
		snprintf(err, errsz, "%s: out of memory", root);
		return -ENOMEM;
	}
	s->pub.ops = &local_ops;
	s->root_fd = fd;
	*out = &s->pub;
	return 0;
}
