/* Starting in the background. fuse_daemonize() lets the starting process
 * exit 0 as soon as it has forked, before the kernel's INIT is even read:
 * a mount that fails then (libfuse refusing the INIT, a daemon dying while
 * it loads the baseline) leaves the caller with exit 0 and nothing
 * mounted. Here the starting process stays until the mount answers.
 *
 * The check: a statfs of the mount point reaches the daemon (the kernel
 * holds every request until INIT is answered, fails them with ECONNREFUSED
 * when it was refused and ENOTCONN once the daemon is gone), and a stat of
 * it then shows our mount's device, not the directory under it that is
 * left after an unmount. The starting process drops its copy of the
 * /dev/fuse descriptor first, so that a dead child ends the connection
 * instead of leaving the check waiting forever. */
#include "background.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "mountinfo.h"

#define DRAIN_MS 5000 /* for the child's last words after a failure */

int mount_dev(const char *mnt, unsigned *maj, unsigned *min)
{
	char line[8192];
	struct fim_mount m;
	int found = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -1;
	/* the last match is the newest */
	while (fgets(line, sizeof(line), f)) {
		if (fim_mountinfo_parse(line, &m) || strcmp(m.point, mnt))
			continue;
		*maj = m.major;
		*min = m.minor;
		found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

/* ---- the child ----------------------------------------------------------- */

/* The socket to the starting process; sends fail once it has exited. */
static int to_starter = -1;

static void child_sink(int prio, const char *msg, void *arg)
{
	char line[1100];
	int n;

	(void)arg;
	syslog(prio, "%s", msg);
	if (prio > LOG_WARNING)
		return;
	n = snprintf(line, sizeof(line), "%s: %s\n",
		     program_invocation_short_name, msg);
	/* Best effort: once the starter has exited this fails (EPIPE), and
	 * a starter that does not keep up loses lines rather than stalling
	 * the daemon. */
	if (n > 0 && (size_t)n < sizeof(line))
		(void)send(to_starter, line, (size_t)n,
			   MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* libfuse's own messages (a refused INIT, ...) go the same way. */
__attribute__((format(printf, 2, 0)))
static void fuse_to_log(enum fuse_log_level level, const char *fmt,
			va_list ap)
{
	char msg[1024];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	fim_log((int)level, "%s", msg);
}

static void detach(int sock)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	to_starter = sock;
	fim_log_set_sink(child_sink, NULL);
	fuse_set_log_func(fuse_to_log);
	if (setsid() < 0)
		fim_log(LOG_WARNING, "setsid: %m");
	if (chdir("/"))
		fim_log(LOG_WARNING, "chdir /: %m");
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

/* ---- the starting process ------------------------------------------------ */

/* Copy what the child sent to stderr; wait up to ms for more (until it
 * closes its end) when ms > 0. */
static void relay(int sock, int ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	while (poll(&p, 1, ms) > 0) {
		n = read(sock, buf, sizeof(buf));
		if (n <= 0 || write(STDERR_FILENO, buf, (size_t)n) != n)
			return;
	}
}

/* 0 once the mount at mnt answers as the mount of device dev, else the
 * errno that says why not. Blocks until the daemon answers or is gone. */
static int mount_answers(const char *mnt, dev_t dev)
{
	struct statvfs sv;
	struct stat st;

	if (statvfs(mnt, &sv) || stat(mnt, &st))
		return errno;
	return st.st_dev == dev ? 0 : ENOTCONN;
}

static void starter(int sock, struct fuse_session *se, const char *mnt,
		    dev_t dev) __attribute__((noreturn));

static void starter(int sock, struct fuse_session *se, const char *mnt,
		    dev_t dev)
{
	int err;

	close(fuse_session_fd(se));
	err = mount_answers(mnt, dev);
	relay(sock, err ? DRAIN_MS : 0);
	if (err)
		fprintf(stderr, "%s: %s: not mounted: the daemon stopped before "
			"the mount answered (%s)\n",
			program_invocation_short_name, mnt, strerror(err));
	_exit(err ? 1 : 0);
}

int background_start(struct fuse_session *se, const char *mnt)
{
	unsigned maj, min;
	int sv[2];
	pid_t pid;

	if (!mnt || mount_dev(mnt, &maj, &min)) {
		fprintf(stderr, "%s: %s: not in the mount table after mounting\n",
			program_invocation_short_name, mnt ? mnt : "?");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		fprintf(stderr, "%s: socketpair: %s\n",
			program_invocation_short_name, strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", program_invocation_short_name,
			strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid) {
		close(sv[1]);
		starter(sv[0], se, mnt, makedev(maj, min));
	}
	close(sv[0]);
	detach(sv[1]);
	return 0;
}
