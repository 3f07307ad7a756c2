/* A compromised VM chooses every byte The Sleuth Kit parses here, so this
 * process must be worth nothing to an attacker who takes it over: it holds
 * one read-only descriptor on that same image (none when the core reads the
 * image for it) and a socket to the core, and the kernel refuses it
 * everything else. The filter is an allow-list by
 * descriptor (a system call on any other fd kills), memory may be mapped but
 * never executable, and there is no open, socket, clone or exec to reach
 * anything new. Resource limits bound what the allowed calls can consume. */
#include "sandbox.h"

#include <errno.h>
#include <linux/close_range.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* AddressSanitizer reserves terabytes of shadow address space and writes
 * its reports to stderr, which may be a file: a sanitizer build keeps the
 * filter and the other limits, not RLIMIT_AS and RLIMIT_FSIZE. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif

static int limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};

	return setrlimit(resource, &rl) ? -errno : 0;
}

static int set_limits(const struct sandbox_limits *l)
{
	int r = 0;

	r = r ? r : limit(RLIMIT_CORE, 0);
	r = r ? r : limit(RLIMIT_NOFILE, 0);
	r = r ? r : limit(RLIMIT_NPROC, 0);
	r = r ? r : limit(RLIMIT_CPU, l->cpu_seconds);
#ifndef SANDBOX_ASAN
	r = r ? r : limit(RLIMIT_FSIZE, 0);
	r = r ? r : limit(RLIMIT_AS, (rlim_t)l->mem_mib << 20);
#endif
	return r;
}

/* Allows syscall nr when its first argument is fd. */
static int on_fd(scmp_filter_ctx ctx, int nr, int fd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
}

static int build_filter(scmp_filter_ctx ctx, int image_fd)
{
	int r = 0;

	if (image_fd)
		r = on_fd(ctx, SCMP_SYS(pread64), SANDBOX_IMAGE_FD);
	r = r ? r : on_fd(ctx, SCMP_SYS(read), SANDBOX_SOCK_FD);
	/* whether a request waits, before a listing is made ahead */
	r = r ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 2,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)SANDBOX_SOCK_FD),
			SCMP_A3(SCMP_CMP_EQ,
				(scmp_datum_t)(MSG_PEEK | MSG_DONTWAIT)));
	r = r ? r : on_fd(ctx, SCMP_SYS(write), SANDBOX_SOCK_FD);
	r = r ? r : on_fd(ctx, SCMP_SYS(write), STDERR_FILENO);
	r = r ? r : on_fd(ctx, SCMP_SYS(writev), STDERR_FILENO);
	/* anonymous memory only, never executable */
	r = r ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
			SCMP_A4(SCMP_CMP_MASKED_EQ, 0xffffffffu, 0xffffffffu));
	r = r ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect),
			1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	static const int free_calls[] = {
		SCMP_SYS(munmap), SCMP_SYS(mremap),       SCMP_SYS(brk),
		SCMP_SYS(madvise), SCMP_SYS(futex),       SCMP_SYS(exit),
		SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	};
	for (size_t i = 0; !r && i < sizeof(free_calls) / sizeof(*free_calls);
	     i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, free_calls[i], 0);
	return r;
}

int sandbox_enter(const struct sandbox_limits *l)
{
	scmp_filter_ctx ctx;
	int r;

	if (syscall(SYS_close_range, SANDBOX_SOCK_FD + 1, ~0u, 0))
		return -errno;
	r = set_limits(l);
	if (r)
		return r;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	r = build_filter(ctx, l->image_fd);
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}
