/* Drives a source backend directly for tests/tcl/nfs.test, where the kernel
 * (which follows symlinks itself) cannot show what the backend does:
 *   nfs_probe [-o KEY=VALUE]... SOURCE lstat|readlink|ls|sha256|xattr|statvfs
 *             [PATH]
 *   nfs_probe [-o KEY=VALUE]... SOURCE spans PATH THREADS
 *   nfs_probe [-o KEY=VALUE]... SOURCE random PATH LOCAL
 *   nfs_probe [-o KEY=VALUE]... SOURCE midway PATH AT CMD
 * Prints the result, or "ERR ENAME" and exits 1. Not installed. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "config.h"
#include "source_backend.h" /* probes the backend operations directly */

static int fail(long err)
{
	const char *n = strerrorname_np((int)-err);

	printf("ERR %s\n", n ? n : "?");
	return 1;
}

static int cmd_sha256(struct fim_source *src, const char *path)
{
	static char buf[1 << 20];
	unsigned char md[32];
	struct fim_src_file *f;
	uint64_t off = 0;
	EVP_MD_CTX *c;
	int ret = fim_src_open(src, path, &f);

	if (ret)
		return fail(ret);
	c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(c);
		fim_src_close(f);
		return fail(-ENOMEM);
	}
	for (;;) {
		long n = fim_src_pread(f, buf, sizeof(buf), off);

		if (n < 0) {
			EVP_MD_CTX_free(c);
			fim_src_close(f);
			return fail(n);
		}
		if (!n)
			break;
		EVP_DigestUpdate(c, buf, (size_t)n);
		off += (uint64_t)n;
	}
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	fim_src_close(f);
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	printf(" %" PRIu64 "\n", off);
	return 0;
}

/* spans: PATH read the way FUSE asks for it, through fim_src_span_get, in
 * 1 MiB requests: the first alone, then in swapped pairs. With 2 threads
 * the first of each pair comes in just after the second, as from FUSE's
 * threads; with 1 it comes after the second is answered. Prints the sha256 of what came back,
 * the size, and how many requests were lent in place. */
#define SPAN (1u << 20)

struct spans {
	struct fim_src_file *f;
	uint64_t size;
	unsigned char *out;
	pthread_mutex_t mu;
	pthread_barrier_t bar;
	uint64_t pairs;
	long err;
	unsigned lent, asked;
};

static void span_one(struct spans *s, uint64_t idx)
{
	uint64_t off = idx * SPAN;
	size_t want = s->size - off < SPAN ? (size_t)(s->size - off) : SPAN;
	struct fim_src_span sp;
	size_t at = 0;
	long n;

	if (off >= s->size)
		return;
	n = fim_src_span_get(s->f, SPAN, off, &sp);
	for (int i = 0; n >= 0 && i < sp.niov; i++) {
		memcpy(s->out + off + at, sp.iov[i].iov_base, sp.iov[i].iov_len);
		at += sp.iov[i].iov_len;
	}
	if (n >= 0 && (at != (size_t)n || (size_t)n != want))
		n = -EIO; /* short: FUSE would take it for the end */
	pthread_mutex_lock(&s->mu);
	s->asked++;
	s->lent += n > 0 && !sp.buf;
	if (n < 0)
		s->err = n;
	pthread_mutex_unlock(&s->mu);
	fim_src_span_put(s->f, &sp);
}

static void *spans_second(void *arg)
{
	struct spans *s = arg;

	for (uint64_t p = 0; p < s->pairs; p++) {
		pthread_barrier_wait(&s->bar);
		span_one(s, 2 * p + 2);
		pthread_barrier_wait(&s->bar);
	}
	return NULL;
}

static int spans_run(struct spans *s, int threads)
{
	const struct timespec lag = { 0, 200000 };
	pthread_t t;

	span_one(s, 0);
	if (threads == 1) {
		for (uint64_t p = 0; p < s->pairs; p++) {
			span_one(s, 2 * p + 2);
			span_one(s, 2 * p + 1);
		}
		return 0;
	}
	if (pthread_barrier_init(&s->bar, NULL, 2))
		return -ENOMEM;
	if (pthread_create(&t, NULL, spans_second, s)) {
		pthread_barrier_destroy(&s->bar);
		return -EAGAIN;
	}
	for (uint64_t p = 0; p < s->pairs; p++) {
		pthread_barrier_wait(&s->bar);
		nanosleep(&lag, NULL);
		span_one(s, 2 * p + 1);
		pthread_barrier_wait(&s->bar);
	}
	pthread_join(t, NULL);
	pthread_barrier_destroy(&s->bar);
	return 0;
}

