/* struct fim_stat: the attributes of an entry of SOURCE as every part of
 * fimfs passes them around, whichever backend (a local directory or NFS)
 * read them. The view returns them, verdicts and access checks take them.
 */
#ifndef FIM_FIMSTAT_H
#define FIM_FIMSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* A subset of struct stat that both the local and the NFS backend can
 * fill, times in nanoseconds. */
struct fim_stat {
	uint64_t ino;
	uint64_t dev;
	mode_t mode;
	uint32_t nlink;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint64_t rdev;
	int64_t atime_ns, mtime_ns, ctime_ns;
};

/* Whether two stats describe the same unchanged content (inode, size, mtime,
 * ctime): the test for "changed while hashed" and the cache key. */
static inline int fim_stat_same(const struct fim_stat *a,
				const struct fim_stat *b)
{
	return a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

#endif
