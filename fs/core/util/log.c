#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static fim_log_sink log_sink;
static void *log_arg;
static int log_level = LOG_INFO;

void fim_log_set_sink(fim_log_sink sink, void *arg)
{
	log_sink = sink;
	log_arg = arg;
}

void fim_log_set_level(int prio)
{
	log_level = prio;
}

void fim_log(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (prio > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_sink) {
		log_sink(prio, msg, log_arg);
		return;
	}
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, msg);
}

#define NAME(e) case e: return #e
const char *fim_errname(int err)
{
	static __thread char buf[16];

	switch (err) {
	case 0: return "OK";
	NAME(EPERM); NAME(ENOENT); NAME(EIO); NAME(ENXIO); NAME(EBADF);
	NAME(EAGAIN); NAME(ENOMEM); NAME(EACCES); NAME(EFAULT); NAME(EBUSY);
	NAME(EEXIST); NAME(EXDEV); NAME(ENODEV); NAME(ENOTDIR); NAME(EISDIR);
	NAME(EINVAL); NAME(ENFILE); NAME(EMFILE); NAME(EFBIG); NAME(ENOSPC);
	NAME(ESPIPE); NAME(EROFS); NAME(EMLINK); NAME(ERANGE);
	NAME(ENAMETOOLONG); NAME(ENOSYS); NAME(ENOTEMPTY); NAME(ELOOP);
	NAME(ENODATA); NAME(ETIMEDOUT); NAME(ESTALE); NAME(EINTR);
	NAME(EOVERFLOW); NAME(ENOTSUP); NAME(ECANCELED); NAME(EBADMSG);
	NAME(ECONNREFUSED); NAME(EHOSTUNREACH); NAME(ENOTCONN); NAME(EDQUOT);
	NAME(E2BIG); NAME(ENOTTY); NAME(ETXTBSY); NAME(EPIPE);
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}
