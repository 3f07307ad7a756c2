/* The daemon's audit records: who (from the FUSE request) did what.
 *
 * Each record_* call returns what fim_audit_record() returned: 0 when the
 * record was written, filtered out by audit.level or there is no log, or a
 * negative errno when it could not be written. record_refuses() turns that
 * into the audit.on_failure decision. */
#ifndef FIMFS_RECORD_H
#define FIMFS_RECORD_H

#include "audit.h"
#include "fimfs.h"

/* A record of a request: what it did (kind, op, path, err, bytes, status
 * of *what; path within SOURCE, shown with a leading '/'), with the
 * requester's uid, gid, pid and process name. */
int record_req(struct fimfs *fs, fuse_req_t req,
	       const struct fim_audit_event *what);

/* A refused write (result EROFS) by the requester of ctx: op on path (as
 * for record_req); target, times and detail as in struct fim_audit_event
 * (target as it is to be shown), each NULL when it does not apply. */
int record_refusal(struct fimfs *fs, const struct fuse_ctx *ctx,
		   const char *op, const char *path, const char *target,
		   const char *times, const char *detail);

/* A "verdict" record of the verdict line (len bytes, its first token the
 * status) that req was shown for path, unless the status is OK. */
int record_verdict(struct fimfs *fs, fuse_req_t req, const char *path,
		   const char *line, size_t len);

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
int record_as(struct fimfs *fs, const struct record_who *w,
	      const struct fim_audit_event *what);

/* A record of the daemon's own doing (mount, unmount, baseline). */
void record_event(struct fimfs *fs, enum fim_audit_kind kind, const char *op,
		  int err, const char *detail);

/* A record of a forged digest cache entry (path within SOURCE); the
 * callback of fim_view_on_forged, arg the struct fimfs. */
void record_cache_forgery(void *arg, const char *path);

/* Whether a request whose record returned ret must be refused (EACCES):
 * with audit.on_failure = deny, when its record could not be written or
 * the log could not be opened at all. Every request tries the log again,
 * so service resumes with the first record that can be written. */
bool record_refuses(struct fimfs *fs, int ret);

#endif
