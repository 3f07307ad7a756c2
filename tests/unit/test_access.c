/* Access decisions (access.c) against what Linux decides on the source:
 * modes, owners, POSIX ACLs with named users and groups and a mask, root,
 * supplementary groups fetched only when they matter, malformed ACL bytes;
 * and the walks, over a real directory with real ACLs where the file
 * system takes them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "access.h"
#include "source.h"
#include "tap.h"

#define R FIM_MAY_READ
#define X FIM_MAY_EXEC

enum { UO = 1, U = 2, GO = 4, G = 8, M = 0x10, O = 0x20 };

/* An ACL in the xattr form from {tag, perm, id} triples. */
static size_t acl(unsigned char *buf, const unsigned (*e)[3], size_t n)
{
	buf[0] = 2;
	buf[1] = buf[2] = buf[3] = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = buf + 4 + 8 * i;
		uint32_t id = e[i][2];

		p[0] = (unsigned char)e[i][0];
		p[1] = 0;
		p[2] = (unsigned char)e[i][1];
		p[3] = 0;
		for (int b = 0; b < 4; b++)
			p[4 + b] = (unsigned char)(id >> (8 * b));
	}
	return 4 + 8 * n;
}

#define ACL(buf, ...)                                                        \
	acl(buf, (const unsigned[][3]){ __VA_ARGS__ },                       \
	    sizeof((const unsigned[][3]){ __VA_ARGS__ }) / sizeof(unsigned[3]))

#define NONE 0xffffffffu

static int fetches;
static gid_t supp[] = { 100, 200 };

static int groups_of(void *arg, const gid_t **list)
{
	(void)arg;
	fetches++;
	*list = supp;
	return 2;
}

static int groups_fail(void *arg, const gid_t **list)
{
	(void)arg;
	(void)list;
	fetches++;
	return -ESRCH;
}

static struct fim_cred who(uid_t uid, gid_t gid)
{
	return fim_cred_make(uid, gid, groups_of, NULL);
}

static struct fim_stat file(mode_t mode, uid_t uid, gid_t gid)
{
	return (struct fim_stat){ .mode = S_IFREG | mode, .uid = uid,
				  .gid = gid };
}

static int check(uid_t uid, gid_t gid, struct fim_stat st, const void *a,
		 size_t len, int may)
{
	struct fim_cred c = who(uid, gid);

	return fim_access_check(&c, &st, a, len, may);
}

static int check_nog(uid_t uid, gid_t gid, struct fim_stat st,
		     const void *a, size_t len, int may)
{
	struct fim_cred c = fim_cred_make(uid, gid, NULL, NULL);

	return fim_access_check(&c, &st, a, len, may);
}

static void modes(void)
{
	struct fim_stat f = file(0640, 10, 20);
	struct fim_stat d = { .mode = S_IFDIR | 0711, .uid = 10, .gid = 20 };

	is_int(check(10, 99, f, NULL, 0, R), 0, "owner reads 0640");
	is_int(check(20, 20, f, NULL, 0, R), 0, "group reads 0640");
	is_int(check(30, 30, f, NULL, 0, R), -EACCES, "other cannot read 0640");
	is_int(check(30, 100, f, NULL, 0, R), -EACCES,
	       "a group that is not the file's does not count");
	is_int(check(30, 30, file(0604, 10, 100), NULL, 0, R), -EACCES,
	       "group 0 bits deny a member even when other may");
	is_int(check(30, 30, file(0604, 10, 300), NULL, 0, R), 0,
	       "non-member gets other");
	is_int(check(10, 10, file(0066, 10, 10), NULL, 0, R), -EACCES,
	       "the owner gets the owner bits only");
	is_int(check(30, 30, d, NULL, 0, X), 0, "other searches 0711");
	is_int(check(30, 30, d, NULL, 0, R), -EACCES, "other cannot list 0711");
	is_int(check(30, 30, file(0755, 1, 1), NULL, 0, X), 0, "exec 0755");
}

static void root(void)
{
	is_int(check(0, 0, file(0000, 10, 10), NULL, 0, R), 0,
	       "root reads 0000");
	is_int(check(0, 0, file(0644, 10, 10), NULL, 0, X), -EACCES,
	       "root cannot execute without an x bit");
	is_int(check(0, 0, file(0001, 10, 10), NULL, 0, X), 0,
	       "root executes with any x bit");
	is_int(check(0, 0, (struct fim_stat){ .mode = S_IFDIR }, NULL, 0,
		     R | X), 0, "root lists and searches a 0000 directory");
}

