#include "access.h"
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* linux/posix_acl_xattr.h and linux/posix_acl.h, all little-endian:
 * a 4-byte version, then 8-byte entries {u16 tag, u16 perm, u32 id}. */
#define ACL_XATTR_VERSION 2
#define ACL_USER_OBJ 0x01
#define ACL_USER 0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_GROUP 0x08
#define ACL_MASK 0x10
#define ACL_OTHER 0x20
#define ACL_PERMS 7 /* rwx */
#define ACL_UNDEFINED_ID UINT32_MAX
#define ACL_HEADER 4
#define ACL_ENTRY 8

struct acl_entry {
	unsigned tag, perm;
	uint32_t id;
};

static uint32_t le(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static size_t acl_count(size_t len)
{
	return len < ACL_HEADER ? 0 : (len - ACL_HEADER) / ACL_ENTRY;
}

static struct acl_entry acl_at(const unsigned char *acl, size_t i)
{
	const unsigned char *p = acl + ACL_HEADER + i * ACL_ENTRY;

	return (struct acl_entry){ le(p, 2), le(p + 2, 2), le(p + 4, 4) };
}

/* The kernel's posix_acl_from_xattr() and posix_acl_valid(): the entries in
 * the order USER_OBJ, USER..., GROUP_OBJ, GROUP..., MASK, OTHER. */
bool fim_acl_valid(const void *acl, size_t len)
{
	enum { S_USER_OBJ, S_USER, S_GROUP, S_OTHER, S_DONE } state = S_USER_OBJ;
	bool needs_mask = false;
	size_t n = acl_count(len);

	if (!len)
		return true;
	if (len < ACL_HEADER || len > FIM_ACL_MAX ||
	    (len - ACL_HEADER) % ACL_ENTRY ||
	    le(acl, 4) != ACL_XATTR_VERSION)
		return false;
	if (!n) /* a header alone: the kernel reads no ACL */
		return true;
	for (size_t i = 0; i < n; i++) {
		struct acl_entry e = acl_at(acl, i);

		if (e.perm & ~ACL_PERMS)
			return false;
		switch (e.tag) {
		case ACL_USER_OBJ:
			if (state != S_USER_OBJ)
				return false;
			state = S_USER;
			break;
		case ACL_USER:
		case ACL_GROUP:
			if (state != (e.tag == ACL_USER ? S_USER : S_GROUP) ||
			    e.id == ACL_UNDEFINED_ID)
				return false;
			needs_mask = true;
			break;
		case ACL_GROUP_OBJ:
			if (state != S_USER)
				return false;
			state = S_GROUP;
			break;
		case ACL_MASK:
			if (state != S_GROUP)
				return false;
			state = S_OTHER;
			break;
		case ACL_OTHER:
			if (state != S_OTHER && (state != S_GROUP || needs_mask))
				return false;
			state = S_DONE;
			break;
		default:
			return false;
		}
	}
	return state == S_DONE;
}

int fim_acl_read_only(void *acl, size_t len)
{
	unsigned char *p = acl;

	if (!fim_acl_valid(acl, len))
		return -EINVAL;
	for (size_t i = 0; i < acl_count(len); i++) {
		unsigned char *perm = p + ACL_HEADER + i * ACL_ENTRY + 2;

		perm[0] &= 4; /* ACL_READ */
		perm[1] = 0;
	}
	return 0;
}

/* Whether c is in group gid: 1, 0, or -1 when only the supplementary
 * groups could tell and fetch is false. */
static int member(struct fim_cred *c, gid_t gid, bool fetch)
{
	if (gid == c->gid)
		return 1;
	if (c->ngrp < 0) {
		if (!fetch)
			return -1;
		c->ngrp = c->groups ? c->groups(c->arg, &c->grp) : 0;
		if (c->ngrp < 0)
			c->ngrp = 0;
	}
	for (int i = 0; i < c->ngrp; i++)
		if (c->grp[i] == gid)
			return 1;
	return 0;
}

static int granted(unsigned perm, unsigned want)
{
	return (perm & want) == want ? 0 : -EACCES;
}

/* posix_acl_permission() once no named user matched: a matching group
 * entry that grants decides (through the mask); one that matches but none
 * grants denies; with none matching, other decides. */
static int group_class(bool grant, bool deny, unsigned mask, unsigned other,
		       unsigned want)
{
	if (grant)
		return granted(mask, want);
	return deny ? -EACCES : granted(other, want);
}

static int acl_check(struct fim_cred *c, const struct fim_stat *st,
		     const unsigned char *acl, size_t len, unsigned want)
{
	size_t n = acl_count(len);
	unsigned mask = ACL_PERMS, other = 0;

	for (size_t i = 0; i < n; i++) {
		struct acl_entry e = acl_at(acl, i);

		if (e.tag == ACL_MASK)
			mask = e.perm;
		else if (e.tag == ACL_OTHER)
			other = e.perm;
	}
	for (size_t i = 0; i < n; i++) {
		struct acl_entry e = acl_at(acl, i);

		if (e.tag == ACL_USER && e.id == c->uid)
			return granted(e.perm & mask, want);
	}
	/* The supplementary groups only when the answer depends on them. */
	for (int fetch = 0;; fetch = 1) {
		bool grant = false, deny = false, grant_u = false, deny_u = false;
		int r;

		for (size_t i = 0; i < n; i++) {
			struct acl_entry e = acl_at(acl, i);
			bool g = (e.perm & want) == want;
			int m;

			if (e.tag != ACL_GROUP_OBJ && e.tag != ACL_GROUP)
				continue;
			m = member(c, e.tag == ACL_GROUP ? e.id : st->gid,
				   fetch);
			if (m > 0)
				*(g ? &grant : &deny) = true;
			else if (m < 0)
				*(g ? &grant_u : &deny_u) = true;
		}
		r = group_class(grant, deny, mask, other, want);
		if (r == group_class(grant || grant_u, deny, mask, other, want) &&
		    r == group_class(grant, deny || deny_u, mask, other, want) &&
		    r == group_class(grant || grant_u, deny || deny_u, mask,
				     other, want))
			return r;
	}
}

int fim_access_check(struct fim_cred *c, const struct fim_stat *st,
		     const void *acl, size_t len, int may)
{
	unsigned want = (unsigned)may & ACL_PERMS, mode = st->mode;

	if (!fim_acl_valid(acl, len))
		return -EACCES;
	if (c->uid == 0) {
		if (S_ISDIR(mode) || !(want & FIM_MAY_EXEC))
			return 0;
		return mode & 0111 ? 0 : -EACCES;
	}
	if (c->uid == st->uid)
		return granted(mode >> 6, want);
	/* Linux consults the ACL only when the mode has a group bit: with an
	 * empty mask the group class falls through to the mode below. */
	if (acl_count(len) && (mode & S_IRWXG))
		return acl_check(c, st, acl, len, want);
	if ((want & (mode ^ (mode >> 3))) && member(c, st->gid, true) > 0)
		mode >>= 3;
	return granted(mode, want);
}

int fim_access_path(struct fim_source *src, struct fim_cred *c,
		    const char *path, int may, bool dir, struct fim_stat *st)
{
	unsigned char acl[FIM_ACL_MAX];
	size_t len = strlen(path), end = 0;
	char prefix[PATH_MAX];
	struct fim_stat s;
	long n;
	int ret;

	if (len >= sizeof(prefix))
		return -ENAMETOOLONG;
	/* The root, then each directory below it, then path itself. */
	for (;;) {
		bool last = end == len;
		const char *slash;

		memcpy(prefix, path, end);
		prefix[end] = '\0';
		n = fim_src_access_attrs(src, prefix, !last || dir, &s, acl,
					   sizeof(acl));
		if (n < 0)
			return (int)n;
		ret = fim_access_check(c, &s, acl, (size_t)n,
				       last ? may : FIM_MAY_EXEC);
		if (ret || last)
			break;
		slash = strchr(path + end + (end ? 1 : 0), '/');
		end = slash ? (size_t)(slash - path) : len;
	}
	if (!ret && st)
		*st = s;
	return ret;
}

/* Search on one open host directory. */
static int host_dir_check(struct fim_cred *c, int fd)
{
	unsigned char acl[FIM_ACL_MAX];
	struct fim_stat s = { 0 };
	struct stat sb;
	ssize_t n;

	if (fstat(fd, &sb) < 0)
		return -errno;
	s.mode = sb.st_mode;
	s.uid = sb.st_uid;
	s.gid = sb.st_gid;
	n = fgetxattr(fd, "system.posix_acl_access", acl, sizeof(acl));
	if (n < 0 && errno != ENODATA && errno != ENOTSUP)
		return -errno;
	return fim_access_check(c, &s, acl, n < 0 ? 0 : (size_t)n,
				FIM_MAY_EXEC);
}

int fim_access_host(struct fim_cred *c, const char *dir)
{
	char name[NAME_MAX + 1];
	int fd, next, ret;

	if (*dir != '/')
		return -EINVAL;
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = host_dir_check(c, fd);
	while (!ret && *dir) {
		size_t n;

		while (*dir == '/')
			dir++;
		n = strcspn(dir, "/");
		if (!n)
			break;
		if (n > NAME_MAX) {
			ret = -ENAMETOOLONG;
			break;
		}
		memcpy(name, dir, n);
		name[n] = '\0';
		dir += n;
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (next < 0) {
			ret = -errno;
			break;
		}
		close(fd);
		fd = next;
		ret = host_dir_check(c, fd);
	}
	close(fd);
	return ret;
}
