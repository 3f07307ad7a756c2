/* Where the bytes of the image come from: the descriptor the core handed
 * over, or, for an image on a source without one (NFS through libnfs), the
 * core itself, asked over the socket in the middle of answering one of its
 * requests. Every layer that reads the image (TSK's callback, VHD, EWF,
 * libvmdk's bfio handles) reads it through src_pread() and nothing else.
 */
#ifndef FIM_GUEST_SOURCE_H
#define FIM_GUEST_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct guest_src {
	int fd;       /* the image, read-only; -1: ask the core over sock */
	int sock;     /* the socket to the core */
	uint64_t size;
	uint32_t id;  /* the request being answered: image reads name it */
};

/* len bytes of the image at off, fewer only at its end; -1 with the reason
 * in why. A socket that fails ends the process (the core will tell). */
ssize_t src_pread(struct guest_src *s, void *buf, size_t len, uint64_t off,
		  char *why, size_t whysz);

/* Exactly len bytes at off, or -EIO with why saying that what (a part of a
 * container, "VHD footer") cannot be read or lies past the end. */
int src_read_exact(struct guest_src *s, void *buf, size_t len, uint64_t off,
		   const char *what, char *why, size_t whysz);

/* "FORMAT message" in why, for the container parsers; returns -EIO. */
int src_fail(char *why, size_t whysz, const char *format, const char *fmt,
	     ...) __attribute__((format(printf, 4, 5)));

/* Socket I/O that ends the process when the socket fails: read_full
 * returns 0, or 1 at end of file before the first byte. */
int src_read_full(int fd, void *buf, size_t len);
void src_write_full(int fd, const void *buf, size_t len);

#endif