static void lazy_groups(void)
{
	struct fim_cred c = who(30, 30);
	struct fim_stat f = file(0644, 10, 100);

	fetches = 0;
	is_int(fim_access_check(&c, &f, NULL, 0, R), 0, "0644 readable");
	is_int(fetches, 0, "groups not fetched when group = other bits");
	f = file(0640, 10, 100);
	is_int(fim_access_check(&c, &f, NULL, 0, R), 0,
	       "0640 readable through supplementary group 100");
	is_int(fetches, 1, "fetched once");
	f = file(0640, 10, 200);
	is_int(fim_access_check(&c, &f, NULL, 0, R), 0, "group 200 too");
	is_int(fetches, 1, "not fetched again for the same credential");
	c = fim_cred_make(30, 30, groups_fail, NULL);
	fetches = 0;
	is_int(fim_access_check(&c, &f, NULL, 0, R), -EACCES,
	       "groups unknown: not a member");
	is_int(fetches, 1, "failed fetch tried once");
	c = fim_cred_make(30, 30, NULL, NULL);
	is_int(fim_access_check(&c, &f, NULL, 0, R), -EACCES,
	       "no groups callback: primary group only");
}

static void acls(void)
{
	unsigned char a[256];
	size_t n;
	struct fim_stat f = file(0644, 10, 20);
	struct fim_stat f600 = file(0640, 10, 20); /* group bits = mask r */

	/* setfacl -m u:65534:--- on a 0644 file */
	n = ACL(a, { UO, 6, NONE }, { U, 0, 65534 }, { GO, 4, NONE },
		{ M, 4, NONE }, { O, 4, NONE });
	ok(fim_acl_valid(a, n), "u:nobody:--- is valid");
	is_int(check(65534, 65534, f, a, n, R), -EACCES,
	       "named user --- denied");
	is_int(check(30, 30, f, a, n, R), 0, "others still read");
	is_int(check(10, 10, f, a, n, R), 0, "owner reads");

	/* setfacl -m u:65534:r on a 0600 file: mode becomes 0640 */
	n = ACL(a, { UO, 6, NONE }, { U, 4, 65534 }, { GO, 0, NONE },
		{ M, 4, NONE }, { O, 0, NONE });
	is_int(check(65534, 65534, f600, a, n, R), 0, "named user r granted");
	is_int(check(30, 30, f600, a, n, R), -EACCES, "others still denied");
	is_int(check(30, 20, f600, a, n, R), -EACCES,
	       "owning group --- denied");

	/* named user rw limited by mask --- : Linux skips the ACL when the
	 * mode has no group bits and other decides */
	n = ACL(a, { UO, 6, NONE }, { U, 6, 65534 }, { GO, 0, NONE },
		{ M, 0, NONE }, { O, 4, NONE });
	is_int(check(65534, 65534, file(0604, 10, 20), a, n, R), 0,
	       "empty mask: as Linux, the mode decides");
	/* named user rw with mask w- : masked to w, read denied */
	n = ACL(a, { UO, 6, NONE }, { U, 6, 65534 }, { GO, 0, NONE },
		{ M, 2, NONE }, { O, 4, NONE });
	is_int(check(65534, 65534, file(0624, 10, 20), a, n, R), -EACCES,
	       "mask limits a named user");

	/* group entries: g:100:r, mask r, owning group --- */
	n = ACL(a, { UO, 6, NONE }, { GO, 0, NONE }, { G, 4, 100 },
		{ M, 4, NONE }, { O, 0, NONE });
	fetches = 0;
	is_int(check(30, 30, f600, a, n, R), 0,
	       "named group via supplementary groups");
	is_int(fetches, 1, "groups fetched when they decide");
	is_int(check(30, 100, f600, a, n, R), 0, "named group as primary");
	is_int(check_nog(30, 20, f600, a, n, R), -EACCES,
	       "owning group matched, grants nothing: denied");
	is_int(check(30, 20, f600, a, n, R), 0,
	       "unless another matching group entry grants");
	is_int(check(30, 31, file(0640, 10, 21), a, n, FIM_MAY_WRITE),
	       -EACCES, "named group matched without w: denied");

	/* a restrictive mask on a group that would grant */
	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE }, { G, 7, 30 },
		{ M, 1, NONE }, { O, 4, NONE });
	is_int(check(30, 30, file(0614, 10, 20), a, n, R), -EACCES,
	       "mask --x denies the group's r");
	is_int(check(31, 31, file(0614, 10, 20), a, n, R), 0,
	       "others read (other r)");

	/* groups not needed: no group entry grants and other denies */
	n = ACL(a, { UO, 6, NONE }, { GO, 0, NONE }, { G, 0, 100 },
		{ M, 0, NONE }, { O, 0, NONE });
	fetches = 0;
	is_int(check(30, 30, file(0600, 10, 20), a, n, R), -EACCES,
	       "nothing grants");
	fetches = 0;
	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE }, { G, 4, 100 },
		{ M, 4, NONE }, { O, 4, NONE });
	is_int(check(30, 30, f, a, n, R), 0, "everything grants");
	is_int(fetches, 0, "no fetch when every class grants");

	/* a minimal ACL (no mask) is the mode */
	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE }, { O, 0, NONE });
	ok(fim_acl_valid(a, n), "minimal ACL valid");
	is_int(check(30, 20, f600, a, n, R), 0, "minimal: group reads");
	is_int(check(30, 30, f600, a, n, R), -EACCES, "minimal: other not");

	/* root and the owner ignore a denying ACL */
	n = ACL(a, { UO, 0, NONE }, { U, 0, 0 }, { GO, 0, NONE },
		{ M, 0, NONE }, { O, 0, NONE });
	is_int(check(0, 0, f, a, n, R), 0, "root reads whatever the ACL");
	is_int(check(10, 10, f, a, n, R), 0, "owner: mode, not ACL");

	/* header only: no ACL */
	n = ACL(a, { 0, 0, 0 }) - 8;
	ok(fim_acl_valid(a, n), "header alone is no ACL");
	is_int(check(30, 30, f, a, n, R), 0, "header alone: the mode decides");
}

