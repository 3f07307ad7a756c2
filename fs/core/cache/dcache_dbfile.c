/* The digest cache's database file: create it with safe permissions, check
 * that it is ours and sound before trusting it, and move a damaged or
 * foreign one aside.
 *
 * Only an answer that proves damage (not an SQLite file, SQLITE_CORRUPT, a
 * failed quick_check, another application_id or schema, a file SQLite would
 * not have made) moves a file aside; a busy or unreadable file is an error,
 * so that a cache in use by another process is never taken for a damaged
 * one.
 *
 * quick_check reads every page (about a second for 400k entries), so it runs
 * only when the file was not closed cleanly: a last connection that closes
 * checkpoints and deletes the write-ahead log, so a non-empty -wal (or a
 * -journal) means a crash or another process at work. A clean file needs
 * no more: a row is used only when its MAC verifies, SQLite reports the
 * damage it meets as SQLITE_CORRUPT, and a cache found damaged in use is
 * marked so that the next open moves it aside (dcache_db.c).
 *
 * The directory may be writable by the run_as account, and this runs as
 * root: nothing here follows a symlink or opens anything but a regular
 * file (renames and unlinks act on the name itself), and SQLite's own opens
 * are held to the same (dcache_vfs.c).
 */
#include "dcache_int.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum { CHECK_OK, CHECK_FRESH, CHECK_DAMAGED };

static const char *const sides[] = { "-wal", "-shm", "-journal" };
#define NSIDES (sizeof(sides) / sizeof(*sides))

#define SETERR(...) snprintf(err, errsz, __VA_ARGS__)

/* mkdir -p of the file's missing parents, each 0700 whatever the umask. */
static int make_parents(const char *path, char *err, size_t errsz)
{
	char failed[4096];
	int ret = fim_mkdir_parents(path, failed, sizeof(failed));

	if (ret)
		SETERR("%s: %s", ret == -ENOMEM ? path : failed,
		       strerror(-ret));
	return ret;
}

static void remove_side(const char *path, const char *suffix)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", path, suffix);
	unlink(buf);
}

static const char *kind_of(mode_t mode)
{
	return S_ISLNK(mode) ? "a symbolic link" :
	       S_ISDIR(mode) ? "a directory" : "not a regular file";
}

/* Are the database and its side files what SQLite would have made? A side
 * file belongs to the database's owner: SQLite run by root gives them to
 * it. *damaged set with why when not; *unclean when a side file holds
 * something (the file was not closed cleanly, or is open elsewhere). */
static int inspect(const char *path, bool *damaged, bool *unclean, char *why,
		   size_t whysz)
{
	char side[4096];
	struct stat db, st;

	*damaged = false;
	*unclean = false;
	if (lstat(path, &db) < 0) {
		if (errno != ENOENT)
			return -errno;
		db.st_uid = geteuid(); /* a new one will be ours */
	} else if (!S_ISREG(db.st_mode) || db.st_nlink != 1) {
		*damaged = true;
		snprintf(why, whysz, "%s", S_ISREG(db.st_mode) ?
			 "the file has more than one link" :
			 kind_of(db.st_mode));
		return 0;
	}
	for (size_t i = 0; i < NSIDES; i++) {
		snprintf(side, sizeof(side), "%s%s", path, sides[i]);
		if (lstat(side, &st) < 0) {
			if (errno != ENOENT)
				return -errno;
			continue;
		}
		if (S_ISREG(st.st_mode) && st.st_nlink == 1 &&
		    st.st_uid == db.st_uid) {
			/* -shm is only an index of the -wal */
			if (strcmp(sides[i], "-shm") && st.st_size > 0)
				*unclean = true;
			continue;
		}
		*damaged = true;
		if (!S_ISREG(st.st_mode))
			snprintf(why, whysz, "its %s file is %s", sides[i],
				 kind_of(st.st_mode));
		else if (st.st_nlink != 1)
			snprintf(why, whysz, "its %s file has more than one "
				 "link", sides[i]);
		else
			snprintf(why, whysz, "its %s file belongs to uid %u, "
				 "the database to uid %u", sides[i],
				 (unsigned)st.st_uid, (unsigned)db.st_uid);
		return 0;
	}
	return 0;
}

