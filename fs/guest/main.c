/* fimfs-guest: reads the file systems inside one disk image for the fimfs
 * core, which starts it with its end of a socketpair on fd 4 (see
 * fs/core/guest/guest_client.c) and then hands it the image: START, with
 * the image's read-only descriptor, which lands on fd 3. The core may start
 * it ahead of need, so that an image's first look does not wait for exec
 * and dynamic linking; until START it holds nothing but the socket.
 *
 * It is a separate process because the image is hostile: a compromised VM
 * wrote it, and The Sleuth Kit is a large C/C++ parser. Before it looks at a
 * byte of the image it locks itself in (sandbox.c); the worst a malformed
 * file system can then do is crash or hang this process, which the core
 * notices and reports as ERROR for that image's entries.
 *
 * When START gives a size and no descriptor, the image is on a source the
 * core reads itself (NFS through libnfs): the child asks it for the bytes
 * it needs over the socket (guest_source.c), and cannot even pread.
 *
 * usage: fimfs-guest [--mem MIB] [--cpu SECONDS]   (not for humans)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest_ahead.h"
#include "guest_image.h"
#include "guest_proto.h"
#include "guest_serve.h"
#include "guest_source.h"
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

static unsigned long long number(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !v)
		die(opt, EINVAL);
	return v;
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* Waits for START; returns the size it gives (0: the image's descriptor
 * came with it and is now fd 3). The core closing the socket first means
 * it stopped a spare it never used. */
static uint64_t receive_start(void)
{
	uint8_t b[4 + FIM_GP_START_LEN];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {b, sizeof(b)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof(ctl.buf)};
	uint64_t size;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(SANDBOX_SOCK_FD, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		_exit(0);
	if (n < 0)
		die("fd 4 (the socket)", errno);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	if ((m.msg_flags & MSG_CTRUNC) ||
	    ((size_t)n < sizeof(b) &&
	     src_read_full(SANDBOX_SOCK_FD, b + n, sizeof(b) - (size_t)n)) ||
	    le32(b) != FIM_GP_START_LEN ||
	    fim_gp_decode_start(b + 4, FIM_GP_START_LEN, &size))
		die("START", EPROTO);
	if (!size != (fd >= 0))
		die("START: a descriptor and a size, or neither", EINVAL);
	if (fd >= 0 && fd != SANDBOX_IMAGE_FD &&
	    (dup2(fd, SANDBOX_IMAGE_FD) < 0 || close(fd)))
		die("fd 3 (the image)", errno);
	return size;
}

/* The image's size: fd 3's, or the one START gave for an image that comes
 * through the socket (then fd 3 must be closed: there is nothing to pread). */
static uint64_t check_fds(uint64_t image_size)
{
	struct stat st;
	int fl = fcntl(SANDBOX_IMAGE_FD, F_GETFL);
	uint64_t size = image_size;

	if (image_size && fl >= 0)
		die("fd 3 is open, but START says the image comes "
		    "through the socket", EINVAL);
	if (!image_size) {
		if (fl < 0 || fstat(SANDBOX_IMAGE_FD, &st))
			die("fd 3 (the image)", EBADF);
		if ((fl & O_ACCMODE) != O_RDONLY)
			die("fd 3 (the image) is not read-only", EPERM);
		if (!S_ISREG(st.st_mode))
			die("fd 3 (the image) is not a regular file", EINVAL);
		size = (uint64_t)st.st_size;
	}
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
	src_write_full(SANDBOX_SOCK_FD, b, out.len);
}

/* Whether the core has sent (part of) a request, or closed the socket. */
static bool request_waiting(void)
{
	uint8_t b;

	return recv(SANDBOX_SOCK_FD, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 ||
	       (errno != EAGAIN && errno != EWOULDBLOCK);
}

static void send_frame(void *arg, const void *frame, size_t len)
{
	(void)arg;
	src_write_full(SANDBOX_SOCK_FD, frame, len);
}

/* The image is opened at the first request, so that the reads it takes
 * come while the core waits for a reply and can answer them. Between
 * requests, listings are made ahead for an image read from fd 3. */
static void serve(struct guest_src *src, struct gs_ahead *ahead)
{
	struct guest_image *gi = NULL;
	static uint8_t req[REQ_MAX];
	struct fim_gp_buf out = {malloc(GS_REPLY_CAP), 0, GS_REPLY_CAP};
	uint8_t hdr[4];

	if (!out.p)
		quit(FIM_GUEST_EXIT_MEMORY);
	for (;;) {
		while (gi && ahead && !request_waiting() &&
		       gs_ahead_work(ahead, gi))
			;
		if (src_read_full(SANDBOX_SOCK_FD, hdr, sizeof(hdr)))
			return;
		uint32_t len = le32(hdr);
		if (len < 5 || len > REQ_MAX ||
		    src_read_full(SANDBOX_SOCK_FD, req, len))
			quit(FIM_GUEST_EXIT_REQUEST);
		src->id = le32(req + 1);
		if (!gi && gi_open(src, &gi))
			quit(FIM_GUEST_EXIT_MEMORY);
		if (ahead ? gs_ahead_answer(ahead, gi, req, len, &out,
					    send_frame, NULL)
			  : gs_answer(gi, req, len, &out))
			quit(FIM_GUEST_EXIT_REQUEST);
		src_write_full(SANDBOX_SOCK_FD, out.p, out.len);
	}
}

int main(int argc, char **argv)
{
	struct sandbox_limits lim = {.mem_mib = 1024, .cpu_seconds = 3600,
				     .image_fd = 1};
	uint64_t image_size;
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
	image_size = receive_start();
	struct guest_src src = {
		.fd = image_size ? -1 : SANDBOX_IMAGE_FD,
		.sock = SANDBOX_SOCK_FD,
		.size = check_fds(image_size),
	};
	lim.image_fd = src.fd >= 0;
	/* FAT keeps local times of an unknown zone: read them as UTC, and
	 * settle the zone now, as loading one later would open a file */
	if (setenv("TZ", "UTC0", 1))
		die("TZ", errno);
	tzset();
	r = sandbox_enter(&lim);
	if (r)
		die("sandbox", -r);
	struct gs_ahead *ahead = NULL;
	if (src.fd >= 0 && gs_ahead_new(&ahead))
		quit(FIM_GUEST_EXIT_MEMORY);
	hello();
	serve(&src, ahead);
	/* the core closed the socket; _exit skips atexit work the filter
	 * would not allow */
	_exit(0);
}
