/* The source backend: the only way the core reads SOURCE.
 *
 * Paths are relative to the source root, without a leading '/', "" for the
 * root itself. Resolution never follows a symbolic link and never leaves the
 * root: a symlink in any component other than the last fails with -ELOOP, and
 * the last component is never followed (lstat semantics). Nothing here ever
 * modifies the source. Every function returns 0 (or a count) or a negative
 * errno; -ENOENT, -EACCES, -EIO, -ESTALE, -ENOMEM stay distinct.
 *
 * A fim_source is shared by all threads; each fim_src_file and fim_src_dir is
 * used by one thread at a time.
 */
#ifndef FIM_SOURCE_H
#define FIM_SOURCE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Opaque to consumers; backends define them (source_backend.h). */
struct fim_source;
struct fim_src_file;
struct fim_src_dir;

/* Attributes as the core needs them (a subset of struct stat that both the
 * local and the NFS backend can fill, times in nanoseconds). */
struct fim_stat {
	uint64_t ino;
	uint64_t dev;
	mode_t mode;
	uint32_t nlink;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint64_t rdev;
	int64_t atime_ns, mtime_ns, ctime_ns;
};


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

/* Whether spec names a remote source (an nfs:// URL) rather than a local
 * path: callers must not realpath()/stat() it, just pass it on. */
static inline int fim_source_is_url(const char *spec)
{
	return !strncmp(spec, "nfs://", 6);
}

/* The spec of the entry at path (relative, "" for the root itself) within
 * the source spec: "spec/path" for a directory, and for an nfs:// URL the
 * URL with path percent-encoded onto its path, before its arguments.
 * Opening it gives a source rooted at that entry. malloc'd; NULL when out
 * of memory. */
char *fim_source_spec_below(const char *spec, const char *path);

/* The inverse of fim_source_spec_below: the path within spec of the entry
 * that below names ("" for spec itself), when below lies within spec.
 * malloc'd; NULL when it does not (or out of memory). */
char *fim_source_spec_within(const char *spec, const char *below);

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

/* Capacity figures into sv; left as they are when the backend has none. */
void fim_src_statvfs(struct fim_source *s, struct statvfs *sv);

/* Whether two stats describe the same unchanged content (inode, size, mtime,
 * ctime): the test for "changed while hashed" and the cache key. */
static inline int fim_stat_same(const struct fim_stat *a,
				const struct fim_stat *b)
{
	return a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

#endif
