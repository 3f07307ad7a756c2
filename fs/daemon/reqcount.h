/* Requests served, by kind: what one read through the mount costs in FUSE
 * round trips, shown by `fimfsctl status` (for administrators, and for the
 * tests that keep that cost from growing). The counters live in struct
 * fimfs (requests[]). */
#ifndef FIMFS_REQCOUNT_H
#define FIMFS_REQCOUNT_H

/* The requests on the path of a read; others are not counted. */
enum reqcount_kind {
	REQ_LOOKUP, REQ_GETATTR, REQ_OPEN, REQ_READ, REQ_FLUSH, REQ_RELEASE,
	REQ_GETXATTR, REQ_OPENDIR, REQ_READDIR, REQ_RELEASEDIR,
	REQ_KINDS
};

/* Their names as status shows them, in enum order. */
extern const char *const reqcount_names[REQ_KINDS];

struct fuse_lowlevel_ops;
/* fimfs_ops with the counted operations counting first. A FLUSH, which
 * fimfs_ops does not take, is counted and answered ENOSYS, as libfuse would
 * answer it (the kernel then sends no more). */
void reqcount_ops(struct fuse_lowlevel_ops *out);

#endif
