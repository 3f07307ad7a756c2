/* Baselines and verdicts: loading signed manifests (and refusing unsigned,
 * forged or malformed ones), lookup across manifests, and every verdict
 * outcome including append-only growth, shrinking and edits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "rm_rf.h"
#include "sign.h"
#include "tap.h"

static char dir[] = "/tmp/fim-test-verdict-XXXXXX";
static char err[512];
static struct fim_digest_engine *eng;
static struct fim_seckey *sk;

static const char *p(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void hash(const char *s, struct fim_digest_set *ds)
{
	fim_digest_buf(eng, s, strlen(s), ds);
}

static char *hex_of(const char *s, enum fim_alg a)
{
	static char out[4][2 * FIM_MD_MAX + 1];
	static int i;
	struct fim_digest_set ds;

	i = (i + 1) % 4;
	hash(s, &ds);
	fim_hex(ds.md[a], fim_alg_size(a), out[i]);
	return out[i];
}

/* Manifest 1 (mtree) and 2 (checksum list, "f" shadowed by manifest 1). */
static void make_manifests(void)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "#mtree\n. type=dir mode=0755\n"
		 "./f type=file mode=0644 uid=1000 gid=100 size=5 "
		 "sha256digest=%s\n"
		 "./log type=file mode=0640 uid=0 gid=4 size=5 sha256digest=%s\n"
		 "./nodigest type=file size=3\n"
		 "./only512 type=file size=5 sha512digest=%s\n"
		 "./link type=link link=target\n"
		 "./cksum type=file size=5 cksum=1479881546\n"
		 "./untyped size=5 mode=0644\n"
		 "./only384 type=file size=5 sha384digest=%s\n",
		 hex_of("hello", FIM_SHA256), hex_of("hello", FIM_SHA256),
		 hex_of("hello", FIM_SHA512), hex_of("hello", FIM_SHA384));
	write_file(p("m1"), text);
	snprintf(text, sizeof(text), "%s  f\n%s  other\n",
		 hex_of("world", FIM_SHA256), hex_of("x", FIM_SHA256));
	write_file(p("m2"), text);
	fim_sign_file(sk, p("m1"), err, sizeof(err));
	fim_sign_file(sk, p("m2"), err, sizeof(err));
}

static struct fim_baseline *load2(void)
{
	char *m[] = { (char *)p("m1"), (char *)p("m2") };
	struct fim_baseline *bl = NULL;

	if (fim_baseline_load(m, 2, p("p.pem"), &bl, err, sizeof(err)))
		printf("# load: %s\n", err);
	return bl;
}

static int load_err(const char *manifest)
{
	char *m[] = { (char *)p("m1"), (char *)manifest };
	struct fim_baseline *bl = NULL;
	int ret = fim_baseline_load(m, 2, p("p.pem"), &bl, err, sizeof(err));

	fim_baseline_unref(bl);
	return ret;
}

