/* ioctls. The inode flags that lsattr(1) reads are answered; an ioctl that
 * only passes data in (chattr's FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR, ...)
 * is a write and refused with EROFS and recorded like every other; the
 * rest are not ours (ENOTTY).
 *
 * The kernel asks for the current flags before it sends any change (and
 * chattr reads them first), so they must be answered for a chattr to reach
 * us at all. They are the source's for a regular file of a local source,
 * none otherwise: directories, virtual entries and NFS files. */
#include <errno.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fimfs.h"
#include "handlers.h"
#include "inode.h"

/* The source's answer to the read-only ioctl cmd into buf (size bytes),
 * or zeros where the source cannot tell. */
static void source_flags(struct fimfs *fs, struct node *n, unsigned int cmd,
			 void *buf, size_t size)
{
	struct fim_view_file *f;
	struct node_path p;
	int fd;

	memset(buf, 0, size);
	if (n->kind >= 0)
		return;
	node_path(fs, n, &p);
	if (fim_view_open(fs->view, p.s, &f))
		return;
	fd = fim_view_fd(f);
	if (fd >= 0 && ioctl(fd, cmd, buf))
		memset(buf, 0, size);
	fim_view_close(f);
}

static const char *write_name(unsigned int cmd, char *buf, size_t size)
{
	switch (cmd) {
	case FS_IOC_SETFLAGS: return "FS_IOC_SETFLAGS";
	case FS_IOC32_SETFLAGS: return "FS_IOC32_SETFLAGS";
	case FS_IOC_FSSETXATTR: return "FS_IOC_FSSETXATTR";
	case FS_IOC_SETVERSION: return "FS_IOC_SETVERSION";
	}
	snprintf(buf, size, "0x%08x", cmd);
	return buf;
}

void fimfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
		 struct fuse_file_info *fi, unsigned flags, const void *in_buf,
		 size_t in_bufsz, size_t out_bufsz)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	unsigned int iflags;
	struct node_path p;
	struct fsxattr fsx;
	char name[16];

	(void)arg;
	(void)fi;
	(void)flags;
	(void)in_buf;
	(void)in_bufsz;
	switch (cmd) {
	case FS_IOC_GETFLAGS:
	case FS_IOC32_GETFLAGS:
		if (out_bufsz < sizeof(iflags))
			return (void)fuse_reply_err(req, EINVAL);
		/* the kernel's flags are an int, whatever the number says */
		source_flags(fs, n, FS_IOC_GETFLAGS, &iflags, sizeof(iflags));
		return (void)fuse_reply_ioctl(req, 0, &iflags, sizeof(iflags));
	case FS_IOC_FSGETXATTR:
		if (out_bufsz < sizeof(fsx))
			return (void)fuse_reply_err(req, EINVAL);
		source_flags(fs, n, FS_IOC_FSGETXATTR, &fsx, sizeof(fsx));
		return (void)fuse_reply_ioctl(req, 0, &fsx, sizeof(fsx));
	}
	if (_IOC_DIR(cmd) != _IOC_WRITE)
		return (void)fuse_reply_err(req, ENOTTY);
	node_path(fs, n, &p);
	refuse_note(fs, fuse_req_ctx(req), "ioctl", p.s,
		    write_name(cmd, name, sizeof(name)));
	fuse_reply_err(req, EROFS);
}
