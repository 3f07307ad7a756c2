/* Verdicts: one file's attributes and digests against its baseline entry.
 * The rules are documented in baseline.h; this file is the only place that
 * decides OK versus MISMATCH. */
#include "baseline.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

unsigned fim_verdict_need(const struct fim_baseline *bl, const char *bpath,
			  enum fim_rule rule, const struct fim_stat *st,
			  uint64_t *prefix_len)
{
	const struct fim_mentry *e;

	if (!bl || rule == FIM_RULE_IGNORE)
		return 0;
	if (rule != FIM_RULE_APPEND_ONLY || !st)
		return FIM_NEED_DIGEST;
	e = fim_baseline_lookup(bl, bpath);
	if (e && (e->keys & FIM_MK_SIZE) && e->dmask && st->size > e->size) {
		*prefix_len = e->size;
		return FIM_NEED_DIGEST | FIM_NEED_PREFIX;
	}
	return FIM_NEED_DIGEST;
}

static const enum fim_alg by_strength[] = {
	FIM_SHA256, FIM_SHA512, FIM_SHA384, FIM_SHA3_256, FIM_BLAKE2B512,
	FIM_SHA1, FIM_RMD160, FIM_MD5,
};

uint32_t fim_verdict_extra(const struct fim_baseline *bl, const char *bpath,
			   enum fim_rule rule, uint32_t configured,
			   uint32_t avail)
{
	const struct fim_mentry *e;

	if (!bl || rule == FIM_RULE_IGNORE ||
	    !(e = fim_baseline_lookup(bl, bpath)))
		return 0;
	for (size_t i = 0; i < sizeof(by_strength) / sizeof(*by_strength); i++) {
		uint32_t bit = 1u << by_strength[i];

		if (e->dmask & avail & bit)
			return bit & ~configured;
	}
	return 0;
}

/* Compare every algorithm both sides have: 1 equal, 0 different, -ENOTSUP
 * when they share none. */
static int digests_equal(const struct fim_mentry *e,
			 const struct fim_digest_set *ds)
{
	int any = 0;

	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(ds->mask & e->dmask & (1u << a)))
			continue;
		if (memcmp(ds->md[a], fim_mentry_digest(e, a), fim_alg_size(a)))
			return 0;
		any = 1;
	}
	return any ? 1 : -ENOTSUP;
}

/* Content and size; returns 0 or a positive errno (or FIM_ERR_*) that
 * makes an ERROR. */
static int compare_content(const struct fim_eval_in *in,
			   const struct fim_mentry *e, unsigned *differs)
{
	const struct fim_digest_set *ds = in->digests;
	bool sized = e->keys & FIM_MK_SIZE;
	bool listed = e->dmask & in->checkable; /* a digest we can check */
	int eq;

	if (in->rule == FIM_RULE_APPEND_ONLY && sized) {
		if (in->st->size < e->size) {
			*differs |= FIM_DIFF_SIZE; /* shrunk */
			return 0;
		}
		if (in->st->size > e->size && listed) {
			/* An empty prefix set: the stream was shorter than
			 * stat said, i.e. the file changed while read. */
			if (!in->prefix || !in->prefix->mask)
				return in->prefix ? ESTALE : EINVAL;
			ds = in->prefix;
		}
	} else if (sized && in->st->size != e->size) {
		*differs |= FIM_DIFF_SIZE;
	}
	/* Same size, mode and owner prove nothing of a regular file's
	 * content: a zeroed disk image has them all. */
	if (!listed)
		return S_ISREG(in->st->mode) ? FIM_ERR_NODIGEST : 0;
	if (!ds)
		return EINVAL;
	eq = digests_equal(e, ds);
	if (eq < 0)
		return -eq;
	if (!eq)
		*differs |= FIM_DIFF_CONTENT;
	return 0;
}

