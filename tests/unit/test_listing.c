/* Listings (listing.h) over a real local tree: which paths are listing
 * entries in each layout, a real .fimfs shadowed and left out of the lists,
 * and the sizes at stat, taken without hashing, equal to the content made
 * by hashing, hostile names included. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "listing.h"
#include "rm_rf.h"
#include "tap.h"

static char top[64];

static void put(const char *rel, const char *content)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, content, strlen(content)) < 0 || close(fd)) {
		perror(path);
		exit(1);
	}
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if (mkdir(path, 0755)) {
		perror(path);
		exit(1);
	}
}

static struct fim_view *view_of(struct fim_config *cfg, const char *src,
				enum fim_layout layout)
{
	struct fim_view *v = NULL;
	char err[512];

	fim_config_init(cfg);
	cfg->layout = layout;
	free(cfg->cache_path);
	cfg->cache_path = strdup("none");
	if (fim_view_new(cfg, src, &v, err, sizeof(err)) ||
	    fim_view_start(v, err, sizeof(err))) {
		fprintf(stderr, "view of %s: %s\n", src, err);
		exit(1);
	}
	return v;
}

struct content {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	int err;
	char *buf;
	size_t len;
};

static void on_content(void *arg, int err, const char *buf, size_t len)
{
	struct content *c = arg;

	pthread_mutex_lock(&c->mu);
	c->err = err;
	c->buf = err ? NULL : malloc(len + 1);
	if (c->buf) {
		memcpy(c->buf, buf, len);
		c->buf[len] = '\0';
	}
	c->len = len;
	c->done = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* The content of the listing file of kind at root, made now. */
static int content_of(struct fim_view *v, const char *root, int kind,
		      char **buf, size_t *len)
{
	struct content c = { .mu = PTHREAD_MUTEX_INITIALIZER,
			     .cv = PTHREAD_COND_INITIALIZER };
	int ret = fim_listing_content(v, root, kind, on_content, &c);

	if (ret)
		return ret;
	pthread_mutex_lock(&c.mu);
	while (!c.done)
		pthread_cond_wait(&c.cv, &c.mu);
	pthread_mutex_unlock(&c.mu);
	*buf = c.buf;
	*len = c.len;
	return c.err;
}

static int kind_of(struct fim_view *v, const char *path)
{
	struct fim_entry e;
	int ret = fim_listing_lookup(v, path, &e);

	return ret ? ret : e.kind;
}

static void test_tree(void)
{
	struct fim_config cfg;
	struct fim_view *v = view_of(&cfg, top, FIM_LAYOUT_TREE);
	struct fim_entry e;
	struct fim_stat st;
	char *buf;
	size_t len;

	is_int(kind_of(v, ".fimfs"), FIM_VK_LIST_DIR, "tree: .fimfs at the root");
	is_int(kind_of(v, ".fimfs/SHA256SUMS"), FIM_VK_LIST_SUMS,
	       "tree: SHA256SUMS");
	is_int(kind_of(v, ".fimfs/report.json"), FIM_VK_LIST_JSON,
	       "tree: report.json");
	is_int(kind_of(v, ".fimfs/planted"), -ENOENT,
	       "a real name in a shadowed .fimfs is not reached");
	is_int(kind_of(v, "sub/.fimfs"), -ENOENT,
	       "below the root, .fimfs is an ordinary name (none there)");
	ok(!fim_listing_lookup(v, ".fimfs", &e) && e.shadows,
	   "the real .fimfs is shadowed");
	ok(fim_view_shadowed(v, ".fimfs") && !fim_view_shadowed(v, "sub"),
	   "fim_view_shadowed knows the listing directory");

	ok(!fim_listing_stat(v, ".fimfs/SHA256SUMS", FIM_VK_LIST_SUMS, 0, &st),
	   "stat of SHA256SUMS");
	ok(!content_of(v, "", FIM_VK_LIST_SUMS, &buf, &len),
	   "SHA256SUMS made");
	is_int((long)st.size, (long)len, "its size at stat is its length");
	ok(buf && strstr(buf, "  sub/b\n") && strstr(buf, "\\\\") &&
	   !strstr(buf, "planted") && !strstr(buf, ".fimfs"),
	   "paths relative to the root, escaped, the shadowed one left out");
	free(buf);

	ok(!fim_listing_stat(v, ".fimfs/mtree", FIM_VK_LIST_MTREE, 0, &st),
	   "stat of mtree");
	ok(!content_of(v, "", FIM_VK_LIST_MTREE, &buf, &len), "mtree made");
	is_int((long)st.size, (long)len, "its size at stat is its length");
	ok(buf && !strncmp(buf, "#mtree\n", 7) && strstr(buf, "\n./sub/b ") &&
	   !strstr(buf, "fimfs/"), "an mtree spec without the shadowed entry");
	free(buf);

	ok(!fim_listing_stat(v, ".fimfs/report", FIM_VK_LIST_REPORT, 0, &st) &&
	   st.size == 0 && (st.mode & 07777) == 0400 && st.uid == 0,
	   "a report: size 0, root's, read-only");
	ok(!content_of(v, "", FIM_VK_LIST_REPORT, &buf, &len) && buf &&
	   strstr(buf, "SHADOWED ") && strstr(buf, " .fimfs\n"),
	   "the report lists the shadowed .fimfs");
	free(buf);
	is_int(fim_listing_content(v, "", FIM_VK_LIST_DIR, on_content, NULL),
	       -EISDIR, "the directory has no content");
	fim_view_free(v);
	fim_config_free(&cfg);
}

static void test_snapshots(void)
{
	char snaps[128];
	struct fim_config cfg;
	struct fim_view *v;

	snprintf(snaps, sizeof(snaps), "%s/sub", top);
	v = view_of(&cfg, snaps, FIM_LAYOUT_SNAPSHOTS);
	is_int(kind_of(v, ".fimfs"), -ENOENT,
	       "snapshots: none at the mount root");
	is_int(kind_of(v, "s1/.fimfs/mtree"), FIM_VK_LIST_MTREE,
	       "snapshots: one in each snapshot");
	is_int(kind_of(v, "s1/d/.fimfs"), -ENOENT,
	       "none below a snapshot's root");
	fim_view_free(v);
	fim_config_free(&cfg);

	v = view_of(&cfg, top, FIM_LAYOUT_TREE);
	cfg.virtual_entries = false;
	is_int(kind_of(v, ".fimfs/planted"), -1,
	       "virtual=off: the real .fimfs and what it holds");
	is_int(kind_of(v, ".fimfs/SHA256SUMS"), -ENOENT,
	       "virtual=off: no listing");
	fim_view_free(v);
	fim_config_free(&cfg);
}

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/fim-listing-XXXXXX");
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	dir("sub");
	put("sub/b", "beta\n");
	put("a\\b", "backslash\n");
	put("new\nline", "newline\n");
	dir(".fimfs");
	put(".fimfs/planted", "0000  a\n");
	dir("sub/s1");
	dir("sub/s1/d");
	put("sub/s1/d/f", "f\n");
	test_tree();
	test_snapshots();
	rm_rf(top);
	return tap_done();
}
