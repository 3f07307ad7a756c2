/* Starting fimfs-guest (see guest_spawn.h). The child gets /dev/null as
 * stdin and stdout, the daemon's stderr, its end of the socket on fd 4 and
 * nothing else: every other descriptor is closed before exec, whether or
 * not the daemon marked it close-on-exec, and fd 3 stays closed until
 * START brings the image. */
#include "guest_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHILD_IMAGE_FD 3
#define CHILD_SOCK_FD 4
/* The lowest fd the parent keeps the child's end at, so that the move onto
 * fd 4 never overwrites another of the actions' descriptors. */
#define HIGH_FD 10

int fim_guest_spawn(const char *helper, unsigned mem_mib,
		    unsigned cpu_seconds, pid_t *pid, int *sock)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char mem[24], cpu[24], mem_opt[] = "--mem", cpu_opt[] = "--cpu";
	char *argv[] = {(char *)helper, mem_opt, mem, cpu_opt, cpu, NULL};
	char *envp[] = {NULL};
	int sv[2], theirs, r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	theirs = fcntl(sv[1], F_DUPFD_CLOEXEC, HIGH_FD);
	r = theirs < 0 ? -errno : 0;
	close(sv[1]);
	if (r) {
		close(sv[0]);
		return r;
	}
	snprintf(mem, sizeof(mem), "%u", mem_mib);
	snprintf(cpu, sizeof(cpu), "%u", cpu_seconds);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, CHILD_IMAGE_FD);
	posix_spawn_file_actions_adddup2(&fa, theirs, CHILD_SOCK_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, CHILD_SOCK_FD + 1);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	r = -posix_spawn(pid, helper, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(theirs);
	if (r) {
		close(sv[0]);
		return r;
	}
	*sock = sv[0];
	return 0;
}
