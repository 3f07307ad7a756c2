/* Sparse VMDK over the image (see guest_vmdk.h). libvmdk opens files by
 * name; here it gets libbfio handles of our own whose callbacks read the
 * image through src_pread, so it runs inside the same sandbox as TSK and
 * opens nothing. The handles are read only: their open
 * refuses write access and their write fails.
 *
 * Why VMDK only: Debian 12's libvhdi and libewf each carry a private, newer
 * copy of libbfio, and a handle made by the system libbfio (the one
 * libvmdk uses) would be worked on by two implementations that disagree on
 * its layout; fuzz_guest_image caught the double free this causes. */
#include "guest_vmdk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libbfio.h>
#define LIBVMDK_HAVE_BFIO
#include <libvmdk.h>

/* libbfio's view of the image: a file position over src_pread. */
struct fdio {
	struct guest_src *src;
	off64_t off;
	size64_t size;
};

struct vmdk {
	/* two views of the descriptor, each with its own position: the file
	 * the descriptor is read from, and extent 0 in the pool. Their fdio
	 * are ours: libbfio does not manage them. */
	struct fdio io[2];
	libbfio_handle_t *bfio;
	libbfio_pool_t *pool;
	libvmdk_handle_t *h;
};

static int fdio_open(intptr_t *io, int flags, libbfio_error_t **err)
{
	(void)io;
	(void)err;
	return flags & LIBBFIO_ACCESS_FLAG_WRITE ? -1 : 1;
}

static int fdio_close(intptr_t *io, libbfio_error_t **err)
{
	(void)io;
	(void)err;
	return 0;
}

static ssize_t fdio_read(intptr_t *io, uint8_t *buf, size_t size,
			 libbfio_error_t **err)
{
	struct fdio *f = (struct fdio *)io;
	char why[160];

	(void)err;
	ssize_t n = src_pread(f->src, buf, size, (uint64_t)f->off, why,
			      sizeof(why));
	if (n > 0)
		f->off += (off64_t)n;
	return n;
}

static ssize_t fdio_write(intptr_t *io, const uint8_t *buf, size_t size,
			  libbfio_error_t **err)
{
	(void)io;
	(void)buf;
	(void)size;
	(void)err;
	return -1;
}

static off64_t fdio_seek(intptr_t *io, off64_t off, int whence,
			 libbfio_error_t **err)
{
	struct fdio *f = (struct fdio *)io;
	off64_t base = whence == SEEK_SET ? 0
		       : whence == SEEK_CUR ? f->off
		       : whence == SEEK_END ? (off64_t)f->size : -1;

	(void)err;
	if (base < 0 || (off < 0 && -off > base) ||
	    (off > 0 && off > INT64_MAX - base))
		return -1;
	f->off = base + off;
	return f->off;
}

static int fdio_yes(intptr_t *io, libbfio_error_t **err)
{
	(void)io;
	(void)err;
	return 1;
}

static int fdio_size(intptr_t *io, size64_t *size, libbfio_error_t **err)
{
	(void)err;
	*size = ((struct fdio *)io)->size;
	return 1;
}

static void say(libvmdk_error_t **err, const char *what, char *why,
		size_t whysz)
{
	char msg[256] = "";

	libvmdk_error_sprint(*err, msg, sizeof(msg));
	libvmdk_error_free(err);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	snprintf(why, whysz, "sparse VMDK %s%s%s", what, *msg ? ": " : "",
		 msg);
}

static int new_handle(struct fdio *io, libbfio_handle_t **h)
{
	if (libbfio_handle_initialize(h, (intptr_t *)io, NULL, NULL, fdio_open,
				      fdio_close, fdio_read, fdio_write,
				      fdio_seek, fdio_yes, fdio_yes, fdio_size,
				      LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED,
				      NULL) != 1)
		return -ENOMEM;
	return libbfio_handle_open(*h, LIBBFIO_OPEN_READ, NULL) == 1 ? 0
								  : -EIO;
}

static int open_bfio(struct vmdk *c, struct guest_src *src)
{
	libbfio_handle_t *extent = NULL;
	int entry, r;

	c->io[0] = c->io[1] = (struct fdio){src, 0, src->size};
	r = new_handle(&c->io[0], &c->bfio);
	if (!r)
		r = new_handle(&c->io[1], &extent);
	if (!r && (libbfio_pool_initialize(
			   &c->pool, 0,
			   LIBBFIO_POOL_UNLIMITED_NUMBER_OF_OPEN_HANDLES,
			   NULL) != 1 ||
		   libbfio_pool_append_handle(c->pool, &entry, extent,
					      LIBBFIO_OPEN_READ, NULL) != 1))
		r = -ENOMEM;
	if (r && extent)
		libbfio_handle_free(&extent, NULL);
	return r;
}

int vmdk_open(struct guest_src *src, struct vmdk **out, uint64_t *media,
	      char *why, size_t whysz)
{
	struct vmdk *v = calloc(1, sizeof(*v));
	libvmdk_error_t *err = NULL;
	size64_t m = 0;
	int r;

	if (!v)
		return -ENOMEM;
	r = open_bfio(v, src);
	if (!r && (libvmdk_handle_initialize(&v->h, &err) != 1 ||
		   libvmdk_handle_open_file_io_handle(v->h, v->bfio,
						      LIBVMDK_OPEN_READ,
						      &err) != 1 ||
		   libvmdk_handle_open_extent_data_files_file_io_pool(
			   v->h, v->pool, &err) != 1 ||
		   libvmdk_handle_get_media_size(v->h, &m, &err) != 1 ||
		   m > INT64_MAX)) {
		say(&err, "cannot be read (a single-file VMDK is needed)", why,
		    whysz);
		r = -EIO;
	}
	if (r) {
		vmdk_close(v);
		return r;
	}
	*media = m;
	*out = v;
	return 0;
}

ssize_t vmdk_read(struct vmdk *v, uint64_t off, void *buf, size_t len,
		  char *why, size_t whysz)
{
	libvmdk_error_t *err = NULL;
	ssize_t n = libvmdk_handle_read_buffer_at_offset(v->h, buf, len,
							 (off64_t)off, &err);

	if (n < 0)
		say(&err, "read", why, whysz);
	return n;
}

void vmdk_close(struct vmdk *v)
{
	if (!v)
		return;
	if (v->h) {
		libvmdk_handle_close(v->h, NULL);
		libvmdk_handle_free(&v->h, NULL);
	}
	if (v->pool)
		libbfio_pool_free(&v->pool, NULL);
	if (v->bfio)
		libbfio_handle_free(&v->bfio, NULL);
	free(v);
}
