/* New-snapshot detection (snapset.h): everything found at the first
 * listing is due, newest first; a new snapshot is due, a known one is
 * not, even renamed; a rotation (same name, new identity) is due again;
 * deleted ones are forgotten; a new baseline makes all due. */
#include <string.h>

#include "snapset.h"
#include "tap.h"

#define SEC 1000000000LL

static const char *next_name(struct fim_snapset *s)
{
	struct fim_snap *sn = fim_snapset_next(s);

	return sn ? sn->name : "(none)";
}

/* Verify the next snapshot; its name. */
static const char *verify_next(struct fim_snapset *s)
{
	struct fim_snap *sn = fim_snapset_next(s);

	if (!sn)
		return "(none)";
	sn->done = true;
	return sn->name;
}

int main(void)
{
	struct fim_snapset s = { 0 };
	struct fim_snap_seen mount[] = {
		{ "hourly.1", 11, 1 * SEC },
		{ "hourly.0", 10, 2 * SEC },
		{ "nightly.0", 20, 0 },
	};
	struct fim_snap_seen later[] = {
		{ "hourly.2", 11, 1 * SEC },  /* renamed (NetApp keeps ids) */
		{ "hourly.1", 10, 2 * SEC },
		{ "hourly.0", 12, 3 * SEC },  /* new */
		/* nightly.0 deleted */
	};
	struct fim_snap_seen rotated[] = {
		{ "hourly.2", 11, 1 * SEC },
		{ "hourly.1", 10, 2 * SEC },
		{ "hourly.0", 13, 4 * SEC },  /* replaced under the same name */
	};
	struct fim_snap_seen tie[] = {
		{ "a", 1, 7 * SEC },
		{ "b", 2, 7 * SEC },
	};

	is_int(fim_snapset_update(&s, mount, 3), 3, "at mount, every snapshot is new");
	is_str(verify_next(&s), "hourly.0", "the newest first");
	is_str(verify_next(&s), "hourly.1", "then the next");
	is_str(verify_next(&s), "nightly.0", "then the oldest");
	is_str(next_name(&s), "(none)", "then nothing");
	is_int(fim_snapset_done_count(&s), 3, "all three done");

	is_int(fim_snapset_update(&s, mount, 3), 0, "the same listing again: nothing new");
	is_int(fim_snapset_update(&s, later, 3), 1, "one new snapshot");
	is_int(s.n, 3, "the deleted one is forgotten");
	is_int(fim_snapset_done_count(&s), 2, "renamed ones stay verified");
	is_str(verify_next(&s), "hourly.0", "the new one is due");
	is_str(next_name(&s), "(none)", "only it");

	is_int(fim_snapset_update(&s, rotated, 3), 1, "a rotation is a new snapshot");
	is_str(verify_next(&s), "hourly.0", "it is due");

	fim_snapset_redo(&s);
	is_int(fim_snapset_done_count(&s), 0, "a new baseline: everything is due");
	is_str(next_name(&s), "hourly.0", "newest first again");

	is_int(fim_snapset_update(&s, NULL, 0), 0, "an empty listing");
	is_int(s.n, 0, "forgets everything");
	is_int(fim_snapset_update(&s, tie, 2), 2, "two of the same time");
	is_str(next_name(&s), "b", "a tie goes to the greater name");
	fim_snapset_free(&s);
	return tap_done();
}
