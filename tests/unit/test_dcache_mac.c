/* Authenticated cache rows: the MAC over the row encoding (a known answer
 * computed independently, and a change of any field fails it), the key
 * file's rules, and forged rows through the cache (edited with SQLite as an
 * attacker who owns the file would). */
#include "dcache_test.h"
#include "fileio.h"

static const unsigned char test_key[FIM_DCACHE_KEY_LEN] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

static struct fim_digest_set kat_set(void)
{
	struct fim_digest_set s;

	memset(&s, 0, sizeof(s));
	s.mask = (1u << FIM_SHA256) | (1u << FIM_MD5);
	for (int i = 0; i < 32; i++)
		s.md[FIM_SHA256][i] = (unsigned char)i;
	for (int i = 0; i < 16; i++)
		s.md[FIM_MD5][i] = (unsigned char)(0xa0 + i);
	return s;
}

static struct fim_dcrow kat_row(const struct fim_digest_set *set)
{
	struct fim_dcrow r = {
		.path = "vm/db01.vmx", .path_len = 11,
		.bpath = "db01.vmx", .bpath_len = 8,
		.ino = 1234, .size = 15,
		.mtime_ns = 1700000000123456789LL, .ctime_ns = -5, .set = set,
	};
	return r;
}

static bool verifies(struct fim_dcmac *m, EVP_MAC_CTX *c,
		     const struct fim_dcrow *row, const unsigned char *mac)
{
	return fim_dcmac_check(m, c, row, mac, FIM_DCMAC_LEN);
}

/* The encoding is a stored format: a known answer (Python's hmac over the
 * encoding as dcache_mac.c documents it) pins it. */
static void test_known_answer(void)
{
	static const char want[] =
		"da5eb1006f75c750dd79616205f442f11640ca6eef767a0e0f9a5f8e3f07f1a1";
	struct fim_digest_set set = kat_set();
	struct fim_dcrow row = kat_row(&set);
	unsigned char mac[FIM_DCMAC_LEN];
	char hex[2 * FIM_DCMAC_LEN + 1] = "";
	struct fim_dcmac *m = NULL;
	EVP_MAC_CTX *c = NULL;

	ok(fim_dcmac_new(test_key, "src", &m) == 0 && (c = fim_dcmac_ctx(m)),
	   "MAC context");
	if (!c)
		return;
	ok(fim_dcmac_row(m, c, &row, mac) == 0, "MAC computed");
	fim_hex(mac, sizeof(mac), hex);
	is_str(hex, want, "known answer");
	ok(fim_dcmac_row(m, c, &row, mac) == 0 && verifies(m, c, &row, mac),
	   "the context is reusable: the same MAC again");
	EVP_MAC_CTX_free(c);
	fim_dcmac_free(m);
}

/* Every field of the row, changed alone, makes verification fail. */
static void test_every_field(void)
{
	struct fim_digest_set set = kat_set(), s2;
	struct fim_dcrow row = kat_row(&set), r;
	unsigned char mac[FIM_DCMAC_LEN], bad[FIM_DCMAC_LEN];
	unsigned char other_key[FIM_DCACHE_KEY_LEN];
	struct fim_dcmac *m = NULL, *m2 = NULL, *m3 = NULL;
	EVP_MAC_CTX *c = NULL, *c2 = NULL, *c3 = NULL;
	bool all;

	memcpy(other_key, test_key, sizeof(other_key));
	other_key[31] ^= 1;
	if (fim_dcmac_new(test_key, "src", &m) || !(c = fim_dcmac_ctx(m)) ||
	    fim_dcmac_new(test_key, "src2", &m2) || !(c2 = fim_dcmac_ctx(m2)) ||
	    fim_dcmac_new(other_key, "src", &m3) || !(c3 = fim_dcmac_ctx(m3)) ||
	    fim_dcmac_row(m, c, &row, mac)) {
		ok(0, "MAC contexts");
		goto out;
	}
	ok(verifies(m, c, &row, mac), "the row verifies");
	ok(!verifies(m2, c2, &row, mac), "another source id fails");
	ok(!verifies(m3, c3, &row, mac), "another key fails");

	r = row; r.path = "vm/db01.vmy";
	ok(!verifies(m, c, &r, mac), "path changed");
	r = row; r.path_len = 10;
	ok(!verifies(m, c, &r, mac), "path shortened");
	r = row; r.path = "vm/db01.vmxd"; r.path_len = 12;
	r.bpath = "b01.vmx"; r.bpath_len = 7;
	ok(!verifies(m, c, &r, mac), "a byte moved from bpath to path");
	r = row; r.bpath = NULL; r.bpath_len = 0;
	ok(!verifies(m, c, &r, mac), "bpath removed");
	r = row; r.bpath = "db01.vmX";
	ok(!verifies(m, c, &r, mac), "bpath changed");
	r = row; r.ino++;
	ok(!verifies(m, c, &r, mac), "ino changed");
	r = row; r.size--;
	ok(!verifies(m, c, &r, mac), "size changed");
	r = row; r.mtime_ns++;
	ok(!verifies(m, c, &r, mac), "mtime changed");
	r = row; r.ctime_ns = 5;
	ok(!verifies(m, c, &r, mac), "ctime sign changed");
	r = row; r.ctime_ns--;
	ok(!verifies(m, c, &r, mac), "ctime changed");

	s2 = set; s2.mask &= ~(1u << FIM_MD5);
	r = row; r.set = &s2;
	ok(!verifies(m, c, &r, mac), "a digest dropped from the set");
	s2 = set; s2.mask |= 1u << FIM_SHA512;
	ok(!verifies(m, c, &r, mac), "a digest added to the set");
	all = true;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(set.mask & (1u << a)))
			continue;
		for (size_t i = 0; i < fim_alg_size(a); i++) {
			s2 = set;
			s2.md[a][i] ^= 0x40;
			all = all && !verifies(m, c, &r, mac);
		}
	}
	ok(all, "any digest byte flipped");
	s2 = set; memset(s2.md[FIM_SHA256] + 32, 0xff, FIM_MD_MAX - 32);
	ok(verifies(m, c, &r, mac), "bytes past a digest's length are not part "
	   "of it");

	all = true;
	for (size_t i = 0; i < sizeof(mac); i++) {
		memcpy(bad, mac, sizeof(mac));
		bad[i] ^= 1;
		all = all && !verifies(m, c, &row, bad);
	}
	ok(all, "any MAC byte flipped");
	ok(!fim_dcmac_check(m, c, &row, mac, FIM_DCMAC_LEN - 1),
	   "a short MAC");