/* Create the file 0600 (tighten an existing one we own) and look at its
 * header: *damaged is set (why filled) when it cannot be an SQLite
 * database or is not a plain file (swapped in since inspect()). */
static int create_file(const char *path, bool *damaged, char *why,
		       size_t whysz, char *err, size_t errsz)
{
	static const char magic[16] = "SQLite format 3";
	const int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	char hdr[16];
	struct stat st;
	bool created = true;
	int fd, ret = 0;

	*damaged = false;
	fd = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(path, flags);
	}
	if (fd < 0 && (errno == ELOOP || errno == EISDIR || errno == ENXIO)) {
		*damaged = true;
		snprintf(why, whysz, "not a regular file");
		return 0;
	}
	if (fd < 0) {
		ret = -errno;
		SETERR("%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		SETERR("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		*damaged = true;
		snprintf(why, whysz, "%s", S_ISREG(st.st_mode) ?
			 "the file has more than one link" :
			 kind_of(st.st_mode));
		goto out;
	}
	if ((st.st_mode & 07777) != 0600 && st.st_uid == geteuid() &&
	    fchmod(fd, 0600) < 0) {
		ret = -errno;
		SETERR("%s: chmod: %s", path, strerror(errno));
		goto out;
	}
	if (created) {
		/* Leftovers of a deleted cache would be replayed into it. */
		remove_side(path, "-wal");
		remove_side(path, "-shm");
	}
	if (st.st_size > 0 &&
	    (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	     memcmp(hdr, magic, sizeof(magic)))) {
		*damaged = true;
		snprintf(why, whysz, "not an SQLite database");
	}
out:
	close(fd);
	return ret;
}

/* PATH -> PATH.corrupt-<unix time> (with a counter when that exists), its
 * side files with it, whatever they are: rename() moves a symlink, never
 * what it points to. */
static int move_aside(const char *path, const char *why, char *err,
		      size_t errsz)
{
	char dst[4096], a[4096], b[4096];
	long long now = (long long)time(NULL);
	struct stat st;
	bool taken = true;
	int i, ret;

	for (i = 0; taken && i < 100; i++) {
		if (i == 0)
			snprintf(dst, sizeof(dst), "%s.corrupt-%lld", path, now);
		else
			snprintf(dst, sizeof(dst), "%s.corrupt-%lld.%d", path,
				 now, i);
		taken = lstat(dst, &st) == 0;
		for (size_t s = 0; !taken && s < NSIDES; s++) {
			snprintf(b, sizeof(b), "%s%s", dst, sides[s]);
			taken = lstat(b, &st) == 0;
		}
	}
	if (renameat2(AT_FDCWD, path, AT_FDCWD, dst, RENAME_NOREPLACE) < 0 &&
	    errno != ENOENT) {
		ret = -errno;
		SETERR("%s: %s; cannot move it aside: %s", path, why,
		       strerror(-ret));
		return ret;
	}
	for (size_t s = 0; s < NSIDES; s++) {
		snprintf(a, sizeof(a), "%s%s", path, sides[s]);
		snprintf(b, sizeof(b), "%s%s", dst, sides[s]);
		if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE) < 0 &&
		    errno != ENOENT) {
			ret = -errno;
			SETERR("%s: %s; cannot move it aside: %s", a, why,
			       strerror(-ret));
			return ret;
		}
	}
	fim_log(LOG_WARNING,
		"digest cache %s: %s; moved aside to %s, starting a new one",
		path, why, dst);
	return 0;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *val)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*val = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int query_text(sqlite3 *db, const char *sql, char *buf, size_t sz)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			snprintf(buf, sz, "%s", t ? (const char *)t : "");
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every statement the cache uses must compile against the file's schema. */
static int check_schema(sqlite3 *db)
{
	char *sql[3] = { fim_dcdb_sql_lookup(false), fim_dcdb_sql_lookup(true),
			 fim_dcdb_sql_upsert() };
	int rc = SQLITE_OK;

	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *st = NULL;

		if (!sql[i]) {
			rc = SQLITE_NOMEM;
			continue;
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_prepare_v2(db, sql[i], -1, &st, NULL);
		sqlite3_finalize(st);
		free(sql[i]);
	}
	return rc;
}

