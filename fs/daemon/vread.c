#include "vread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "memsplice.h"
#include "pending.h"
#include "record.h"
#include "splice.h"

/* An open virtual entry: the view's, which keeps its content, and what
 * the release record needs. */
struct vfile {
	struct handle h;    /* first: in fs->handles while open */
	int refs;           /* atomic: the handle and each pending read */
	int kind;
	struct fim_view_vfile *content;
	uint64_t bytes;     /* atomic */
	struct record_who who; /* the opener, for the release record */
	char path[];        /* the regular file's */
};

struct pending_read {
	struct pending pub; /* first: the list links */
	size_t size;
	off_t off;
	struct fimfs *fs;
	struct vfile *vf;
};

static void vfile_unref(struct vfile *vf)
{
	if (__atomic_sub_fetch(&vf->refs, 1, __ATOMIC_ACQ_REL))
		return;
	fim_view_vclose(vf->content);
	free(vf);
}

static void vfile_drop(struct handle *h)
{
	vfile_unref((struct vfile *)h);
}

/* Record the open of vf (err: why it failed), with the opener's
 * credentials. Returns -EACCES when the record refuses it
 * (audit.on_failure = deny), else 0. */
static int record_open(struct fimfs *fs, const char *path, int err,
		       const struct record_who *who)
{
	int rec = record_as(fs, who, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_ACCESS, .op = "open", .path = path,
		.err = err });

	return !err && record_refuses(fs, rec) ? -EACCES : 0;
}

/* Answer an open of vf: the handle is the opener's from here until its
 * release. */
static void reply_open(fuse_req_t req, struct fimfs *fs, struct vfile *vf,
		       struct fuse_file_info *fi)
{
	fi->fh = (uintptr_t)vf;
	handles_add(&fs->handles, &vf->h, HANDLE_VIRTUAL, vfile_drop);
	if (fuse_reply_open(req, fi)) {
		handles_remove(&fs->handles, &vf->h);
		vfile_unref(vf);
	}
}

/* Put content buf[0..len) of vf into the kernel's page cache of ino: this
 * open's reads are then served without a READ request. A verdict is
 * recorded here, as it is shown. Returns 1 when stored, 0 when the reads
 * are to ask, or -EACCES when the verdict's record refuses it. */
static int store_content(fuse_req_t req, struct fimfs *fs, fuse_ino_t ino,
			 struct vfile *vf, const char *buf, size_t len)
{
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(len);

	if (vf->kind == FIM_VK_VERIFIED &&
	    record_refuses(fs, record_verdict(fs, req, vf->path, buf, len)))
		return -EACCES;
	bv.buf[0].mem = (void *)buf;
	if (fuse_lowlevel_notify_store(fs->se, ino, 0, &bv, 0))
		return 0;
	__atomic_fetch_add(&vf->bytes, len, __ATOMIC_RELAXED);
	return 1;
}

/* An open waiting for its content. */
struct pending_open {
	struct pending pub;       /* first: the list links */
	struct fuse_file_info fi; /* the request's lives only in the handler */
	fuse_ino_t ino;
	struct fimfs *fs;
	struct vfile *vf;
	char *entry;              /* the entry's path, for the open record */
};

/* The content of an open is there, or failed: answer the open unless an
 * interrupt did. The open is recorded only now, so that an interrupted
 * open shows as one that failed (EINTR) and every open recorded as served
 * has its release. A failure is left to the reads, which ask again: a
 * .sha256 that cannot be computed fails its read with EIO. */
static void open_ready(void *arg, int err, const char *buf, size_t len)
{
	struct pending_open *po = arg;
	struct fimfs *fs = po->fs;
	struct vfile *vf = po->vf;
	int stored = 0, ret;

	if (!pending_take(fs, &po->pub)) {
		record_open(fs, po->entry, EINTR, &vf->who);
		vfile_unref(vf);
		goto out;
	}
	ret = record_open(fs, po->entry, 0, &vf->who);
	if (!ret && !err)
		ret = stored = store_content(po->pub.req, fs, po->ino, vf, buf,
					     len);
	if (ret < 0) {
		fuse_reply_err(po->pub.req, -ret);
		vfile_unref(vf);
		goto out;
	}
	/* The page cache may hold an earlier open's answer, a digest of what
	 * the file was (a digest line has the same size whatever the file
	 * holds): it is kept only when this open has just replaced it with
	 * its own. */
	po->fi.keep_cache = stored;
	po->fi.noflush = 1; /* nothing to flush: the entry is read-only */
	reply_open(po->pub.req, fs, vf, &po->fi);
out:
	free(po->entry);
	free(po);
}

/* Answer the open once its content is there (at once when cached, else
 * from a hashing thread), with the content: no READ follows. Unless the
 * administrator wants the byte counts of the audit log exact per reader
 * (keep_cache false), or the entry is a listing read directly. */
static void open_with_content(fuse_req_t req, struct fimfs *fs,
			      struct node *n, const char *path,
			      struct fuse_file_info *fi, struct vfile *vf)
{
	struct pending_open *po = calloc(1, sizeof(*po));
	char *entry = strdup(path);
	int ret;

	if (!po || !entry) {
		free(po);
		free(entry);
		record_open(fs, path, ENOMEM, &vf->who);
		vfile_unref(vf);
		return (void)fuse_reply_err(req, ENOMEM);
	}
	*po = (struct pending_open){ .pub.req = req, .fi = *fi,
				     .ino = node_ino(fs, n), .fs = fs,
				     .vf = vf, .entry = entry };
	/* Before the request can be answered: answering frees req. */
	pending_add(fs, &po->pub);
	ret = fim_view_vread(vf->content, open_ready, po);
	if (ret)
		open_ready(po, ret, NULL, 0);
}