static int count_cb(const struct fim_mentry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

static void test_load(void)
{
	struct fim_baseline *bl = load2();
	const struct fim_mentry *e;
	struct fim_pubkey *pk = NULL;
	int n = 0;

	ok(bl, "two signed manifests load");
	if (!bl)
		return;
	e = fim_baseline_lookup(bl, "f");
	ok(e && e->size == 5, "first manifest wins for a path in both");
	ok(fim_baseline_lookup(bl, "./other"), "second manifest's own entry");
	fim_baseline_foreach(bl, count_cb, &n);
	is_int(n, 10, "foreach skips the shadowed entry");
	is_int(fim_baseline_entry_count(bl), 10, "entry count");
	is_int(fim_baseline_manifest_count(bl), 2, "manifest count");
	is_str(fim_baseline_manifest_path(bl, 1), p("m2"), "manifest path");
	fim_pubkey_load(p("p.pem"), &pk, err, sizeof(err));
	is_str(fim_baseline_key_fingerprint(bl),
	       pk ? fim_pubkey_fingerprint(pk) : "", "key fingerprint");
	fim_pubkey_free(pk);
	ok(fim_baseline_load_time_ns(bl) > 1600000000LL * 1000000000,
	   "load time recorded");
	ok(fim_baseline_ref(bl) == bl, "ref");
	fim_baseline_unref(bl);
	fim_baseline_unref(bl);

	write_file(p("unsigned"), "#mtree\n./a size=1\n");
	is_int(load_err(p("unsigned")), -ENOENT, "unsigned manifest refused");
	ok(strstr(err, "unsigned.sig: missing"), "message: the .sig is missing");
	write_file(p("forged"), "#mtree\n./a size=1\n");
	fim_sign_file(sk, p("forged"), err, sizeof(err));
	write_file(p("forged"), "#mtree\n./a size=2\n");
	is_int(load_err(p("forged")), -EBADMSG, "forged manifest refused");
	ok(strstr(err, "forged: bad signature"), "message: bad signature");
	write_file(p("broken"), "#mtree\n./a size=1\n./b size=one\n");
	fim_sign_file(sk, p("broken"), err, sizeof(err));
	is_int(load_err(p("broken")), -EINVAL, "signed but malformed refused");
	ok(strstr(err, "broken:3: invalid size"), "message: FILE:LINE");
	is_int(load_err(p("absent")), -ENOENT, "missing manifest refused");
	is_int(fim_baseline_load(NULL, 0, p("p.pem"), &bl, err, sizeof(err)),
	       -EINVAL, "no manifest configured");
}

struct ev {
	const char *path;
	enum fim_rule rule;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	const char *content;   /* NULL: no digests */
	const char *prefix;    /* digests of the prefix, or NULL */
	const char *link;
	int err;
	bool new_ok;
	uint32_t checkable; /* 0: every algorithm */
};

static struct fim_verdict eval(const struct fim_baseline *bl,
			       const struct ev *x)
{
	struct fim_stat st = { .mode = x->mode ? x->mode : S_IFREG | 0644,
			       .uid = x->uid, .gid = x->gid };
	struct fim_digest_set ds, pre;
	struct fim_eval_in in = {
		.bl = bl, .bpath = x->path, .rule = x->rule,
		.new_files_ok = x->new_ok, .alg = FIM_SHA256, .st = &st,
		.link = x->link, .err = x->err,
		.checkable = x->checkable ? x->checkable : FIM_ALG_ALL,
	};
	struct fim_verdict v;

	if (x->content) {
		st.size = strlen(x->content);
		hash(x->content, &ds);
		in.digests = &ds;
	}
	if (x->prefix) {
		if (strcmp(x->prefix, "EMPTY"))
			hash(x->prefix, &pre);
		else
			pre.mask = 0;
		in.prefix = &pre;
	}
	fim_verdict_eval(&in, &v);
	return v;
}

#define F(p) .path = p
#define VERDICT(bl, status_, differs_, what, ...)                             \
	do {                                                                 \
		struct ev x_ = { __VA_ARGS__ };                              \
		struct fim_verdict v_ = eval(bl, &x_);                       \
		if (!ok(v_.status == (status_) && v_.differs == (differs_),  \
			what))                                               \
			printf("#   status %d differs %#x err %d\n",         \
			       v_.status, v_.differs, v_.err);               \
	} while (0)

static void test_verdicts(void)
{
	struct fim_baseline *bl = load2();
	const mode_t r644 = S_IFREG | 0644, r640 = S_IFREG | 0640;
	struct ev x = { F("f"), .content = "hello", .uid = 1000, .gid = 100 };
	struct fim_verdict v;
	uint64_t plen = 0;

	if (!bl)
		return;
	v = eval(NULL, &x);
	ok(v.status == FIM_NOBASELINE && v.rule == FIM_RULE_NONE && v.have_actual,
	   "no baseline: NOBASELINE, rule none, actual digest shown");
	v = eval(bl, &x);
	ok(v.status == FIM_OK && v.have_expected && v.have_actual &&
		   !memcmp(v.actual, v.expected, 32) && v.rule == FIM_RULE_EXACT,
	   "identical file: OK with both digests");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_CONTENT, "edited: content",
		F("f"), .content = "jello", .uid = 1000, .gid = 100);
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_CONTENT | FIM_DIFF_SIZE,
		"longer: content and size", F("f"), .content = "hello!",
		.uid = 1000, .gid = 100);
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_MODE, "chmod: mode", F("f"),
		.mode = S_IFREG | 0666, .content = "hello", .uid = 1000,
		.gid = 100);
	VERDICT(bl, FIM_OK, 0, "chmod under content rule: OK", F("f"),
		.rule = FIM_RULE_CONTENT, .mode = S_IFREG | 0666,
		.content = "hello");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_UID | FIM_DIFF_GID, "chown: uid gid",
		F("f"), .content = "hello");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_TYPE, "now a directory: type",
		F("f"), .mode = S_IFDIR | 0644, .uid = 1000, .gid = 100);
	VERDICT(bl, FIM_IGNORED, 0, "ignore rule: IGNORED", F("f"),
		.rule = FIM_RULE_IGNORE, .err = EIO);
	v = eval(bl, &(struct ev){ F("f"), .err = EIO });
	ok(v.status == FIM_ERROR && v.err == EIO, "read error: ERROR EIO");
	VERDICT(bl, FIM_UNLISTED, 0, "new file: UNLISTED", F("new"),
		.content = "x");
	VERDICT(bl, FIM_OK, 0, "new file, new_files_ok: OK", F("new"),
		.content = "x", .new_ok = true);
	VERDICT(bl, FIM_OK, 0, "second manifest's entry: OK", F("other"),
		.content = "x");

	/* append-only: "log" was "hello", 0640 0:4 */
	VERDICT(bl, FIM_OK, 0, "append-only grown: OK", F("log"),
		.rule = FIM_RULE_APPEND_ONLY, .mode = r640, .gid = 4,
		.content = "hello world", .prefix = "hello");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_CONTENT,
		"append-only edited inside the old bytes: content", F("log"),
		.rule = FIM_RULE_APPEND_ONLY, .mode = r640, .gid = 4,
		.content = "jello world", .prefix = "jello");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_SIZE, "append-only shrunk: size",
		F("log"), .rule = FIM_RULE_APPEND_ONLY, .mode = r640, .gid = 4,
		.content = "hell");
	VERDICT(bl, FIM_OK, 0, "append-only unchanged: OK", F("log"),
		.rule = FIM_RULE_APPEND_ONLY, .mode = r640, .gid = 4,
		.content = "hello");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_CONTENT,
		"append-only same size edited: content", F("log"),
		.rule = FIM_RULE_APPEND_ONLY, .mode = r640, .gid = 4,
		.content = "hellO");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_MODE, "append-only chmod: mode",
		F("log"), .rule = FIM_RULE_APPEND_ONLY, .mode = r644, .gid = 4,
		.content = "hello world", .prefix = "hello");
	v = eval(bl, &(struct ev){ F("log"), .rule = FIM_RULE_APPEND_ONLY,
				   .mode = r640, .gid = 4,
				   .content = "hello world" });
	ok(v.status == FIM_ERROR && v.err == EINVAL,
	   "append-only grown without a prefix digest: ERROR");
	v = eval(bl, &(struct ev){ F("log"), .rule = FIM_RULE_APPEND_ONLY,
				   .mode = r640, .gid = 4,
				   .content = "hello world", .prefix = "EMPTY" });
	ok(v.status == FIM_ERROR && v.err == ESTALE,
	   "append-only, stream shorter than the prefix: ERROR ESTALE");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_CONTENT | FIM_DIFF_SIZE,
		"exact rule on a grown log: content and size",
		F("log"), .mode = r640, .gid = 4, .content = "hello world");
	{
		struct fim_stat st = { .mode = r640, .size = 11 };

		is_int(fim_verdict_need(bl, "log", FIM_RULE_APPEND_ONLY, &st,
					&plen),
		       FIM_NEED_DIGEST | FIM_NEED_PREFIX,
		       "need: prefix for a grown append-only file");
		is_int(plen, 5, "need: prefix length is the listed size");
		st.size = 5;
		is_int(fim_verdict_need(bl, "log", FIM_RULE_APPEND_ONLY, &st,
					&plen),
		       FIM_NEED_DIGEST, "need: same size, whole digest");
		is_int(fim_verdict_need(bl, "log", FIM_RULE_EXACT, &st, &plen),
		       FIM_NEED_DIGEST, "need: exact");
		is_int(fim_verdict_need(bl, "log", FIM_RULE_IGNORE, &st, &plen),
		       0, "need: nothing for ignore");
		is_int(fim_verdict_need(NULL, "log", FIM_RULE_EXACT, &st, &plen),
		       0, "need: nothing without a baseline");
	}

	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_SIZE, "no digest listed: size",
		F("nodigest"), .content = "abcd");
	v = eval(bl, &(struct ev){ F("only512"), .content = "hello" });
	ok(v.status == FIM_OK && !v.have_expected,
	   "sha512 listed, both computed: OK, no sha256 to show");
	VERDICT(bl, FIM_OK, 0, "symlink with the same target: OK", F("link"),
		.mode = S_IFLNK | 0777, .link = "target");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_LINK, "symlink retargeted: link",
		F("link"), .mode = S_IFLNK | 0777, .link = "elsewhere");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_TYPE, "symlink now a file: type",
		F("link"), .content = "target");
	fim_baseline_unref(bl);
}

