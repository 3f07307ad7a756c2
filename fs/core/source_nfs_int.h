/* The NFS backend's connection pool and synchronous NFSv3 calls, shared by
 * source_nfs.c (paths, directories, links) and source_nfs_read.c (files).
 *
 * A libnfs context is not thread-safe, so each one (a "conn": one TCP
 * connection with the export mounted) is used by one thread at a time,
 * borrowed from the source's idle list and given back. A conn whose
 * transport failed (timeout, reset, refused) is destroyed, never reused;
 * the next call mounts afresh, which is how fimfs survives a server
 * restart without being remounted itself. Only read-only NFSv3 procedures
 * are ever called (GETATTR, LOOKUP, READ, READLINK, READDIRPLUS, FSSTAT,
 * plus what libnfs's mount sends: MNT, FSINFO, GETATTR, ACCESS).
 */
#ifndef FIM_SOURCE_NFS_INT_H
#define FIM_SOURCE_NFS_INT_H

#include <pthread.h>
#include <stdint.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nfs.h>

#include "source.h"
#include "source_nfs.h"

/* Internal: the transport failed; retried, then -EIO to the caller. */
#define NFS_ETRANSPORT (-ENOTCONN)

struct nfs_fhb {
	uint32_t len;
	char val[NFS3_FHSIZE];
};

struct nfs_conn {
	struct nfs_context *nfs;
	struct rpc_context *rpc;
	struct nfs_conn *next;
	int64_t born; /* fnfs_now_ms() when mounted */
};

struct nfs_src {
	struct fim_source pub;
	struct fim_nfs_url url;
	char *export;             /* what is mounted */
	struct nfs_fhb root;      /* the URL's path beneath it */
	unsigned version;
	int uid, gid;
	unsigned timeout_ms, retries, read_size, max_reads;
	pthread_mutex_t mu;
	struct nfs_conn *idle;
};

int64_t fnfs_now_ms(void);

/* Borrow a conn (mounting a new one if none is idle). Returns NULL with
 * *ret set (NFS_ETRANSPORT when the server cannot be reached). */
struct nfs_conn *fnfs_conn_get(struct nfs_src *s, int64_t deadline, int *ret);
void fnfs_conn_put(struct nfs_src *s, struct nfs_conn *c);
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

/* An NFSv3 status as a negative errno; ESTALE (the object was removed on
 * the server, e.g. a rotated snapshot) is logged and becomes -ENOENT. */
int fnfs_err(struct nfs_src *s, int nfsstat, const char *what);

/* Mount the longest prefix of the URL's path that the server lets us
 * mount (s->export, s->root, one conn in the pool). Returns the prefix's
 * length or a negative errno with a message in err. */
int fnfs_find_export(struct nfs_src *s, int64_t deadline, char *err,
		    size_t errsz);

struct call {
	int done;
	int status;  /* RPC_STATUS_* */
	int nfsstat; /* NFS3_OK or an error */
};

/* Wait for one call queued on *cp (queued: what the _async function
 * returned); a failed transport drops the conn (*cp = NULL) while the
 * call's frame is still alive for the cancelled callbacks. */
int fnfs_call_wait(struct nfs_conn **cp, struct call *cl, int queued,
		  int64_t deadline);
void fnfs_fh_arg(nfs_fh3 *a, const struct nfs_fhb *fh);
unsigned char fnfs_dtype_of(ftype3 t);
int fnfs_lookup_on(struct nfs_src *s, struct nfs_conn **cp,
		  const struct nfs_fhb *dir, const char *name,
		  struct nfs_fhb *fh, struct fattr3 *a, int64_t deadline);
int fnfs_resolve_on(struct nfs_src *s, struct nfs_conn **cp,
		   const char *path, struct nfs_fhb *fh, struct fattr3 *a,
		   int64_t deadline);

/* Run op on a borrowed conn (*cp NULL afterwards if op dropped it),
 * retrying on fresh conns as configured; -EIO when it never got through. */
typedef int (*fnfs_op_fn)(struct nfs_src *s, struct nfs_conn **cp, void *arg,
			 int64_t deadline);
int fnfs_with_conn(struct nfs_src *s, fnfs_op_fn op, void *arg);

void fnfs_stat_from(struct fim_stat *st, const struct fattr3 *a);
int fnfs_getattr(struct nfs_src *s, const struct nfs_fhb *fh,
		struct fattr3 *a);

/* Resolve a source path without following any symlink; fh and/or a may
 * be NULL. */
int fnfs_resolve(struct nfs_src *s, const char *path, struct nfs_fhb *fh,
		struct fattr3 *a);

int fnfs_file_open(struct fim_source *src, const char *path,
		  struct fim_src_file **out);
int fnfs_file_fstat(struct fim_src_file *f, struct fim_stat *st);
long fnfs_file_pread(struct fim_src_file *f, void *buf, size_t len,
		    uint64_t off);
void fnfs_file_close(struct fim_src_file *f);
int fnfs_file_fd(struct fim_src_file *f);

int fnfs_dir_open(struct fim_source *src, const char *path,
		 struct fim_src_dir **out);
int fnfs_dir_read(struct fim_src_dir *d, const char **name,
		 unsigned char *type, uint64_t *ino);
void fnfs_dir_close(struct fim_src_dir *d);

#endif
