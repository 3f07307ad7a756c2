#include "vread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "pending.h"
#include "record.h"

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

void vread_open(fuse_req_t req, struct fimfs *fs, struct node *n,
		struct fuse_file_info *fi, const struct fim_stat *checked)
{
	struct vfile *vf = calloc(1, sizeof(*vf) + n->baselen + 1);
	struct record_who who;
	int ret = -ENOMEM, rec;

	if (vf) {
		memcpy(vf->path, n->path, n->baselen);
		vf->path[n->baselen] = '\0';
		ret = fim_view_vopen(fs->view, vf->path, n->kind,
				     fim_listing_content, checked,
				     &vf->content);
	}
	record_who_of(fs, req, &who);
	rec = record_as(fs, &who, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_ACCESS, .op = "open", .path = n->path,
		.err = -ret });
	if (!ret && record_refuses(fs, rec))
		ret = -EACCES;
	if (ret) {
		if (vf)
			fim_view_vclose(vf->content);
		free(vf);
		return (void)fuse_reply_err(req, -ret);
	}
	vf->who = who;
	vf->refs = 1;
	vf->kind = n->kind;
	fi->fh = (uintptr_t)vf;
	/* Never kept in the page cache between opens: a digest line has the
	 * same size whatever the file holds, and the kernel, still trusting
	 * the attributes it has, would serve the digest of what the file
	 * was; a verdict can change while the file's attributes do not. The
	 * content is a digest-cache lookup, cheap to ask again. */
	fi->keep_cache = 0;
	fi->direct_io = fim_listing_direct(vf->kind);
	handles_add(&fs->handles, &vf->h, HANDLE_VIRTUAL, vfile_drop);
	if (fuse_reply_open(req, fi)) {
		handles_remove(&fs->handles, &vf->h);
		vfile_unref(vf);
	}
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
	fuse_reply_iov(r->req, iov, niov);
}

void vread_pread(fuse_req_t req, struct fim_view_file *f, uint64_t *bytes,
		 size_t size, off_t off)
{
	struct pread_reply r = { .req = req, .bytes = bytes };
	long n = fim_view_read(f, size, (uint64_t)off, reply_pieces, &r);

	if (n < 0)
		fuse_reply_err(req, (int)-n);
}
