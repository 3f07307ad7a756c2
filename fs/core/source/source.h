/* SOURCE as the core reads it: the only way in, internal to the core. The
 * view (and through it the front ends) and the hashing service use it;
 * backends implement it (source_backend.h).
 *
 * Paths are relative to the source root, without a leading '/', "" for the
 * root itself. Resolution never follows a symbolic link and never leaves the
 * root: a symlink in any component other than the last fails with -ELOOP, and
 * the last component is never followed (lstat semantics). Nothing here ever
 * modifies the source. Every function returns 0 (or a count) or a negative
 * errno; -ENOENT, -EACCES, -EIO, -ESTALE, -ENOMEM stay distinct.
 *
 * A fim_source is shared by all threads, and so is a fim_src_file (the
 * daemon answers reads of one open file in parallel; a backend locks what
 * its files share); each fim_src_dir is used by one thread at a time.
 */
#ifndef FIM_SOURCE_H
#define FIM_SOURCE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "fimstat.h"
#include "source_spec.h"

/* Opaque to consumers; backends define them (source_backend.h). */
struct fim_source;
struct fim_src_file;
struct fim_src_dir;
struct fim_cred;

/* Open a local directory as a source. Returns 0, or a negative errno with a
 * message in err. */
int fim_source_open_local(const char *root, struct fim_source **out,
			  char *err, size_t errsz);

/* Options of the NFS backend (config group `nfs`); the URL's own
 * ?version=&uid=&gid= win over them. */
struct fim_source_opts {
	unsigned nfs_version;     /* 3 or 4 */
	int64_t nfs_uid, nfs_gid; /* AUTH_SYS; -1: the process's own */
	unsigned nfs_timeout_ms;  /* a request fails with -EIO after this */
	unsigned nfs_retries;     /* attempts on a fresh connection within it */
	unsigned nfs_read_size;   /* bytes per READ, at most the server's */
	unsigned nfs_max_reads;   /* READs in flight per file */
};

/* The defaults of struct fim_source_opts. */
void fim_source_opts_init(struct fim_source_opts *o);

/* Open an nfs://HOST[:PORT]/EXPORT/PATH[?version=3|4&uid=N&gid=N] URL as a
 * source (source_nfs.c). */
int fim_source_open_nfs(const char *url, const struct fim_source_opts *o,
			struct fim_source **out, char *err, size_t errsz);

/* Open SOURCE as given on the command line: a directory or an nfs:// URL.
 * opts may be NULL for the defaults. */
int fim_source_open(const char *spec, const struct fim_source_opts *opts,
		    struct fim_source **out, char *err, size_t errsz);

void fim_source_close(struct fim_source *src);

/* The attributes of the entry at p. */
int fim_src_lstat(struct fim_source *s, const char *p, struct fim_stat *st);

/* Open the regular file at p for reading: -EINVAL (never blocking) when it
 * is not one, e.g. a FIFO or a device. */
int fim_src_open(struct fim_source *s, const char *p, struct fim_src_file **f);

/* fim_src_open, and the attributes of the file opened as fim_src_fstat
 * would tell them before it is read; one system call fewer where the
 * backend has them from the open. */
int fim_src_open_stat(struct fim_source *s, const char *p,
		      struct fim_src_file **f, struct fim_stat *st);

long fim_src_pread(struct fim_src_file *f, void *b, size_t n, uint64_t off);

/* The bytes [off, off + len) of f for a caller that passes them on (a
 * FUSE reply): all of them unless the file ends first, since a short reply
 * is the end of the file to the kernel. They are in span->iov, lent by the
 * backend where it can (no copy) or read into a buffer of the span's own.
 * Returns the count or a negative errno; fim_src_span_put() follows every
 * call, whatever it returned. */
#define FIM_SPAN_IOV 32
struct fim_src_span {
	struct iovec iov[FIM_SPAN_IOV];
	int niov;
	int lent; /* give_back owed */
	char *buf;
};

long fim_src_span_get(struct fim_src_file *f, size_t len, uint64_t off,
		      struct fim_src_span *span);
void fim_src_span_put(struct fim_src_file *f, struct fim_src_span *span);

int fim_src_fstat(struct fim_src_file *f, struct fim_stat *st);

/* A kernel fd of f for splice and read-ahead hints, or -1. */
int fim_src_fd(struct fim_src_file *f);
void fim_src_close(struct fim_src_file *f);

int fim_src_opendir(struct fim_source *s, const char *p,
		    struct fim_src_dir **d);

/* The next entry without "." and ".."; 0 with *name NULL at the end. *type
 * is a DT_* value, never DT_UNKNOWN. The name stays valid until the next
 * call. */
int fim_src_readdir(struct fim_src_dir *d, const char **name,
		    unsigned char *type, uint64_t *ino);

/* The attributes of the entry name of d, which readdir gave, never through
 * a symlink, or -ENOSYS where the backend has no such call (fim_src_lstat
 * of the path then). */
int fim_src_lstat_at(struct fim_src_dir *d, const char *name,
		     struct fim_stat *st);
void fim_src_closedir(struct fim_src_dir *d);

/* The target of the symlink at p: its length; NUL-terminated when it
 * fits. */
long fim_src_readlink(struct fim_source *s, const char *p, char *buf,
		      size_t size);

/* Extended attributes of the entry itself (never of a link target), as
 * lgetxattr(2)/llistxattr(2) but with a negative errno. */
long fim_src_getxattr(struct fim_source *s, const char *p, const char *name,
		      void *buf, size_t size);
long fim_src_listxattr(struct fim_source *s, const char *p, char *buf,
		       size_t size);

/* What an access check needs of the entry at p in one resolution: its
 * attributes and its POSIX access ACL (the access_attrs operation of
 * source_backend.h). */
long fim_src_access_attrs(struct fim_source *s, const char *p, bool dir,
			  struct fim_stat *st, void *buf, size_t size);

/* When the directory at p was made as it is (a btrfs snapshot's creation
 * time, which neither its ctime nor its birth time tells: both are copied
 * from the subvolume snapshotted), ns since the epoch. -ENOTSUP when the
 * source cannot tell: not btrfs, not a subvolume, over NFS. */
int fim_src_created(struct fim_source *s, const char *p, int64_t *ns);

/* Capacity figures into sv; left as they are when the backend has none. */
void fim_src_statvfs(struct fim_source *s, struct statvfs *sv);

/* The process that serves s is set up (forked, privileges dropped): work
 * that must be that process's may start ahead of the first request. */
void fim_src_serving(struct fim_source *s);

/* Whether c may reach path beneath src's root and then do may (FIM_MAY_*
 * of access.h) to it: search on every directory from the root down to
 * path's parent and may on path itself, with the attributes and ACLs as
 * they are now (dir: path must be a directory, else -ENOTDIR). Fills *st
 * (may be NULL) with path's attributes. Returns 0, -EACCES, or the
 * backend's error (-ENOENT, -EIO, ...) for an entry it could not read
 * (access.c). */
int fim_access_path(struct fim_source *src, struct fim_cred *c,
		    const char *path, int may, bool dir, struct fim_stat *st);

#endif
