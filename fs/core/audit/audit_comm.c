/* The requester's process name for audit records.
 *
 * Reading /proc/PID/comm costs an open, a read and a close on every file
 * opened through the mount, while the usual reader (cat, tar, rsync, a FIM
 * walker) opens thousands of files from one process. So the descriptors
 * of recent processes' comm files stay open: a pread on one returns the
 * name as it is now (an exec shows at once) and fails with ESRCH once the
 * process is gone, even if its pid has been reused since, because the
 * descriptor belongs to the task, not to the number. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "audit.h"

#define COMM_SLOTS 32 /* direct-mapped by pid */

static struct {
	pid_t pid;
	int fd;
} slots[COMM_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static int read_comm(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* Into buf through slot i: the cached descriptor if its process is still
 * there, else a new one kept in the slot. Lock held. */
static int comm_locked(unsigned i, pid_t pid, char *buf, size_t size)
{
	char path[64];
	int fd, ret;

	if (slots[i].pid == pid) {
		if (!read_comm(slots[i].fd, buf, size))
			return 0;
		close(slots[i].fd);
		slots[i].pid = 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = read_comm(fd, buf, size);
	if (ret) {
		close(fd);
		return ret;
	}
	if (slots[i].pid)
		close(slots[i].fd);
	slots[i].pid = pid;
	slots[i].fd = fd;
	return 0;
}

int fim_audit_comm(pid_t pid, char *buf, size_t size)
{
	int ret;

	if (!size)
		return -EINVAL;
	if (pid <= 0) {
		snprintf(buf, size, "?");
		return -ESRCH;
	}
	pthread_mutex_lock(&slots_lock);
	ret = comm_locked((unsigned)pid % COMM_SLOTS, pid, buf, size);
	pthread_mutex_unlock(&slots_lock);
	if (ret)
		snprintf(buf, size, "?");
	return ret;
}
