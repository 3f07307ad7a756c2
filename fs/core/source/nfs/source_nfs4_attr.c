/* The NFSv4 attribute decoder (see source_nfs4_attr.h). */
#include "source_nfs4_attr.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* How each attribute is encoded, by number: what it takes to skip it. */
enum kind { K_NONE, K_U32, K_U64, K_2U32, K_2U64, K_TIME, K_OPAQUE, K_MAP };

static const unsigned char kinds[] = {
	[0] = K_MAP,     [1] = K_U32,     [2] = K_U32,     [3] = K_U64,
	[4] = K_U64,     [5] = K_U32,     [6] = K_U32,     [7] = K_U32,
	[8] = K_2U64,    [9] = K_U32,     [10] = K_U32,    [11] = K_U32,
	[12] = K_NONE,   [13] = K_U32,    [14] = K_U32,    [15] = K_U32,
	[16] = K_U32,    [17] = K_U32,    [18] = K_U32,    [19] = K_OPAQUE,
	[20] = K_U64,    [21] = K_U64,    [22] = K_U64,    [23] = K_U64,
	[24] = K_NONE,   [25] = K_U32,    [26] = K_U32,    [27] = K_U64,
	[28] = K_U32,    [29] = K_U32,    [30] = K_U64,    [31] = K_U64,
	[32] = K_OPAQUE, [33] = K_U32,    [34] = K_U32,    [35] = K_U32,
	[36] = K_OPAQUE, [37] = K_OPAQUE, [38] = K_U64,    [39] = K_U64,
	[40] = K_U64,    [41] = K_2U32,   [42] = K_U64,    [43] = K_U64,
	[44] = K_U64,    [45] = K_U64,    [46] = K_U32,    [47] = K_TIME,
	[48] = K_NONE,   [49] = K_TIME,   [50] = K_TIME,   [51] = K_TIME,
	[52] = K_TIME,   [53] = K_TIME,   [54] = K_NONE,   [55] = K_U64,
};

struct xdr {
	const unsigned char *p;
	size_t left;
};

static int get32(struct xdr *x, uint32_t *v)
{
	if (x->left < 4)
		return -1;
	*v = (uint32_t)x->p[0] << 24 | (uint32_t)x->p[1] << 16 |
	     (uint32_t)x->p[2] << 8 | x->p[3];
	x->p += 4;
	x->left -= 4;
	return 0;
}