static void malformed(void)
{
	unsigned char a[256], b[256];
	size_t n;
	struct fim_stat f = file(0644, 10, 20);
	const struct {
		const char *what;
		size_t len;
	} cut[] = { { "3 bytes", 3 }, { "a torn entry", 4 + 8 + 3 } };

	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE }, { O, 4, NONE });
	for (size_t i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
		ok(!fim_acl_valid(a, cut[i].len), cut[i].what);
		is_int(check(30, 30, f, a, cut[i].len, R), -EACCES, cut[i].what);
	}
	memcpy(b, a, n);
	b[0] = 1;
	ok(!fim_acl_valid(b, n), "version 1");
	is_int(check(30, 30, f, b, n, R), -EACCES, "version 1 denies");
	memcpy(b, a, n);
	b[4 + 8 + 2] = 0x0c; /* GROUP_OBJ perm with bits beyond rwx */
	ok(!fim_acl_valid(b, n), "perm beyond rwx");
	memcpy(b, a, n);
	b[4 + 8] = 0x40; /* unknown tag */
	ok(!fim_acl_valid(b, n), "unknown tag");
	is_int(check(0, 0, f, b, n, R), -EACCES, "even root: malformed denies");

	n = ACL(a, { GO, 4, NONE }, { UO, 6, NONE }, { O, 4, NONE });
	ok(!fim_acl_valid(a, n), "out of order");
	n = ACL(a, { UO, 6, NONE }, { UO, 6, NONE }, { GO, 4, NONE },
		{ O, 4, NONE });
	ok(!fim_acl_valid(a, n), "two USER_OBJ");
	n = ACL(a, { UO, 6, NONE }, { U, 4, 5 }, { GO, 4, NONE },
		{ O, 4, NONE });
	ok(!fim_acl_valid(a, n), "named user without a mask");
	n = ACL(a, { UO, 6, NONE }, { U, 4, NONE }, { GO, 4, NONE },
		{ M, 4, NONE }, { O, 4, NONE });
	ok(!fim_acl_valid(a, n), "named user with the undefined id");
	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE });
	ok(!fim_acl_valid(a, n), "no OTHER");
	n = ACL(a, { UO, 6, NONE }, { GO, 4, NONE }, { O, 4, NONE },
		{ O, 4, NONE });
	ok(!fim_acl_valid(a, n), "entries after OTHER");
	ok(!fim_acl_valid(a, FIM_ACL_MAX + 8), "longer than the limit");

	/* Every byte flipped, every length cut: never a crash, never a grant
	 * beyond what the valid ACL grants. */
	n = ACL(a, { UO, 6, NONE }, { U, 0, 30 }, { GO, 4, NONE },
		{ M, 4, NONE }, { O, 4, NONE });
	int bad = 0;
	for (size_t len = 0; len <= n; len++)
		for (size_t i = 0; i < len; i++)
			for (int bit = 0; bit < 8; bit++) {
				int r;

				memcpy(b, a, n);
				b[i] ^= (unsigned char)(1 << bit);
				r = check(30, 30, f, b, len, R);
				if (!fim_acl_valid(b, len))
					bad += r != -EACCES;
			}
	is_int(bad, 0, "every malformed variant denies");
}

