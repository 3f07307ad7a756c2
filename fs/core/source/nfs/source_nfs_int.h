/* Internals of the NFS backend, shared by its files.
 *
 * The backend is split in two layers. The shared one (source_nfs.c,
 * source_nfs_conn.c, source_nfs_dir.c, source_nfs_read.c) owns the
 * connection pool, deadlines and retries, path resolution rules, the
 * directory listing and the READ window. Each protocol version fills a
 * struct fnfs_proto with the requests themselves: NFSv3 in source_nfs3.c
 * (raw RPCs), NFSv4 in source_nfs4.c and source_nfs4_dir.c (COMPOUNDs).
 *
 * A libnfs context is not thread-safe, so each one (a "conn": one TCP
 * connection set up by libnfs's mount) is used by one thread at a time,
 * borrowed from the source's idle list and given back. A conn whose
 * transport failed (timeout, reset, refused) is destroyed, never reused;
 * the next call connects afresh, which is how fimfs survives a server
 * restart without being remounted itself. Only read-only requests are ever
 * built (see each version's file for the list).
 */
#ifndef FIM_SOURCE_NFS_INT_H
#define FIM_SOURCE_NFS_INT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/statvfs.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>

#include "source_backend.h"
#include "source_nfs.h"

/* Internal: the transport failed; retried, then -EIO to the caller. */
#define NFS_ETRANSPORT (-ENOTCONN)

/* The largest handle of either version (NFS4_FHSIZE; NFSv3's is 64). */
#define FNFS_FHSIZE 128

struct nfs_fhb {
	uint32_t len;
	char val[FNFS_FHSIZE];
};

struct nfs_conn {
	struct nfs_context *nfs;
	struct rpc_context *rpc;
	struct nfs_conn *next;
	int64_t born; /* fnfs_now_ms() when connected */
};

struct nfs_dir;

/* One READ of a file's window (source_nfs_read.c); the version's callback
 * fills got, eof, status and nfsstat, copies the data to buf and sets done
 * last. */
struct fnfs_slot {
	uint64_t off;
	uint32_t want, got, used;
	int done, status, nfsstat, eof;
	char *buf;
};

struct nfs_src;

/* What differs between the versions. Every request runs on the borrowed
 * *cp until deadline and returns 0, a negative errno or NFS_ETRANSPORT
 * (the conn is then dropped and *cp NULL). */
struct fnfs_proto {
	/* Find where the URL's path starts beneath the server: s->root (and
	 * s->export, for messages) set, one conn in the pool, read_size
	 * clamped to the server's maximum. Returns how much of the URL's
	 * path is consumed (the rest is resolved like any path), or a
	 * negative errno with a message in err. */
	int (*find_root)(struct nfs_src *s, int64_t deadline, char *err,
			 size_t errsz);
	/* Resolve path (checked by fnfs_path_check) beneath dir, one name
	 * after the other, never following a symlink; fh (may be NULL) and
	 * st receive the last one's. "" gives dir's own attributes. */
	int (*walk)(struct nfs_src *s, struct nfs_conn **cp,
		    const struct nfs_fhb *dir, const char *path,
		    struct nfs_fhb *fh, struct fim_stat *st, int64_t deadline);
	/* The target of the symlink fh: *len bytes in buf, NUL-terminated
	 * when it fits. */
	int (*readlink)(struct nfs_src *s, struct nfs_conn **cp,
			const struct nfs_fhb *fh, char *buf, size_t size,
			long *len, int64_t deadline);
	/* Every entry of the directory fh, through fnfs_dir_add. */
	int (*list)(struct nfs_src *s, struct nfs_conn **cp,
		    const struct nfs_fhb *fh, struct nfs_dir *d,
		    int64_t deadline);
	int (*statvfs)(struct nfs_src *s, struct nfs_conn **cp,
		       struct statvfs *sv, int64_t deadline);
	/* Queue one READ of sl->want bytes at sl->off: 0, or non-zero when
	 * it could not be queued (the callback then never runs). */
	int (*read)(struct nfs_conn *c, const struct nfs_fhb *fh,
		    struct fnfs_slot *sl);
	/* A status of this version (not NFS*_OK) as a negative errno;
	 * -ESTALE for a handle that is no more. */
	int (*errno_of)(int nfsstat);
};

extern const struct fnfs_proto fnfs_proto3, fnfs_proto4;

struct nfs_src {
	struct fim_source pub;
	struct fim_nfs_url url;
	const struct fnfs_proto *proto;
	char *export;        /* what libnfs mounts (v4: the pseudo root) */
	struct nfs_fhb root; /* the URL's path beneath it */
	unsigned version;
	int uid, gid;
	/* Set before the source is shared, read-only after. */
	unsigned timeout_ms, retries, read_size, max_reads;
	pthread_mutex_t mu; /* guards idle */
	struct nfs_conn *idle;
};

int64_t fnfs_now_ms(void);

/* Connect and mount a new conn (the version's setup, then libnfs's mount).
 * Returns 0, or NFS_ETRANSPORT / a negative errno with a message in err. */
int fnfs_conn_new(struct nfs_src *s, struct nfs_conn **out, int64_t deadline,
		  char *err, size_t errsz);
/* Borrow a conn (connecting a new one if none is idle). Returns NULL with
 * *ret set (NFS_ETRANSPORT when the server cannot be reached). */
