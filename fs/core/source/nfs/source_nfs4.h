/* NFSv4 internals of the NFS backend, shared by source_nfs4.c (paths,
 * files, links, capacity) and source_nfs4_dir.c (READDIR).
 *
 * Every request is a COMPOUND built from read-only operations: PUTROOTFH,
 * PUTFH, LOOKUP, GETFH, GETATTR, READ (with the anonymous stateid: no OPEN,
 * no state on the server), READLINK and READDIR; libnfs's mount adds
 * SETCLIENTID and SETCLIENTID_CONFIRM (NFSv4.0). The replies libnfs
 * decodes sit at misaligned addresses, so each result is copied out before
 * it is read.
 */
#ifndef FIM_SOURCE_NFS4_H
#define FIM_SOURCE_NFS4_H

#include <nfsc/libnfs-raw-nfs4.h>

#include "source_nfs4_attr.h"
#include "source_nfs_int.h"

/* One COMPOUND waited for by fnfs4_run. */
struct c4 {
	struct call c;         /* c.nfsstat: the status of the failed op */
	unsigned failed;       /* its index; the op count when none failed */
	int err;               /* a negative errno from each, or a bad reply */
	const nfs_argop4 *ops; /* what was sent, to match the results */
	unsigned nops;
	/* Called in the callback for each op that succeeded, in order, with
	 * its result copied out: 0, or a negative errno that stops the walk
	 * (-EPROTO: the reply is malformed). */
	int (*each)(struct c4 *k, unsigned i, const nfs_resop4 *op);
};

/* Send ops and wait. Returns 0 (see k->c.nfsstat and k->failed),
 * NFS_ETRANSPORT, or k->err (a malformed reply is logged and is -EIO). */
int fnfs4_run(struct nfs_src *s, struct nfs_conn **cp, nfs_argop4 *ops,
	      unsigned n, struct c4 *k, int64_t deadline);

void fnfs4_putfh(nfs_argop4 *op, const struct nfs_fhb *fh);

int fnfs4_list(struct nfs_src *s, struct nfs_conn **cp,
	       const struct nfs_fhb *fh, struct nfs_dir *d, int64_t deadline);

#endif
