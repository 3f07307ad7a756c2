/* The NFSv4 attribute decoder: well-formed replies, every truncation of
 * one, attributes it skips or cannot size, hostile values, owner forms. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "source_nfs4_attr.h"
#include "tap.h"

struct enc {
	unsigned char b[1024];
	size_t n;
	uint32_t mask[3];
};

static void put32(struct enc *e, uint32_t v)
{
	e->b[e->n++] = (unsigned char)(v >> 24);
	e->b[e->n++] = (unsigned char)(v >> 16);
	e->b[e->n++] = (unsigned char)(v >> 8);
	e->b[e->n++] = (unsigned char)v;
}

static void put64(struct enc *e, uint64_t v)
{
	put32(e, (uint32_t)(v >> 32));
	put32(e, (uint32_t)v);
}

static void putstr(struct enc *e, const char *s)
{
	size_t n = strlen(s);

	put32(e, (uint32_t)n);
	memcpy(e->b + e->n, s, n);
	e->n += n;
	while (e->n % 4)
		e->b[e->n++] = 0;
}

/* Mark attribute a present; values must be put in attribute order. */
static void bit(struct enc *e, unsigned a)
{
	e->mask[a / 32] |= 1u << (a % 32);
}

static int decode(const struct enc *e, size_t len, struct fnfs4_attr *a)
{
	return fnfs4_attr_decode(e->mask, 3, e->b, len, a);
}

/* A reply as ganesha sends it for a regular file. */
static void full_reply(struct enc *e)
{
	memset(e, 0, sizeof(*e));
	bit(e, FNFS4_TYPE);
	put32(e, 1); /* NF4REG */
	bit(e, FNFS4_SIZE);
	put64(e, 5 * 1048576 + 17);
	bit(e, FNFS4_FSID);
	put64(e, 7);
	put64(e, 9);
	bit(e, FNFS4_FILEID);
	put64(e, 0x1122334455667788ull);
	bit(e, FNFS4_MODE);
	put32(e, 0100640); /* the type bits are not the mode's to give */
	bit(e, FNFS4_NUMLINKS);
	put32(e, 3);
	bit(e, FNFS4_OWNER);
	putstr(e, "1000");
	bit(e, FNFS4_OWNER_GROUP);
	putstr(e, "root@localdomain");
	bit(e, FNFS4_RAWDEV);
	put32(e, 8);
	put32(e, 1);
	bit(e, FNFS4_SPACE_USED);
	put64(e, 513);
	bit(e, FNFS4_TIME_ACCESS);
	put64(e, 1);
	put32(e, 2);
	bit(e, FNFS4_TIME_METADATA);
	put64(e, 1700000000);
	put32(e, 999999999);
	bit(e, FNFS4_TIME_MODIFY);
	put64(e, (uint64_t)-2); /* before 1970 */
	put32(e, 5);
}

static void test_full(void)
{
	struct fnfs4_attr a;
	struct enc e;

	full_reply(&e);
	is_int(decode(&e, e.n, &a), 0, "well-formed: decoded");
	is_int(a.st.mode, S_IFREG | 0640, "type and mode");
	is_int(a.st.size, 5 * 1048576 + 17, "size");
	ok(a.st.ino == 0x1122334455667788ull, "fileid, all 64 bits");
	ok(a.st.dev == (7 ^ (9ull << 32)), "fsid folded into dev");
	is_int(a.st.nlink, 3, "numlinks");
	is_int(a.st.uid, 1000, "numeric owner");
	is_int(a.st.gid, 0, "owner_group root@domain: the local group");
	ok(a.st.rdev == makedev(8, 1), "rawdev");
	is_int(a.st.blocks, 2, "space_used 513 bytes: 2 blocks");
	is_int(a.st.atime_ns, 1000000002, "time_access in ns");
	ok(a.st.ctime_ns == 1700000000999999999ll, "time_metadata is ctime");
	ok(a.st.mtime_ns == -2000000000ll + 5, "negative time_modify");
	ok(a.have == (FNFS4_BIT(FNFS4_TYPE) | FNFS4_BIT(FNFS4_SIZE) |
		      FNFS4_BIT(FNFS4_FSID) | FNFS4_BIT(FNFS4_FILEID) |
		      FNFS4_BIT(FNFS4_MODE) | FNFS4_BIT(FNFS4_NUMLINKS) |
		      FNFS4_BIT(FNFS4_OWNER) | FNFS4_BIT(FNFS4_OWNER_GROUP) |
		      FNFS4_BIT(FNFS4_RAWDEV) | FNFS4_BIT(FNFS4_SPACE_USED) |
		      FNFS4_BIT(FNFS4_TIME_ACCESS) |
		      FNFS4_BIT(FNFS4_TIME_METADATA) |
		      FNFS4_BIT(FNFS4_TIME_MODIFY)),
	   "have: exactly what was sent");
}

static void test_truncated(void)
{
	struct fnfs4_attr a;
	struct enc e;
	size_t bad = 0;

	full_reply(&e);
	/* Every cut short of the whole must be refused (ASan checks that
	 * none reads past it: the copy ends where the cut is). */
	for (size_t n = 0; n < e.n; n++) {
		unsigned char *cut = n ? malloc(n) : NULL;

		if (n && !cut)
			break;
		if (n)
			memcpy(cut, e.b, n);
		bad += fnfs4_attr_decode(e.mask, 3, cut, n, &a) == -EPROTO;
		free(cut);
	}
	is_int(bad, e.n, "every truncation: -EPROTO");
	is_int(decode(&e, e.n + 4, &a), 0, "trailing bytes are ignored");
}

