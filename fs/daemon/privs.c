#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

int privs_lookup(const char *name, struct fimfs_user *u)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		fprintf(stderr, "fimfs: run_as: no user '%s'%s%s\n", name,
			errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
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

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid)) {
		fim_log(LOG_ERR, "run_as: cannot switch to uid %u: %s",
			(unsigned)u->uid, strerror(errno));
		return -1;
	}
	data[0].effective = data[0].permitted =
		1u << CAP_DAC_READ_SEARCH;
	if (syscall(SYS_capset, &hdr, data) ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fim_log(LOG_ERR, "run_as: cannot keep CAP_DAC_READ_SEARCH: %s",
			strerror(errno));
		return -1;
	}
	fim_log(LOG_INFO, "running as uid %u gid %u with CAP_DAC_READ_SEARCH "
		"only", (unsigned)u->uid, (unsigned)u->gid);
	return 0;
}

void privs_hand_over(const struct fimfs_user *u, const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char p[4096];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		if (lchown(p, u->uid, u->gid) && errno != ENOENT)
			fim_log(LOG_WARNING, "run_as: %s: %s", p,
				strerror(errno));
	}
}
