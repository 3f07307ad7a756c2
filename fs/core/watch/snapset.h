/* Which snapshots are new: the snapshots a watcher knows, by identity.
 *
 * A snapshot is known by its identity (fim_view_snap_id): a snapshot
 * renamed in place keeps it and is not verified again, one replaced under
 * the same name (a rotation) has a new one and is. Each listing of the root
 * updates the set: identities not listed any more are forgotten (the
 * snapshot was deleted), new ones are added as pending. At the first
 * listing every snapshot present is pending: a watcher verifies what it
 * finds at mount too. The newest pending snapshot (by its time) is
 * verified first, so that one that just appeared does not wait behind a
 * backlog. Not thread-safe: one watcher thread owns it.
 */
#ifndef FIM_SNAPSET_H
#define FIM_SNAPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fim_snap {
	char *name;
	uint64_t id;
	int64_t time_ns; /* the snapshot directory's ctime */
	bool done;       /* verified (or given up on) */
	bool seen;       /* scratch of fim_snapset_update */
};

struct fim_snapset {
	struct fim_snap *v;
	size_t n, cap;
};

/* One snapshot of a listing. */
struct fim_snap_seen {
	const char *name;
	uint64_t id;
	int64_t time_ns;
};

/* Replace what the set knows by one listing of n snapshots. Returns the
 * number of snapshots added (0 or more), or -ENOMEM (the set is then
 * unchanged but for names of known ones). */
int fim_snapset_update(struct fim_snapset *s, const struct fim_snap_seen *seen,
		       size_t n);

/* The newest snapshot not done (ties: the greater name), or NULL. Valid
 * until the next update. */
struct fim_snap *fim_snapset_next(struct fim_snapset *s);

/* Mark every known snapshot pending again (a new baseline). */
void fim_snapset_redo(struct fim_snapset *s);

/* Snapshots known and done. */
size_t fim_snapset_done_count(const struct fim_snapset *s);

void fim_snapset_free(struct fim_snapset *s);

#endif
