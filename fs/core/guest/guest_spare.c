/* A reader started ahead of need (see guest.h). Exec and dynamic linking of
 * fimfs-guest and its libraries take tens of milliseconds, paid by the
 * first look at every image when the child starts on demand; a spare pays
 * them while nobody waits. It holds nothing but its socket until a client
 * takes it and sends START, so it may wait before the sandbox: it has not
 * seen a byte of any image.
 *
 * The spare started when one is taken runs as SCHED_IDLE, on CPU time
 * nobody else wants, so that its start does not slow the reading of the
 * image that took the last one, and gets its caller's policy and nice value
 * back when taken in turn. At nice 19 instead it still took CPU from the
 * requests it was meant to leave alone: a first find over the 10k files of
 * a guest took 1.45 times as long on two cores. Only a privileged caller
 * lowers it: nobody else could raise it again.
 *
 * Even as SCHED_IDLE, its start (about 20 ms of the loader's CPU for 46
 * libraries) cost that first find 12 ms on two cores (86 against 74 ms in
 * 20 alternating rounds), so when images are opened one at a time the
 * next spare starts SPARE_DELAY_MS after the take, from a thread of its
 * own, once the first look at that image is over. When they are opened
 * one after another (none waited, or the last was taken less than that
 * before), the next is wanted soon and starts at once. */
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_spawn.h"
#include "log.h"

/* A first find over the 10k files of a guest takes about 80 ms here: a
 * quarter of a second leaves room for a loaded machine. */
#define SPARE_DELAY_MS 250

struct fim_guest_spare {
	pthread_mutex_t lock; /* guards all below but helper and limits */
	pthread_cond_t wake;  /* the starter's, on CLOCK_MONOTONIC */
	pthread_t starter;
	char *helper;
	unsigned mem_mib, cpu_seconds;
	bool may_lower; /* the caller could raise a lowered one again */
	bool lowered;   /* the one waiting is SCHED_IDLE */
	int policy;     /* the caller's scheduling policy ... */
	int prio;       /* ... and nice value, which it gets back */
	pid_t pid;    /* 0: none waits */
	int sock;
	bool due;                /* the next starts at start_at */
	struct timespec start_at;
	bool taken;              /* one was taken, last at taken_at */
	struct timespec taken_at;
	bool quit;
};

/* Starts the next spare; lower: as SCHED_IDLE (one started while an image
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
		     !sched_setscheduler(s->pid, SCHED_IDLE,
					 &(struct sched_param){ 0 });
}

/* The caller's policy and nice value back for the spare pid. */
static int raise_spare(const struct fim_guest_spare *s, pid_t pid)
{
	if (sched_setscheduler(pid, s->policy, &(struct sched_param){ 0 }) ||
	    setpriority(PRIO_PROCESS, (id_t)pid, s->prio))
		return -errno;
	return 0;
}

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 +
	       (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* Starts the next spare when it is due, until quit. */
static void *starter(void *arg)
{
	struct fim_guest_spare *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->quit) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!s->due) {
			pthread_cond_wait(&s->wake, &s->lock);
		} else if (ms_between(&now, &s->start_at) > 0) {
			pthread_cond_timedwait(&s->wake, &s->lock,
					       &s->start_at);
		} else {
			s->due = false;
			if (!s->pid)
				spawn_locked(s, true);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Has the starter start the next spare: at once when none waited for
 * this take or the last one was a moment ago, else after SPARE_DELAY_MS
 * (see the top of this file). */
static void start_next_locked(struct fim_guest_spare *s, bool none_waited)
{
	struct timespec now;
	unsigned delay_ms = SPARE_DELAY_MS;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (none_waited ||
	    (s->taken && ms_between(&s->taken_at, &now) < SPARE_DELAY_MS))
		delay_ms = 0;
	s->taken = true;
	s->taken_at = now;
	s->start_at = now;
	s->start_at.tv_nsec += (long)delay_ms * 1000000;
	if (s->start_at.tv_nsec >= 1000000000) {
		s->start_at.tv_sec += s->start_at.tv_nsec / 1000000000;
		s->start_at.tv_nsec %= 1000000000;
	}
	s->due = true;
	pthread_cond_signal(&s->wake);
}

int fim_guest_spare_new(const struct fim_guest_opts *o,
			struct fim_guest_spare **out)
{
	struct fim_guest_spare *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int r;

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
	s->policy = sched_getscheduler(0);
	/* a caller with a real-time or idle policy keeps its spare as is */
	s->may_lower = geteuid() == 0 && !errno &&
		       (s->policy == SCHED_OTHER || s->policy == SCHED_BATCH);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	r = -pthread_create(&s->starter, NULL, starter, s);
	if (r) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		free(s->helper);
		free(s);
		return r;
	}
	pthread_mutex_lock(&s->lock);
	spawn_locked(s, false);
	pthread_mutex_unlock(&s->lock);
	*out = s;
	return 0;
}

int fim_guest_spare_take(struct fim_guest_spare *s, pid_t *pid, int *sock)
{
	int r = -EAGAIN;

	pthread_mutex_lock(&s->lock);
	if (s->pid) {
		int err = s->lowered ? raise_spare(s, s->pid) : 0;

		if (err)
			fim_log(LOG_WARNING, "guest: image reader %d stays "
				"SCHED_IDLE: %s", (int)s->pid, strerror(-err));
		*pid = s->pid;
		*sock = s->sock;
		s->pid = 0;
		r = 0;
	}
	start_next_locked(s, r != 0);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void fim_guest_spare_free(struct fim_guest_spare *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->starter, NULL);
	if (s->pid) {
		kill(s->pid, SIGKILL);
		close(s->sock);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->helper);
	free(s);
}