struct nfs_conn *fnfs_conn_get(struct nfs_src *s, int64_t deadline, int *ret);
void fnfs_conn_put(struct nfs_src *s, struct nfs_conn *c);
/* Send what is queued on c, waiting for no answer: libnfs writes only
 * from its service loop, so a request queued for later would otherwise
 * leave with the next wait. 0, or NFS_ETRANSPORT. */
int fnfs_conn_flush(struct nfs_conn *c);
/* Destroy a conn whose transport failed; pending calls are cancelled. */
void fnfs_conn_drop(struct nfs_conn *c);

/* Service c until *done or deadline (ms, fnfs_now_ms() clock): 0, or
 * NFS_ETRANSPORT (the conn must then be dropped). */
int fnfs_conn_wait(struct nfs_conn *c, const int *done, int64_t deadline);

/* Whether err calls for another attempt on a fresh conn, after dropping c;
 * sleeps a little first so a restarting server is not hammered. A conn
 * older than this call (idle in the pool, or held by a file, while the
 * server restarted) failing is no attempt: old is then true. */
int fnfs_should_retry(struct nfs_src *s, int err, unsigned *attempt,
		      int64_t deadline, int old);

/* A status of the source's version as a negative errno; a stale handle
 * (the object was removed on the server, e.g. a rotated snapshot) is
 * logged and becomes -ENOENT. */
int fnfs_err(struct nfs_src *s, int nfsstat, const char *what);

struct call {
	int done;
	int status;  /* RPC_STATUS_* */
	int nfsstat; /* NFS3_OK / NFS4_OK or an error */
};

/* Wait for one call queued on *cp (queued: what the _async function
 * returned); a failed transport drops the conn (*cp = NULL) while the
 * call's frame is still alive for the cancelled callbacks. */
int fnfs_call_wait(struct nfs_conn **cp, struct call *cl, int queued,
		   int64_t deadline);

/* The next name of a checked path into name, path advanced past it: 1,
 * or 0 at the end. *dir: a '/' follows, so it must be a directory. */
int fnfs_next_name(const char **path, char *name, int *dir);
/* Why a name that must be a directory is not one: -ELOOP or -ENOTDIR. */
int fnfs_not_dir(const struct fim_stat *st);
unsigned char fnfs_dtype(mode_t mode);
/* A link's target (n bytes at t) into buf as readlink(2) wants it: the
 * length copied, NUL-terminated when it fits. */
long fnfs_link_copy(char *buf, size_t size, const char *t, size_t n);
/* statvfs from a server's totals in bytes and files (read-only). */
void fnfs_statvfs_fill(struct statvfs *sv, uint64_t tbytes, uint64_t fbytes,
		       uint64_t abytes, uint64_t tfiles, uint64_t ffiles,
		       uint64_t afiles);

/* Run op on a borrowed conn (*cp NULL afterwards if op dropped it),
 * retrying on fresh conns as configured; -EIO when it never got through. */
typedef int (*fnfs_op_fn)(struct nfs_src *s, struct nfs_conn **cp, void *arg,
			  int64_t deadline);
int fnfs_with_conn(struct nfs_src *s, fnfs_op_fn op, void *arg);

/* Resolve a source path beneath s->root on one conn / with retries;
 * fh may be NULL. */
int fnfs_resolve_on(struct nfs_src *s, struct nfs_conn **cp,
		    const char *path, struct nfs_fhb *fh, struct fim_stat *st,
		    int64_t deadline);
int fnfs_resolve(struct nfs_src *s, const char *path, struct nfs_fhb *fh,
		 struct fim_stat *st);
int fnfs_getattr(struct nfs_src *s, const struct nfs_fhb *fh,
		 struct fim_stat *st);

/* Add one entry to a listing (source_nfs_dir.c): "." and ".." are
 * skipped; a name that is empty, too long or holds a '/' or NUL is a
 * broken server (-EIO). type may be DT_UNKNOWN: the listing then looks
 * the entry up. 0 or a negative errno. */
int fnfs_dir_add(struct nfs_src *s, struct nfs_dir *d, const char *name,
		 size_t len, uint64_t ino, unsigned char type);
/* A listing reply that is not the last yet holds no entry: the server
 * would have us ask forever. -EIO, with a log line naming op. */
int fnfs_dir_stalled(struct nfs_src *s, const char *op);

int fnfs_file_open(struct fim_source *src, const char *path,
		   struct fim_src_file **out);
int fnfs_file_fstat(struct fim_src_file *f, struct fim_stat *st);
long fnfs_file_pread(struct fim_src_file *f, void *buf, size_t len,
		     uint64_t off);
long fnfs_file_lend(struct fim_src_file *f, size_t len, uint64_t off,
		    struct iovec *iov, int *niov);
void fnfs_file_give_back(struct fim_src_file *f);
void fnfs_file_close(struct fim_src_file *f);
int fnfs_file_fd(struct fim_src_file *f);

int fnfs_dir_open(struct fim_source *src, const char *path,
		  struct fim_src_dir **out);
int fnfs_dir_read(struct fim_src_dir *d, const char **name,
		  unsigned char *type, uint64_t *ino);
void fnfs_dir_close(struct fim_src_dir *d);

#endif
