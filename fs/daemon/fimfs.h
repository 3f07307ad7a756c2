/* The FUSE adapter's state. Everything the handlers need hangs off one
 * struct fimfs, the session userdata: no filesystem state in globals. */
#ifndef FIMFS_H
#define FIMFS_H

#define FUSE_USE_VERSION 312 /* fuse_loop_cfg_*() */

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "handles.h"
#include "log.h"
#include "nodepool.h"
#include "privs.h"
#include "reqcount.h"
#include "view.h"

/* Buckets of the backing ids of open files (passthrough.c). */
#define PT_BUCKETS 256
struct pt_ent;

struct node;
struct pending;
struct fim_audit;
struct fim_watch;
struct fimfs_cmdline;

struct fimfs {
	struct fim_config cfg;
	char *source;            /* as given, for messages */
	char *mountpoint;
	struct fim_view *view;
	struct fuse_session *se;
	const struct fimfs_cmdline *cmdline; /* for reloads */
	struct fim_audit *audit; /* NULL: no audit log */
	struct fim_watch *watch; /* NULL: not watching (watcher.c) */
	bool audit_broken;       /* could not open it, and on_failure deny */
	int stopping;            /* atomic: tells the reload thread to end */
	uint64_t refused;        /* atomic: refused mutating requests */
	/* READ replies from a real file's descriptor (file.c): the largest
	 * libfuse can splice, set at INIT (0: none), and how many of two
	 * pages or more went each way (atomic). */
	size_t splice_max;
	uint64_t reads_spliced, reads_copied;
	/* Kernel passthrough (passthrough.c): INIT's unique id and whether
	 * it offered it, set before INIT is answered; whether the mount has
	 * it, set as the reply goes (before any open can come). */
	uint64_t pt_init_unique;
	bool pt_offered, passthrough_on;
	bool pt_refused; /* a registration failed (logged), under pt_mu */
	pthread_mutex_t pt_mu; /* guards pt_ids */
	struct pt_ent *pt_ids[PT_BUCKETS];
	uint64_t requests[REQ_KINDS]; /* atomic: served, by kind (reqcount.h) */
	time_t started;
	struct fimfs_user user;  /* run_as, looked up before mounting */

	/* nodes (inode.c) */
	pthread_mutex_t nodes_mu; /* guards the table, the pool, the counts */
	struct node **by_name;
	size_t nbuckets, nnodes;
	struct node *root;
	struct nodepool pool;
	char *suffix[INT8_MAX + 1]; /* by kind: its virtual names' ending */

	/* requests waiting for a digest (pending.c) */
	pthread_mutex_t pending_mu;
	struct pending *pending;

	struct handles handles; /* open files (handles.c) */
};

static inline struct fimfs *fimfs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* The operations table (ops.c). */
extern const struct fuse_lowlevel_ops fimfs_ops;

#endif
