/* Reports over snapshots: their order (time, then name) and the tamper
 * timeline (first and last snapshot of a finding, where it is OK again,
 * runs of statuses), with its text and JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tap.h"

static void test_order(void)
{
	struct fim_snapshot s[] = {
		{ .name = (char *)"hourly.0", .time_ns = 300 },
		{ .name = (char *)"weekly.0", .time_ns = 100 },
		{ .name = (char *)"nightly.0", .time_ns = 200 },
		{ .name = (char *)"b", .time_ns = 200 },
		{ .name = (char *)"a", .time_ns = 200 },
	};

	fim_snapshots_sort(s, 5);
	is_str(s[0].name, "weekly.0", "oldest first, whatever its name");
	is_str(s[1].name, "a", "equal times: by name");
	is_str(s[2].name, "b", "equal times: by name (2)");
	is_str(s[3].name, "nightly.0", "equal times: by name (3)");
	is_str(s[4].name, "hourly.0", "newest last");
}

static const struct fim_snapshot snaps[] = {
	{ .name = (char *)"weekly.0" }, { .name = (char *)"nightly.1" },
	{ .name = (char *)"nightly.0" }, { .name = (char *)"hourly.5" },
	{ .name = (char *)"hourly.4" },
};

/* Each snapshot's entries, as a report hands them over. */
static struct fim_timeline *build(void)
{
	static const struct {
		size_t snap;
		const char *path;
		enum fim_status st;
	} notes[] = {
		{ 0, "db01.vmx", FIM_OK }, { 0, "ok.txt", FIM_OK },
		{ 0, "app.log", FIM_OK },
		{ 1, "db01.vmx", FIM_OK }, { 1, "ok.txt", FIM_OK },
		{ 1, "app.log", FIM_MISMATCH },
		{ 2, "db01.vmx", FIM_MISMATCH }, { 2, "ok.txt", FIM_OK },
		{ 2, "app.log", FIM_MISSING },
		{ 3, "db01.vmx", FIM_MISMATCH }, { 3, "ok.txt", FIM_IGNORED },
		{ 3, "app.log", FIM_MISSING }, { 3, "new file", FIM_UNLISTED },
		{ 4, "db01.vmx", FIM_OK }, { 4, "ok.txt", FIM_OK },
		{ 4, "app.log", FIM_OK }, { 4, "new file", FIM_UNLISTED },
	};
	struct fim_timeline *t = NULL;

	if (fim_timeline_new(5, &t))
		return NULL;
	for (size_t i = 0; i < sizeof(notes) / sizeof(*notes); i++)
		if (fim_timeline_note(t, notes[i].snap, notes[i].path,
				      notes[i].st))
			ok(0, "note");
	return t;
}

static char *render_of(struct fim_timeline *t, bool json,
		       const struct fim_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct fim_buf b = FIM_BUF_INIT;
	struct fim_json w;
	int ret;

	if (!f)
		return NULL;
	fim_json_init(&w, &b, true);
	if (json) {
		ret = fim_timeline_json(&w, f, NULL, t, s);
		if (!ret)
			ret = fim_json_finish(&w);
		if (!ret)
			ret = fim_json_flush(&w, f);
	} else {
		ret = fim_timeline_text(f, t, s);
	}
	ok(!ret, "render");
	fim_buf_free(&b);
	fclose(f);
	return buf;
}

static char *render(struct fim_timeline *t, bool json)
{
	return render_of(t, json, snaps);
}

