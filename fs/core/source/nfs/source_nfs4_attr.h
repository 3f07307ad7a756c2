/* The NFSv4 attribute decoder of the NFS backend (source_nfs4_attr.c).
 *
 * libnfs hands a fattr4 over undecoded: a bitmap of attribute numbers and
 * their values, XDR-encoded one after the other in attribute order. The
 * reply comes from the network, so every length is checked against what is
 * left: a hostile server gets -EPROTO, never a read out of bounds. Values
 * the backend has no use for are skipped; at the first attribute whose
 * size this decoder does not know, decoding stops and what came before is
 * kept (everything the backend asks for has a lower number than the ones
 * it cannot skip).
 */
#ifndef FIM_SOURCE_NFS4_ATTR_H
#define FIM_SOURCE_NFS4_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* Attribute numbers (RFC 7530, section 5) the backend asks for. */
enum {
	FNFS4_TYPE = 1,
	FNFS4_SIZE = 4,
	FNFS4_FSID = 8,
	FNFS4_RDATTR_ERROR = 11,
	FNFS4_FILEID = 20,
	FNFS4_FILES_AVAIL = 21,
	FNFS4_FILES_FREE = 22,
	FNFS4_FILES_TOTAL = 23,
	FNFS4_MAXREAD = 30,
	FNFS4_MODE = 33,
	FNFS4_NUMLINKS = 35,
	FNFS4_OWNER = 36,
	FNFS4_OWNER_GROUP = 37,
	FNFS4_RAWDEV = 41,
	FNFS4_SPACE_AVAIL = 42,
	FNFS4_SPACE_FREE = 43,
	FNFS4_SPACE_TOTAL = 44,
	FNFS4_SPACE_USED = 45,
	FNFS4_TIME_ACCESS = 47,
	FNFS4_TIME_METADATA = 52,
	FNFS4_TIME_MODIFY = 53,
};

#define FNFS4_BIT(n) (UINT64_C(1) << (n))

/* The uid or gid the owners map to when they name no one known here. */
#define FNFS4_NOBODY 65534

struct fnfs4_attr {
	uint64_t have; /* FNFS4_BIT(n) for each attribute n decoded */
	/* type (as S_IFMT bits of mode, 0 for a named attribute), mode,
	 * fileid, size, numlinks, owners, rawdev, space_used, the times
	 * and fsid (as dev) */
	struct fim_stat st;
	uint32_t rdattr_error; /* an nfsstat4 */
	uint64_t maxread;
	uint64_t files_avail, files_free, files_total;
	uint64_t space_avail, space_free, space_total;
};

/* Decode nwords bitmap words (host order, read with memcpy: they may be
 * misaligned) and len bytes of values into *a (zeroed first; uid and gid
 * default to FNFS4_NOBODY). Returns 0, or -EPROTO for a malformed reply. */
int fnfs4_attr_decode(const void *mask, size_t nwords, const void *vals,
		      size_t len, struct fnfs4_attr *a);

/* An owner or owner_group string (len bytes, not NUL-terminated) as an
 * id: all digits is that number; "name@domain" (or a bare name) is the
 * local user or group of that name; anything else FNFS4_NOBODY. */
uint32_t fnfs4_owner_id(const char *s, size_t len, int group);

#endif
