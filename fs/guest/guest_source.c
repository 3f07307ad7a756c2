/* The image's bytes (see guest_source.h). Through the socket, a read is one
 * IMAGE request of at most FIM_GP_READ_MAX bytes and its answer, read
 * straight into the caller's buffer; the core never sends more than was
 * asked, and an answer that says otherwise ends this process. */
#include "guest_source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest_proto.h"

int src_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n == 0 && done))
			_exit(FIM_GUEST_EXIT_SOCKET);
		if (n == 0)
			return 1;
		done += (size_t)n;
	}
	return 0;
}

void src_write_full(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(FIM_GUEST_EXIT_SOCKET);
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
}

static void must_read(int fd, void *buf, size_t len)
{
	if (src_read_full(fd, buf, len))
		_exit(FIM_GUEST_EXIT_SOCKET);
}

/* One IMAGE request: at most FIM_GP_READ_MAX bytes; returns how many came
 * (0 at the end of the image) or -1 with the core's reason. */
static ssize_t ask_core(struct guest_src *s, void *buf, uint32_t len,
			uint64_t off, char *why, size_t whysz)
{
	uint8_t req[4 + FIM_GP_IMAGE_REQ_LEN], head[4 + FIM_GP_REPLY_HDR + 4];
	struct fim_gp_buf b = {req, 0, sizeof(req)};
	struct fim_gp_cur c;

	fim_gp_encode_image_req(&b, s->id, off, len);
	src_write_full(s->sock, req, b.len);
	/* an error reply is shorter than an OK one's head: its status is
	 * known before the rest is read */
	must_read(s->sock, head, 4 + FIM_GP_REPLY_HDR);
	fim_gp_cur_init(&c, head, 4 + FIM_GP_REPLY_HDR);
	uint32_t frame = fim_gp_get_u32(&c);
	uint8_t op = fim_gp_get_u8(&c);
	uint32_t id = fim_gp_get_u32(&c);
	uint8_t status = fim_gp_get_u8(&c);
	if (op != FIM_GP_IMAGE || id != s->id || frame < FIM_GP_REPLY_HDR ||
	    status >= FIM_GP_STATUS_END)
		_exit(FIM_GUEST_EXIT_REQUEST);
	if (status != FIM_GP_OK) {
		uint8_t msg[2 + 512];
		size_t n = frame - FIM_GP_REPLY_HDR;
		if (n > sizeof(msg))
			_exit(FIM_GUEST_EXIT_REQUEST);
		must_read(s->sock, msg, n);
		fim_gp_cur_init(&c, msg, n);
		struct fim_gp_str r = fim_gp_get_str(&c, 512);
		if (fim_gp_cur_end(&c))
			_exit(FIM_GUEST_EXIT_REQUEST);
		snprintf(why, whysz, "image read at %llu: %.*s",
			 (unsigned long long)off, (int)r.len, r.p);
		return -1;
	}
	must_read(s->sock, head + 4 + FIM_GP_REPLY_HDR, 4);
	fim_gp_cur_init(&c, head + 4 + FIM_GP_REPLY_HDR, 4);
	uint32_t got = fim_gp_get_u32(&c);
	if (got > len || frame != FIM_GP_REPLY_HDR + 4 + got)
		_exit(FIM_GUEST_EXIT_REQUEST);
	must_read(s->sock, buf, got);
	return got;
}

ssize_t src_pread(struct guest_src *s, void *buf, size_t len, uint64_t off,
		  char *why, size_t whysz)
{
	size_t done = 0;

	if (off > INT64_MAX || len > INT64_MAX - off) {
		snprintf(why, whysz, "image read beyond any file");
		return -1;
	}
	while (done < len) {
		size_t want = len - done;
		ssize_t n;

		if (s->fd < 0) {
			if (want > FIM_GP_READ_MAX)
				want = FIM_GP_READ_MAX;
			n = ask_core(s, (char *)buf + done, (uint32_t)want,
				     off + done, why, whysz);
			if (n < 0)
				return -1;
		} else {
			n = pread(s->fd, (char *)buf + done, want,
				  (off_t)(off + done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				snprintf(why, whysz, "image read at %llu: %s",
					 (unsigned long long)(off + done),
					 strerror(errno));
				return -1;
			}
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int src_fail(char *why, size_t whysz, const char *format, const char *fmt,
	     ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(why, whysz, "%s %s", format, msg);
	return -EIO;
}

int src_read_exact(struct guest_src *s, void *buf, size_t len, uint64_t off,
		   const char *what, char *why, size_t whysz)
{
	char io[160];
	ssize_t n = src_pread(s, buf, len, off, io, sizeof(io));

	if (n < 0)
		snprintf(why, whysz, "%s: %s", what, io);
	else if ((size_t)n != len)
		snprintf(why, whysz, "%s lies beyond the end of the file "
			 "(cut short?)", what);
	return n >= 0 && (size_t)n == len ? 0 : -EIO;
}
