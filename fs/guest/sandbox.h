/* The cage fimfs-guest parses hostile disk images in. */
#ifndef FIM_GUEST_SANDBOX_H
#define FIM_GUEST_SANDBOX_H

/* The descriptors the core hands over, the only ones left open (with
 * stderr): the image, read-only, and this end of a stream socketpair. */
#define SANDBOX_IMAGE_FD 3
#define SANDBOX_SOCK_FD 4

struct sandbox_limits {
	unsigned long mem_mib;     /* address space */
	unsigned long cpu_seconds; /* CPU time of the whole process */
	int image_fd;              /* 0: no image descriptor: no pread */
};

/* Closes every other descriptor, sets the resource limits (no core dumps,
 * no file growth, no new descriptors), sets no_new_privs and installs the
 * seccomp filter: from then on the process can read the image, talk on the
 * socket, write stderr, manage its memory and exit; any other system call
 * kills it with SIGSYS. Returns 0 or a negative errno (the caller exits). */
int sandbox_enter(const struct sandbox_limits *l);

#endif