static void test_unknown_bits(void)
{
	struct fnfs4_attr a;
	struct enc e;

	memset(&e, 0, sizeof(e));
	bit(&e, 0); /* supported_attrs: a bitmap of its own, skipped */
	put32(&e, 2);
	put32(&e, 0xffffffff);
	put32(&e, 0xffffffff);
	bit(&e, FNFS4_TYPE);
	put32(&e, 2); /* NF4DIR */
	bit(&e, 3); /* change: skipped */
	put64(&e, 42);
	bit(&e, 19); /* filehandle: an opaque, skipped */
	putstr(&e, "12345");
	bit(&e, FNFS4_FILEID);
	put64(&e, 77);
	is_int(decode(&e, e.n, &a), 0, "skipped attributes: decoded");
	is_int(a.st.mode, S_IFDIR, "type after skipped ones");
	is_int(a.st.ino, 77, "fileid after skipped ones");

	bit(&e, 24); /* fs_locations: no size known, decoding stops there */
	put32(&e, 0xdeadbeef);
	bit(&e, FNFS4_MODE);
	put32(&e, 0755);
	bit(&e, 70); /* beyond what RFC 7530 defines */
	is_int(decode(&e, e.n, &a), 0, "unsized attribute: not an error");
	ok(a.have & FNFS4_BIT(FNFS4_FILEID), "what came before it is kept");
	ok(!(a.have & FNFS4_BIT(FNFS4_MODE)), "what comes after it is not");
	is_int(a.st.uid, FNFS4_NOBODY, "no owner sent: nobody");

	memset(&e, 0, sizeof(e));
	is_int(fnfs4_attr_decode(NULL, 0, NULL, 0, &a), 0, "empty bitmap");
	is_int(a.have, 0, "empty bitmap: nothing decoded");
}

static void test_hostile(void)
{
	unsigned char odd[16];
	struct fnfs4_attr a;
	struct enc e;

	memset(&e, 0, sizeof(e));
	bit(&e, FNFS4_TYPE);
	put32(&e, 10);
	is_int(decode(&e, e.n, &a), -EPROTO, "bad type: -EPROTO");

	memset(&e, 0, sizeof(e));
	bit(&e, FNFS4_TIME_MODIFY);
	put64(&e, 1);
	put32(&e, 1000000000);
	is_int(decode(&e, e.n, &a), -EPROTO, "nseconds >= 1e9: -EPROTO");

	memset(&e, 0, sizeof(e));
	bit(&e, FNFS4_TIME_MODIFY);
	put64(&e, 0x7fffffffffffffffull);
	put32(&e, 0);
	is_int(decode(&e, e.n, &a), -EPROTO, "time overflowing ns: -EPROTO");

	memset(&e, 0, sizeof(e));
	bit(&e, FNFS4_OWNER);
	put32(&e, 0xffffffff);
	put32(&e, 0);
	is_int(decode(&e, e.n, &a), -EPROTO, "owner longer than the reply");

	memset(&e, 0, sizeof(e));
	bit(&e, 0);
	put32(&e, 0x40000001); /* words * 4 wraps around 32 bits */
	is_int(decode(&e, e.n, &a), -EPROTO, "bitmap longer than the reply");

	/* The mask as libnfs leaves it: at an odd address. */
	memset(&e, 0, sizeof(e));
	bit(&e, FNFS4_FILEID);
	put64(&e, 5);
	memcpy(odd + 1, e.mask, 8);
	is_int(fnfs4_attr_decode(odd + 1, 2, e.b, e.n, &a), 0,
	       "misaligned mask");
	is_int(a.st.ino, 5, "misaligned mask: fileid");
}

static void test_owners(void)
{
	is_int(fnfs4_owner_id("0", 1, 0), 0, "\"0\"");
	is_int(fnfs4_owner_id("1000", 4, 0), 1000, "\"1000\"");
	is_int(fnfs4_owner_id("4294967294", 10, 1), 4294967294u,
	       "largest id");
	is_int(fnfs4_owner_id("4294967295", 10, 0), FNFS4_NOBODY,
	       "(uid_t)-1: nobody");
	is_int(fnfs4_owner_id("99999999999", 11, 0), FNFS4_NOBODY,
	       "too many digits: nobody");
	is_int(fnfs4_owner_id("root@example.com", 16, 0), 0,
	       "root@domain: the local root");
	is_int(fnfs4_owner_id("root", 4, 1), 0, "a bare group name");
	is_int(fnfs4_owner_id("root@x", 4, 0), 0,
	       "only len bytes are read");
	is_int(fnfs4_owner_id("no-such-user-fimfs@example.com", 30, 0),
	       FNFS4_NOBODY, "unknown name: nobody");
	is_int(fnfs4_owner_id("", 0, 0), FNFS4_NOBODY, "empty: nobody");
	is_int(fnfs4_owner_id("@example.com", 12, 0), FNFS4_NOBODY,
	       "no name before @: nobody");
	is_int(fnfs4_owner_id("ro\0t@x", 6, 0), FNFS4_NOBODY,
	       "a NUL in the name: nobody");
	is_int(fnfs4_owner_id("12@x", 4, 0), FNFS4_NOBODY,
	       "digits with a domain are a name, and no such one");
}

int main(void)
{
	test_full();
	test_truncated();
	test_unknown_bits();
	test_hostile();
	test_owners();
	return tap_done();
}
