/* The view's open handles over a local snapshots tree: real files read in
 * pieces, directories with the inode numbers the view shows, and virtual
 * entries whose content one open keeps, and refuses for another file than
 * the one checked. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "rm_rf.h"
#include "tap.h"
#include "view.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(99);
	}
}

/* What fim_view_read handed over, joined. */
struct got {
	char buf[64];
	size_t len;
	int calls;
};

static void collect(void *arg, const struct iovec *iov, int niov)
{
	struct got *g = arg;

	g->calls++;
	for (int i = 0; i < niov; i++) {
		if (g->len + iov[i].iov_len > sizeof(g->buf))
			return;
		memcpy(g->buf + g->len, iov[i].iov_base, iov[i].iov_len);
		g->len += iov[i].iov_len;
	}
}

static void test_file(struct fim_view *v)
{
	struct fim_view_file *f;
	struct fim_stat st;
	struct got g = { .len = 0 };

	is_int(fim_view_open(v, "s1/f", &f), 0, "opens a regular file");
	is_int(fim_view_fstat(f, &st), 0, "fstat");
	is_int(st.size, 5, "its size");
	ok(fim_view_fd(f) >= 0, "a local file has a kernel fd");
	is_int(fim_view_read(f, 100, 0, collect, &g), 5, "reads to the end");
	ok(g.calls == 1 && g.len == 5 && !memcmp(g.buf, "hello", 5),
	   "delivers the bytes once");
	g = (struct got){ .len = 0 };
	is_int(fim_view_read(f, 2, 3, collect, &g), 2, "reads a slice");
	ok(g.len == 2 && !memcmp(g.buf, "lo", 2), "the slice's bytes");
	g = (struct got){ .len = 0 };
	is_int(fim_view_read(f, 10, 99, collect, &g), 0, "past the end: 0");
	fim_view_close(f);
	ok(fim_view_open(v, "s1/d", &f) < 0 && !f,
	   "a directory is no file to open");
	ok(fim_view_open(v, "s1/none", &f) == -ENOENT && !f, "ENOENT");
	fim_view_close(NULL);
}

/* The entries of dir, each with the inode number the view shows. */
static void test_dir(struct fim_view *v, const char *dir, const char *want,
		     const char *path_of_want)
{
	struct fim_view_dir *d;
	struct fim_stat st;
	const char *name;
	unsigned char type;
	uint64_t ino;
	int found = 0, n = 0, ret;
	char what[128];

	snprintf(what, sizeof(what), "lists '%s'", dir);
	is_int(fim_view_opendir(v, dir, &d), 0, what);
	while (!(ret = fim_view_readdir(d, &name, &type, &ino)) && name) {
		n++;
		if (strcmp(name, want))
			continue;
		found = 1;
		fim_view_lstat(v, path_of_want, &st);
		snprintf(what, sizeof(what), "'%s': the view's inode number",
			 path_of_want);
		is_int(ino, fim_view_ino(v, path_of_want, st.ino), what);
	}
	is_int(ret, 0, "to the end");
	ok(found, "the entry is listed");
	fim_view_closedir(d);
}

struct answer {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, err;
	char buf[256];
	size_t len;
};

static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct answer *a = arg;

	pthread_mutex_lock(&a->mu);
	a->err = err;
	if (!err && len < sizeof(a->buf)) {
		memcpy(a->buf, buf, len);
		a->len = len;
	}
	a->done = 1;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static int vread_wait(struct fim_view_vfile *vf, struct answer *a)
{
	int ret;

	*a = (struct answer){ .mu = PTHREAD_MUTEX_INITIALIZER,
			      .cv = PTHREAD_COND_INITIALIZER };
	ret = fim_view_vread(vf, on_content, a);
	if (ret)
		return ret;
	pthread_mutex_lock(&a->mu);
	while (!a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	return a->err;
}

static void test_vfile(struct fim_view *v, const char *root)
{
	static const char line[] = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7"
				   "425e73043362938b9824  f\n";
	struct fim_view_vfile *vf;
	struct fim_stat st, other;
	struct answer a;
	const char *buf;
	size_t len;
	char path[4096], tmp[4096];

	fim_view_lstat(v, "s1/f", &st);
	is_int(fim_view_vopen(v, "s1/f", FIM_SHA256, NULL, &st, &vf), 0,
	       "opens f.sha256");
	ok(!fim_view_vkept(vf, &buf, &len), "nothing kept before a read");
	is_int(vread_wait(vf, &a), 0, "reads it");
	ok(a.len == strlen(line) && !memcmp(a.buf, line, a.len),
	   "the sha256sum line");
	ok(fim_view_vkept(vf, &buf, &len) && len == a.len &&
	   !memcmp(buf, line, len), "kept for the next read");
	/* another file under the name (made while the first still exists,
	 * so never with its inode number): the open keeps what it read */
	snprintf(path, sizeof(path), "%s/s1/f", root);
	snprintf(tmp, sizeof(tmp), "%s/s1/f.new", root);
	put(tmp, "other");
	if (rename(tmp, path))
		perror("rename");
	ok(fim_view_vkept(vf, &buf, &len) && !memcmp(buf, line, len),
	   "one open, one answer");
	fim_view_vclose(vf);

	/* an open allowed for the file that was there: never the new one */
	is_int(fim_view_vopen(v, "s1/f", FIM_SHA256, NULL, &st, &vf), 0,
	       "opens f.sha256 again");
	is_int(vread_wait(vf, &a), -ESTALE, "the checked file is gone");
	ok(!fim_view_vkept(vf, &buf, &len), "a failure is not kept");
	fim_view_vclose(vf);
	fim_view_lstat(v, "s1/f", &other);
	ok(fim_view_same_file(v, "s1/f", &other), "same file");
	ok(!fim_view_same_file(v, "s1/f", &st), "not the same file");
	fim_view_vclose(NULL);
}

int main(void)
{
	char root[] = "/tmp/fimfs-test-view.XXXXXX", path[4096], err[256];
	struct fim_config cfg;
	struct fim_view *v;

	if (!mkdtemp(root))
		return perror("mkdtemp"), 99;
	snprintf(path, sizeof(path), "%s/s1", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/s1/d", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/s1/f", root);
	put(path, "hello");
	fim_config_init(&cfg);
	free(cfg.cache_path);
	cfg.cache_path = strdup("none");
	cfg.layout = FIM_LAYOUT_SNAPSHOTS;
	if (!cfg.cache_path || fim_view_new(&cfg, root, &v, err, sizeof(err)) ||
	    fim_view_start(v, err, sizeof(err))) {
		fprintf(stderr, "view: %s\n", err);
		return 99;
	}
	test_file(v);
	test_dir(v, "", "s1", "s1");
	test_dir(v, "s1", "f", "s1/f");
	test_vfile(v, root);
	fim_view_free(v);
	fim_config_free(&cfg);
	rm_rf(root);
	return tap_done();
}
