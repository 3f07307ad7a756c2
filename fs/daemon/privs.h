/* Dropping privileges after mounting: config run_as. */
#ifndef FIMFS_PRIVS_H
#define FIMFS_PRIVS_H

#include <sys/types.h>

struct fimfs_user {
	uid_t uid;
	gid_t gid;
};

/* Look the user up (before mounting, so a typo fails early). 0, or a
 * negative errno (-ENOENT: no such user) with a message on stderr. */
int privs_lookup(const char *name, struct fimfs_user *u);

/* Become u, keeping only CAP_DAC_READ_SEARCH (to read every file of
 * SOURCE, nothing else), and not dumpable (u must not read our memory).
 * Must run before any thread is started: the capability sets are per
 * thread. 0, or a negative errno with a log message. */
int privs_drop(const struct fimfs_user *u);

/* Hand a file root created (the cache database and its WAL files) over to
 * u, so that it stays writable after the switch. Missing files are fine;
 * a symlink or a file with several links is left alone (logged). */
void privs_hand_over(const struct fimfs_user *u, const char *path);

#endif
