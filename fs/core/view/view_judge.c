/* Verdicts: which rule applies, what must be hashed, and the judgement
 * against the baseline, which a reload can replace at any time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "log.h"
#include "policy.h"
#include "view_int.h"
#include "view_svc.h"

static int64_t mtime_ns(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* The baseline's time: when its newest manifest or signature was written.
 * Unlike the moment it was loaded, this stays the same across remounts and
 * reloads of the same baseline, so backup and FIM tools that go by mtime
 * see .verified change only when the baseline does. */
static int64_t baseline_time(const struct fim_baseline *bl)
{
	char sig[4096];
	int64_t t = 0, m;

	for (size_t i = 0; bl && i < fim_baseline_manifest_count(bl); i++) {
		const char *path = fim_baseline_manifest_path(bl, i);

		m = mtime_ns(path);
		t = m > t ? m : t;
		snprintf(sig, sizeof(sig), "%s.sig", path);
		m = mtime_ns(sig);
		t = m > t ? m : t;
	}
	return t;
}

void judge_put(struct judge *j)
{
	if (!j || __atomic_sub_fetch(&j->refs, 1, __ATOMIC_ACQ_REL))
		return;
	fim_baseline_unref(j->bl);
	for (size_t i = 0; i < j->n_rules; i++)
		free(j->rules[i].match);
	free(j->rules);
	free(j);
}

struct judge *judge_get(struct fim_view *v)
{
	struct judge *j;

	pthread_mutex_lock(&v->judge_mu);
	j = v->judge;
	__atomic_add_fetch(&j->refs, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&v->judge_mu);
	return j;
}

static struct judge *judge_new(const struct fim_config *cfg)
{
	struct judge *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->refs = 1;
	if (!cfg)
		return j;
	j->new_files_ok = cfg->new_files_ok;
	j->rules = calloc(cfg->n_rules ? cfg->n_rules : 1, sizeof(*j->rules));
	if (!j->rules) {
		free(j);
		return NULL;
	}
	for (; j->n_rules < cfg->n_rules; j->n_rules++) {
		j->rules[j->n_rules].rule = cfg->rules[j->n_rules].rule;
		j->rules[j->n_rules].match =
			strdup(cfg->rules[j->n_rules].match);
		if (!j->rules[j->n_rules].match) {
			judge_put(j);
			return NULL;
		}
	}
	return j;
}

int judge_init(struct fim_view *v)
{
	v->judge = judge_new(NULL);
	return v->judge ? 0 : -ENOMEM;
}

static void judge_publish(struct fim_view *v, struct judge *j)
{
	struct judge *old;

	pthread_mutex_lock(&v->judge_mu);
	old = v->judge;
	v->judge = j;
	pthread_mutex_unlock(&v->judge_mu);
	judge_put(old);
}

/* Files whose entry lists no digest we can compute are never OK: say so
 * once per load, not only in each verdict. */
static void warn_unchecked(struct fim_view *v, const struct fim_baseline *bl)
{
	uint32_t avail = fim_digest_engine_avail(v->eng);
	char msg[1024];

	for (size_t i = 0; bl && i < fim_baseline_manifest_count(bl); i++)
		if (fim_manifest_unchecked_msg(fim_baseline_manifest(bl, i),
					       avail, msg, sizeof(msg)))
			fim_log(LOG_WARNING, "baseline %s", msg);
}

int fim_view_load_baseline(struct fim_view *v, const struct fim_config *cfg,
			   char *err, size_t errsz)
{
	struct judge *j = judge_new(cfg);
	int ret = 0;

	if (!j) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	if (cfg->n_manifests) {
		if (!cfg->public_key) {
			snprintf(err, errsz, "manifests given but no public "
				 "key (baseline.public_key, -o pubkey=)");
			ret = -EINVAL;
		} else {
			ret = fim_baseline_load(cfg->manifests,
						cfg->n_manifests,
						cfg->public_key, &j->bl, err,
						errsz);
		}
		if (ret)
			fim_log(LOG_ALERT, "baseline rejected, every verdict "
				"is NOBASELINE: %s", err);
	}
	j->since_ns = baseline_time(j->bl);
	warn_unchecked(v, j->bl);
	judge_publish(v, j);
	return ret;
}

struct fim_baseline *fim_view_baseline(struct fim_view *v)
{
	struct judge *j = judge_get(v);
	struct fim_baseline *bl = j->bl ? fim_baseline_ref(j->bl) : NULL;

	judge_put(j);
	return bl;
}

int64_t fim_view_judged_since(struct fim_view *v)
{
	struct judge *j = judge_get(v);
	int64_t t = j->since_ns;

	judge_put(j);
	return t;
}

struct verdict_req {
	struct fim_view *v;
	struct judge *j;
	enum fim_rule rule;
	fim_verdict_cb cb;
	void *arg;
	char bpath[];
};