#define WHY(...) snprintf(why, whysz, __VA_ARGS__)

/* Is this our database, sound (quick_check when thorough) and of our
 * schema? Returns an SQLite code; with SQLITE_OK, *state says fresh (empty),
 * ok or damaged (why says how). */
static int check_db(sqlite3 *db, bool thorough, int *state, char *why,
		    size_t whysz)
{
	int64_t app = 0, ver = 0, nobj = 0, nidx = 0;
	char qc[256] = "";
	int rc;

	*state = CHECK_DAMAGED;
	rc = query_int(db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = query_int(db, "PRAGMA user_version", &ver);
	if (rc == SQLITE_OK)
		rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &nobj);
	if (rc != SQLITE_OK) {
		WHY("unreadable database (%s)", sqlite3_errmsg(db));
		return rc;
	}
	if (app == 0 && ver == 0 && nobj == 0) {
		*state = CHECK_FRESH;
		return SQLITE_OK;
	}
	if (app != FIM_DCDB_APP_ID) {
		WHY("foreign database (application_id 0x%llx)",
		    (unsigned long long)app);
		return SQLITE_OK;
	}
	if (ver == FIM_DCDB_DAMAGED) {
		WHY("found damaged while in use");
		return SQLITE_OK;
	}
	if (ver > 0 && ver < FIM_DCDB_VERSION) {
		WHY("written by an older fimfs (schema %lld, entries not "
		    "authenticated)", (long long)ver);
		return SQLITE_OK;
	}
	if (ver != FIM_DCDB_VERSION) {
		WHY("unknown schema version %lld", (long long)ver);
		return SQLITE_OK;
	}
	if (thorough)
		rc = query_text(db, "PRAGMA quick_check(1)", qc, sizeof(qc));
	if (thorough && rc == SQLITE_OK && strcmp(qc, "ok")) {
		WHY("quick_check: %s", qc);
		return SQLITE_OK;
	}
	if (rc == SQLITE_OK)
		rc = query_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
				   "type='index' AND name='entry_reuse'", &nidx);
	if (rc == SQLITE_OK)
		rc = check_schema(db);
	if (rc == SQLITE_ERROR || (rc == SQLITE_OK && nidx != 1)) {
		WHY("unexpected schema");
		return SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		WHY("unreadable database (%s)", sqlite3_errmsg(db));
		return rc;
	}
	*state = CHECK_OK;
	return SQLITE_OK;
}

static int create_schema(sqlite3 *db)
{
	char *sql = fim_dcdb_sql_schema();
	int rc = SQLITE_NOMEM;

	if (sql)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(sql);
	return rc;
}

/* The sid that sql (one parameter: the name) returns: SQLITE_OK, or
 * SQLITE_DONE when it returns none, or an error. */
static int source_sid(sqlite3 *db, const char *sql, const char *source_id,
		      int64_t *sid)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, source_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*sid = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* WAL (persistent in the file) and the id of this source. */
