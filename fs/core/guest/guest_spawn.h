/* Starting fimfs-guest, for a client (guest_client.c) or as a spare
 * (guest_spare.c): a child that holds its end of a socketpair and waits
 * for START. */
#ifndef FIM_GUEST_SPAWN_H
#define FIM_GUEST_SPAWN_H

#include <sys/types.h>

/* Starts helper with those limits; its pid and the core's end of the
 * socket (close-on-exec) in *pid and *sock. 0 or a negative errno. */
int fim_guest_spawn(const char *helper, unsigned mem_mib,
		    unsigned cpu_seconds, pid_t *pid, int *sock);

#endif
