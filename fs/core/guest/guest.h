/* The core's client of fimfs-guest: the file systems inside one disk image,
 * read by a sandboxed child process so that a hostile image can at worst
 * make its own entries ERROR.
 *
 * A fim_guest owns one child at a time and serializes requests to it (it is
 * safe to share between threads). Every reply has a deadline: a child that
 * misses it, dies, or answers something that does not parse is killed. A
 * dead child is restarted on the next request, up to max_restarts failures
 * in a row; after that, or after any reply that does not parse (the child is
 * not to be believed again), every call fails with -EIO and
 * fim_guest_broken() says why.
 *
 * Functions return 0 (or a count) or a negative errno: -ENOENT (no such
 * guest path or partition), -ENOTDIR, -EINVAL, -ENOMEM, and -EIO for a
 * damaged file system as well as for a failed child; fim_guest_reason()
 * tells why the last call failed, when the child or its death said.
 */
#ifndef FIM_GUEST_H
#define FIM_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_proto.h"

struct fim_guest;
struct fim_guest_spare;

struct fim_guest_opts {
	const char *helper;     /* the fimfs-guest executable */
	/* a reader started ahead with these same options, taken by the next
	 * child to start; NULL: each starts when needed */
	struct fim_guest_spare *spare;
	unsigned timeout_ms;    /* per reply */
	unsigned max_restarts;  /* failures in a row before giving up */
	unsigned mem_mib;       /* the child's address space */
	unsigned cpu_seconds;   /* the child's CPU time, over its life */
};

/* The defaults: the installed helper, no spare, 10 s, 3 restarts,
 * 1024 MiB, 3600 s. */
void fim_guest_opts_init(struct fim_guest_opts *o);

/* A spare reader: one child of o's helper and limits, started now and
 * again after each take (at once, or when the first look at the image
 * just taken is over), waiting for an image (guest_spare.c).
 * Start it from the process and user that will talk to it (a daemon: after
 * it forked and dropped privileges). 0 or -ENOMEM; a spare that cannot
 * start only means that clients start their own. */
int fim_guest_spare_new(const struct fim_guest_opts *o,
			struct fim_guest_spare **out);
/* The waiting child's pid and socket, now the caller's to start or stop,
 * and the next one started; -EAGAIN when none waits. */
int fim_guest_spare_take(struct fim_guest_spare *s, pid_t *pid, int *sock);
/* Stops the waiting child, if any, and frees s. */
void fim_guest_spare_free(struct fim_guest_spare *s);

/* A client for the image open on image_fd (which it duplicates: the caller
 * keeps and closes its own). No child starts until the first request. */
int fim_guest_new(const struct fim_guest_opts *o, int image_fd,
		  struct fim_guest **out);

/* The image's reader, for a source without a descriptor (NFS through
 * libnfs): pread_fn(arg, buf, len, off) returns up to len bytes of the
 * image at off (0 at its end) or a negative errno.
 * While it waits for a reply, the client answers the child's requests for
 * image bytes with it (from the thread that made the call, under g's lock;
 * each at most FIM_GP_READ_MAX bytes, never past size; the reply's
 * deadline covers them). arg must outlive g. */
typedef ssize_t (*fim_guest_pread_fn)(void *arg, void *buf, size_t len,
				      uint64_t off);
int fim_guest_new_reader(const struct fim_guest_opts *o,
			 fim_guest_pread_fn pread_fn, void *arg, uint64_t size,
			 struct fim_guest **out);
/* Stops the child (if any) and frees g. */
void fim_guest_free(struct fim_guest *g);

/* Why g gives up for good, or NULL while it still tries. */
const char *fim_guest_broken(struct fim_guest *g, char *buf, size_t size);
/* Why the last call failed ("" if nobody said), NUL-terminated in buf. */
void fim_guest_reason(struct fim_guest *g, char *buf, size_t size);

struct fim_guest_part {
	unsigned number; /* p1 = 1 ...; 0: a bare file system ("fs") */
	uint64_t offset, length;
	int readable;
	char fstype[65];
	char note[513]; /* the table's description, or why it is unreadable */
};

/* The partitions, in table order, in a malloc'd array the caller frees;
 * -EIO when the image holds none (the reason says why). */
int fim_guest_parts(struct fim_guest *g, struct fim_guest_part **out,
		    size_t *n);

int fim_guest_stat(struct fim_guest *g, unsigned part, const char *path,
		   struct fim_gp_attr *a);

/* Calls fn for each entry of directory path (name NUL-terminated, valid
 * during the call), page after page, until fn returns non-zero (which
 * fim_guest_readdir then returns) or the directory ends. *skipped counts
 * names fimfs cannot show. fn runs with g locked: it must not call g. */
typedef int (*fim_guest_dirent_fn)(void *arg, const char *name,
				   const struct fim_gp_attr *a);
int fim_guest_readdir(struct fim_guest *g, unsigned part, const char *path,
		      fim_guest_dirent_fn fn, void *arg, unsigned *skipped);

/* The link's target, NUL-terminated, truncated to size - 1; its length. */
ssize_t fim_guest_readlink(struct fim_guest *g, unsigned part,
			   const char *path, char *buf, size_t size);

/* Up to len (at most FIM_GP_READ_MAX) bytes of regular file ino at offset,
 * straight into buf; 0 at the end. */
ssize_t fim_guest_read(struct fim_guest *g, unsigned part, uint64_t ino,
		       uint64_t offset, void *buf, size_t len);

/* Tests only: sends one of the FIM_GP_TEST_* requests that the test build
 * of the child answers, and returns like fim_guest_stat. */
int fim_guest_test_op(struct fim_guest *g, uint8_t op, struct fim_gp_attr *a);

/* --- the reply decoders (guest_reply.c), apart for the fuzz target ---
 * Each takes a reply's body (after op, id and status) and returns 0 or
 * -EPROTO. */
int fim_guest_decode_parts(const uint8_t *p, size_t len,
			   struct fim_guest_part **out, size_t *n);
int fim_guest_decode_attr(const uint8_t *p, size_t len,
			  struct fim_gp_attr *a);
/* A READDIR page: fn as above (its non-zero return is passed back, after
 * the whole page has been checked); *next and *skipped from the page. */
int fim_guest_decode_page(const uint8_t *p, size_t len,
			  fim_guest_dirent_fn fn, void *arg, uint32_t *next,
			  uint32_t *skipped, int *stop);
int fim_guest_decode_link(const uint8_t *p, size_t len, char *buf,
			  size_t size);
/* An AHEAD frame's payload after op, id and status: its partition, its
 * path NUL-terminated in path (FIM_GP_PATH_MAX + 1 bytes), and where in p
 * its listing's body starts; the body must be a whole page (next 0) that
 * decodes. */
int fim_guest_decode_ahead(const uint8_t *p, size_t len, uint16_t *part,
			   char *path, size_t *body);
/* The entries of a page fim_guest_decode_ahead has accepted, to fn, with
 * no second check; fn's non-zero return, else 0. */
int fim_guest_walk_checked(const uint8_t *p, size_t len,
			   fim_guest_dirent_fn fn, void *arg);
/* An error reply's reason, NUL-terminated in buf. */
int fim_guest_decode_reason(const uint8_t *p, size_t len, char *buf,
			    size_t size);

#endif
