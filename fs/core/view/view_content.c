/* Content of virtual entries: digest lines and verdict lines, computed from
 * the hashing service's answers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "view_int.h"
#include "vname.h"

struct content_req {
	struct fim_view *v;
	int kind;
	fim_content_cb cb;
	void *arg;
	char name[]; /* the regular file's name, as the digest line shows */
};

/* Digest lines are only ever the truth: any failure is EIO to the reader,
 * the reason goes to the log. */
static void on_digests(void *arg, const struct fim_hash_result *res)
{
	struct content_req *r = arg;
	enum fim_alg alg = (enum fim_alg)r->kind;
	size_t size = fim_sumline_len(alg, r->name) + 1;
	char *buf = NULL;
	size_t len;

	if (res->err) {
		fim_log(LOG_WARNING, "%s: cannot hash: %s", r->name,
			fim_errname(-res->err));
		r->cb(r->arg, -EIO, NULL, 0);
	} else if (!(buf = malloc(size))) {
		r->cb(r->arg, -ENOMEM, NULL, 0);
	} else {
		len = fim_sumline_format(alg, res->digests.md[alg], r->name,
					 buf, size);
		r->cb(r->arg, 0, buf, len);
	}
	free(buf);
	free(r);
}

static void on_verdict(void *arg, const struct fim_verdict *vd,
		       const struct fim_hash_result *res)
{
	struct content_req *r = arg;
	char line[1024];
	size_t len = fim_verdict_format(vd, line, sizeof(line));

	(void)res;
	r->cb(r->arg, len ? 0 : -EIO, line, len);
	free(r);
}

int fim_view_content(struct fim_view *v, const char *path, int kind,
		     fim_content_cb cb, void *arg)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	struct content_req *r = malloc(sizeof(*r) + strlen(name) + 1);
	int ret;

	if (!r)
		return -ENOMEM;
	r->v = v;
	r->kind = kind;
	r->cb = cb;
	r->arg = arg;
	strcpy(r->name, name);
	if (kind == FIM_VK_VERIFIED)
		ret = fim_view_verdict(v, path, on_verdict, r);
	else
		ret = fim_view_digests(v, path, on_digests, r);
	if (ret)
		free(r);
	return ret;
}

int fim_view_digests(struct fim_view *v, const char *path, fim_hash_cb cb,
		     void *arg)
{
	return fim_view_digests_of(v, path, NULL, cb, arg);
}

int fim_view_digests_of(struct fim_view *v, const char *path,
			const struct fim_stat *st, fim_hash_cb cb, void *arg)
{
	struct fim_hash_req req = { .path = path,
				    .bpath = fim_view_bpath(v, path),
				    .st = st };

	if (!v->svc)
		return -ECANCELED;
	return fim_hashsvc_request(v->svc, &req, cb, arg);
}
