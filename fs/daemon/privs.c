#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

int privs_lookup(const char *name, struct fimfs_user *u)
{
	struct passwd *pw;
	int err;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		err = errno;
		fprintf(stderr, "fimfs: run_as: no user '%s'%s%s\n", name,
			err ? ": " : "", err ? strerror(err) : "");
		return err ? -err : -ENOENT;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int privs_drop(const struct fimfs_user *u)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	int err;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid)) {
		err = errno;
		fim_log(LOG_ERR, "run_as: cannot switch to uid %u: %s",
			(unsigned)u->uid, strerror(err));
		return -err;
	}
	data[0].effective = data[0].permitted =
		1u << CAP_DAC_READ_SEARCH;
	/* Not dumpable: the user's own processes must not ptrace us or read
	 * /proc/PID/mem, which holds the cache key read as root (the kernel
	 * does this on the uid change unless fs.suid_dumpable says
	 * otherwise; no core file with the key either). */
	if (syscall(SYS_capset, &hdr, data) ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = errno;
		fim_log(LOG_ERR, "run_as: cannot keep CAP_DAC_READ_SEARCH: %s",
			strerror(err));
		return -err;
	}
	fim_log(LOG_INFO, "running as uid %u gid %u with CAP_DAC_READ_SEARCH "
		"only", (unsigned)u->uid, (unsigned)u->gid);
	return 0;
}

/* The directories may be writable by u, who may have put a hard link to
 * another file in place: only a regular file with one link changes owner,
 * and a symlink is never followed. */
static int hand_over_one(const struct fimfs_user *u, const char *p)
{
	struct stat st;
	int fd = open(p, O_PATH | O_NOFOLLOW | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		ret = -EPERM;
	else if (fchownat(fd, "", u->uid, u->gid, AT_EMPTY_PATH) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void privs_hand_over(const struct fimfs_user *u, const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char p[4096];
	int ret;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		ret = hand_over_one(u, p);
		if (ret)
			fim_log(LOG_WARNING, "run_as: %s: %s", p,
				ret == -EPERM ? "not a regular file with one "
				"link; not handed over" : strerror(-ret));
	}
}
