#include "record.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

void record_req(struct fimfs *fs, fuse_req_t req, enum fim_audit_kind kind,
		const char *op, const char *path, int err, bool has_bytes,
		uint64_t bytes, const char *status)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char shown[PATH_MAX + 2];
	struct fim_audit_event ev = {
		.kind = kind, .op = op, .path = shown, .uid = ctx->uid,
		.gid = ctx->gid, .pid = ctx->pid, .err = err,
		.has_bytes = has_bytes, .bytes = bytes, .status = status,
	};

	if (!fs->audit)
		return;
	snprintf(shown, sizeof(shown), "/%s", path);
	fim_audit_record(fs->audit, &ev);
}

void record_who_of(struct fimfs *fs, fuse_req_t req, struct record_who *w)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	w->uid = ctx->uid;
	w->gid = ctx->gid;
	w->pid = ctx->pid;
	snprintf(w->comm, sizeof(w->comm), "?");
	if (fs->audit && fs->cfg.audit_level == FIM_AUDIT_ALL)
		fim_audit_comm(ctx->pid, w->comm, sizeof(w->comm));
}

void record_as(struct fimfs *fs, const struct record_who *w,
	       enum fim_audit_kind kind, const char *op, const char *path,
	       int err, bool has_bytes, uint64_t bytes, const char *status)
{
	char shown[PATH_MAX + 2];
	struct fim_audit_event ev = {
		.kind = kind, .op = op, .path = shown, .uid = w->uid,
		.gid = w->gid, .pid = w->pid, .comm = w->comm, .err = err,
		.has_bytes = has_bytes, .bytes = bytes, .status = status,
	};

	if (!fs->audit)
		return;
	snprintf(shown, sizeof(shown), "/%s", path);
	fim_audit_record(fs->audit, &ev);
}

void record_event(struct fimfs *fs, enum fim_audit_kind kind, const char *op,
		  int err, const char *detail)
{
	struct fim_audit_event ev = {
		.kind = kind, .op = op, .path = NULL, .uid = getuid(),
		.gid = getgid(), .pid = getpid(), .comm = "fimfs",
		.err = err, .detail = detail,
	};

	fim_audit_record(fs->audit, &ev);
}

void record_cache_forgery(void *arg, const char *path)
{
	struct fimfs *fs = arg;
	char shown[PATH_MAX + 2];
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_VERDICT, .op = "cache-forgery",
		.path = shown, .uid = getuid(), .gid = getgid(),
		.pid = getpid(), .comm = "fimfs", .err = EBADMSG,
		.detail = "a cache entry failed its MAC; ignored, the file "
			  "is hashed again",
	};

	snprintf(shown, sizeof(shown), "/%s", path);
	fim_audit_record(fs->audit, &ev);
}

bool record_denies(struct fimfs *fs)
{
	return fs->audit_broken || fim_audit_deny(fs->audit);
}