static void test_timeline(void)
{
	struct fim_timeline *t = build();
	const struct fim_timeline_path *const *v;
	char *text, *json;
	size_t n = 0;

	if (!ok(t, "timeline made"))
		return;
	is_int(fim_timeline_snapshots(t), 5, "snapshot count");
	ok(!fim_timeline_paths(t, &v, &n), "paths");
	is_int(n, 3, "only paths that were a finding once");
	is_str(v[0]->path, "app.log", "sorted by path");
	is_int(v[0]->first, 1, "app.log: first seen in nightly.1");
	is_int(v[0]->last, 3, "app.log: last seen in hourly.5");
	is_int(v[0]->status[0], -1, "before the first finding: not kept");
	is_int(v[0]->status[4], FIM_OK, "after: OK kept");
	is_str(v[1]->path, "db01.vmx", "second path");
	is_int(v[1]->first, 2, "db01.vmx: first seen in nightly.0");
	is_int(v[1]->last, 3, "db01.vmx: last seen in hourly.5");
	is_str(v[2]->path, "new file", "third path");

	text = render(t, false);
	is_str(text,
	       "app.log: MISMATCH in nightly.1, MISSING from nightly.0 to "
	       "hourly.5, OK again in hourly.4\n"
	       "db01.vmx: MISMATCH from nightly.0 to hourly.5, OK again in "
	       "hourly.4\n"
	       "new\\040file: UNLISTED from hourly.5 to hourly.4\n",
	       "text: runs, restored, escaped names");
	json = render(t, true);
	ok(json && strstr(json, "{\"path\": \"db01.vmx\", \"first_seen\": "
			  "\"nightly.0\", \"last_seen\": \"hourly.5\", "
			  "\"restored\": \"hourly.4\", \"missing\": [], "
			  "\"runs\": [{\"status\": \"MISMATCH\", \"from\": "
			  "\"nightly.0\", \"to\": \"hourly.5\"}, {\"status\": "
			  "\"OK\", \"from\": \"hourly.4\", \"to\": "
			  "\"hourly.4\"}]}"), "JSON: db01.vmx");
	ok(json && strstr(json, "\"missing\": [\"nightly.0\", \"hourly.5\"]"),
	   "JSON: the snapshots where app.log is missing");
	ok(json && strstr(json, "\"path\": \"new file\", \"first_seen\": "
			  "\"hourly.5\", \"last_seen\": \"hourly.4\", "
			  "\"restored\": null"),
	   "JSON: still a finding in the newest: restored null");
	free(text);
	free(json);
	fim_timeline_free(t);
}

/* A finding that goes away by the path's absence, and comes back. */
static void test_gaps(void)
{
	struct fim_timeline *t = NULL;
	char *text;

	if (fim_timeline_new(5, &t))
		return;
	fim_timeline_note(t, 0, "x", FIM_UNLISTED);
	fim_timeline_note(t, 2, "x", FIM_OK);
	fim_timeline_note(t, 3, "x", FIM_MISMATCH);
	ok(fim_timeline_note(t, 5, "x", FIM_OK) < 0, "snapshot out of range");
	text = render(t, false);
	is_str(text, "x: UNLISTED in weekly.0, no finding in nightly.1, "
	       "MISMATCH in hourly.5, no finding in hourly.4\n",
	       "text: absent snapshots are no finding");
	free(text);
	fim_timeline_free(t);
}

/* Snapshots whose report failed are unknown: no run spans them as clean. */
static void test_unknown(void)
{
	struct fim_snapshot s[5];
	struct fim_timeline *t = NULL;
	char *text, *json;

	memcpy(s, snaps, sizeof(s));
	s[3].err = -ENOENT;
	if (fim_timeline_new(5, &t))
		return;
	fim_timeline_note(t, 1, "x", FIM_MISSING);
	fim_timeline_note(t, 2, "x", FIM_MISSING);
	fim_timeline_note(t, 4, "x", FIM_MISSING);
	fim_timeline_note(t, 2, "y", FIM_MISMATCH);
	fim_timeline_note(t, 4, "y", FIM_OK);
	text = render_of(t, false, s);
	is_str(text, "x: MISSING from nightly.1 to hourly.4\n"
	       "y: MISMATCH in nightly.0, OK again in hourly.4\n",
	       "text: a failed snapshot neither breaks nor ends a run");
	json = render_of(t, true, s);
	ok(json && strstr(json, "\"path\": \"y\", \"first_seen\": "
			  "\"nightly.0\", \"last_seen\": \"nightly.0\", "
			  "\"restored\": \"hourly.4\""),
	   "JSON: restored in the next snapshot that was reported");
	free(text);
	free(json);
	s[4].err = -EACCES;
	text = render_of(t, false, s);
	is_str(text, "x: MISSING from nightly.1 to nightly.0\n"
	       "y: MISMATCH in nightly.0\n",
	       "text: nothing said of the failed newest snapshots");
	free(text);
	fim_timeline_free(t);
}

int main(void)
{
	test_order();
	test_timeline();
	test_gaps();
	test_unknown();
	return tap_done();
}
