/* The child process behind a fim_guest (see guest.h): starting it with
 * nothing but the image and a socket, one request at a time with a deadline
 * on every reply, and ending it when it misbehaves.
 *
 * The daemon must survive whatever the child does: the socket is written
 * with MSG_NOSIGNAL (a dead child must not SIGPIPE the daemon), every read
 * has a deadline (a parser looping on a crafted file system must not hang a
 * FUSE thread), and every length is checked before it is used. A reply that
 * does not parse means the child is compromised or broken: it is not
 * restarted. A crash or a timeout may be one bad corner of the image, so the
 * child is restarted, up to a limit of failures in a row.
 *
 * A client made by fim_guest_new_reader gives the child no descriptor: the
 * child asks for image bytes (IMAGE) while it works on a request, and the
 * client answers from pread_fn between the request and its reply, on the
 * same socket and thread, never more than asked nor past the image. */
#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_config.h"
#include "guest_kept.h"
#include "guest_spawn.h"

/* A directory fimfs shows has at most this many entries. */
#define DIR_ENTRIES_MAX (1u << 24)

struct fim_guest {
	pthread_mutex_t lock; /* guards everything below */
	char *helper;
	struct fim_guest_spare *spare;
	unsigned timeout_ms, max_restarts, mem_mib, cpu_seconds;
	int img_fd; /* -1: the child asks for bytes, read with pread_fn */
	fim_guest_pread_fn pread_fn;
	void *pread_arg;
	uint64_t size;
	uint8_t *img_tx; /* an IMAGE answer, for a reader client */
	pid_t pid; /* 0: no child */
	int sock;
	uint32_t next_id;
	unsigned failures; /* in a row */
	int broken;
	char broken_why[640];
	char reason[640];
	uint8_t *rx; /* a reply's body */
	struct fim_guest_kept *kept; /* listings the child handed over */
	uint8_t tx[FIM_GP_PATH_MAX + 64];
};

void fim_guest_opts_init(struct fim_guest_opts *o)
{
	o->helper = FIM_GUEST_HELPER;
	o->spare = NULL;
	o->timeout_ms = 10000;
	o->max_restarts = 3;
	o->mem_mib = 1024;
	o->cpu_seconds = 3600;
}

/* A client around img_fd (-1 for a reader), which it owns from here on. */
static int new_client(const struct fim_guest_opts *o, int img_fd,
		      struct fim_guest **out)
{
	struct fim_guest *g = calloc(1, sizeof(*g));

	if (g) {
		g->helper = strdup(o->helper);
		g->rx = malloc(FIM_GP_FRAME_MAX);
		fim_guest_kept_new(&g->kept);
	}
	if (!g || !g->helper || !g->rx || !g->kept) {
		if (img_fd >= 0)
			close(img_fd);
		if (g) {
			free(g->helper);
			free(g->rx);
			fim_guest_kept_free(g->kept);
		}
		free(g);
		return -ENOMEM;
	}
	g->img_fd = img_fd;
	g->spare = o->spare;
	g->timeout_ms = o->timeout_ms;
	g->max_restarts = o->max_restarts;
	g->mem_mib = o->mem_mib;
	g->cpu_seconds = o->cpu_seconds;
	g->sock = -1;
	pthread_mutex_init(&g->lock, NULL);
	*out = g;
	return 0;
}

int fim_guest_new(const struct fim_guest_opts *o, int image_fd,
		  struct fim_guest **out)
{
	int fd = fcntl(image_fd, F_DUPFD_CLOEXEC, 0);

	return fd < 0 ? -errno : new_client(o, fd, out);
}

int fim_guest_new_reader(const struct fim_guest_opts *o,
			 fim_guest_pread_fn pread_fn, void *arg, uint64_t size,
			 struct fim_guest **out)
{
	uint8_t *tx = malloc(4 + FIM_GP_REPLY_HDR + 4 + FIM_GP_READ_MAX);
	int r;