static int cmd_spans(struct fim_source *src, const char *path,
		     const char *threads)
{
	struct spans s = { .mu = PTHREAD_MUTEX_INITIALIZER };
	unsigned char md[32];
	struct fim_stat st;
	int nt = atoi(threads);
	int ret;

	if (nt != 1 && nt != 2) {
		fprintf(stderr, "nfs_probe: spans: THREADS is 1 or 2\n");
		return 2;
	}
	ret = fim_src_open(src, path, &s.f);
	if (!ret)
		ret = fim_src_fstat(s.f, &st);
	if (!ret && !(s.out = malloc(st.size ? st.size : 1)))
		ret = -ENOMEM;
	if (!ret) {
		s.size = st.size;
		s.pairs = (s.size + SPAN - 1) / SPAN / 2;
		ret = spans_run(&s, nt);
	}
	if (!ret)
		ret = (int)s.err;
	if (!ret && !EVP_Digest(s.out, s.size, md, NULL, EVP_sha256(), NULL))
		ret = -ENOMEM;
	free(s.out);
	fim_src_close(s.f);
	if (ret)
		return fail(ret);
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	printf(" %" PRIu64 " lent=%u/%u\n", s.size, s.lent, s.asked);
	return 0;
}

/* random: PATH read by two threads as FUSE would ask for it, in runs of
 * requests of random sizes that now and then jump elsewhere (back, ahead,
 * into the window, past the end), half of them lent and half copied; each
 * reply is checked against LOCAL, the same file read locally. Prints
 * "ok REQUESTS", or where the first wrong reply was. */
#define RANDOM_REQUESTS 3000

struct randrd {
	struct fim_src_file *f;
	int local;
	uint64_t size, pos;
	unsigned seed, asked;
	pthread_mutex_t mu;
	char bad[128];
};

/* The next request: its offset, length and whether it is lent. */
static bool random_next(struct randrd *r, uint64_t *off, size_t *len,
			bool *lend)
{
	bool more;

	pthread_mutex_lock(&r->mu);
	more = r->asked < RANDOM_REQUESTS && !*r->bad;
	if (more) {
		unsigned x = (unsigned)rand_r(&r->seed);

		if (x % 8 == 0)
			r->pos = (uint64_t)rand_r(&r->seed) % (r->size + 4096);
		*off = r->pos;
		*len = 1 + (size_t)rand_r(&r->seed) % (1u << 20);
		*lend = x % 2;
		r->pos += *len;
		r->asked++;
	}
	pthread_mutex_unlock(&r->mu);
	return more;
}

/* A span has all of [off, off + len) up to the end of the file; a pread
 * may stop short, but not at 0 before the end. */
