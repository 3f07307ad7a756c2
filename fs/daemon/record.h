/* The daemon's audit records: who (from the FUSE request) did what. */
#ifndef FIMFS_RECORD_H
#define FIMFS_RECORD_H

#include "audit.h"
#include "fimfs.h"

/* A record of a request: the requester's uid, gid, pid and process name,
 * op, path within the mount (path within SOURCE, shown with a leading
 * '/'), result (0 or positive errno), bytes when has_bytes, verdict status
 * or NULL. */
void record_req(struct fimfs *fs, fuse_req_t req, enum fim_audit_kind kind,
		const char *op, const char *path, int err, bool has_bytes,
		uint64_t bytes, const char *status);

/* Who made a request, kept for records made later on its behalf: the
 * kernel sends FUSE_RELEASE without credentials (uid 0, pid 0). */
struct record_who {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	char comm[FIM_AUDIT_COMM_LEN];
};

/* Fill *w from req (the process name only when audit_level is all: only
 * access records use it). */
void record_who_of(struct fimfs *fs, fuse_req_t req, struct record_who *w);

/* As record_req, on behalf of w. */
void record_as(struct fimfs *fs, const struct record_who *w,
	       enum fim_audit_kind kind, const char *op, const char *path,
	       int err, bool has_bytes, uint64_t bytes, const char *status);

/* A record of the daemon's own doing (mount, unmount, baseline). */
void record_event(struct fimfs *fs, enum fim_audit_kind kind, const char *op,
		  int err, const char *detail);

/* A record of a forged digest cache entry (path within SOURCE); the
 * callback of fim_dcache_on_forged, arg the struct fimfs. */
void record_cache_forgery(void *arg, const char *path);

/* Whether opens must be denied: the log cannot be written and
 * audit.on_failure is "deny". */
bool record_denies(struct fimfs *fs);

#endif
