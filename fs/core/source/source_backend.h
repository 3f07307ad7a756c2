/* The interface a source backend implements (source_local.c, the NFS
 * backend): its operations table and the base structs every backend's
 * source, file and directory begin with. Only backends and source.c
 * include it; the rest of the core reads a source through source.h.
 */
#ifndef FIM_SOURCE_BACKEND_H
#define FIM_SOURCE_BACKEND_H

#include "source.h"

struct fim_source_ops {
	int (*lstat)(struct fim_source *src, const char *path,
		     struct fim_stat *st);
	/* Open a regular file for reading. Fails with -EINVAL (never blocks)
	 * when path is not a regular file, e.g. a FIFO or a device. */
	int (*open)(struct fim_source *src, const char *path,
		    struct fim_src_file **out);
	int (*fstat)(struct fim_src_file *f, struct fim_stat *st);
	/* Optional (NULL: open, then fstat): open, and the attributes of
	 * what was opened, taken before any byte of it is read. */
	int (*open_stat)(struct fim_source *src, const char *path,
			 struct fim_src_file **out, struct fim_stat *st);
	long (*pread)(struct fim_src_file *f, void *buf, size_t len,
		      uint64_t off);
	/* Optional (NULL): the bytes [off, off + len) where the backend
	 * already holds them, for a caller that only passes them on. Fills
	 * at most *niov pieces, sets *niov and returns the bytes lent: fewer
	 * than len when they are not all at hand (pread has the rest), 0 at
	 * the end of the file or when nothing is, or a negative errno. Until
	 * give_back(f), which follows every lend, the pieces stay valid and
	 * every other call on f waits. */
	long (*lend)(struct fim_src_file *f, size_t len, uint64_t off,
		     struct iovec *iov, int *niov);
	void (*give_back)(struct fim_src_file *f);
	/* A kernel fd for splice and read-ahead hints, or -1. */
	int (*fd)(struct fim_src_file *f);
	void (*close)(struct fim_src_file *f);
	int (*opendir)(struct fim_source *src, const char *path,
		       struct fim_src_dir **out);
	/* Next entry without "." and ".."; 0 with *name NULL at the end.
	 * *type is a DT_* value, never DT_UNKNOWN. The name stays valid until
	 * the next call. */
	int (*readdir)(struct fim_src_dir *d, const char **name,
		       unsigned char *type, uint64_t *ino);
	void (*closedir)(struct fim_src_dir *d);
	/* The attributes of the entry name (one component, as readdir gave
	 * it) of the open directory d, never through a symlink: a walk's
	 * stat without resolving the path again. Optional (NULL: lstat of
	 * the path). */
	int (*lstat_at)(struct fim_src_dir *d, const char *name,
			struct fim_stat *st);
	/* Returns the length; the target is NUL-terminated when it fits. */
	long (*readlink)(struct fim_source *src, const char *path, char *buf,
			 size_t size);
	/* Extended attributes of the entry itself (never of a link target);
	 * same conventions as lgetxattr(2)/llistxattr(2) but negative errno. */
	long (*getxattr)(struct fim_source *src, const char *path,
			 const char *name, void *buf, size_t size);
	long (*listxattr)(struct fim_source *src, const char *path, char *buf,
			  size_t size);
	/* What an access check needs of the entry at path, in one
	 * resolution: its attributes, and into buf its POSIX access ACL in
	 * the Linux xattr form of system.posix_acl_access. dir: the entry
	 * must be a directory (-ENOTDIR otherwise), and one mounted on
	 * demand (an automount point: an NFS submount, a ZFS snapshot) is
	 * entered as opendir would, so that what is read is the mounted
	 * directory's. size 0: the attributes only. Returns the ACL's
	 * length, 0 when the entry has none or the backend carries no ACLs
	 * (NFSv3 has none in its core protocol), or a negative errno. */
	long (*access_attrs)(struct fim_source *src, const char *path,
			     bool dir, struct fim_stat *st, void *buf,
			     size_t size);
	/* When the directory at path was made as it is, where the backend
	 * can tell (a btrfs snapshot's creation time): ns since the epoch.
	 * -ENOTSUP when it cannot for this entry; optional (NULL). */
	int (*created)(struct fim_source *src, const char *path,
		       int64_t *ns);
	/* Capacity figures for statfs; optional (NULL). */
	int (*statvfs)(struct fim_source *src, struct statvfs *sv);
	/* The process that serves the source is set up; optional (NULL). */
	void (*serving)(struct fim_source *src);
	void (*destroy)(struct fim_source *src);
};

struct fim_source {
	const struct fim_source_ops *ops;
	char *root; /* as given by the user, for messages and cache keys */
};

/* The source a file was opened from (every fim_src_file begins with it). */
struct fim_src_file {
	struct fim_source *src;
};

struct fim_src_dir {
	struct fim_source *src;
};

#endif
