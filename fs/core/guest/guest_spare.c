/* A reader started ahead of need (see guest.h). Exec and dynamic linking of
 * fimfs-guest and its libraries take tens of milliseconds, paid by the
 * first look at every image when the child starts on demand; a spare pays
 * them while nobody waits. It holds nothing but its socket until a client
 * takes it and sends START, so it may wait before the sandbox: it has not
 * seen a byte of any image.
 *
 * The spare started when one is taken waits at the lowest CPU priority, so
 * that its start does not slow the reading of the image that took the last
 * one, and gets its caller's priority back when taken in turn. Only a
 * privileged caller lowers it: nobody else could raise it again. */
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_spawn.h"
#include "log.h"

#define SPARE_NICE 19

struct fim_guest_spare {
	pthread_mutex_t lock; /* guards pid and sock */
	char *helper;
	unsigned mem_mib, cpu_seconds;
	bool may_lower; /* the caller could raise a lowered one again */
	bool lowered;   /* the one waiting is at SPARE_NICE */
	int prio;       /* the caller's nice value, which it gets back */
	pid_t pid;    /* 0: none waits */
	int sock;
};

/* Starts the next spare; lower: at SPARE_NICE (one started while an image
 * is read; the first one starts before anything else is asked). */
static void spawn_locked(struct fim_guest_spare *s, bool lower)
{
	/* on failure nobody waits: the client then starts its own child and
	 * says why that fails */
	if (fim_guest_spawn(s->helper, s->mem_mib, s->cpu_seconds, &s->pid,
			    &s->sock)) {
		s->pid = 0;
		return;
	}
	s->lowered = lower && s->may_lower &&
		     !setpriority(PRIO_PROCESS, (id_t)s->pid, SPARE_NICE);
}

int fim_guest_spare_new(const struct fim_guest_opts *o,
			struct fim_guest_spare **out)
{
	struct fim_guest_spare *s = calloc(1, sizeof(*s));

	if (s)
		s->helper = strdup(o->helper);
	if (!s || !s->helper) {
		free(s);
		return -ENOMEM;
	}
	s->mem_mib = o->mem_mib;
	s->cpu_seconds = o->cpu_seconds;
	errno = 0;
	s->prio = getpriority(PRIO_PROCESS, 0);
	s->may_lower = geteuid() == 0 && !errno;
	pthread_mutex_init(&s->lock, NULL);
	spawn_locked(s, false);
	*out = s;
	return 0;
}

int fim_guest_spare_take(struct fim_guest_spare *s, pid_t *pid, int *sock)
{
	int r = -EAGAIN;

	pthread_mutex_lock(&s->lock);
	if (s->pid) {
		*pid = s->pid;
		*sock = s->sock;
		if (s->lowered &&
		    setpriority(PRIO_PROCESS, (id_t)*pid, s->prio))
			fim_log(LOG_WARNING, "guest: image reader %d keeps "
				"nice %d: %s", (int)*pid, SPARE_NICE,
				strerror(errno));
		r = 0;
	}
	spawn_locked(s, true);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void fim_guest_spare_free(struct fim_guest_spare *s)
{
	if (!s)
		return;
	if (s->pid) {
		kill(s->pid, SIGKILL);
		close(s->sock);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_destroy(&s->lock);
	free(s->helper);
	free(s);
}