void vread_open(fuse_req_t req, struct fimfs *fs, struct node *n,
		struct fuse_file_info *fi, const struct fim_stat *checked)
{
	struct record_who who;
	struct node_path p;
	struct vfile *vf;
	int ret = -ENOMEM;

	node_path(fs, n, &p);
	vf = calloc(1, sizeof(*vf) + p.baselen + 1);
	record_who_of(fs, req, &who);
	if (vf) {
		memcpy(vf->path, p.s, p.baselen);
		vf->path[p.baselen] = '\0';
		ret = fim_view_vopen(fs->view, vf->path, n->kind,
				     fim_listing_content, checked,
				     &vf->content);
	}
	if (ret) {
		if (vf)
			fim_view_vclose(vf->content);
		free(vf);
		record_open(fs, p.s, -ret, &who);
		return (void)fuse_reply_err(req, -ret);
	}
	vf->who = who;
	vf->refs = 1;
	vf->kind = n->kind;
	if (fs->cfg.keep_cache && !fim_listing_direct(vf->kind))
		return open_with_content(req, fs, n, p.s, fi, vf);
	if ((ret = record_open(fs, p.s, 0, &who))) {
		vfile_unref(vf);
		return (void)fuse_reply_err(req, -ret);
	}
	/* Never kept in the page cache between opens: a digest line has the
	 * same size whatever the file holds, and the kernel, still trusting
	 * the attributes it has, would serve the digest of what the file
	 * was; a verdict can change while the file's attributes do not. */
	fi->keep_cache = 0;
	fi->noflush = 1;
	fi->direct_io = fim_listing_direct(vf->kind);
	reply_open(req, fs, vf, fi);
}

/* Reply with the slice [off, off + size) of the content buf[0..len). */
static void reply_slice(fuse_req_t req, struct vfile *vf, const char *buf,
			size_t len, size_t size, off_t off)
{
	size_t start = (size_t)off < len ? (size_t)off : len;
	size_t n = len - start < size ? len - start : size;

	__atomic_fetch_add(&vf->bytes, n, __ATOMIC_RELAXED);
	fuse_reply_buf(req, buf + start, n);
}

/* The content is there (or failed): answer unless an interrupt did. A
 * verdict other than OK is recorded with who asked, before it is shown. */
static void complete(void *arg, int err, const char *buf, size_t len)
{
	struct pending_read *p = arg;
	bool mine = pending_take(p->fs, &p->pub);

	if (mine && !err && p->vf->kind == FIM_VK_VERIFIED &&
	    record_refuses(p->fs, record_verdict(p->fs, p->pub.req,
						 p->vf->path, buf, len)))
		err = -EACCES;
	if (mine && err)
		fuse_reply_err(p->pub.req, -err);
	else if (mine)
		reply_slice(p->pub.req, p->vf, buf, len, p->size, p->off);
	vfile_unref(p->vf);
	free(p);
}

void vread_read(fuse_req_t req, struct fimfs *fs, struct fuse_file_info *fi,
		size_t size, off_t off)
{
	struct vfile *vf = (struct vfile *)handle_of(fi->fh);
	struct pending_read *p;
	const char *buf;
	size_t len;
	int ret;

	if (fim_view_vkept(vf->content, &buf, &len))
		return reply_slice(req, vf, buf, len, size, off);
	p = calloc(1, sizeof(*p));
	if (!p)
		return (void)fuse_reply_err(req, ENOMEM);
	*p = (struct pending_read){ .pub.req = req, .size = size, .off = off,
				    .fs = fs, .vf = vf };
	__atomic_add_fetch(&vf->refs, 1, __ATOMIC_ACQ_REL);
	/* Before the request can be answered: answering frees req. */
	pending_add(fs, &p->pub);
	ret = fim_view_vread(vf->content, complete, p);
	if (ret)
		complete(p, ret, NULL, 0);
}

void vread_release(struct fimfs *fs, const char *path,
		   struct fuse_file_info *fi)
{
	struct vfile *vf = (struct vfile *)handle_of(fi->fh);

	handles_remove(&fs->handles, &vf->h);
	record_as(fs, &vf->who, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_ACCESS, .op = "release", .path = path,
		.has_bytes = true,
		.bytes = __atomic_load_n(&vf->bytes, __ATOMIC_RELAXED) });
	vfile_unref(vf);
}

struct pread_reply {
	fuse_req_t req;
	struct fimfs *fs;
	uint64_t *bytes;
};

static void reply_pieces(void *arg, const struct iovec *iov, int niov)
{
	struct pread_reply *r = arg;
	uint64_t n = 0;

	for (int i = 0; i < niov; i++)
		n += iov[i].iov_len;
	/* before the reply, which the release may follow at once */
	__atomic_fetch_add(r->bytes, n, __ATOMIC_RELAXED);
	if (!memsplice_reply(r->req, iov, niov, n, r->fs->splice_max)) {
		__atomic_fetch_add(&r->fs->reads_spliced, 1, __ATOMIC_RELAXED);
		return;
	}
	if (splice_read_way(n, r->fs->splice_max) != SPLICE_SMALL)
		__atomic_fetch_add(&r->fs->reads_copied, 1, __ATOMIC_RELAXED);
	fuse_reply_iov(r->req, iov, niov);
}

void vread_pread(fuse_req_t req, struct fimfs *fs, struct fim_view_file *f,
		 uint64_t *bytes, size_t size, off_t off)
{
	struct pread_reply r = { .req = req, .fs = fs, .bytes = bytes };
	long n = fim_view_read(f, size, (uint64_t)off, reply_pieces, &r);

	if (n < 0)
		fuse_reply_err(req, (int)-n);
}