static int get64(struct xdr *x, uint64_t *v)
{
	uint32_t hi, lo;

	if (get32(x, &hi) || get32(x, &lo))
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A length-prefixed opaque, padded to 4 bytes (or, for K_MAP, a count of
 * 4-byte words): *s points at its n bytes. */
static int get_opaque(struct xdr *x, size_t unit, const char **s, size_t *n)
{
	uint32_t len;
	size_t padded;

	if (get32(x, &len) || len > x->left / unit)
		return -1;
	*n = (size_t)len * unit;
	padded = (*n + 3) & ~(size_t)3;
	if (padded > x->left)
		return -1;
	*s = (const char *)x->p;
	x->p += padded;
	x->left -= padded;
	return 0;
}

/* nfstime4 in ns; a time that does not fit is a broken reply. */
static int get_time(struct xdr *x, int64_t *ns)
{
	uint64_t sec;
	uint32_t nsec;
	int64_t s;

	if (get64(x, &sec) || get32(x, &nsec) || nsec >= 1000000000u)
		return -1;
	s = (int64_t)sec;
	if (s > INT64_MAX / 1000000000 - 1 || s < INT64_MIN / 1000000000 + 1)
		return -1;
	*ns = s * 1000000000 + nsec;
	return 0;
}

/* S_IF* of an nfs_ftype4; 0 for the named-attribute types. */
static int fmt4(uint32_t type, mode_t *fmt)
{
	static const mode_t f[] = { 0, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR,
				    S_IFLNK, S_IFSOCK, S_IFIFO, 0, 0 };

	if (!type || type >= sizeof(f) / sizeof(f[0]))
		return -1;
	*fmt = f[type];
	return 0;
}

static uint32_t id_of_name(const char *name, int group)
{
	uint32_t id = FNFS4_NOBODY;
	size_t size = 1024;
	int ret;

	do {
		char *buf = malloc(size);

		if (!buf)
			break;
		if (group) {
			struct group g, *r;

			ret = getgrnam_r(name, &g, buf, size, &r);
			if (!ret && r)
				id = r->gr_gid;
		} else {
			struct passwd p, *r;

			ret = getpwnam_r(name, &p, buf, size, &r);
			if (!ret && r)
				id = r->pw_uid;
		}
		free(buf);
		size *= 2;
	} while (ret == ERANGE && size <= 1u << 20);
	return id;
}

uint32_t fnfs4_owner_id(const char *s, size_t len, int group)
{
	const char *at = memchr(s, '@', len);
	size_t n = at ? (size_t)(at - s) : len;
	char name[256];
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 11 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (len && i == len)
		return v < UINT32_MAX ? (uint32_t)v : FNFS4_NOBODY;
	if (!n || n >= sizeof(name) || memchr(s, '\0', n))
		return FNFS4_NOBODY;
	memcpy(name, s, n);
	name[n] = '\0';
	return id_of_name(name, group);
}

/* Store attribute n, whose raw value is v (and v2, or the bytes s[0..n)
 * for strings, or ns for times). */
static int store(struct fnfs4_attr *a, unsigned n, uint64_t v, uint64_t v2,
		 const char *s, size_t len, int64_t ns)
{
	mode_t fmt;

	switch (n) {
	case FNFS4_TYPE:
		if (fmt4((uint32_t)v, &fmt))
			return -1;
		a->st.mode |= fmt;
		break;
	case FNFS4_SIZE: a->st.size = v; break;
	case FNFS4_FSID: a->st.dev = v ^ (v2 << 32 | v2 >> 32); break;
	case FNFS4_RDATTR_ERROR: a->rdattr_error = (uint32_t)v; break;
	case FNFS4_FILEID: a->st.ino = v; break;
	case FNFS4_FILES_AVAIL: a->files_avail = v; break;
	case FNFS4_FILES_FREE: a->files_free = v; break;
	case FNFS4_FILES_TOTAL: a->files_total = v; break;
	case FNFS4_MAXREAD: a->maxread = v; break;
	case FNFS4_MODE: a->st.mode |= (mode_t)(v & 07777); break;
	case FNFS4_NUMLINKS: a->st.nlink = (uint32_t)v; break;
	case FNFS4_OWNER: a->st.uid = fnfs4_owner_id(s, len, 0); break;
	case FNFS4_OWNER_GROUP: a->st.gid = fnfs4_owner_id(s, len, 1); break;
	case FNFS4_RAWDEV: a->st.rdev = makedev(v, v2); break;
	case FNFS4_SPACE_AVAIL: a->space_avail = v; break;
	case FNFS4_SPACE_FREE: a->space_free = v; break;
	case FNFS4_SPACE_TOTAL: a->space_total = v; break;
	case FNFS4_SPACE_USED:
		a->st.blocks = v / 512 + (v % 512 != 0);
		break;
	case FNFS4_TIME_ACCESS: a->st.atime_ns = ns; break;
	case FNFS4_TIME_METADATA: a->st.ctime_ns = ns; break;
	case FNFS4_TIME_MODIFY: a->st.mtime_ns = ns; break;
	}
	return 0;
}

/* Decode attribute n; 1 when its size is unknown (decoding stops). */
static int decode_one(struct xdr *x, unsigned n, struct fnfs4_attr *a)
{
	uint64_t v = 0, v2 = 0;
	uint32_t w = 0, w2 = 0;
	const char *s = NULL;
	size_t len = 0;
	int64_t ns = 0;
	int bad = 0;

	switch (n < sizeof(kinds) ? kinds[n] : K_NONE) {
	case K_NONE:
		return 1;
	case K_U32:
		bad = get32(x, &w);
		v = w;
		break;
	case K_U64:
		bad = get64(x, &v);
		break;
	case K_2U32:
		bad = get32(x, &w) || get32(x, &w2);
		v = w;
		v2 = w2;
		break;
	case K_2U64:
		bad = get64(x, &v) || get64(x, &v2);
		break;
	case K_TIME:
		bad = get_time(x, &ns);
		break;
	case K_OPAQUE:
		bad = get_opaque(x, 1, &s, &len);
		break;
	case K_MAP:
		bad = get_opaque(x, 4, &s, &len);
		break;
	}
	if (bad || store(a, n, v, v2, s, len, ns))
		return -1;
	a->have |= FNFS4_BIT(n);
	return 0;
}

int fnfs4_attr_decode(const void *mask, size_t nwords, const void *vals,
		      size_t len, struct fnfs4_attr *a)
{
	struct xdr x = { vals, len };
	uint32_t words[2] = { 0, 0 };

	memset(a, 0, sizeof(*a));
	a->st.uid = a->st.gid = FNFS4_NOBODY;
	if (nwords)
		memcpy(words, mask, (nwords < 2 ? nwords : 2) * sizeof(*words));
	for (unsigned n = 0; n < 64; n++) {
		int ret;

		if (!(words[n / 32] >> (n % 32) & 1))
			continue;
		ret = decode_one(&x, n, a);
		if (ret < 0)
			return -EPROTO;
		if (ret)
			break;
	}
	return 0;
}
