#include "vread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "pending.h"
#include "perm.h"
#include "record.h"

/* An open virtual entry. Its content, once computed, is kept for the life
 * of the handle so that every read of one open sees one answer. */
struct vfile {
	struct handle h;    /* first: in fs->handles while open */
	pthread_mutex_t mu; /* guards ready, buf, len */
	int refs;           /* atomic: the handle and each pending read */
	int kind;
	int ready;
	char *buf;
	size_t len;
	uint64_t bytes;     /* atomic */
	struct record_who who; /* the opener, for the release record */
	bool checked;       /* file: the one a fresh check allowed */
	struct fim_stat file;
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
	pthread_mutex_destroy(&vf->mu);
	free(vf->buf);
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
	int rec;

	record_who_of(fs, req, &who);
	rec = record_as(fs, &who, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_ACCESS, .op = "open", .path = n->path,
		.err = vf ? 0 : ENOMEM });
	if (!vf)
		return (void)fuse_reply_err(req, ENOMEM);
	if (record_refuses(fs, rec)) {
		free(vf);
		return (void)fuse_reply_err(req, EACCES);
	}
	vf->who = who;
	pthread_mutex_init(&vf->mu, NULL);
	vf->refs = 1;
	vf->kind = n->kind;
	if (checked) {
		vf->checked = true;
		vf->file = *checked;
	}
	memcpy(vf->path, n->path, n->baselen);
	vf->path[n->baselen] = '\0';
	fi->fh = (uintptr_t)vf;
	/* A verdict can change while the file's attributes (and so the
	 * kernel's idea of this entry) do not: an ERROR for a read that
	 * failed once must not be served again from the page cache. A
	 * verdict is a digest-cache lookup, cheap to ask again. */
	fi->keep_cache = fs->cfg.keep_cache && vf->kind != FIM_VK_VERIFIED;
	fi->direct_io = fim_listing_direct(vf->kind);
	handles_add(&fs->handles, &vf->h, HANDLE_VIRTUAL, vfile_drop);
	if (fuse_reply_open(req, fi)) {
		handles_remove(&fs->handles, &vf->h);
		vfile_unref(vf);
	}
}

/* Reply with the slice [off, off + size) of a ready content. */
static void reply_slice(fuse_req_t req, struct vfile *vf, size_t size,
			off_t off)
{
	size_t start = (size_t)off < vf->len ? (size_t)off : vf->len;
	size_t n = vf->len - start < size ? vf->len - start : size;

	__atomic_fetch_add(&vf->bytes, n, __ATOMIC_RELAXED);
	fuse_reply_buf(req, vf->buf + start, n);
}

/* The content is there (or failed): answer unless an interrupt did. A
 * verdict other than OK is recorded with who asked, before it is shown. */
static void complete(struct pending_read *p, int err)
{
	bool mine = pending_take(p->fs, &p->pub);

	if (mine && !err && p->vf->kind == FIM_VK_VERIFIED &&
	    record_refuses(p->fs, record_verdict(p->fs, p->pub.req,
						 p->vf->path, p->vf->buf,
						 p->vf->len)))
		err = -EACCES;
	if (mine && err)
		fuse_reply_err(p->pub.req, -err);
	else if (mine)
		reply_slice(p->pub.req, p->vf, p->size, p->off);
	vfile_unref(p->vf);
	free(p);
}

static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct pending_read *p = arg;
	struct vfile *vf = p->vf;
	char *copy;

	/* Never the content of another file than the one the opener was
	 * allowed to read: a snapshot rotated since then. */
	if (!err && vf->checked &&
	    !perm_same_file(p->fs, vf->path, strlen(vf->path), &vf->file))
		err = -ESTALE;
	pthread_mutex_lock(&vf->mu);
	/* Failures are not kept: the next read tries again. */
	if (!err && !vf->ready) {
		copy = malloc(len ? len : 1);
		if (copy) {
			memcpy(copy, buf, len);
			vf->buf = copy;
			vf->len = len;
			vf->ready = 1;
		} else {
			err = -ENOMEM;
		}
	}
	pthread_mutex_unlock(&vf->mu);
	complete(p, err);
}

void vread_read(fuse_req_t req, struct fimfs *fs, struct fuse_file_info *fi,
		size_t size, off_t off)
{
	struct vfile *vf = (struct vfile *)(uintptr_t)fi->fh;
	struct pending_read *p;
	int ret;

	pthread_mutex_lock(&vf->mu);
	if (vf->ready) {
		pthread_mutex_unlock(&vf->mu);
		return reply_slice(req, vf, size, off);
	}
	pthread_mutex_unlock(&vf->mu);
	p = calloc(1, sizeof(*p));
	if (!p)
		return (void)fuse_reply_err(req, ENOMEM);
	*p = (struct pending_read){ .pub.req = req, .size = size, .off = off,
				    .fs = fs, .vf = vf };
	__atomic_add_fetch(&vf->refs, 1, __ATOMIC_ACQ_REL);
	/* Before the request can be answered: answering frees req. */
	pending_add(fs, &p->pub);
	ret = fim_listing_content(fs->view, vf->path, vf->kind, on_content, p);
	if (ret)
		complete(p, ret);
}

void vread_release(struct fimfs *fs, const char *path,
		   struct fuse_file_info *fi)
{
	struct vfile *vf = (struct vfile *)(uintptr_t)fi->fh;

	handles_remove(&fs->handles, &vf->h);
	record_as(fs, &vf->who, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_ACCESS, .op = "release", .path = path,
		.has_bytes = true,
		.bytes = __atomic_load_n(&vf->bytes, __ATOMIC_RELAXED) });
	vfile_unref(vf);
}

void vread_pread(fuse_req_t req, struct fim_src_file *f, uint64_t *bytes,
		 size_t size, off_t off)
{
	struct fim_src_span span;
	long n = fim_src_span_get(f, size, (uint64_t)off, &span);

	if (n < 0) {
		fuse_reply_err(req, (int)-n);
	} else {
		__atomic_fetch_add(bytes, (uint64_t)n, __ATOMIC_RELAXED);
		fuse_reply_iov(req, span.iov, span.niov);
	}
	fim_src_span_put(f, &span);
}
