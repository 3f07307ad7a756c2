#include "perm.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "record.h"
#include "source_spec.h"

/* The requester's supplementary groups, read (from /proc, by libfuse) only
 * when a decision depends on them. */
struct req_groups {
	fuse_req_t req;
	gid_t small[32];
	gid_t *big;
};

static int req_groups(void *arg, const gid_t **list)
{
	struct req_groups *g = arg;
	int n = fuse_req_getgroups(g->req, 32, g->small), m;

	if (n <= 32) {
		*list = g->small;
		return n;
	}
	g->big = malloc((size_t)n * sizeof(*g->big));
	if (!g->big)
		return -ENOMEM;
	m = fuse_req_getgroups(g->req, n, g->big);
	*list = g->big;
	return m < n ? m : n;
}

/* The directories above a local SOURCE count as they do on the host: a
 * SOURCE under a 0700 directory is no more readable through the mount. */
static int host_check(struct fimfs *fs, struct fim_cred *c)
{
	const char *slash = strrchr(fs->source, '/');
	char parent[PATH_MAX];
	size_t n;

	if (fim_source_is_url(fs->source) || !slash || !slash[1])
		return 0;
	n = slash == fs->source ? 1 : (size_t)(slash - fs->source);
	if (n >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, fs->source, n);
	parent[n] = '\0';
	return fim_access_host(c, parent);
}

static void deny(fuse_req_t req, struct fimfs *fs, const char *op,
		 const char *path)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	fim_log(LOG_NOTICE, "denied %s of '%s' to uid %u pid %d: %s", op, path,
		(unsigned)ctx->uid, (int)ctx->pid, fim_errname(EACCES));
	record_req(fs, req, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_REFUSAL, .op = op, .path = path,
		.err = EACCES });
}

int perm_listing(fuse_req_t req, struct fimfs *fs, const char *op,
		 const char *path, int kind)
{
	if (perm_exempt(req) || !fim_vk_is_listing(kind))
		return 0;
	deny(req, fs, op, path);
	return EACCES;
}

int perm_check(fuse_req_t req, struct fimfs *fs, const char *op,
	       const char *path, size_t len, int may, bool dir,
	       struct fim_stat *st)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct req_groups g = { .req = req };
	struct fim_cred c = fim_cred_make(ctx->uid, ctx->gid, req_groups, &g);
	char p[PATH_MAX];
	int ret = -EACCES;

	if (len >= sizeof(p))
		return ENAMETOOLONG;
	memcpy(p, path, len);
	p[len] = '\0';
	if (fs->cfg.access == FIM_ACCESS_SOURCE) {
		ret = host_check(fs, &c);
		if (!ret)
			ret = fim_view_access_path(fs->view, &c, p, may, dir,
						   st);
	}
	free(g.big);
	if (ret == -EACCES)
		deny(req, fs, op, p);
	return -ret;
}

bool perm_same_file(struct fimfs *fs, const char *path, size_t len,
		    const struct fim_stat *checked)
{
	char p[PATH_MAX];

	if (len >= sizeof(p))
		return false;
	memcpy(p, path, len);
	p[len] = '\0';
	return fim_view_same_file(fs->view, p, checked);
}
