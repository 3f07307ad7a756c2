/* The digest cache's SQL: the schema, the statements (one column per
 * algorithm, so a row is read in one B-tree step), per-connection settings
 * and the mapping of SQLite's result codes.
 */
#include "dcache_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per connection: SQLite's page cache and the mapped part of the file both
 * count in the daemon's RSS (mapped pages once per connection), so both stay
 * small; the B-tree's upper levels fit and a lookup still costs ~5 us. */
#define CACHE_KIB 2048
#define MMAP_BYTES (2 << 20)
#define WAL_LIMIT (64 << 20)
/* The writer inserts in file-arrival order, which is random across a big
 * tree: each page it keeps saves a pread later (~5 us on this VM). */
#define WRITER_CACHE_KIB 8192

int fim_dcdb_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return 0;
	case SQLITE_BUSY: case SQLITE_LOCKED: return -EBUSY;
	case SQLITE_NOMEM: return -ENOMEM;
	case SQLITE_READONLY: return -EROFS;
	case SQLITE_PERM: case SQLITE_AUTH: return -EACCES;
	case SQLITE_FULL: return -ENOSPC;
	case SQLITE_CANTOPEN: return -ENOENT;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: return -EBADMSG;
	default: return -EIO;
	}
}

bool fim_dcdb_is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static void colname(int alg, char *buf, size_t sz)
{
	char *p;

	snprintf(buf, sz, "d_%s", fim_alg_name(alg));
	for (p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

enum col_form { COL_LIST, COL_DEF, COL_SET };

/* Append a clause for every digest column. */
static void cols(char *buf, size_t sz, enum col_form form)
{
	char c[32];
	size_t n = strlen(buf);

	for (int a = 0; a < FIM_ALG_COUNT && n < sz; a++) {
		colname(a, c, sizeof(c));
		if (form == COL_LIST)
			n += (size_t)snprintf(buf + n, sz - n, ",%s", c);
		else if (form == COL_DEF)
			n += (size_t)snprintf(buf + n, sz - n, ", %s BLOB", c);
		else
			n += (size_t)snprintf(buf + n, sz - n,
					      ",%s=excluded.%s", c, c);
	}
}

#define SQL_MAX 4096

/* Columns as in enum FIM_DCDB_COL_*. */
char *fim_dcdb_sql_lookup(bool by_bpath)
{
	char *sql = calloc(1, SQL_MAX);

	if (!sql)
		return NULL;
	strcpy(sql, "SELECT path,bpath,mac");
	cols(sql, SQL_MAX, COL_LIST);
	snprintf(sql + strlen(sql), SQL_MAX - strlen(sql),
		 " FROM entry WHERE sid=?1 AND %s=?2 AND ino=?3 AND size=?4"
		 " AND mtime_ns=?5 AND ctime_ns=?6%s",
		 by_bpath ? "bpath" : "path", by_bpath ? " LIMIT 16" : "");
	return sql;
}

/* The whole row: the writer has merged the digests of the same file state
 * (dcache_writer.c), since the MAC covers them all. */
char *fim_dcdb_sql_upsert(void)
{
	char *sql = calloc(1, SQL_MAX);
	size_t n;

	if (!sql)
		return NULL;
	strcpy(sql, "INSERT INTO entry(sid,path,ino,size,mtime_ns,ctime_ns,"
		    "bpath,mac");
	cols(sql, SQL_MAX, COL_LIST);
	strcat(sql, ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8");
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		n = strlen(sql);
		snprintf(sql + n, SQL_MAX - n, ",?%d", 9 + a);
	}
	strcat(sql, ") ON CONFLICT(sid,path) DO UPDATE SET ino=excluded.ino,"
		    "size=excluded.size,mtime_ns=excluded.mtime_ns,"
		    "ctime_ns=excluded.ctime_ns,bpath=excluded.bpath,"
		    "mac=excluded.mac");
	cols(sql, SQL_MAX, COL_SET);
	return sql;
}

char *fim_dcdb_sql_schema(void)
{
	char *sql = calloc(1, SQL_MAX);

	if (!sql)
		return NULL;
	snprintf(sql, SQL_MAX,
		 "BEGIN IMMEDIATE;"
		 "CREATE TABLE IF NOT EXISTS source(sid INTEGER PRIMARY KEY,"
		 " name TEXT NOT NULL UNIQUE);"
		 "CREATE TABLE IF NOT EXISTS entry(sid INTEGER NOT NULL,"
		 " path TEXT NOT NULL, ino INTEGER NOT NULL,"
		 " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
		 " ctime_ns INTEGER NOT NULL, bpath TEXT, mac BLOB");
	cols(sql, SQL_MAX, COL_DEF);
	snprintf(sql + strlen(sql), SQL_MAX - strlen(sql),
		 ", PRIMARY KEY(sid, path)) WITHOUT ROWID;"
		 "CREATE INDEX IF NOT EXISTS entry_reuse ON entry(sid, bpath,"
		 " ino, size, mtime_ns, ctime_ns) WHERE bpath IS NOT NULL;"
		 "PRAGMA application_id=%d; PRAGMA user_version=%d; COMMIT;",
		 FIM_DCDB_APP_ID, FIM_DCDB_VERSION);
	return sql;
}

int fim_dcdb_connect(const char *path, bool writer, sqlite3 **out)
{
	char sql[256];
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(path, &db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
				     SQLITE_OPEN_NOFOLLOW,
			     NULL);
	if (rc != SQLITE_OK)
		goto out;
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, FIM_DCDB_BUSY_MS);
	snprintf(sql, sizeof(sql),
		 "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
		 "PRAGMA cache_size=-%d; PRAGMA mmap_size=%d;"
		 "PRAGMA journal_size_limit=%d;",
		 writer ? WRITER_CACHE_KIB : CACHE_KIB, MMAP_BYTES, WAL_LIMIT);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
out:
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return SQLITE_OK;
}
