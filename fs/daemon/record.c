#include "record.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ev with the credentials of ctx and path shown with its leading '/'. */
static int record_ctx(struct fimfs *fs, const struct fuse_ctx *ctx,
		      struct fim_audit_event *ev, const char *path)
{
	char shown[PATH_MAX + 2];

	if (!fs->audit)
		return 0;
	snprintf(shown, sizeof(shown), "/%s", path);
	ev->path = shown;
	ev->uid = ctx->uid;
	ev->gid = ctx->gid;
	ev->pid = ctx->pid;
	return fim_audit_record(fs->audit, ev);
}

int record_req(struct fimfs *fs, fuse_req_t req,
	       const struct fim_audit_event *what)
{
	struct fim_audit_event ev = *what;

	return record_ctx(fs, fuse_req_ctx(req), &ev, what->path);
}

int record_refusal(struct fimfs *fs, const struct fuse_ctx *ctx,
		   const char *op, const char *path, const char *target,
		   const char *times, const char *detail)
{
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_REFUSAL, .op = op, .target = target,
		.times = times, .detail = detail, .err = EROFS,
	};

	return record_ctx(fs, ctx, &ev, path);
}

int record_verdict(struct fimfs *fs, fuse_req_t req, const char *path,
		   const char *line, size_t len)
{
	const char *space = memchr(line, ' ', len);
	char status[16];
	size_t n = space ? (size_t)(space - line) : len;

	if (n >= sizeof(status))
		n = sizeof(status) - 1;
	memcpy(status, line, n);
	status[n] = '\0';
	if (!strcmp(status, "OK"))
		return 0;
	return record_req(fs, req, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_VERDICT, .op = "verdict", .path = path,
		.status = status });
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

int record_as(struct fimfs *fs, const struct record_who *w,
	      const struct fim_audit_event *what)
{
	char shown[PATH_MAX + 2];
	struct fim_audit_event ev = *what;

	if (!fs->audit)
		return 0;
	snprintf(shown, sizeof(shown), "/%s", what->path);
	ev.path = shown;
	ev.uid = w->uid;
	ev.gid = w->gid;
	ev.pid = w->pid;
	ev.comm = w->comm;
	return fim_audit_record(fs->audit, &ev);
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

bool record_refuses(struct fimfs *fs, int ret)
{
	return fs->cfg.audit_on_failure == FIM_AUDIT_DENY &&
	       (ret || fs->audit_broken);
}
