/* fimfs-guest: reads the file systems inside one disk image for the fimfs
 * core, which starts it with the image open read-only on fd 3 and its end
 * of a socketpair on fd 4 (see fs/core/guest/guest_client.c).
 *
 * It is a separate process because the image is hostile: a compromised VM
 * wrote it, and The Sleuth Kit is a large C/C++ parser. Before it looks at a
 * byte of the image it locks itself in (sandbox.c); the worst a malformed
 * file system can then do is crash or hang this process, which the core
 * notices and reports as ERROR for that image's entries.
 *
 * usage: fimfs-guest [--mem MIB] [--cpu SECONDS]   (not for humans)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest_image.h"
#include "guest_proto.h"
#include "guest_serve.h"
#include "sandbox.h"

/* Requests are small: a path and a few numbers. */
#define REQ_MAX (FIM_GP_PATH_MAX + 64u)

/* Before the sandbox: say why on stderr. */
static void die(const char *what, int err)
{
	fprintf(stderr, "fimfs-guest: %s: %s\n", what, strerror(err));
	_exit(1);
}

/* Inside it, files cannot grow (stderr may be one): the exit status says
 * why, and the core reports it. */
static void quit(int status)
{
	_exit(status);
}

/* 0, or 1 at end of file before the first byte. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n == 0 && done))
			quit(FIM_GUEST_EXIT_SOCKET);
		if (n == 0)
			return 1;
		done += (size_t)n;
	}
	return 0;
}

static void write_full(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			quit(FIM_GUEST_EXIT_SOCKET);
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
}

static unsigned long number(const char *opt, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v)
		die(opt, EINVAL);
	return v;
}

static uint64_t check_fds(void)
{
	struct stat st;
	int fl = fcntl(SANDBOX_IMAGE_FD, F_GETFL);

	if (fl < 0 || fstat(SANDBOX_IMAGE_FD, &st))
		die("fd 3 (the image)", EBADF);
	if ((fl & O_ACCMODE) != O_RDONLY)
		die("fd 3 (the image) is not read-only", EPERM);
	if (!S_ISREG(st.st_mode))
		die("fd 3 (the image) is not a regular file", EINVAL);
	uint64_t size = (uint64_t)st.st_size;
	if (fstat(SANDBOX_SOCK_FD, &st) || !S_ISSOCK(st.st_mode))
		die("fd 4 (the socket)", ENOTSOCK);
	return size;
}

static void hello(void)
{
	uint8_t b[10];
	struct fim_gp_buf out = {b, 0, sizeof(b)};

	fim_gp_put_u32(&out, 6);
	memcpy(b + 4, FIM_GP_MAGIC, 4);
	out.len += 4;
	fim_gp_put_u16(&out, FIM_GP_VERSION);
	write_full(SANDBOX_SOCK_FD, b, out.len);
}

static void serve(struct guest_image *gi)
{
	static uint8_t req[REQ_MAX];
	struct fim_gp_buf out = {malloc(GS_REPLY_CAP), 0, GS_REPLY_CAP};
	uint8_t hdr[4];

	if (!out.p)
		quit(FIM_GUEST_EXIT_MEMORY);
	while (!read_full(SANDBOX_SOCK_FD, hdr, sizeof(hdr))) {
		uint32_t len = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
			       (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
		if (len > REQ_MAX || read_full(SANDBOX_SOCK_FD, req, len) ||
		    gs_answer(gi, req, len, &out))
			quit(FIM_GUEST_EXIT_REQUEST);
		write_full(SANDBOX_SOCK_FD, out.p, out.len);
	}
}

int main(int argc, char **argv)
{
	struct sandbox_limits lim = {.mem_mib = 1024, .cpu_seconds = 3600};
	struct guest_image *gi;
	int r;

	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			die(argv[i], EINVAL);
		if (!strcmp(argv[i], "--mem"))
			lim.mem_mib = number(argv[i], argv[i + 1]);
		else if (!strcmp(argv[i], "--cpu"))
			lim.cpu_seconds = number(argv[i], argv[i + 1]);
		else
			die(argv[i], EINVAL);
	}
	uint64_t size = check_fds();
	/* FAT keeps local times of an unknown zone: read them as UTC, and
	 * settle the zone now, as loading one later would open a file */
	if (setenv("TZ", "UTC0", 1))
		die("TZ", errno);
	tzset();
	r = sandbox_enter(&lim);
	if (r)
		die("sandbox", -r);
	hello();
	if (gi_open(SANDBOX_IMAGE_FD, size, &gi))
		quit(FIM_GUEST_EXIT_MEMORY);
	serve(gi);
	/* the core closed the socket; _exit skips atexit work the filter
	 * would not allow */
	_exit(0);
}