	if (!size || size > INT64_MAX) {
		free(tx);
		return -EINVAL;
	}
	r = tx ? new_client(o, -1, out) : -ENOMEM;
	if (r) {
		free(tx);
		return r;
	}
	(*out)->pread_fn = pread_fn;
	(*out)->pread_arg = arg;
	(*out)->size = size;
	(*out)->img_tx = tx;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void describe_exit(int st, char *buf, size_t size)
{
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		snprintf(buf, size, "killed by SIGSYS: a system call the "
				    "sandbox forbids");
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
		snprintf(buf, size, "out of CPU time");
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ)
		snprintf(buf, size, "tried to grow a file");
	else if (WIFSIGNALED(st))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) == FIM_GUEST_EXIT_REQUEST)
		snprintf(buf, size, "refused a request it cannot parse");
	else if (WEXITSTATUS(st) == FIM_GUEST_EXIT_MEMORY)
		snprintf(buf, size, "out of memory");
	else if (WEXITSTATUS(st) == FIM_GUEST_EXIT_SOCKET)
		snprintf(buf, size, "socket failed");
	else
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(st));
}

/* Ends the child. With kill_now (a deadline passed, a lie) it is killed;
 * otherwise it is given a moment to finish dying on its own, so that the
 * cause of its death can be told. */
static void stop_child(struct fim_guest *g, int kill_now, char *how,
		       size_t size)
{
	int st = 0;
	pid_t w = 0;

	/* killed before the socket closes: a child waiting on it must not
	 * see the end of file first and exit as if all were well */
	if (g->pid && kill_now)
		kill(g->pid, SIGKILL);
	if (g->sock >= 0)
		close(g->sock);
	g->sock = -1;
	/* what a failed child handed over is not believed either */
	fim_guest_kept_clear(g->kept);
	if (!g->pid)
		return;
	for (int i = 0; i < 100 && !(w = waitpid(g->pid, &st, WNOHANG)); i++)
		nanosleep(&(struct timespec){0, 2000000}, NULL);
	if (!w) {
		kill(g->pid, SIGKILL);
		w = waitpid(g->pid, &st, 0);
	}
	if (how && w == g->pid)
		describe_exit(st, how, size);
	else if (how)
		snprintf(how, size, "gone");
	g->pid = 0;
}

/* The child failed: end it and count it. A lie (protocol) breaks g for
 * good; anything else does after max_restarts in a row. Returns -EIO. */
static int child_failed(struct fim_guest *g, int protocol, int kill_now,
			const char *fmt, ...)
{
	char what[256], how[128] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	stop_child(g, kill_now || protocol, how, sizeof(how));
	snprintf(g->reason, sizeof(g->reason), "image reader: %s (%s)", what,
		 how);
	if (protocol || ++g->failures > g->max_restarts) {
		g->broken = 1;
		snprintf(g->broken_why, sizeof(g->broken_why), "%.600s%s",
			 g->reason, protocol ? "" : "; too many failures");
	}
	return -EIO;
}

