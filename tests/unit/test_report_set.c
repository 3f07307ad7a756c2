/* The entries a report keeps for its sorted output (report_set.c): packed,
 * each given back as it was judged, in path order. */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "tap.h"

static struct fim_report_entry judged(const char *path, enum fim_status st,
				      enum fim_alg alg, int actual,
				      int expected)
{
	struct fim_report_entry e = {
		.path = path, .type = FIM_FT_FILE,
		.vd = { .status = st, .rule = FIM_RULE_CONTENT, .alg = alg,
			.have_actual = actual >= 0,
			.have_expected = expected >= 0,
			.differs = FIM_DIFF_CONTENT | FIM_DIFF_MODE,
			.err = st == FIM_ERROR ? 13 : 0 },
	};

	memset(e.vd.actual, actual, sizeof(e.vd.actual));
	memset(e.vd.expected, expected, sizeof(e.vd.expected));
	return e;
}

/* Whether got shows what e held: every field output reads, the digests to
 * the length of their algorithm. */
static bool same_entry(const struct fim_report_entry *got,
		       const struct fim_report_entry *e)
{
	const struct fim_verdict *a = &got->vd, *b = &e->vd;
	size_t md = fim_alg_size(b->alg);

	return !strcmp(got->path, e->path) && got->type == e->type &&
	       a->status == b->status && a->rule == b->rule &&
	       a->alg == b->alg && a->differs == b->differs &&
	       a->err == b->err && a->have_actual == b->have_actual &&
	       a->have_expected == b->have_expected &&
	       (!b->have_actual || !memcmp(a->actual, b->actual, md)) &&
	       (!b->have_expected || !memcmp(a->expected, b->expected, md)) &&
	       !got->st && !got->digests;
}

static void test_kept_as_judged(void)
{
	struct fim_report_entry in[] = {
		judged("z/ok", FIM_OK, FIM_SHA256, 0x11, 0x11),
		judged("a/changed", FIM_MISMATCH, FIM_SHA512, 0x22, 0x33),
		judged("m/new", FIM_UNLISTED, FIM_SHA256, 0x44, -1),
		judged("b/gone", FIM_MISSING, FIM_SHA256, -1, 0x55),
		judged("c/locked", FIM_ERROR, FIM_SHA256, -1, -1),
	};
	static const size_t order[] = {1, 3, 4, 2, 0};
	struct fim_report_set s = { 0 };
	struct fim_report_entry got;
	char what[64];

	for (size_t i = 0; i < 5; i++)
		fim_report_set_add(&s, &in[i]);
	is_int(s.n, 5, "every entry is kept");
	fim_report_set_sort(&s);
	for (size_t i = 0; i < 5; i++) {
		fim_report_set_get(&s, i, &got);
		snprintf(what, sizeof(what), "entry %zu is %s, as judged", i,
			 in[order[i]].path);
		ok(same_entry(&got, &in[order[i]]), what);
	}
	fim_report_set_free(&s);
	is_int(s.n, 0, "a freed set is empty");
}

static void test_text_keeps_findings(void)
{
	struct fim_report_set s = { .text = true };
	struct fim_report_entry ok = judged("ok", FIM_OK, FIM_SHA256, 1, 1),
				bad = judged("bad", FIM_MISMATCH, FIM_SHA256,
					     1, 2),
				got;

	fim_report_set_add(&s, &ok);
	fim_report_set_add(&s, &bad);
	fim_report_set_get(&s, 0, &got);
	ok(s.n == 1 && same_entry(&got, &bad),
	   "a set for text output keeps the findings alone");
	fim_report_set_free(&s);
}

static void test_many(void)
{
	struct fim_report_set s = { 0 };
	struct fim_report_entry e, got;
	char path[32], want[32];
	size_t bad = 0;

	/* more than a chunk's worth, added in reverse */
	for (int i = 40000; i-- > 0;) {
		snprintf(path, sizeof(path), "d/%06d", i);
		e = judged(path, FIM_OK, FIM_SHA256, i & 0xff, i & 0xff);
		fim_report_set_add(&s, &e);
	}
	fim_report_set_sort(&s);
	for (size_t i = 0; i < s.n; i++) {
		fim_report_set_get(&s, i, &got);
		snprintf(want, sizeof(want), "d/%06zu", i);
		bad += strcmp(got.path, want) ||
		       got.vd.actual[31] != (unsigned char)(i & 0xff) ||
		       got.vd.expected[0] != (unsigned char)(i & 0xff);
	}
	ok(!s.err && s.n == 40000 && !bad,
	   "40000 entries over several chunks, sorted, each intact");
	fim_report_set_free(&s);
}

int main(void)
{
	test_kept_as_judged();
	test_text_keeps_findings();
	test_many();
	return tap_done();
}
