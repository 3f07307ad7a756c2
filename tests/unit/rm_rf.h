/* rm -rf of a test program's private directory, for its cleanup. */
#ifndef FIM_TEST_RM_RF_H
#define FIM_TEST_RM_RF_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int rm_rf_one(const char *path, const struct stat *st,
			    int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Depth first, never following a symbolic link out of dir. */
static inline void rm_rf(const char *dir)
{
	nftw(dir, rm_rf_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