static void read_only(void)
{
	unsigned char a[256];
	size_t n = ACL(a, { UO, 7, NONE }, { U, 7, 65534 }, { GO, 5, NONE },
		       { M, 7, NONE }, { O, 3, NONE });
	struct fim_stat v = file(0444, 10, 20);

	is_int(fim_acl_read_only(a, n), 0, "read-only copy");
	is_int(check(65534, 1, v, a, n, R), 0, "named user still reads");
	is_int(check(65534, 1, v, a, n, X), -EACCES, "but never executes");
	is_int(check(30, 30, v, a, n, R), -EACCES, "other had no r");
	is_int(fim_acl_read_only(a, 3), -EINVAL, "invalid: refused");
}

/* The walk over a real tree: a 0700 directory stops others. */
static void walk(void)
{
	char dir[] = "/tmp/fimfs-access-XXXXXX", path[256];
	struct fim_source *src = NULL;
	struct fim_cred c = who(65534, 65534);
	struct fim_stat st;
	char err[256];
	int fd;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/d", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d/f", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	close(fd);
	chmod(dir, 0755);
	is_int(fim_source_open_local(dir, &src, err, sizeof(err)), 0,
	       "open source");
	is_int(fim_access_path(src, &c, "d/f", R, false, &st), 0,
	       "nobody reads d/f");
	ok(S_ISREG(st.mode), "target attributes returned");
	is_int(fim_access_path(src, &c, "d", R, true, NULL), 0, "lists d");
	is_int(fim_access_path(src, &c, "d/f", R, true, NULL), -ENOTDIR,
	       "a file is not a directory");
	is_int(fim_access_path(src, &c, "d/none", R, false, NULL), -ENOENT,
	       "missing: ENOENT");
	snprintf(path, sizeof(path), "%s/d", dir);
	chmod(path, 0700);
	is_int(fim_access_path(src, &c, "d/f", R, false, NULL), -EACCES,
	       "0700 directory: denied");
	is_int(fim_access_path(src, &c, "", R, true, NULL), 0, "root listed");
	is_int(fim_access_host(&c, dir), 0, "host ancestors searchable");
	is_int(fim_access_host(&c, path), -EACCES,
	       "host walk stopped by the 0700 directory");
	/* a named-user ACL on the directory, where the file system has
	 * them (tmpfs and ext4 do) */
	{
		unsigned char a[64];
		size_t n = ACL(a, { UO, 7, NONE }, { U, 5, 65534 },
			       { GO, 0, NONE }, { M, 5, NONE }, { O, 0, NONE });

		if (setxattr(path, "system.posix_acl_access", a, n, 0) == 0) {
			is_int(fim_access_path(src, &c, "d/f", R, false, NULL),
			       0, "ACL on the directory lets nobody through");
			struct fim_cred o = who(30, 30);
			is_int(fim_access_path(src, &o, "d/f", R, false, NULL),
			       -EACCES, "others still stopped");
		} else {
			ok(1, "# SKIP no ACLs on this file system");
			ok(1, "# SKIP no ACLs on this file system");
		}
	}
	fim_source_close(src);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		ok(0, "cleanup");
}

int main(void)
{
	modes();
	root();
	lazy_groups();
	acls();
	malformed();
	read_only();
	if (geteuid() == 0)
		walk(); /* the checks are for nobody, the tree made by root */
	return tap_done();
}