out:
	EVP_MAC_CTX_free(c);
	EVP_MAC_CTX_free(c2);
	EVP_MAC_CTX_free(c3);
	fim_dcmac_free(m);
	fim_dcmac_free(m2);
	fim_dcmac_free(m3);
}

static void write_key(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	dprintf(fd, "fimfs-cache-key 1\nkey %s\n",
		"000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f");
	fchmod(fd, mode);
	close(fd);
}

static void test_key_file(void)
{
	unsigned char key[FIM_DCACHE_KEY_LEN], again[FIM_DCACHE_KEY_LEN];
	char err[512] = "", dir[300], made[320], path[320], link[320];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/k", tmp);
	snprintf(made, sizeof(made), "%s/made.key", dir);
	snprintf(path, sizeof(path), "%s/given.key", dir);
	snprintf(link, sizeof(link), "%s/link.key", dir);
	mkdir(dir, 0755);
	ok(fim_dckey_load(made, key, err, sizeof(err)) == 0, "a key is made");
	ok(stat(made, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	   st.st_uid == geteuid(), "0600, ours");
	ok(fim_dckey_load(made, again, err, sizeof(err)) == 0 &&
	   !memcmp(key, again, sizeof(key)), "read back: the same key");
	write_key(path, 0600);
	ok(fim_dckey_load(path, key, err, sizeof(err)) == 0 &&
	   !memcmp(key, test_key, sizeof(key)), "a given key is read");
	chmod(path, 0640);
	is_int(fim_dckey_load(path, key, err, sizeof(err)), -EPERM,
	       "mode 0640 refused");
	ok(strstr(err, "mode 0640") && strstr(err, "mode 0600"),
	   "the message names the mode and the rule");
	chmod(path, 0600);
	symlink(path, link);
	is_int(fim_dckey_load(link, key, err, sizeof(err)), -ELOOP,
	       "a symlink is refused");
	write_key(path, 0600);
	fim_file_replace(path, "fimfs-cache-key 1\nkey 00\n", 25, 0600);
	is_int(fim_dckey_load(path, key, err, sizeof(err)), -EINVAL,
	       "a malformed key file is refused");
	chmod(dir, 0777);
	is_int(fim_dckey_load(made, key, err, sizeof(err)), -EPERM,
	       "a directory others may write is refused");
	chmod(dir, 0755);
}

/* One file "f" hashed and stored; then EDIT on the file; then a lookup of
 * MASK: {hit forged-count warnings}. */
static void forged_case(const char *what, const char *edit_sql,
			const struct fim_dkey *look, uint32_t mask,
			bool reuse, const char *reader)
{
	char *db = path_in("forged.db"), msg[256];
	struct fim_dkey k = key_of("snap1/f", reuse ? "f" : NULL, 5);
	struct fim_digest_set s = set_of(SHA256, 5), out;
	struct fim_dcache *dc;
	int warn;

	unlink(db);
	dc = open_cache(db, "src", 0, reuse);
	fim_dcache_put(dc, &k, &s);
	fim_dcache_close(dc);
	edit(db, edit_sql);
	dc = open_cache(db, reader ? reader : "src", 0, reuse);
	warn = n_warn;
	snprintf(msg, sizeof(msg), "%s: a miss", what);
	is_int(fim_dcache_get(dc, look ? look : &k, mask, &out), -ENOENT, msg);
	snprintf(msg, sizeof(msg), "%s: counted once", what);
	is_int((int)forged_count(dc), 1, msg);
	snprintf(msg, sizeof(msg), "%s: a warning naming the file", what);
	ok(n_warn == warn + 1 &&
	   strstr(last_msg, look ? look->path : k.path) &&
	   strstr(last_msg, "fails its authentication"), msg);
	fim_dcache_get(dc, look ? look : &k, mask, &out);
	snprintf(msg, sizeof(msg), "%s: looked up again, not counted again",
		 what);
	is_int((int)forged_count(dc), 1, msg);
	fim_dcache_close(dc);
}

static void test_forged_rows(void)
{
	struct fim_dkey tampered = key_of("snap1/f", NULL, 5);
	struct fim_dkey other_snap = key_of("snap2/f", "f", 5);
	char sql[512];

	forged_case("digest replaced",
		    "UPDATE entry SET d_sha256=zeroblob(32)", NULL, SHA256,
		    false, NULL);
	/* The attack: the row moved to the tampered file's state. */
	tampered.ctime_ns += 777;
	snprintf(sql, sizeof(sql), "UPDATE entry SET ctime_ns=%lld",
		 (long long)tampered.ctime_ns);
	forged_case("state moved to the tampered file", sql, &tampered,
		    SHA256, false, NULL);
	forged_case("digest of the wrong length",
		    "UPDATE entry SET d_sha256=zeroblob(31)", NULL, SHA256,
		    false, NULL);
	forged_case("MAC removed", "UPDATE entry SET mac=NULL", NULL, SHA256,
		    false, NULL);
	forged_case("MAC as text", "UPDATE entry SET mac=hex(mac)", NULL,
		    SHA256, false, NULL);
	forged_case("a digest added to an authentic row",
		    "UPDATE entry SET d_sha512=zeroblob(64)", NULL,
		    SHA256, false, NULL);
	/* The row of source "src" handed to source "src2". */
	forged_case("row moved to another source",
		    "INSERT INTO source(name) VALUES('src2');"
		    "UPDATE entry SET sid=(SELECT sid FROM source"
		    " WHERE name='src2');", NULL, SHA256, false, "src2");
	forged_case("bpath changed (reuse)", "UPDATE entry SET bpath='g'",
		    NULL, SHA256, true, NULL);
	/* With reuse, another snapshot's file finds the row by bpath. */
	forged_case("found by baseline path, a NUL edited into its path",
		    "UPDATE entry SET path='snap1/f'||char(0)||'x'",
		    &other_snap, SHA256, true, NULL);
}

/* Merging digests of one state never launders a forged one. */
static void test_no_laundering(void)
{
	char *db = path_in("launder.db");
	struct fim_dkey k = key_of("f", NULL, 9);
	struct fim_digest_set a = set_of(SHA256, 9), b = set_of(SHA512, 9);
	struct fim_digest_set out;
	struct fim_dcache *dc = open_cache(db, "src", 0, false);

	fim_dcache_put(dc, &k, &a);
	fim_dcache_close(dc);
	edit(db, "UPDATE entry SET d_md5=zeroblob(16)");
	dc = open_cache(db, "src", 0, false);
	fim_dcache_put(dc, &k, &b); /* merged with what the file holds */
	fim_dcache_close(dc);
	dc = open_cache(db, "src", 0, false);
	is_int(fim_dcache_get(dc, &k, MD5, &out), -ENOENT,
	       "the forged md5 was not merged into the new row");
	ok(fim_dcache_get(dc, &k, SHA512, &out) == 0 &&
	   same_md(&out, &b, SHA512) && !(out.mask & MD5),
	   "the new row holds the new digest, authentic");
	is_int((int)forged_count(dc), 0, "the new row is not a forgery");
	fim_dcache_close(dc);
}

/* A cache written before rows had MACs is not trusted. */
static void test_old_schema(void)
{
	char *db = path_in("v1.db");
	struct fim_dcache *dc;
	char sql[256];

	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d;"
		 "PRAGMA user_version=1; CREATE TABLE entry(x);",
		 FIM_DCDB_APP_ID);
	edit(db, sql);
	dc = open_cache(db, "src", 0, false);
	ok(dc && count_corrupt(db) == 1 && strstr(last_msg, "older fimfs"),
	   "a version 1 cache is moved aside: entries not authenticated");
	fim_dcache_close(dc);
}

int main(void)
{
	if (dc_setup() < 0)
		return 2;
	test_known_answer();
	test_every_field();
	test_key_file();
	test_forged_rows();
	test_no_laundering();
	test_old_schema();
	return dc_teardown();
}
