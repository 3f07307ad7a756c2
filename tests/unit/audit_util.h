/* Helpers shared by the audit tests and the audit_writer driver. */
#ifndef FIM_AUDIT_UTIL_H
#define FIM_AUDIT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "rm_rf.h"

/* A fake clock the tests move by hand. */
static struct timespec fake_time = { 1714564800, 123456789 };

static inline void fake_now(struct timespec *ts)
{
	*ts = fake_time;
}

/* Tests keep alerts out of the system's syslog. */
static inline void quiet_syslog(int prio, const char *msg, void *arg)
{
	(void)prio;
	(void)msg;
	(void)arg;
}

/* The whole file, NUL-terminated (binary-safe through *len); NULL on error. */
static inline char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && (buf = malloc((size_t)st.st_size + 1))) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static inline int spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ret;

	if (!f)
		return -1;
	ret = fwrite(data, 1, len, f) == len ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

/* One event of each kind the daemon sends, by index. */
static inline struct fim_audit_event sample_event(unsigned i)
{
	static const char *const paths[] = { "snap1/etc/passwd",
		"snap1/odd \"name\"\n\xff\xfe", "snap2/\xc3\xa9t\xc3\xa9.txt",
		"snap2/var/log/messages.sha256" };
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_ACCESS,
		.op = "open",
		.path = paths[i % 4],
		.uid = 1000 + i % 3,
		.gid = 100,
		.pid = 4000 + (pid_t)i,
		.comm = "cat",
	};

	switch (i % 5) {
	case 1:
		ev.op = "release";
		ev.has_bytes = true;
		ev.bytes = 4096 * i;
		break;
	case 2:
		ev.kind = FIM_AUDIT_EV_REFUSAL;
		ev.op = "unlink";
		ev.err = EROFS;
		ev.uid = 65534;
		ev.comm = "rm";
		break;
	case 3:
		ev.kind = FIM_AUDIT_EV_VERDICT;
		ev.op = "verdict";
		ev.status = "MISMATCH";
		ev.detail = "rule=exact differs=content,mode";
		break;
	}
	return ev;
}

#endif
