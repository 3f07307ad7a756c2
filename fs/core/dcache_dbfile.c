/* The digest cache's database file: create it with safe permissions, check
 * that it is ours and sound before trusting it, and move a damaged or
 * foreign one aside.
 *
 * Only an answer that proves damage (not an SQLite file, SQLITE_CORRUPT, a
 * failed quick_check, another application_id or schema) moves a file aside;
 * a busy or unreadable file is an error, so that a cache in use by another
 * process is never taken for a damaged one.
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

/* Create the file 0600 (tighten an existing one we own) and look at its
 * header: *damaged is set when it cannot be an SQLite database. */
static int create_file(const char *path, bool *damaged, char *err,
		       size_t errsz)
{
	static const char magic[16] = "SQLite format 3";
	char hdr[16];
	struct stat st;
	bool created = true;
	int fd, ret = 0;

	*damaged = false;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
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
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		SETERR("%s: not a regular file", path);
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
	     memcmp(hdr, magic, sizeof(magic))))
		*damaged = true;
out:
	close(fd);
	return ret;
}

static int rename_side(const char *from, const char *to, const char *suffix)
{
	char a[4096], b[4096];

	snprintf(a, sizeof(a), "%s%s", from, suffix);
	snprintf(b, sizeof(b), "%s%s", to, suffix);
	if (rename(a, b) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* PATH -> PATH.corrupt-<unix time> (with a counter when that exists), its
 * WAL and rollback journal with it; the -shm index is only derived data. */
static int move_aside(const char *path, const char *why, char *err,
		      size_t errsz)
{
	char dst[4096];
	long long now = (long long)time(NULL);
	int ret;

	for (int i = 0;; i++) {
		if (i == 0)
			snprintf(dst, sizeof(dst), "%s.corrupt-%lld", path, now);
		else
			snprintf(dst, sizeof(dst), "%s.corrupt-%lld.%d", path,
				 now, i);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
			break;
		if (errno == EEXIST && i < 100)
			continue;
		ret = -errno;
		SETERR("%s: %s; cannot move it aside: %s", path, why,
		       strerror(-ret));
		return ret;
	}
	rename_side(path, dst, "-wal");
	rename_side(path, dst, "-journal");
	remove_side(path, "-shm");
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

/* Is this our database, sound and of our schema? Returns an SQLite code;
 * with SQLITE_OK, *state says fresh (empty), ok or damaged (why says how). */
static int check_db(sqlite3 *db, int *state, char *why, size_t whysz)
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
	if (ver != FIM_DCDB_VERSION) {
		WHY("unknown schema version %lld", (long long)ver);
		return SQLITE_OK;
	}
	rc = query_text(db, "PRAGMA quick_check(1)", qc, sizeof(qc));
	if (rc == SQLITE_OK && strcmp(qc, "ok")) {
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

/* WAL (persistent in the file) and the id of this source. */
static int prepare_use(sqlite3 *db, const char *source_id, int64_t *sid,
		       char *why, size_t whysz)
{
	char mode[16] = "";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = query_text(db, "PRAGMA journal_mode=WAL", mode, sizeof(mode));
	if (rc == SQLITE_OK && strcmp(mode, "wal")) {
		/* e.g. a network file system without shared memory */
		WHY("cannot use WAL mode (journal_mode is %s)", mode);
		return SQLITE_IOERR;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
			"INSERT INTO source(name) VALUES(?1) ON CONFLICT(name)"
			" DO UPDATE SET name=name RETURNING sid", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, source_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*sid = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		WHY("%s", sqlite3_errmsg(db));
	return rc;
}

/* One round: SQLITE_OK with *state, or an SQLite error (why filled). */
static int open_and_check(const char *path, sqlite3 **db, int *state,
			  char *why, size_t whysz)
{
	int rc = fim_dcdb_connect(path, false, db);

	if (rc != SQLITE_OK) {
		WHY("%s", sqlite3_errstr(rc));
		return rc;
	}
	rc = check_db(*db, state, why, whysz);
	if (rc == SQLITE_OK && *state == CHECK_FRESH) {
		rc = create_schema(*db);
		if (rc == SQLITE_OK)
			rc = check_db(*db, state, why, whysz);
		else
			WHY("cannot create the schema (%s)", sqlite3_errmsg(*db));
	}
	if (fim_dcdb_is_damage(rc)) {
		*state = CHECK_DAMAGED;
		rc = SQLITE_OK;
	}
	return rc;
}

int fim_dcdb_init_file(const char *path, const char *source_id, int64_t *sid,
		       char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	char why[512];
	bool damaged;
	int state = CHECK_DAMAGED, rc, ret;

	ret = make_parents(path, err, errsz);
	for (int attempt = 0; ret == 0; attempt++) {
		ret = create_file(path, &damaged, err, errsz);
		if (ret < 0)
			break;
		snprintf(why, sizeof(why), "not an SQLite database");
		state = CHECK_DAMAGED;
		rc = damaged ? SQLITE_OK :
			       open_and_check(path, &db, &state, why, sizeof(why));
		if (rc != SQLITE_OK) {
			SETERR("%s: %s", path, why);
			ret = fim_dcdb_errno(rc);
			break;
		}
		if (state == CHECK_OK)
			break;
		sqlite3_close(db);
		db = NULL;
		if (attempt > 0) {
			SETERR("%s: a new cache fails its check: %s", path, why);
			ret = -EIO;
			break;
		}
		ret = move_aside(path, why, err, errsz);
	}
	if (ret == 0) {
		rc = prepare_use(db, source_id, sid, why, sizeof(why));
		if (rc != SQLITE_OK) {
			SETERR("%s: %s", path, why);
			ret = fim_dcdb_errno(rc);
		}
	}
	sqlite3_close(db);
	return ret;
}
