/* Reports: one walk of a tree, every entry judged; see report.h. */
#include "report.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "entryset.h"
#include "view_svc.h"

struct run {
	struct fim_view *view;
	struct fim_hashsvc *svc;
	const volatile int *cancel;
	const char *root;
	struct fim_pool *pool;
	pthread_mutex_t mu; /* serializes cb and guards sum */
	fim_report_cb cb;
	void *arg;
	struct fim_report_sum *sum;
	int root_err;
	/* The baseline judged against, and its entries the walk met present:
	 * only the others are looked for when the missing are judged. */
	struct fim_baseline *bl;
	struct fim_entryset present;
};

/* A regular file being hashed. */
struct pending {
	struct run *run;
	char path[];
};

static void emit(struct run *r, const char *path, enum fim_ftype type,
		 const struct fim_verdict *vd, const struct fim_stat *st,
		 const struct fim_digest_set *digests)
{
	const char *bpath = fim_view_bpath(r->view, path);
	struct fim_report_entry e = {
		.path = bpath ? bpath : "", .type = type, .vd = *vd, .st = st,
		.digests = digests,
	};

	pthread_mutex_lock(&r->mu);
	r->sum->counts[vd->status]++;
	r->cb(r->arg, &e);
	pthread_mutex_unlock(&r->mu);
}

static void on_verdict(void *arg, const struct fim_verdict *vd,
		       const struct fim_hash_result *res)
{
	struct pending *p = arg;
	struct run *r = p->run;
	bool known = res && !res->err;

	emit(r, p->path, FIM_FT_FILE, vd, known ? &res->st : NULL,
	     known && res->digests.mask ? &res->digests : NULL);
	free(p);
	fim_pool_release(r->pool, known ? res->st.size : 0);
}

static int judge_regular(struct run *r, const char *path,
			 const struct fim_stat *st)
{
	size_t len = strlen(path) + 1;
	struct pending *p = malloc(sizeof(*p) + len);
	int ret;

	if (!p)
		return -ENOMEM;
	p->run = r;
	memcpy(p->path, path, len);
	fim_pool_acquire(r->pool);
	ret = fim_view_verdict_with(r->view, r->svc, path, st, on_verdict, p);
	if (ret) {
		free(p);
		fim_pool_release(r->pool, 0);
	}
	return ret;
}

static int judge(void *arg, const char *path, const struct fim_stat *st,
		 int err)
{
	struct run *r = arg;
	bool is_root = !strcmp(path, r->root);
	const struct fim_mentry *met;
	struct fim_verdict vd;

	if (r->cancel && *r->cancel)
		return -ECANCELED;
	if (is_root && err) {
		r->root_err = err;
		return err;
	}
	if (!err && r->bl && !is_root &&
	    (met = fim_baseline_lookup(r->bl, fim_view_bpath(r->view, path))))
		fim_entryset_add(&r->present, fim_baseline_slot(r->bl, met));
	if (!is_root && fim_view_shadowed(r->view, path)) {
		fim_view_verdict_shadowed(r->view, path, &vd);
		emit(r, path, err ? FIM_FT_NONE : fim_ftype_from_mode(st->mode),
		     &vd, err ? NULL : st, NULL);
		return 0;
	}
	if (!err && S_ISREG(st->mode))
		return judge_regular(r, path, st);
	if (fim_view_verdict_other(r->view, path, st, err, &vd))
		emit(r, path, err ? FIM_FT_NONE : fim_ftype_from_mode(st->mode),
		     &vd, err ? NULL : st, NULL);
	return 0;
}

struct absent {
	struct run *run;
	char *path; /* scratch: root/bpath */
	size_t cap;
};

static int judge_absent(const struct fim_mentry *m, void *arg)
{
	struct absent *a = arg;
	struct run *r = a->run;
	size_t need = strlen(r->root) + strlen(m->path) + 2;
	struct fim_verdict vd;
	struct fim_stat st;
	int ret;

	if (fim_entryset_has(&r->present, fim_baseline_slot(r->bl, m)) ||
	    !fim_view_verdict_missing(r->view, m->path, &vd))
		return 0;
	if (need > a->cap) {
		char *grown = realloc(a->path, need);

		if (!grown)
			return -ENOMEM;
		a->path = grown;
		a->cap = need;
	}
	snprintf(a->path, a->cap, "%s%s%s", r->root, *r->root ? "/" : "",
		 m->path);
	ret = fim_view_stat(r->view, a->path, -1, 0, &st);
	if (ret != -ENOENT && ret != -ENOTDIR && ret != -ELOOP)
		return 0; /* present, or an error judged in the walk */
	emit(r, a->path, m->keys & FIM_MK_TYPE ? m->type : FIM_FT_NONE, &vd,
	     NULL, NULL);
	return 0;
}

static int judge_all_absent(struct run *r)
{
	struct absent a = { .run = r };
	/* without a baseline (none configured) nothing is missing */
	int ret = r->bl ? fim_baseline_foreach(r->bl, judge_absent, &a) : 0;

	free(a.path);
	return ret;
}

int fim_report_run(struct fim_view *v, const struct fim_report_opts *opts,
		   fim_report_cb cb, void *arg, struct fim_report_sum *sum)
{
	struct run r = {
		.view = v, .root = opts->root, .cb = cb, .arg = arg,
		.sum = sum, .cancel = opts->cancel,
		.svc = opts->svc, .bl = fim_view_baseline(v),
	};
	uint64_t files = 0, bytes = 0;
	int ret = 0, wret;

	memset(sum, 0, sizeof(*sum));
	pthread_mutex_init(&r.mu, NULL);
	if (opts->progress)
		ret = fim_walk_count_until(v, opts->root, opts->cancel,
					   &files, &bytes);
	if (!ret && r.bl)
		ret = fim_entryset_init(&r.present, fim_baseline_slots(r.bl));
	if (!ret)
		ret = fim_pool_new(opts->inflight, files, bytes,
				   opts->progress, opts->progress_arg,
				   &r.pool);
	if (ret)
		goto out;
	wret = fim_walk(v, opts->root, judge, &r);
	sum->seconds = fim_pool_wait(r.pool);
	ret = r.root_err ? r.root_err : wret;
	if (!ret)
		ret = judge_all_absent(&r);
out:
	fim_pool_free(r.pool);
	pthread_mutex_destroy(&r.mu);
	fim_entryset_free(&r.present);
	fim_baseline_unref(r.bl);
	return ret;
}

bool fim_report_status_bad(enum fim_status s)
{
	return s != FIM_OK && s != FIM_IGNORED;
}

bool fim_report_sum_bad(const struct fim_report_sum *sum)
{
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		if (sum->counts[s] && fim_report_status_bad(s))
			return true;
	return false;
}