/* A regular file whose entry lists no digest that can be checked here is
 * never OK under a content rule: size and attributes alike prove nothing. */
static void test_nodigest(void)
{
	struct fim_baseline *bl = load2();
	const mode_t r644 = S_IFREG | 0644;
	struct fim_verdict v;

	if (!bl)
		return;
	v = eval(bl, &(struct ev){ F("nodigest"), .content = "abc" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST &&
		   !v.have_expected && v.have_actual,
	   "no digest listed, same size: ERROR nodigest, actual shown");
	v = eval(bl, &(struct ev){ F("nodigest"), .content = "xyz" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "other bytes, same size: ERROR nodigest");
	v = eval(bl, &(struct ev){ F("nodigest"), .rule = FIM_RULE_CONTENT,
				   .content = "abc" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "content rule: ERROR nodigest");
	v = eval(bl, &(struct ev){ F("nodigest"),
				   .rule = FIM_RULE_APPEND_ONLY,
				   .content = "abcdef" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "append-only grown: ERROR nodigest");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_SIZE,
		"append-only shrunk, no digest: size", F("nodigest"),
		.rule = FIM_RULE_APPEND_ONLY, .content = "ab");
	v = eval(bl, &(struct ev){ F("cksum"), .content = "hello" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "cksum only: ERROR nodigest");
	v = eval(bl, &(struct ev){ F("untyped"), .mode = r644,
				   .content = "hello" });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "no type, no digest, a regular file: ERROR nodigest");
	VERDICT(bl, FIM_MISMATCH, FIM_DIFF_MODE,
		"no digest but the mode differs: MISMATCH mode", F("untyped"),
		.mode = S_IFREG | 0600, .content = "hello");
	v = eval(bl, &(struct ev){ F("only384"), .content = "hello",
				   .checkable = FIM_ALG_ALL &
						~(1u << FIM_SHA384) });
	ok(v.status == FIM_ERROR && v.err == FIM_ERR_NODIGEST,
	   "only an algorithm this host lacks: ERROR nodigest");
	VERDICT(bl, FIM_OK, 0, "symlink, no digest: OK as before", F("link"),
		.mode = S_IFLNK | 0777, .link = "target");
	VERDICT(bl, FIM_IGNORED, 0, "ignore rule: IGNORED", F("nodigest"),
		.rule = FIM_RULE_IGNORE, .content = "abc");

	is_int(fim_verdict_extra(bl, "only512", FIM_RULE_EXACT,
				 1u << FIM_SHA256, FIM_ALG_ALL),
	       1u << FIM_SHA512, "extra: the entry's sha512");
	is_int(fim_verdict_extra(bl, "only384", FIM_RULE_CONTENT,
				 1u << FIM_SHA256, FIM_ALG_ALL),
	       1u << FIM_SHA384, "extra: the entry's sha384");
	is_int(fim_verdict_extra(bl, "f", FIM_RULE_EXACT, 1u << FIM_SHA256,
				 FIM_ALG_ALL),
	       0, "extra: none when sha256 is listed and configured");
	is_int(fim_verdict_extra(bl, "f", FIM_RULE_EXACT, 1u << FIM_MD5,
				 FIM_ALG_ALL),
	       1u << FIM_SHA256, "extra: sha256 when only md5 is configured");
	is_int(fim_verdict_extra(bl, "only384", FIM_RULE_EXACT,
				 1u << FIM_SHA256,
				 FIM_ALG_ALL & ~(1u << FIM_SHA384)),
	       0, "extra: none that cannot be computed");
	is_int(fim_verdict_extra(bl, "nodigest", FIM_RULE_EXACT,
				 1u << FIM_SHA256, FIM_ALG_ALL),
	       0, "extra: none without digests");
	is_int(fim_verdict_extra(bl, "only512", FIM_RULE_IGNORE,
				 1u << FIM_SHA256, FIM_ALG_ALL),
	       0, "extra: none under ignore");
	fim_baseline_unref(bl);
}

/* The entry's own algorithm computed besides the configured one: the
 * verdict is judged by it. */
static void test_extra_alg(void)
{
	struct fim_baseline *bl = load2();
	struct fim_stat st = { .mode = S_IFREG | 0644, .size = 5 };
	struct fim_digest_engine *e = NULL;
	struct fim_digest_set ds;
	struct fim_verdict v;
	struct fim_eval_in in = { .bl = bl, .bpath = "only384",
				  .rule = FIM_RULE_EXACT, .alg = FIM_SHA256,
				  .st = &st, .digests = &ds,
				  .checkable = FIM_ALG_ALL };

	if (!bl || fim_digest_engine_new(1u << FIM_SHA256 | 1u << FIM_SHA384,
					 &e))
		return;
	fim_digest_buf(e, "hello", 5, &ds);
	fim_verdict_eval(&in, &v);
	ok(v.status == FIM_OK, "only sha384 listed, computed: OK");
	fim_digest_buf(e, "hellO", 5, &ds);
	fim_verdict_eval(&in, &v);
	ok(v.status == FIM_MISMATCH && v.differs == FIM_DIFF_CONTENT,
	   "only sha384 listed, tampered: MISMATCH content");
	fim_digest_engine_free(e);
	fim_baseline_unref(bl);
}

static void test_unsupported_alg(void)
{
	struct fim_digest_engine *e256 = NULL;
	struct fim_baseline *bl = load2();
	struct fim_stat st = { .mode = S_IFREG | 0644, .size = 5 };
	struct fim_digest_set ds;
	struct fim_verdict v;
	struct fim_eval_in in = { .bl = bl, .bpath = "only512",
				  .rule = FIM_RULE_EXACT, .alg = FIM_SHA256,
				  .st = &st, .digests = &ds,
				  .checkable = FIM_ALG_ALL };

	if (!bl || fim_digest_engine_new(1u << FIM_SHA256, &e256))
		return;
	fim_digest_buf(e256, "hello", 5, &ds);
	fim_verdict_eval(&in, &v);
	ok(v.status == FIM_ERROR && v.err == ENOTSUP,
	   "only sha512 listed, only sha256 computed: ERROR ENOTSUP");
	fim_digest_engine_free(e256);
	fim_baseline_unref(bl);
}

/* Entries a report judges without hashing: other types, failures, absent
 * entries and hidden ones. */
static void test_report_verdicts(void)
{
	char text[1024], *m[] = { (char *)p("m3") };
	struct fim_baseline *bl = NULL;
	struct fim_stat dirst = { .mode = S_IFDIR | 0755 },
			lnk = { .mode = S_IFLNK | 0777 },
			fifo = { .mode = S_IFIFO | 0600 };
	struct fim_eval_in in = { .rule = FIM_RULE_EXACT, .alg = FIM_SHA256,
				  .checkable = FIM_ALG_ALL };
	struct fim_verdict v;

	snprintf(text, sizeof(text),
		 "#mtree\n. type=dir mode=0755\n./d type=dir mode=0700\n"
		 "./l type=link link=t\n./untyped mode=0600\n"
		 "./opt type=file optional\n./gone type=file sha256digest=%s\n",
		 hex_of("hello", FIM_SHA256));
	write_file(p("m3"), text);
	fim_sign_file(sk, p("m3"), err, sizeof(err));
	if (fim_baseline_load(m, 1, p("p.pem"), &bl, err, sizeof(err))) {
		printf("# load: %s\n", err);
		ok(0, "report manifest loads");
		return;
	}
	in.bl = bl;

	in.bpath = "d", in.st = &dirst;
	ok(!fim_verdict_eval_other(&in, &v),
	   "directory of the listed type, other mode: not judged");
	in.bpath = "l", in.st = &dirst;
	ok(fim_verdict_eval_other(&in, &v) && v.status == FIM_MISMATCH &&
	   v.differs == FIM_DIFF_TYPE && v.rule == FIM_RULE_EXACT,
	   "directory where a symlink was: MISMATCH (type)");
	in.bpath = "l", in.st = &lnk;
	ok(!fim_verdict_eval_other(&in, &v), "symlink as listed: not judged");
	in.bpath = "untyped", in.st = &fifo;
	ok(!fim_verdict_eval_other(&in, &v),
	   "entry listed without a type: not judged");
	in.bpath = "new", in.st = &fifo;
	ok(!fim_verdict_eval_other(&in, &v), "unlisted FIFO: not judged");
	in.bpath = "", in.st = &fifo;
	ok(!fim_verdict_eval_other(&in, &v), "the root: not judged");
	in.bpath = "d", in.st = NULL, in.err = EACCES;
	ok(fim_verdict_eval_other(&in, &v) && v.status == FIM_ERROR &&
	   v.err == EACCES, "unreadable directory: ERROR EACCES");
	in.rule = FIM_RULE_IGNORE;
	ok(!fim_verdict_eval_other(&in, &v), "ignored: not judged, even if "
	   "unreadable");
	in.rule = FIM_RULE_CONTENT, in.st = &dirst, in.err = 0, in.bpath = "l";
	ok(fim_verdict_eval_other(&in, &v) && v.status == FIM_MISMATCH &&
	   v.rule == FIM_RULE_CONTENT, "type differs under every rule but "
	   "ignore");

	in.rule = FIM_RULE_EXACT, in.st = NULL;
	in.bpath = "gone";
	ok(fim_verdict_missing(&in, &v) && v.status == FIM_MISSING &&
	   v.have_expected && !v.have_actual,
	   "absent file: MISSING with its listed digest");
	in.bpath = "l";
	ok(fim_verdict_missing(&in, &v) && v.status == FIM_MISSING &&
	   !v.have_expected, "absent symlink: MISSING, no digest");
	in.bpath = "opt";
	ok(!fim_verdict_missing(&in, &v), "optional entry: no finding");
	in.bpath = ".";
	ok(!fim_verdict_missing(&in, &v), "the root: no finding");
	in.bpath = "gone", in.rule = FIM_RULE_IGNORE;
	ok(!fim_verdict_missing(&in, &v), "ignored entry: no finding");

	in.rule = FIM_RULE_APPEND_ONLY;
	fim_verdict_shadowed(&in, &v);
	ok(v.status == FIM_SHADOWED && v.rule == FIM_RULE_APPEND_ONLY &&
	   v.alg == FIM_SHA256, "hidden entry: SHADOWED under its rule");
	fim_baseline_unref(bl);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	if (fim_digest_engine_new(1u << FIM_SHA256 | 1u << FIM_SHA512 |
				  1u << FIM_SHA384, &eng) ||
	    fim_keygen(p("s.pem"), p("p.pem"), err, sizeof(err)) ||
	    fim_seckey_load(p("s.pem"), &sk, err, sizeof(err))) {
		printf("# setup: %s\n", err);
		return 1;
	}
	make_manifests();
	test_load();
	test_verdicts();
	test_nodigest();
	test_extra_alg();
	test_unsupported_alg();
	test_report_verdicts();
	fim_seckey_free(sk);
	fim_digest_engine_free(eng);
	rm_rf(dir);
	return tap_done();
}