static void random_check(struct randrd *r, uint64_t off, size_t len,
			 const struct iovec *iov, int niov, long n, bool span)
{
	size_t want = off >= r->size ? 0 : (size_t)(r->size - off) < len ?
		      (size_t)(r->size - off) : len;
	char *local = malloc(want ? want : 1);
	size_t at = 0;
	bool ok = local && pread(r->local, local, want, (off_t)off) ==
		  (ssize_t)want && (span ? n == (long)want :
		  n <= (long)want && (n > 0 || !want));

	for (int i = 0; ok && i < niov; i++) {
		ok = !memcmp(local + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	free(local);
	pthread_mutex_lock(&r->mu);
	if (!ok && !*r->bad)
		snprintf(r->bad, sizeof(r->bad), "%s: %ld bytes at %" PRIu64
			 " for %zu, of %zu local", span ? "span" : "pread", n,
			 off, len, want);
	pthread_mutex_unlock(&r->mu);
}

static void *random_thread(void *arg)
{
	struct randrd *r = arg;
	uint64_t off;
	size_t len;
	bool lend;

	while (random_next(r, &off, &len, &lend)) {
		struct fim_src_span sp;
		char *buf = NULL;
		struct iovec one;
		long n;

		if (lend) {
			n = fim_src_span_get(r->f, len, off, &sp);
			random_check(r, off, len, sp.iov, n < 0 ? 0 : sp.niov,
				     n, true);
			fim_src_span_put(r->f, &sp);
			continue;
		}
		buf = malloc(len);
		n = buf ? fim_src_pread(r->f, buf, len, off) : -ENOMEM;
		one = (struct iovec){ buf, n < 0 ? 0 : (size_t)n };
		random_check(r, off, len, &one, 1, n, false);
		free(buf);
	}
	return NULL;
}

static int cmd_random(struct fim_source *src, const char *path,
		      const char *local)
{
	struct randrd r = { .seed = 16, .mu = PTHREAD_MUTEX_INITIALIZER };
	struct fim_stat st;
	pthread_t t;
	int ret = fim_src_open(src, path, &r.f);

	if (ret)
		return fail(ret);
	r.local = open(local, O_RDONLY | O_CLOEXEC);
	ret = r.local < 0 ? -errno : fim_src_fstat(r.f, &st);
	if (!ret) {
		r.size = st.size;
		ret = -pthread_create(&t, NULL, random_thread, &r);
	}
	if (!ret) {
		random_thread(&r);
		pthread_join(t, NULL);
	}
	if (r.local >= 0)
		close(r.local);
	fim_src_close(r.f);
	if (ret)
		return fail(ret);
	if (*r.bad)
		printf("wrong: %s\n", r.bad);
	else
		printf("ok %u\n", r.asked);
	return 0;
}

/* midway: PATH read as FUSE asks for it (lent 1 MiB requests, in order) up
 * to AT, then CMD is run (it changes the file on the server, and waits),
 * then the rest. Prints the sha256 and length of what came after AT, or
 * the error it ended with. */
static int cmd_midway(struct fim_source *src, const char *path,
		      const char *at, const char *cmd)
{
	uint64_t stop = strtoull(at, NULL, 10), off = 0, after = 0;
	unsigned char md[32];
	struct fim_src_file *f;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ran = false;
	long n = fim_src_open(src, path, &f);

	if (n || !c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(c);
		if (!n)
			fim_src_close(f);
		return fail(n ? n : -ENOMEM);
	}
	do {
		struct fim_src_span sp;

		if (!ran && off >= stop) {
			ran = true;
			if (system(cmd)) {
				fprintf(stderr, "nfs_probe: %s failed\n", cmd);
				n = -ECHILD;
				break;
			}
		}
		n = fim_src_span_get(f, SPAN, off, &sp);
		for (int i = 0; n > 0 && ran && i < sp.niov; i++)
			EVP_DigestUpdate(c, sp.iov[i].iov_base,
					 sp.iov[i].iov_len);
		fim_src_span_put(f, &sp);
		if (n > 0) {
			off += (uint64_t)n;
			after += ran ? (uint64_t)n : 0;
		}
	} while (n > 0);
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	fim_src_close(f);
	if (n < 0)
		return fail(n);
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	printf(" %" PRIu64 "\n", after);
	return 0;
}

static int cmd_ls(struct fim_source *src, const char *path)
{
	struct fim_src_dir *d;
	const char *name;
	unsigned char type;
	uint64_t ino;
	int ret = fim_src_opendir(src, path, &d);

	if (ret)
		return fail(ret);
	while (!(ret = fim_src_readdir(d, &name, &type, &ino)) && name)
		printf("%s %u %" PRIu64 "\n", name, type, ino);
	fim_src_closedir(d);
	return ret ? fail(ret) : 0;
}

static int run(struct fim_source *src, const char *cmd, const char *path,
	       const char *arg, const char *arg2)
{
	struct fim_stat st;
	struct statvfs sv;
	char buf[4096];
	long n;

	if (!strcmp(cmd, "lstat")) {
		n = fim_src_lstat(src, path, &st);
		if (n)
			return fail(n);
		printf("ino=%" PRIu64 " size=%" PRIu64 " mode=%o nlink=%u "
		       "mtime_ns=%" PRId64 " ctime_ns=%" PRId64 "\n", st.ino,
		       st.size, st.mode, st.nlink, st.mtime_ns, st.ctime_ns);
		return 0;
	}
	if (!strcmp(cmd, "readlink")) {
		n = src->ops->readlink(src, path, buf, sizeof(buf));
		if (n < 0)
			return fail(n);
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	if (!strcmp(cmd, "xattr")) {
		n = src->ops->getxattr(src, path, "user.x", buf, sizeof(buf));
		return n < 0 ? fail(n) : (printf("%ld\n", n), 0);
	}
	if (!strcmp(cmd, "statvfs")) {
		n = src->ops->statvfs(src, &sv);
		if (n)
			return fail(n);
		printf("bsize=%lu blocks=%lu\n", sv.f_bsize,
		       (unsigned long)sv.f_blocks);
		return 0;
	}
	if (!strcmp(cmd, "ls"))
		return cmd_ls(src, path);
	if (!strcmp(cmd, "sha256"))
		return cmd_sha256(src, path);
	if (!strcmp(cmd, "spans"))
		return cmd_spans(src, path, arg);
	if (!strcmp(cmd, "random"))
		return cmd_random(src, path, arg);
	if (!strcmp(cmd, "midway"))
		return cmd_midway(src, path, arg, arg2);
	fprintf(stderr, "nfs_probe: unknown command %s\n", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	struct fim_source_opts so;
	struct fim_source *src;
	struct fim_config cfg;
	char err[1024];
	int i = 1, ret = 2;

	fim_config_init(&cfg);
	for (; i + 1 < argc && !strcmp(argv[i], "-o"); i += 2) {
		if (fim_config_set_option(&cfg, argv[i + 1], err,
					  sizeof(err))) {
			fprintf(stderr, "nfs_probe: %s\n", err);
			goto out;
		}
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: nfs_probe [-o K=V]... SOURCE CMD "
			"[PATH [ARG [ARG]]]\n");
		goto out;
	}
	fim_config_source_opts(&cfg, &so);
	ret = fim_source_open(argv[i], &so, &src, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "nfs_probe: %s\n", err);
		ret = fail(ret);
		goto out;
	}
	ret = run(src, argv[i + 1], argc - i > 2 ? argv[i + 2] : "",
		  argc - i > 3 ? argv[i + 3] : "",
		  argc - i > 4 ? argv[i + 4] : "");
	fim_source_close(src);
out:
	fim_config_free(&cfg);
	return ret;
}