/* Waits for ev on the socket until deadline: 0, -ETIMEDOUT or -errno. */
static int wait_sock(struct fim_guest *g, short ev, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {g->sock, ev, 0};
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* 0, -ETIMEDOUT, -EPIPE (the child is gone) or -errno. */
static int recv_full(struct fim_guest *g, void *buf, size_t len,
		     int64_t deadline)
{
	while (len) {
		int r = wait_sock(g, POLLIN, deadline);
		if (r)
			return r;
		ssize_t n = recv(g->sock, buf, len, MSG_DONTWAIT);
		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno == ECONNRESET ? -EPIPE : -errno;
		}
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_full(struct fim_guest *g, const void *buf, size_t len,
		     int64_t deadline)
{
	while (len) {
		int r = wait_sock(g, POLLOUT, deadline);
		if (r)
			return r;
		ssize_t n = send(g->sock, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -EPIPE;
		}
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* A transport error as a failure of the child. */
static int io_failed(struct fim_guest *g, int r, const char *when)
{
	if (r == -ETIMEDOUT)
		return child_failed(g, 0, 1, "no %s within %u ms", when,
				    g->timeout_ms);
	if (r == -EPIPE)
		return child_failed(g, 0, 0, "died before its %s", when);
	return child_failed(g, 0, 1, "%s: %s", when, strerror(-r));
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* Hands the child the image: START, with the descriptor or the size. */
static int send_start(struct fim_guest *g, int64_t deadline)
{
	uint8_t b[4 + FIM_GP_START_LEN];
	struct fim_gp_buf out = {b, 0, sizeof(b)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {b, sizeof(b)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	int r;

	fim_gp_encode_start(&out, g->img_fd >= 0 ? 0 : g->size);
	if (g->img_fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &g->img_fd, sizeof(int));
	}
	do {
		r = wait_sock(g, POLLOUT, deadline);
		n = r ? -1 : sendmsg(g->sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (!r && n < 0 && (errno == EAGAIN || errno == EINTR));
	if (r)
		return r;
	if (n < 0)
		return -EPIPE;
	/* the descriptor went with the first byte */
	return send_full(g, b + n, sizeof(b) - (size_t)n, deadline);
}

/* Starts a child, the spare's when one waits, hands it the image and
 * checks its hello. A spare that fails before its hello has not seen the
 * image: it is not counted, and a child of our own is tried. */
static int start(struct fim_guest *g, int use_spare)
{
	int64_t deadline = now_ms() + g->timeout_ms;
	uint8_t hello[10];
	int spare = use_spare && g->spare &&
		    !fim_guest_spare_take(g->spare, &g->pid, &g->sock);
	int r = spare ? 0
		      : fim_guest_spawn(g->helper, g->mem_mib,
					g->cpu_seconds, &g->pid, &g->sock);

	if (r) {
		g->pid = 0;
		g->sock = -1;
		return child_failed(g, 0, 1, "cannot start %s: %s", g->helper,
				    strerror(-r));
	}
	r = send_start(g, deadline);
	r = r ? r : recv_full(g, hello, sizeof(hello), deadline);
	if (r && spare) {
		stop_child(g, 1, NULL, 0);
		return start(g, 0);
	}
	if (r)
		return io_failed(g, r, "greeting");
	if (le32(hello) != 6 || fim_gp_decode_hello(hello + 4, 6))
		return child_failed(g, 1, 1, "bad greeting (not fimfs-guest "
					     "protocol %d)", FIM_GP_VERSION);
	return 0;
}

/* Answers the child's IMAGE request, whose first bytes are in hdr, with
 * what pread_fn reads (or the reason it failed). 0, -EPROTO for a request
 * a child must not make (the child is then ended), or a transport error. */
static int answer_image(struct fim_guest *g, const struct fim_gp_req *q,
			const uint8_t *hdr, int64_t deadline)
{
	uint8_t req[FIM_GP_IMAGE_REQ_LEN];
	struct fim_gp_buf out = {g->img_tx, 0,
				 4 + FIM_GP_REPLY_HDR + 4 + FIM_GP_READ_MAX};
	uint32_t id, len;
	uint64_t off;

	if (le32(hdr) != FIM_GP_IMAGE_REQ_LEN || g->img_fd >= 0) {
		child_failed(g, 1, 1, "image request out of place");
		return -EPROTO;
	}
	memcpy(req, hdr + 4, 6);
	int r = recv_full(g, req + 6, sizeof(req) - 6, deadline);
	if (r)
		return r;
	if (fim_gp_decode_image_req(req, sizeof(req), &id, &off, &len) ||
	    id != q->id) {
		child_failed(g, 1, 1, "image request does not parse");
		return -EPROTO;
	}
	if (off >= g->size)
		len = 0;
	else if (len > g->size - off)
		len = (uint32_t)(g->size - off);
	uint8_t *data = g->img_tx + 4 + FIM_GP_REPLY_HDR + 4;
	size_t got = 0;
	ssize_t n = 1;
	while (got < len && (n = g->pread_fn(g->pread_arg, data + got,
					     len - got, off + got)) > 0)
		got += (size_t)n < len - got ? (size_t)n : len - got;
	fim_gp_put_u32(&out, 0);
	fim_gp_put_u8(&out, FIM_GP_IMAGE);
	fim_gp_put_u32(&out, id);
	if (n < 0) {
		char why[128];
		snprintf(why, sizeof(why), "%s", strerror((int)-n));
		fim_gp_put_u8(&out, FIM_GP_EIO);
		fim_gp_put_str(&out, why, strlen(why));
	} else {
		fim_gp_put_u8(&out, FIM_GP_OK);
		fim_gp_put_u32(&out, (uint32_t)got);
		out.len += got;
	}
	struct fim_gp_buf frame = {g->img_tx, 0, 4};
	fim_gp_put_u32(&frame, (uint32_t)(out.len - 4));
	return send_full(g, out.p, out.len, deadline);
}

/* Keeps the listing of the child's AHEAD frame, whose first bytes are in
 * hdr (guest_kept.h): 0, -EPROTO for a frame that does not parse (the child
 * is then ended), or a transport error. */
static int take_ahead(struct fim_guest *g, const struct fim_gp_req *q,
		      const uint8_t *hdr, int64_t deadline)
{
	char path[FIM_GP_PATH_MAX + 1];
	uint32_t len = le32(hdr);
	uint16_t part;
	size_t body;
	int r;

	if (len < FIM_GP_REPLY_HDR || len > FIM_GP_FRAME_MAX ||
	    le32(hdr + 5) != q->id || hdr[9] != FIM_GP_OK) {
		child_failed(g, 1, 1, "listing ahead out of place");
		return -EPROTO;
	}
	len -= FIM_GP_REPLY_HDR;
	r = recv_full(g, g->rx, len, deadline);
	if (r)
		return r;
	if (fim_guest_decode_ahead(g->rx, len, &part, path, &body)) {
		child_failed(g, 1, 1, "listing ahead does not parse");
		return -EPROTO;
	}
	fim_guest_kept_put(g->kept, part, path, g->rx + body, len - body);
	return 0;
}

/* One request and its reply. For a READ that succeeds the data lands in
 * data (*got bytes); any other body is left in g->rx (*body_len bytes).
 * Returns 0, the errno of an error reply (its reason in g->reason), or
 * -EIO for a failed child. */
static int call(struct fim_guest *g, struct fim_gp_req *q, void *data,
		size_t *got, size_t *body_len)
{
	struct fim_gp_buf tx = {g->tx, 0, sizeof(g->tx)};
	uint8_t hdr[4 + FIM_GP_REPLY_HDR];
	int r;

	g->reason[0] = '\0';
	if (g->broken) {
		snprintf(g->reason, sizeof(g->reason), "%s", g->broken_why);
		return -EIO;
	}
	if (!g->pid && (r = start(g, 1)))
		return r;
	q->id = ++g->next_id;
	if (fim_gp_encode_req(&tx, q))
		return -ENAMETOOLONG;
	int64_t deadline = now_ms() + g->timeout_ms;
	r = send_full(g, tx.p, tx.len, deadline);
	/* an IMAGE request (17 bytes) and an AHEAD frame are longer than a
	 * reply's header: the header's bytes are there either way */
	while (!r && !(r = recv_full(g, hdr, sizeof(hdr), deadline)) &&
	       (hdr[4] == FIM_GP_IMAGE || hdr[4] == FIM_GP_AHEAD))
		r = hdr[4] == FIM_GP_IMAGE ? answer_image(g, q, hdr, deadline)
					   : take_ahead(g, q, hdr, deadline);
	if (r)
		return r == -EPROTO ? -EIO : io_failed(g, r, "reply");
	uint32_t len = le32(hdr);
	uint8_t status = hdr[9];
	if (len < FIM_GP_REPLY_HDR || len > FIM_GP_FRAME_MAX ||
	    hdr[4] != q->op || le32(hdr + 5) != q->id ||
	    status >= FIM_GP_STATUS_END)
		return child_failed(g, 1, 1, "reply header does not match");
	len -= FIM_GP_REPLY_HDR;
	if (q->op == FIM_GP_READ && status == FIM_GP_OK) {
		uint8_t nb[4];
		r = len >= 4 ? recv_full(g, nb, 4, deadline) : 0;
		if (!r && (len < 4 || le32(nb) > q->length ||
			   le32(nb) != len - 4))
			return child_failed(g, 1, 1, "READ reply size");
		*got = len - 4;
		r = r ? r : recv_full(g, data, *got, deadline);
	} else {
		*body_len = len;
		r = recv_full(g, g->rx, len, deadline);
	}
	if (r)
		return io_failed(g, r, "reply");
	g->failures = 0;
	if (status == FIM_GP_OK)
		return 0;
	if (fim_guest_decode_reason(g->rx, len, g->reason, sizeof(g->reason)))
		return child_failed(g, 1, 1, "error reply does not parse");
	return -fim_gp_status_errno(status);
}

void fim_guest_free(struct fim_guest *g)
{
	if (!g)
		return;
	stop_child(g, 0, NULL, 0);
	if (g->img_fd >= 0)
		close(g->img_fd);
	pthread_mutex_destroy(&g->lock);
	free(g->helper);
	free(g->rx);
	free(g->img_tx);
	fim_guest_kept_free(g->kept);
	free(g);
}

const char *fim_guest_broken(struct fim_guest *g, char *buf, size_t size)
{
	pthread_mutex_lock(&g->lock);
	int broken = g->broken;
	snprintf(buf, size, "%s", g->broken_why);
	pthread_mutex_unlock(&g->lock);
	return broken ? buf : NULL;
}

void fim_guest_reason(struct fim_guest *g, char *buf, size_t size)
{
	pthread_mutex_lock(&g->lock);
	snprintf(buf, size, "%s", g->reason);
	pthread_mutex_unlock(&g->lock);
}

/* A body that does not parse: the child lies. */
static int lied(struct fim_guest *g, int r, const char *what)
{
	if (r == -ENOMEM)
		return r;
	return child_failed(g, 1, 1, "%s reply does not parse", what);
}

int fim_guest_parts(struct fim_guest *g, struct fim_guest_part **out,
		    size_t *n)
{
	struct fim_gp_req q = {.op = FIM_GP_PARTS};
	size_t len = 0;

	pthread_mutex_lock(&g->lock);
	int r = call(g, &q, NULL, NULL, &len);
	if (!r && (r = fim_guest_decode_parts(g->rx, len, out, n)))
		r = lied(g, r, "PARTS");
	pthread_mutex_unlock(&g->lock);
	return r;
}

static int path_req(struct fim_gp_req *q, uint8_t op, unsigned part,
		    const char *path)
{
	size_t len = strlen(path);

	if (len > FIM_GP_PATH_MAX || part > UINT16_MAX)
		return -ENAMETOOLONG;
	q->op = op;
	q->part = (uint16_t)part;
	q->path.p = path;
	q->path.len = (uint16_t)len;
	return 0;
}

int fim_guest_stat(struct fim_guest *g, unsigned part, const char *path,
		   struct fim_gp_attr *a)
{
	struct fim_gp_req q = {0};
	size_t len = 0;
	int r = path_req(&q, FIM_GP_STAT, part, path);

	if (r)
		return r;
	pthread_mutex_lock(&g->lock);
	r = call(g, &q, NULL, NULL, &len);
	if (!r && (r = fim_guest_decode_attr(g->rx, len, a)))
		r = lied(g, r, "STAT");
	pthread_mutex_unlock(&g->lock);
	return r;
}

int fim_guest_test_op(struct fim_guest *g, uint8_t op, struct fim_gp_attr *a)
{
	struct fim_gp_req q = {.op = op};
	size_t len = 0;

	pthread_mutex_lock(&g->lock);
	int r = call(g, &q, NULL, NULL, &len);
	if (!r && (r = fim_guest_decode_attr(g->rx, len, a)))
		r = lied(g, r, "test");
	pthread_mutex_unlock(&g->lock);
	return r;
}

static int readdir_locked(struct fim_guest *g, struct fim_gp_req *q,
			  fim_guest_dirent_fn fn, void *arg,
			  unsigned *skipped)
{
	uint64_t entries = 0;

	*skipped = 0;
	for (;;) {
		uint32_t next, skip;
		size_t len = 0;
		int stop, r = call(g, q, NULL, NULL, &len);

		if (r)
			return r;
		r = fim_guest_decode_page(g->rx, len, fn, arg, &next, &skip,
					  &stop);
		if (r)
			return lied(g, r, "READDIR");
		*skipped += skip;
		/* an entry takes at least 64 bytes: a bound on the count */
		entries += len / 64;
		if (stop)
			return stop;
		if (!next)
			return 0;
		/* a page ends early only when the next entry would not fit */
		if (next <= q->start || len < FIM_GP_FRAME_MAX / 2)
			return child_failed(g, 1, 1, "READDIR paging");
		if (entries > DIR_ENTRIES_MAX) {
			snprintf(g->reason, sizeof(g->reason),
				 "directory %s is too large", q->path.p);
			return -EIO;
		}
		q->start = next;
	}
}

/* A listing the child handed over, checked whole when it came. */
static int kept_readdir(const uint8_t *body, size_t len, fim_guest_dirent_fn fn,
			void *arg, unsigned *skipped)
{
	struct fim_gp_cur c;

	fim_gp_cur_init(&c, body, len);
	fim_gp_get_u32(&c); /* next: 0, as checked */
	*skipped = fim_gp_get_u32(&c);
	return fim_guest_walk_checked(body, len, fn, arg);
}

int fim_guest_readdir(struct fim_guest *g, unsigned part, const char *path,
		      fim_guest_dirent_fn fn, void *arg, unsigned *skipped)
{
	struct fim_gp_req q = {0};
	uint8_t *kept = NULL;
	size_t len = 0;
	int r = path_req(&q, FIM_GP_READDIR, part, path);

	if (r)
		return r;
	pthread_mutex_lock(&g->lock);
	r = fim_guest_kept_take(g->kept, (uint16_t)part, path, &kept, &len)
		    ? kept_readdir(kept, len, fn, arg, skipped)
		    : readdir_locked(g, &q, fn, arg, skipped);
	pthread_mutex_unlock(&g->lock);
	free(kept);
	return r;
}

ssize_t fim_guest_readlink(struct fim_guest *g, unsigned part,
			   const char *path, char *buf, size_t size)
{
	struct fim_gp_req q = {0};
	size_t len = 0;
	int r = path_req(&q, FIM_GP_READLINK, part, path);

	if (r)
		return r;
	if (!size)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	r = call(g, &q, NULL, NULL, &len);
	if (!r && (r = fim_guest_decode_link(g->rx, len, buf, size)) < 0)
		r = lied(g, r, "READLINK");
	pthread_mutex_unlock(&g->lock);
	return r;
}

ssize_t fim_guest_read(struct fim_guest *g, unsigned part, uint64_t ino,
		       uint64_t offset, void *buf, size_t len)
{
	struct fim_gp_req q = {.op = FIM_GP_READ};
	size_t got = 0;

	if (len > FIM_GP_READ_MAX || part > UINT16_MAX || offset > INT64_MAX)
		return -EINVAL;
	q.part = (uint16_t)part;
	q.ino = ino;
	q.offset = offset;
	q.length = (uint32_t)len;
	pthread_mutex_lock(&g->lock);
	int r = call(g, &q, buf, &got, NULL);
	pthread_mutex_unlock(&g->lock);
	return r ? r : (ssize_t)got;
}
