/* The document of a report over every snapshot (struct fim_report_doc):
 * written snapshot by snapshot into a file, it is one JSON document that
 * parses, with every snapshot's head, report or error, the timeline and
 * the total, whatever bytes the names hold; an output error is returned
 * by the call that met it and by every later one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "tap.h"

/* A name with a quote, a newline, valid UTF-8 and stray bytes. */
#define ODD_PATH "caf\xc3\xa9 \"x\"\x80\n"

static struct fim_snapshot snaps[] = {
	{ .name = (char *)"hourly.\"0\"\xff", .time_ns = 1700000000000000000,
	  .created = true },
	{ .name = (char *)"nightly.1", .time_ns = 1700003600000000000,
	  .err = -ENOENT },
};

static struct fim_report_entry entries[] = {
	{ .path = ODD_PATH, .type = FIM_FT_FILE,
	  .vd = { .status = FIM_MISMATCH, .rule = FIM_RULE_EXACT,
		  .have_actual = 1, .actual = { 0xab },
		  .have_expected = 1, .expected = { 0xcd },
		  .differs = FIM_DIFF_CONTENT | FIM_DIFF_MODE } },
	{ .path = "locked", .type = FIM_FT_FILE,
	  .vd = { .status = FIM_ERROR, .rule = FIM_RULE_CONTENT,
		  .err = EACCES } },
	{ .path = "ok.txt", .type = FIM_FT_FILE,
	  .vd = { .status = FIM_OK, .rule = FIM_RULE_EXACT,
		  .have_actual = 1, .have_expected = 1 } },
};

/* The whole document into f; returns the first error of a call. */
static int write_doc(FILE *f)
{
	struct fim_report_set set = { 0 };
	struct fim_report_sum sum = { .counts = {
		[FIM_OK] = 1, [FIM_MISMATCH] = 1, [FIM_ERROR] = 1 } };
	struct fim_report_set none = { 0 };
	struct fim_report_sum zero = { 0 };
	struct fim_report_doc doc;
	struct fim_timeline *tl = NULL;
	int ret = fim_timeline_new(2, &tl);

	for (size_t i = 0; !ret && i < 3; i++) {
		fim_report_set_add(&set, &entries[i]);
		ret = fim_timeline_note(tl, 0, entries[i].path,
					entries[i].vd.status);
	}
	if (!ret)
		ret = fim_report_doc_begin(&doc, f, true);
	if (!ret)
		ret = fim_report_doc_snapshot(&doc, &snaps[0], &set, &sum,
					      FIM_SHA256);
	if (!ret)
		ret = fim_report_doc_snapshot(&doc, &snaps[1], &none, &zero,
					      FIM_SHA256);
	if (!ret)
		ret = fim_report_doc_end(&doc, tl, snaps, sum.counts);
	fim_timeline_free(tl);
	fim_report_set_free(&set);
	return ret;
}

/* What python3's json module reads in path, dumped again (ASCII, keys in
 * the order read); NULL when it cannot parse it. */
static char *parsed(const char *path)
{
	char cmd[256], *out = calloc(1, 8192);
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "python3 -c 'import json, sys; "
		 "print(json.dumps(json.load(sys.stdin)))' <%s", path);
	p = popen(cmd, "r");
	if (!p || !out) {
		free(out);
		return NULL;
	}
	n = fread(out, 1, 8191, p);
	out[n] = 0;
	if (pclose(p)) {
		free(out);
		return NULL;
	}
	return out;
}

#define ZEROS "000000000000000000000000000000000000000000000000000000000000"

