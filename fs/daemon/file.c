/* Opening and reading files: real files are spliced from SOURCE; virtual
 * entries are produced by the core and may wait for a digest (vread.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fimfs.h"
#include "attr.h"
#include "handlers.h"
#include "inode.h"
#include "passthrough.h"
#include "perm.h"
#include "record.h"
#include "splice.h"
#include "vread.h"

struct real_file {
	struct handle h; /* first: in fs->handles while open */
	struct fim_view_file *f;
	uint64_t size;  /* at open: spliced replies may overshoot the end */
	uint64_t bytes; /* asked for through this handle (atomic) */
	/* the kernel reads SOURCE's file itself (passthrough.c): no READ
	 * comes, and bytes stays 0 */
	bool passthrough;
	struct record_who who; /* the opener, for the release record */
	/* Held while the open record is still to be written after the
	 * reply, so that the release record never comes before it. */
	pthread_mutex_t logging;
	/* atomic: the handle, and each read that still gives back what
	 * SOURCE lent for its reply once the reply is gone (vread_pread):
	 * by then the kernel may have released the file. */
	int refs;
};

static void real_file_free(struct real_file *rf)
{
	pthread_mutex_destroy(&rf->logging);
	fim_view_close(rf->f);
	free(rf);
}

static void real_file_unref(struct real_file *rf)
{
	if (!__atomic_sub_fetch(&rf->refs, 1, __ATOMIC_ACQ_REL))
		real_file_free(rf);
}

static void real_file_drop(struct handle *h)
{
	real_file_unref((struct real_file *)h);
}

/* checked: the file's attributes when a fresh check allowed the open, or
 * NULL (root). */
static void open_real(fuse_req_t req, struct fimfs *fs, struct node *n,
		      struct fuse_file_info *fi, const struct fim_stat *checked)
{
	struct real_file *rf = calloc(1, sizeof(*rf));
	/* Under on_failure=deny no open is served before its record is
	 * written; otherwise the record is written once the reply is on its
	 * way, off the opener's critical path (a walk opening 100k files). */
	bool record_first = fs->cfg.audit_on_failure == FIM_AUDIT_DENY;
	struct node_path p;
	struct fim_stat st;
	int ret, rec;

	if (!rf)
		return (void)fuse_reply_err(req, ENOMEM);
	node_path(fs, n, &p);
	ret = fim_view_open(fs->view, p.s, &rf->f);
	if (!ret)
		ret = fim_view_fstat(rf->f, &st);
	/* the path may name another file than the one checked by now */
	if (!ret && checked && (st.dev != checked->dev || st.ino != checked->ino))
		ret = -ESTALE;
	record_who_of(fs, req, &rf->who);
	if (ret || record_first) {
		rec = record_as(fs, &rf->who, &(struct fim_audit_event){
			.kind = FIM_AUDIT_EV_ACCESS, .op = "open",
			.path = p.s, .err = -ret });
		if (!ret && record_refuses(fs, rec))
			ret = -EACCES;
	}
	if (ret) {
		fim_view_close(rf->f);
		free(rf);
		return (void)fuse_reply_err(req, -ret);
	}
	rf->size = st.size;
	rf->refs = 1;
	pthread_mutex_init(&rf->logging, NULL);
	fi->fh = (uintptr_t)rf;
	fi->keep_cache = attr_keep_cache(fs, n, &st);
	fi->noflush = 1; /* we take no FLUSH: spare the round trip at close */
	pthread_mutex_lock(&rf->logging);
	handles_add(&fs->handles, &rf->h, HANDLE_FILE, real_file_drop);
	rf->passthrough = passthrough_arm(fs, node_ino(fs, n),
					  fim_view_fd(rf->f), &st);
	ret = fuse_reply_open(req, fi);
	passthrough_disarm();
	if (ret) {
		if (rf->passthrough)
			passthrough_release(fs, node_ino(fs, n));
		handles_remove(&fs->handles, &rf->h);
		pthread_mutex_unlock(&rf->logging);
		real_file_free(rf);
		return;
	}
	if (!record_first)
		record_as(fs, &rf->who, &(struct fim_audit_event){
			.kind = FIM_AUDIT_EV_ACCESS, .op = "open",
			.path = p.s });
	pthread_mutex_unlock(&rf->logging);
}

void fimfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct node *n = node_of(fs, ino);
	struct fim_stat st, *checked = NULL;
	struct node_path p;
	int ret;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
		return refuse_open(req, ino, fi->flags);
	node_path(fs, n, &p);
	ret = -node_current(fs, n);
	if (!ret)
		ret = perm_listing(req, fs, "open", p.s, n->kind);
	/* a virtual entry is readable by whoever may read its file */
	if (!ret && !perm_exempt(req)) {
		ret = perm_check(req, fs, "open", p.s, p.baselen, FIM_MAY_READ,
				 false, &st);
		checked = &st;
	}
	if (ret)
		return (void)fuse_reply_err(req, ret);
	if (n->kind < 0)
		return open_real(req, fs, n, fi, checked);
	vread_open(req, fs, n, fi, checked);
}

/* libfuse does not tell whether it spliced a reply or copied it, and a
 * reply written by us would need the request's unique id, which libfuse
 * keeps to itself; so its rule is applied here, with the pipe size found
 * at INIT. A copy then means a kernel sending more than the max_pages
 * agreed at INIT, or a mount that lost splice. */
static void count_reply(struct fimfs *fs, size_t size)
{
	enum splice_way way = splice_read_way(size, fs->splice_max);

	if (way != SPLICE_SMALL)
		__atomic_fetch_add(way == SPLICE_COPIED ? &fs->reads_copied :
				   &fs->reads_spliced, 1, __ATOMIC_RELAXED);
}

void fimfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct real_file *rf;
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size);
	int fd;

	(void)ino;
	if (handle_of(fi->fh)->type == HANDLE_VIRTUAL)
		return vread_read(req, fs, fi, size, off);
	rf = (struct real_file *)handle_of(fi->fh);
	fd = fim_view_fd(rf->f);
	if (fd >= 0) {
		count_reply(fs, size);
		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = fd;
		bv.buf[0].pos = off;
		__atomic_fetch_add(&rf->bytes, size, __ATOMIC_RELAXED);
		fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
		return;
	}
	__atomic_add_fetch(&rf->refs, 1, __ATOMIC_ACQ_REL);
	vread_pread(req, fs, rf->f, &rf->bytes, size, off);
	real_file_unref(rf);
}

void fimfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fimfs *fs = fimfs_of(req);
	struct node_path p;
	struct real_file *rf;
	uint64_t bytes;

	/* Answered last: once it is, the kernel may forget the node whose
	 * path the record names (it does not wait for a release anyway). */
	node_path(fs, node_of(fs, ino), &p);
	if (handle_of(fi->fh)->type == HANDLE_VIRTUAL) {
		vread_release(fs, p.s, fi);
	} else {
		rf = (struct real_file *)handle_of(fi->fh);
		handles_remove(&fs->handles, &rf->h);
		pthread_mutex_lock(&rf->logging);
		pthread_mutex_unlock(&rf->logging);
		bytes = __atomic_load_n(&rf->bytes, __ATOMIC_RELAXED);
		if (rf->passthrough)
			passthrough_release(fs, ino);
		record_as(fs, &rf->who, &(struct fim_audit_event){
			.kind = FIM_AUDIT_EV_ACCESS, .op = "release",
			.path = p.s, .has_bytes = !rf->passthrough,
			.bytes = bytes < rf->size ? bytes : rf->size });
		real_file_unref(rf);
	}
	fuse_reply_err(req, 0);
}