static void decide(struct verdict_req *r, const struct fim_hash_result *res,
		   int hashed)
{
	struct fim_eval_in in = {
		.bl = r->j->bl,
		.bpath = r->bpath,
		.rule = r->rule,
		.new_files_ok = r->j->new_files_ok,
		.alg = fim_view_config(r->v)->primary,
		.checkable = fim_digest_engine_avail(r->v->eng),
		.st = res->err ? NULL : &res->st,
		.digests = hashed && !res->err ? &res->digests : NULL,
		.prefix = hashed && !res->err ? &res->prefix : NULL,
		.err = -res->err,
	};
	struct fim_verdict vd;

	fim_verdict_eval(&in, &vd);
	__atomic_add_fetch(&r->v->verdicts[vd.status], 1, __ATOMIC_RELAXED);
	r->cb(r->arg, &vd, res);
	judge_put(r->j);
	free(r);
}

static void on_digests(void *arg, const struct fim_hash_result *res)
{
	decide(arg, res, 1);
}

int fim_view_verdict(struct fim_view *v, const char *path, fim_verdict_cb cb,
		     void *arg)
{
	return fim_view_verdict_with(v, NULL, path, NULL, cb, arg);
}

int fim_view_verdict_with(struct fim_view *v, struct fim_hashsvc *svc,
			  const char *path, const struct fim_stat *st,
			  fim_verdict_cb cb, void *arg)
{
	const char *bpath = fim_view_bpath(v, path);
	struct fim_hash_req req = { .path = path, .bpath = bpath };
	struct fim_hash_result res = { 0 };
	struct verdict_req *r;
	unsigned need;

	if (!svc)
		svc = fim_view_hashsvc(v);
	if (!bpath)
		bpath = path;
	r = malloc(sizeof(*r) + strlen(bpath) + 1);
	if (!r)
		return -ENOMEM;
	strcpy(r->bpath, bpath);
	r->v = v;
	r->cb = cb;
	r->arg = arg;
	r->j = judge_get(v);
	r->rule = fim_policy_match(r->j->rules, r->j->n_rules, bpath, NULL);
	if (st)
		res.st = *st;
	else
		res.err = fim_src_lstat(fim_view_source(v), path, &res.st);
	if (res.err)
		goto now;
	need = fim_verdict_need(r->j->bl, bpath, r->rule, &res.st,
				&req.prefix);
	/* Without a baseline the digest is still worth showing. */
	if (!r->j->bl)
		need |= FIM_NEED_DIGEST;
	if (!need)
		goto now;
	req.want_prefix = !!(need & FIM_NEED_PREFIX);
	req.st = &res.st;
	req.extra = fim_verdict_extra(r->j->bl, bpath, r->rule,
				      fim_digest_engine_mask(v->eng),
				      fim_digest_engine_avail(v->eng));
	res.err = fim_hashsvc_request(svc, &req, on_digests, r);
	if (!res.err)
		return 0;
now:
	decide(r, &res, 0);
	return 0;
}

/* The verdicts a report decides without hashing: the judge's baseline and
 * rules applied to bpath (the caller's NULL bpath is the root, ""). */
static struct judge *eval_in(struct fim_view *v, const char *bpath,
			     struct fim_eval_in *in)
{
	struct judge *j = judge_get(v);

	memset(in, 0, sizeof(*in));
	in->bl = j->bl;
	in->bpath = bpath ? bpath : "";
	in->rule = fim_policy_match(j->rules, j->n_rules, in->bpath, NULL);
	in->new_files_ok = j->new_files_ok;
	in->alg = fim_view_config(v)->primary;
	in->checkable = fim_digest_engine_avail(v->eng);
	return j;
}

bool fim_view_verdict_other(struct fim_view *v, const char *path,
			    const struct fim_stat *st, int err,
			    struct fim_verdict *vd)
{
	struct fim_eval_in in;
	struct judge *j = eval_in(v, fim_view_bpath(v, path), &in);
	bool judged;

	in.st = err ? NULL : st;
	in.err = -err;
	judged = fim_verdict_eval_other(&in, vd);
	judge_put(j);
	return judged;
}

bool fim_view_verdict_missing(struct fim_view *v, const char *bpath,
			      struct fim_verdict *vd)
{
	struct fim_eval_in in;
	struct judge *j = eval_in(v, bpath, &in);
	bool judged = fim_verdict_missing(&in, vd);

	judge_put(j);
	return judged;
}

void fim_view_verdict_shadowed(struct fim_view *v, const char *path,
			       struct fim_verdict *vd)
{
	struct fim_eval_in in;
	struct judge *j = eval_in(v, fim_view_bpath(v, path), &in);

	fim_verdict_shadowed(&in, vd);
	judge_put(j);
}

void fim_view_verdict_counts(struct fim_view *v,
			     uint64_t counts[FIM_STATUS_COUNT])
{
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		counts[s] = __atomic_load_n(&v->verdicts[s], __ATOMIC_RELAXED);
}
