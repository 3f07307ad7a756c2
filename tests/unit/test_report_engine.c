/* The report engine over a real directory: every entry judged and handed
 * to the callback with its attributes and digests (what a listing of a
 * snapshot needs), counted, with nothing kept by the engine; MISSING and a
 * changed type decided in the core; the root's own error returned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fileio.h"
#include "log.h"
#include "report.h"
#include "rm_rf.h"
#include "sign.h"
#include "tap.h"

static char dir[] = "/tmp/fim-test-report-XXXXXX";
static char err[1024];

/* Files of the test, relative to dir (the working directory). */
static void put(const char *path, const char *text)
{
	if (fim_file_create(path, text, strlen(text), 0644))
		printf("# %s: cannot write\n", path);
}

/* What the callback saw. */
struct seen {
	size_t entries, with_digests, with_st;
	char link_status[16], gone_status[16];
	unsigned link_differs;
};

static void on_entry(void *arg, const struct fim_report_entry *e)
{
	struct seen *s = arg;

	s->entries++;
	s->with_digests += e->digests &&
			   (e->digests->mask & (1u << FIM_SHA256));
	s->with_st += !!e->st;
	if (!strcmp(e->path, "sub/link")) {
		snprintf(s->link_status, sizeof(s->link_status), "%s",
			 fim_status_name(e->vd.status));
		s->link_differs = e->vd.differs;
	}
	if (!strcmp(e->path, "gone"))
		snprintf(s->gone_status, sizeof(s->gone_status), "%s%s",
			 fim_status_name(e->vd.status), e->st ? "+st" : "");
}

static void make_tree(void)
{
	struct fim_seckey *sk = NULL;

	mkdir("src", 0755);
	mkdir("src/sub", 0755);
	put("src/a", "hello");
	put("src/sub/b", "bee");
	put("src/new", "new");
	if (symlink("../a", "src/sub/link"))
		perror("symlink");
	/* a: the sha256 of "hello"; sub/b: a digest that is not "bee"'s */
	put("m.mtree", "#mtree\n. type=dir\n"
		   "./a type=file size=5 sha256digest="
		   "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n"
		   "./sub type=dir\n"
		   "./sub/b type=file size=3 sha256digest="
		   "2b0b3d0e5b5e5f8f7c1a3d3c5f0c6dd1b3e5c0aef5c6d1ac0e7c5e0f1d2c3b4a\n"
		   "./sub/link type=file size=1\n"
		   "./gone type=file size=1\n");
	if (fim_keygen("s.pem", "p.pem", err, sizeof(err)) ||
	    fim_seckey_load("s.pem", &sk, err, sizeof(err)) ||
	    fim_sign_file(sk, "m.mtree", err, sizeof(err)))
		printf("# setup: %s\n", err);
	fim_seckey_free(sk);
}

static int open_view(struct fim_config *cfg, struct fim_view **v)
{
	fim_config_init(cfg);
	cfg->layout = FIM_LAYOUT_TREE;
	if (fim_config_set_option(cfg, "cache=none", err, sizeof(err)) ||
	    fim_config_set_option(cfg, "manifest=m.mtree", err, sizeof(err)) ||
	    fim_config_set_option(cfg, "pubkey=p.pem", err, sizeof(err)) ||
	    fim_view_new(cfg, "src", v, err, sizeof(err)) ||
	    fim_view_load_baseline(*v, cfg, err, sizeof(err)) ||
	    fim_view_start(*v, err, sizeof(err)))
		return -1;
	return 0;
}

static void test_run(struct fim_view *v)
{
	struct fim_report_opts o = { .root = "", .inflight = 2 };
	struct fim_report_sum sum;
	struct seen s = { 0 };

	is_int(fim_report_run(v, &o, on_entry, &s, &sum), 0, "run");
	is_int(sum.counts[FIM_OK], 1, "a: OK");
	is_int(sum.counts[FIM_MISMATCH], 2,
	       "sub/b: content; sub/link: a link where a file was");
	is_int(sum.counts[FIM_UNLISTED], 1, "new: UNLISTED");
	is_int(sum.counts[FIM_MISSING], 1, "gone: MISSING");
	is_int(s.entries, 5, "each judged entry handed over once, no other");
	is_int(s.with_digests, 3, "every regular file with its digests");
	is_int(s.with_st, 4, "attributes of every entry found");
	is_str(s.link_status, "MISMATCH", "symlink judged in the core");
	ok(s.link_differs == FIM_DIFF_TYPE, "... by its type");
	is_str(s.gone_status, "MISSING", "absent: MISSING, no attributes");
	ok(fim_report_sum_bad(&sum), "findings");

	o.root = "no-such-dir";
	s = (struct seen){ 0 };
	is_int(fim_report_run(v, &o, on_entry, &s, &sum), -ENOENT,
	       "a root that is not there: its error");
	is_int(s.entries, 0, "nothing judged then");
}

/* The baseline's warning about entries without digests is expected. */
static void quiet(int prio, const char *msg, void *arg)
{
	(void)prio, (void)msg, (void)arg;
}

int main(void)
{
	struct fim_config cfg;
	struct fim_view *v = NULL;

	fim_log_set_sink(quiet, NULL);
	if (!mkdtemp(dir) || chdir(dir)) {
		perror(dir);
		return 1;
	}
	make_tree();
	if (open_view(&cfg, &v)) {
		printf("# view: %s\n", err);
		ok(0, "view");
	} else {
		test_run(v);
	}
	fim_view_free(v);
	fim_config_free(&cfg);
	if (!chdir("/"))
		rm_rf(dir);
	return tap_done();
}
