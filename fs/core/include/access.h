/* Access decisions: whether a credential may read, search or execute an
 * entry of SOURCE as SOURCE's own kernel would decide it now, from the
 * entry's mode and owner and its POSIX access ACL.
 *
 * The kernel's checks on the FUSE mount run on attributes and ACLs it has
 * cached (for the mount's attr_timeout); the daemon asks these functions
 * again, per request, so that what SOURCE denies now is denied through the
 * mount whatever the kernel still remembers.
 *
 * The decision is Linux's generic_permission() and posix_acl_permission():
 * the owner gets the owner bits of the mode (ACLs do not matter to the
 * owner); otherwise, when the entry has an ACL and its mode any group bit,
 * named users, then the owning group and named groups (limited by the
 * mask), then others; without one, the group or other bits. uid 0 reads and
 * searches everything (CAP_DAC_OVERRIDE) and executes a regular file only
 * when some x bit is set. An ACL that is malformed in any way denies.
 */
#ifndef FIM_ACCESS_H
#define FIM_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fimstat.h"

/* What is asked for, as MAY_* in the kernel. */
#define FIM_MAY_EXEC 1 /* execute a file, search a directory */
#define FIM_MAY_WRITE 2
#define FIM_MAY_READ 4

/* The longest access ACL read: 2^10 entries is more than any Linux file
 * system stores (ext4 fits ~500 in a block). */
#define FIM_ACL_MAX (4 + 8 * 1024)

/* Who asks. The supplementary groups are costly to learn (FUSE reads them
 * from /proc), so they are fetched through groups() only when a decision
 * depends on them, once per credential. */
struct fim_cred {
	uid_t uid;
	gid_t gid;
	/* Sets *list and returns the count, or a negative errno (then
	 * membership in other groups than gid counts as none). NULL: none. */
	int (*groups)(void *arg, const gid_t **list);
	void *arg;
	/* filled on first need */
	const gid_t *grp;
	int ngrp; /* -1 until fetched */
};

/* A credential without supplementary groups fetched yet. */
static inline struct fim_cred fim_cred_make(uid_t uid, gid_t gid,
					    int (*groups)(void *, const gid_t **),
					    void *arg)
{
	return (struct fim_cred){ .uid = uid, .gid = gid, .groups = groups,
				  .arg = arg, .ngrp = -1 };
}

/* Whether acl[0..len) is an access ACL in the Linux xattr form that the
 * kernel would accept (header version 2, entries in their order, each of
 * USER_OBJ, GROUP_OBJ and OTHER once, a MASK where named entries need one,
 * no permission bits beyond rwx). len 0 is no ACL, which is valid. */
bool fim_acl_valid(const void *acl, size_t len);

/* Clear the write and execute bits of every entry of a valid ACL in
 * place: the ACL of a virtual entry (read only, never executable) from its
 * file's. Returns -EINVAL (and changes nothing) on an invalid one. */
int fim_acl_read_only(void *acl, size_t len);

/* Whether c may do may (FIM_MAY_* bits) to an entry with attributes st and
 * access ACL acl[0..len) (len 0: none). Returns 0 or -EACCES. */
int fim_access_check(struct fim_cred *c, const struct fim_stat *st,
		     const void *acl, size_t len, int may);

/* Whether c may search every directory of the host from "/" down to the
 * absolute path dir itself (the directories above a local SOURCE), none of
 * them a symbolic link. Returns 0, -EACCES, or the error met. */
int fim_access_host(struct fim_cred *c, const char *dir);

#endif