static unsigned compare_attrs(const struct fim_eval_in *in,
			      const struct fim_mentry *e)
{
	unsigned d = 0;

	if ((e->keys & FIM_MK_MODE) && (in->st->mode & 07777) != e->mode)
		d |= FIM_DIFF_MODE;
	if ((e->keys & FIM_MK_UID) && in->st->uid != e->uid)
		d |= FIM_DIFF_UID;
	if ((e->keys & FIM_MK_GID) && in->st->gid != e->gid)
		d |= FIM_DIFF_GID;
	if ((e->keys & FIM_MK_LINK) && e->link && in->link &&
	    strcmp(in->link, e->link) != 0)
		d |= FIM_DIFF_LINK;
	return d;
}

void fim_verdict_eval(const struct fim_eval_in *in, struct fim_verdict *v)
{
	const struct fim_mentry *e;
	const unsigned char *md;
	unsigned differs = 0;
	int err = 0;

	memset(v, 0, sizeof(*v));
	v->alg = in->alg;
	v->rule = in->rule;
	if (in->digests && (in->digests->mask & (1u << in->alg))) {
		v->have_actual = 1;
		memcpy(v->actual, in->digests->md[in->alg], fim_alg_size(in->alg));
	}
	if (!in->bl) {
		v->status = FIM_NOBASELINE;
		v->rule = FIM_RULE_NONE;
		return;
	}
	if (in->rule == FIM_RULE_IGNORE) {
		v->status = FIM_IGNORED;
		return;
	}
	if (in->err || !in->st) {
		v->status = FIM_ERROR;
		v->err = in->err ? in->err : EINVAL;
		return;
	}
	e = fim_baseline_lookup(in->bl, in->bpath);
	if (!e) {
		v->status = in->new_files_ok ? FIM_OK : FIM_UNLISTED;
		return;
	}
	md = fim_mentry_digest(e, in->alg);
	if (md) {
		v->have_expected = 1;
		memcpy(v->expected, md, fim_alg_size(in->alg));
	}
	if ((e->keys & FIM_MK_TYPE) &&
	    e->type != fim_ftype_from_mode(in->st->mode))
		differs |= FIM_DIFF_TYPE; /* nothing else is comparable */
	else
		err = compare_content(in, e, &differs);
	if (in->rule != FIM_RULE_CONTENT)
		differs |= compare_attrs(in, e);
	if (differs) {
		v->status = FIM_MISMATCH;
		v->differs = differs;
	} else if (err) {
		v->status = FIM_ERROR;
		v->err = err;
	} else {
		v->status = FIM_OK;
	}
}

bool fim_verdict_eval_other(const struct fim_eval_in *in,
			    struct fim_verdict *v)
{
	const struct fim_mentry *e;

	memset(v, 0, sizeof(*v));
	v->alg = in->alg;
	v->rule = in->rule;
	if (in->rule == FIM_RULE_IGNORE)
		return false;
	if (in->err || !in->st) {
		v->status = FIM_ERROR;
		v->err = in->err ? in->err : EINVAL;
		return true;
	}
	e = in->bl ? fim_baseline_lookup(in->bl, in->bpath) : NULL;
	if (!*in->bpath || !e || !(e->keys & FIM_MK_TYPE) ||
	    e->type == fim_ftype_from_mode(in->st->mode))
		return false;
	v->status = FIM_MISMATCH;
	v->differs = FIM_DIFF_TYPE;
	return true;
}

bool fim_verdict_missing(const struct fim_eval_in *in, struct fim_verdict *v)
{
	const struct fim_mentry *e;
	const unsigned char *md;

	memset(v, 0, sizeof(*v));
	v->alg = in->alg;
	v->rule = in->rule;
	e = in->bl ? fim_baseline_lookup(in->bl, in->bpath) : NULL;
	if (!e || !strcmp(in->bpath, ".") || (e->keys & FIM_MK_OPTIONAL) ||
	    in->rule == FIM_RULE_IGNORE)
		return false;
	v->status = FIM_MISSING;
	md = fim_mentry_digest(e, in->alg);
	if (md) {
		v->have_expected = 1;
		memcpy(v->expected, md, fim_alg_size(in->alg));
	}
	return true;
}

void fim_verdict_shadowed(const struct fim_eval_in *in, struct fim_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->alg = in->alg;
	v->rule = in->rule;
	v->status = FIM_SHADOWED;
}
