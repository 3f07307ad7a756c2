/* Digest cache file: kill -9, damaged and foreign files, permissions. */
#include "dcache_test.h"

static void test_kill9(const char *db)
{
	struct fim_dkey k = key_of("killed", NULL, 33);
	struct fim_digest_set s = set_of(SHA256, 33), out;
	struct fim_dcache *dc;
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct fim_dcache *reader;

		dc = open_cache(db, "src", 0, false);
		if (!dc || fim_dcache_put(dc, &k, &s) != 0)
			_exit(1);
		/* a put returns before its commit: wait (on a loaded box, as
		 * long as it takes) until another reader of the file sees it */
		for (int i = 0; i < 1000; i++) {
			reader = open_cache(db, "src", 0, false);
			int seen = reader &&
				   !fim_dcache_get(reader, &k, SHA256, &out);
			fim_dcache_close(reader);
			if (seen)
				raise(SIGKILL);
			usleep(20 * 1000);
		}
		_exit(1);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	   "child killed with SIGKILL after a put");
	dc = open_cache(db, "src", 0, false);
	ok(dc && fim_dcache_get(dc, &k, SHA256, &out) == 0 &&
		   same_md(&out, &s, SHA256), "the put survived kill -9");
	fim_dcache_close(dc);
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* The cache file holds `bad`: it must be moved aside and a working cache
 * must take its place. */
static void check_rebuilt(const char *db, const char *what)
{
	struct fim_dkey k = key_of("after", NULL, 44);
	struct fim_digest_set s = set_of(SHA256, 44), out;
	struct fim_dcache *dc;
	int before = count_corrupt(db), warn = n_warn;
	char msg[256];

	dc = open_cache(db, "src", 0, false);
	snprintf(msg, sizeof(msg), "%s: open succeeds", what);
	ok(dc, msg);
	snprintf(msg, sizeof(msg), "%s: moved aside to .corrupt-*", what);
	is_int(count_corrupt(db), before + 1, msg);
	snprintf(msg, sizeof(msg), "%s: a warning is logged", what);
	is_int(n_warn, warn + 1, msg);
	if (!dc)
		return;
	fim_dcache_put(dc, &k, &s);
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	snprintf(msg, sizeof(msg), "%s: the new cache works and persists", what);
	ok(dc && fim_dcache_get(dc, &k, SHA256, &out) == 0, msg);
	fim_dcache_close(dc);
	is_int(count_corrupt(db), before + 1, "the new cache is not moved");
}

static void make_foreign(const char *db, int app_id, int version,
			 const char *sql)
{
	sqlite3 *s = NULL;
	char buf[512];

	unlink(db);
	sqlite3_open(db, &s);
	snprintf(buf, sizeof(buf),
		 "PRAGMA application_id=%d; PRAGMA user_version=%d; %s",
		 app_id, version, sql);
	sqlite3_exec(s, buf, NULL, NULL, NULL);
	sqlite3_close(s);
}

static void test_damaged_files(void)
{
	const char *db = path_in("bad.db");
	unsigned char junk[65536];
	char pat[600];
	glob_t g;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(rand() >> 7);
	write_file(db, junk, sizeof(junk));
	check_rebuilt(db, "random bytes");
	snprintf(pat, sizeof(pat), "%s.corrupt-*", db);
	if (glob(pat, 0, NULL, &g) == 0) {
		struct stat st;

		ok(stat(g.gl_pathv[0], &st) == 0 && st.st_size == sizeof(junk),
		   "the damaged file is kept intact");
		globfree(&g);
	}
	write_file(db, "hello\n", 6);
	check_rebuilt(db, "short text file");
	make_foreign(db, 0, 0, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
	check_rebuilt(db, "foreign SQLite database");
	make_foreign(db, 0x12345678, 0, "CREATE TABLE entry(x);");
	check_rebuilt(db, "other application_id");
	make_foreign(db, FIM_DCDB_APP_ID, FIM_DCDB_VERSION,
		     "CREATE TABLE entry(x);");
	check_rebuilt(db, "our application_id, wrong schema");
	make_foreign(db, FIM_DCDB_APP_ID, FIM_DCDB_VERSION + 1, "");
	check_rebuilt(db, "unknown schema version");
}

/* Damage that appears after open: a miss and one log line, never a crash;
 * the next open moves the file aside. */
static void test_damaged_later(void)
{
	const char *db = path_in("later.db");
	struct fim_digest_set s = set_of(SHA256, 1), out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);
	unsigned char junk[4096];
	char name[32];
	int fd, err0, hits = 0;
	struct stat st;

	for (uint64_t i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "f%llu", (unsigned long long)i);
		struct fim_dkey k = key_of(name, NULL, i);

		s = set_of(SHA256, i);
		fim_dcache_put(dc, &k, &s);
	}
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 16, false);
	ok(dc, "open a sound file");
	fd = open(db, O_WRONLY);
	fstat(fd, &st);
	for (off_t off = 4096; off < st.st_size; off += 4096) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(rand() >> 5);
		pwrite(fd, junk, sizeof(junk), off);
	}
	close(fd);
	err0 = n_err;
	for (uint64_t i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "f%llu", (unsigned long long)i);
		struct fim_dkey k = key_of(name, NULL, i);

		hits += fim_dcache_get(dc, &k, SHA256, &out) == 0;
	}
	is_int(hits, 0, "damaged pages: every lookup misses");
	is_int(n_err - err0, 1, "damage logged once");
	fim_dcache_close(dc);
	check_rebuilt(db, "damaged while in use");
}

static void test_modes(void)
{
	char dir[512], *db = path_in("m1/m2/m3/cache.db");
	struct fim_dkey k = key_of("x", NULL, 1);
	struct fim_digest_set s = set_of(SHA256, 1);
	struct fim_dcache *dc;
	struct stat st;
	mode_t old = umask(0);

	dc = open_cache(db, "src", 0, false);
	ok(dc, "open under umask 0 in missing directories");
	ok(stat(db, &st) == 0 && (st.st_mode & 07777) == 0600, "file 0600");
	fim_dcache_put(dc, &k, &s);
	usleep(200 * 1000); /* let the writer create the WAL */
	snprintf(dir, sizeof(dir), "%s-wal", db);
	if (stat(dir, &st) == 0)
		printf("# WAL mode %o\n", st.st_mode & 07777);
	ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0600, "WAL 0600");
	fim_dcache_close(dc);
	for (int i = 1; i <= 3; i++) {
		snprintf(dir, sizeof(dir), "%s/m1%s%s", tmp, i > 1 ? "/m2" : "",
			 i > 2 ? "/m3" : "");
		ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700,
		   "created directory 0700");
	}
	chmod(db, 0644);
	dc = open_cache(db, "src", 0, false);
	ok(stat(db, &st) == 0 && (st.st_mode & 07777) == 0600,
	   "an existing 0644 file is tightened to 0600");
	fim_dcache_close(dc);
	umask(0277);
	db = path_in("m4/cache.db");
	dc = open_cache(db, "src", 0, false);
	ok(dc && stat(db, &st) == 0 && (st.st_mode & 07777) == 0600,
	   "umask 0277: file still 0600 and usable");
	fim_dcache_close(dc);
	umask(old);
}

int main(void)
{
	if (dc_setup() < 0)
		return 2;
	test_kill9(path_in("kill.db"));
	test_damaged_files();
	test_damaged_later();
	test_modes();
	return dc_teardown();
}