static void test_document(void)
{
	char path[] = "/tmp/fim-test-report-doc-XXXXXX", *raw = NULL, *got;
	size_t len = 0;
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w+");

	if (!ok(f, "temporary file"))
		return;
	is_int(write_doc(f), 0, "document written");
	fflush(f);
	rewind(f);
	getdelim(&raw, &len, 0, f);
	fclose(f);
	ok(raw && strstr(raw, "\"path\": \"caf\xc3\xa9 \\\"x\\\"\\\\x80\\n\""),
	   "raw: UTF-8 kept, quote and newline escaped, a stray byte \\\\xHH");
	ok(raw && !strcmp(raw + strlen(raw) - 3, "}}\n"),
	   "raw: the document ends with a newline");
	got = parsed(path);
	is_str(got,
	       "{\"snapshots\": ["
	       "{\"name\": \"hourly.\\\"0\\\"\\\\xff\", "
	       "\"time\": \"2023-11-14T22:13:20Z\", \"time_source\": \"created\", "
	       "\"report\": {\"summary\": {\"OK\": 1, \"MISMATCH\": 1, "
	       "\"UNLISTED\": 0, \"IGNORED\": 0, \"NOBASELINE\": 0, \"ERROR\": 1, "
	       "\"MISSING\": 0, \"SHADOWED\": 0}, \"files\": ["
	       "{\"path\": \"caf\\u00e9 \\\"x\\\"\\\\x80\\n\", "
	       "\"status\": \"MISMATCH\", \"rule\": \"exact\", "
	       "\"sha256\": \"ab00" ZEROS "\", "
	       "\"expected\": \"cd00" ZEROS "\", "
	       "\"differs\": [\"content\", \"mode\"]}, "
	       "{\"path\": \"locked\", \"status\": \"ERROR\", "
	       "\"rule\": \"content\", \"sha256\": null, \"expected\": null, "
	       "\"differs\": [], \"error\": \"EACCES\"}, "
	       "{\"path\": \"ok.txt\", \"status\": \"OK\", \"rule\": \"exact\", "
	       "\"sha256\": \"" ZEROS "0000\", \"expected\": \"" ZEROS "0000\", "
	       "\"differs\": []}]}}, "
	       "{\"name\": \"nightly.1\", \"time\": \"2023-11-14T23:13:20Z\", "
	       "\"time_source\": \"ctime\", \"error\": \"ENOENT\"}], "
	       "\"timeline\": ["
	       "{\"path\": \"caf\\u00e9 \\\"x\\\"\\\\x80\\n\", "
	       "\"first_seen\": \"hourly.\\\"0\\\"\\\\xff\", "
	       "\"last_seen\": \"hourly.\\\"0\\\"\\\\xff\", \"restored\": null, "
	       "\"missing\": [], \"runs\": [{\"status\": \"MISMATCH\", "
	       "\"from\": \"hourly.\\\"0\\\"\\\\xff\", "
	       "\"to\": \"hourly.\\\"0\\\"\\\\xff\"}]}, "
	       "{\"path\": \"locked\", "
	       "\"first_seen\": \"hourly.\\\"0\\\"\\\\xff\", "
	       "\"last_seen\": \"hourly.\\\"0\\\"\\\\xff\", \"restored\": null, "
	       "\"missing\": [], \"runs\": [{\"status\": \"ERROR\", "
	       "\"from\": \"hourly.\\\"0\\\"\\\\xff\", "
	       "\"to\": \"hourly.\\\"0\\\"\\\\xff\"}]}], "
	       "\"total\": {\"snapshots\": 2, \"OK\": 1, \"MISMATCH\": 1, "
	       "\"UNLISTED\": 0, \"IGNORED\": 0, \"NOBASELINE\": 0, \"ERROR\": 1, "
	       "\"MISSING\": 0, \"SHADOWED\": 0}}\n",
	       "parsed: every snapshot, the timeline, the total, names intact");
	free(got);
	free(raw);
	unlink(path);
}

/* A full disk: the call that meets the error returns it, and every later
 * call too. */
static void test_write_error(void)
{
	struct fim_report_set none = { 0 };
	struct fim_report_sum zero = { 0 };
	struct fim_report_doc doc;
	struct fim_timeline *tl = NULL;
	FILE *f = fopen("/dev/full", "w");

	if (!ok(f && !fim_timeline_new(1, &tl), "/dev/full, timeline"))
		return;
	setvbuf(f, NULL, _IONBF, 0);
	is_int(fim_report_doc_begin(&doc, f, true), -ENOSPC, "begin: -ENOSPC");
	is_int(fim_report_doc_snapshot(&doc, &snaps[1], &none, &zero,
				       FIM_SHA256), -ENOSPC,
	       "snapshot: -ENOSPC");
	is_int(fim_report_doc_end(&doc, tl, snaps, zero.counts),
	       -ENOSPC, "end: -ENOSPC");
	fim_timeline_free(tl);
	fclose(f);
}

int main(void)
{
	test_document();
	test_write_error();
	return tap_done();
}
