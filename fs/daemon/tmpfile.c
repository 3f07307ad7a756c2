/* O_TMPFILE. Linux sends FUSE_TMPFILE for an O_TMPFILE open of a directory
 * of the mount. libfuse 3.14 has no handler for it and answers ENOSYS, and
 * the kernel then fails every later O_TMPFILE with EOPNOTSUPP without
 * asking: nothing would be recorded. So the requests are read through our
 * own I/O functions (fuse_session_custom_io), which take FUSE_TMPFILE off
 * the wire before libfuse sees it, refuse it with EROFS and record it like
 * every other write; the kernel keeps asking after an EROFS. Everything
 * else goes to libfuse unchanged. */
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "handlers.h"
#include "inode.h"
#include "passthrough.h"

static void refuse_tmpfile(struct fimfs *fs, int fd,
			   const struct fuse_in_header *in)
{
	struct fuse_ctx ctx = { .uid = in->uid, .gid = in->gid,
				.pid = (pid_t)in->pid };
	struct fuse_out_header out = { .len = sizeof(out), .error = -EROFS,
				       .unique = in->unique };

	struct node_path p;

	node_path(fs, node_of(fs, in->nodeid), &p);
	refuse_note(fs, &ctx, "tmpfile", p.s, NULL);
	/* ENOENT: the request was interrupted meanwhile, nothing to do */
	if (write(fd, &out, sizeof(out)) < 0 && errno != ENOENT)
		fim_log(LOG_ERR, "tmpfile: reply: %m");
}

static ssize_t tmpfile_read(int fd, void *buf, size_t len, void *userdata)
{
	const struct fuse_in_header *in = buf;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, len);
		if (n > 0)
			passthrough_request(userdata, buf, (size_t)n);
		if (n < (ssize_t)sizeof(*in) || in->opcode != FUSE_TMPFILE)
			return n;
		refuse_tmpfile(userdata, fd, in);
	}
}

static ssize_t tmpfile_writev(int fd, struct iovec *iov, int count,
			      void *userdata)
{
	passthrough_reply(userdata, iov, count);
	return writev(fd, iov, count);
}

static ssize_t tmpfile_splice_send(int fdin, off_t *offin, int fdout,
				   off_t *offout, size_t len,
				   unsigned int flags, void *userdata)
{
	(void)userdata;
	return splice(fdin, offin, fdout, offout, len, flags);
}

int tmpfile_intercept(struct fimfs *fs)
{
	static const struct fuse_custom_io io = {
		.read = tmpfile_read,
		.writev = tmpfile_writev,
		.splice_send = tmpfile_splice_send,
	};

	return fuse_session_custom_io(fs->se, &io, fuse_session_fd(fs->se));
}
