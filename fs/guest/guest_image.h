/* A guest disk image as The Sleuth Kit sees it.
 *
 * TSK never gets a path: the image is an "external" TSK image whose read
 * callback reads the image source (guest_source.h) through the image's
 * container (libvmdk for a sparse VMDK; our own code for VHD and EWF), so
 * the process can run with no file-system access at all. Partitions are
 * numbered as in their table (p1 is the first slot of an MBR or GPT,
 * logical MBR partitions from 5 on, as Linux numbers them); an image without a table is one partition, number
 * 0, if it holds a file system TSK knows.
 *
 * Single-threaded, like the process that uses it. Every function returns 0
 * or a negative errno (-ENOENT, -ENOTDIR, -EINVAL, -EIO, -ENOMEM) and, for
 * -EIO, leaves TSK's reason in gi_err().
 */
#ifndef FIM_GUEST_IMAGE_H
#define FIM_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_proto.h"
#include "guest_source.h"

struct guest_image;

/* Opens the image in src (which must outlive it) and every file system in
 * it. Fails only for lack of memory: an image TSK cannot read has no
 * partitions and gi_none() says why. */
int gi_open(struct guest_src *src, struct guest_image **out);
void gi_close(struct guest_image *gi);

/* Why the image has no partitions, or "" when it has some. */
const char *gi_none(const struct guest_image *gi);

/* The partitions, in table order; fstype and note point into gi. */
size_t gi_nparts(const struct guest_image *gi);
void gi_part(const struct guest_image *gi, size_t i, struct fim_gp_part *p);

/* Attributes of the guest path (without a leading '/', "" for the root) in
 * partition number part. */
int gi_stat(struct guest_image *gi, uint16_t part, const char *path,
	    struct fim_gp_attr *a);

/* Calls emit for the entries of directory path from index start on, until
 * it returns non-zero; then *next is the index to resume at (0 when all
 * were given). Entries TSK made up (orphans, FAT's $MBR...) and deleted ones
 * are not guest files and are left out; names fimfs cannot show (empty or
 * holding '/') are counted in *skipped. */
typedef int (*gi_emit_fn)(void *arg, const char *name, size_t len,
			  const struct fim_gp_attr *a);
int gi_readdir(struct guest_image *gi, uint16_t part, const char *path,
	       uint32_t start, gi_emit_fn emit, void *arg, uint32_t *next,
	       uint32_t *skipped);

/* The target of symlink path, NUL-terminated, at most size - 1 bytes. */
int gi_readlink(struct guest_image *gi, uint16_t part, const char *path,
		char *buf, size_t size, size_t *len);

/* Up to len bytes of regular file ino at offset; *got is 0 at the end. */
int gi_read(struct guest_image *gi, uint16_t part, uint64_t ino,
	    uint64_t offset, void *buf, size_t len, size_t *got);

/* TSK's reason for the last -EIO. */
const char *gi_err(const struct guest_image *gi);

#endif