static int prepare_use(sqlite3 *db, const char *source_id, int64_t *sid,
		       char *why, size_t whysz)
{
	char mode[16] = "";
	int rc;

	rc = query_text(db, "PRAGMA journal_mode=WAL", mode, sizeof(mode));
	if (rc == SQLITE_OK && strcmp(mode, "wal")) {
		/* e.g. a network file system without shared memory */
		WHY("cannot use WAL mode (journal_mode is %s)", mode);
		return SQLITE_IOERR;
	}
	/* A source seen before costs a read, not a write transaction (and
	 * its syncs) at every start of fimfsctl. */
	if (rc == SQLITE_OK)
		rc = source_sid(db, "SELECT sid FROM source WHERE name=?1",
				source_id, sid);
	if (rc == SQLITE_DONE)
		rc = source_sid(db, "INSERT INTO source(name) VALUES(?1) "
				"ON CONFLICT(name) DO UPDATE SET name=name "
				"RETURNING sid", source_id, sid);
	if (rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_OK)
		WHY("%s", sqlite3_errmsg(db));
	return rc;
}

/* One round: SQLITE_OK with *state, or an SQLite error (why filled). */
static int open_and_check(const char *path, bool thorough, sqlite3 **db,
			  int *state, char *why, size_t whysz)
{
	int rc = fim_dcdb_connect(path, false, db);

	if (rc != SQLITE_OK) {
		/* The settings load the schema: damage may show already. */
		WHY("%s", sqlite3_errstr(rc));
		if (fim_dcdb_is_damage(rc)) {
			*state = CHECK_DAMAGED;
			rc = SQLITE_OK;
		}
		return rc;
	}
	rc = check_db(*db, thorough, state, why, whysz);
	if (rc == SQLITE_OK && *state == CHECK_FRESH) {
		rc = create_schema(*db);
		if (rc == SQLITE_OK)
			rc = check_db(*db, thorough, state, why, whysz);
		else
			WHY("cannot create the schema (%s)", sqlite3_errmsg(*db));
	}
	if (fim_dcdb_is_damage(rc)) {
		*state = CHECK_DAMAGED;
		rc = SQLITE_OK;
	}
	return rc;
}

/* One look at the file: SQLITE_OK with *state (and *sid when ok), or an
 * SQLite error with why filled. */
static int try_file(const char *path, const char *source_id, bool thorough,
		    int64_t *sid, int *state, char *why, size_t whysz)
{
	sqlite3 *db = NULL;
	int rc = open_and_check(path, thorough, &db, state, why, whysz);

	if (rc == SQLITE_OK && *state == CHECK_OK) {
		rc = prepare_use(db, source_id, sid, why, whysz);
		if (fim_dcdb_is_damage(rc)) {
			*state = CHECK_DAMAGED;
			rc = SQLITE_OK;
		}
	}
	sqlite3_close(db);
	return rc;
}

int fim_dcdb_init_file(const char *path, const char *source_id, int64_t *sid,
		       char *err, size_t errsz)
{
	char why[512];
	bool damaged, unclean;
	int state, rc, ret;

	if (fim_dcdb_vfs_init()) {
		SETERR("%s: SQLite's VFS cannot be made to refuse symlinks",
		       path);
		return -ENOSYS;
	}
	ret = make_parents(path, err, errsz);
	for (int attempt = 0; ret == 0; attempt++) {
		ret = inspect(path, &damaged, &unclean, why, sizeof(why));
		if (ret < 0) {
			SETERR("%s: %s", path, strerror(-ret));
			break;
		}
		if (!damaged)
			ret = create_file(path, &damaged, why, sizeof(why),
					  err, errsz);
		if (ret < 0)
			break;
		state = CHECK_DAMAGED;
		rc = damaged ? SQLITE_OK :
			       try_file(path, source_id, unclean, sid, &state,
					why, sizeof(why));
		if (rc != SQLITE_OK) {
			SETERR("%s: %s", path, why);
			ret = fim_dcdb_errno(rc);
			break;
		}
		if (state == CHECK_OK)
			break;
		if (attempt > 0) {
			SETERR("%s: a new cache fails its check: %s", path, why);
			ret = -EIO;
			break;
		}
		ret = move_aside(path, why, err, errsz);
	}
	return ret;
}
