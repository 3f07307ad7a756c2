/* Test driver for tests/tcl/manifest.test (not installed):
 *
 *   manifest_tool dump MANIFEST   print the parsed entries, one a line:
 *                                 PATH type=T size=S sha256=H mode=M link=L
 *                                 (PATH and L escaped as the writer does, '-'
 *                                 for an absent keyword); exit 1 on a parse
 *                                 error with the message on stderr
 *   manifest_tool spec DIR [ALG...]
 *                                 write an mtree spec of DIR to stdout with
 *                                 the core writer (default ALG sha256)
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "fileio.h"
#include "manifest.h"

static const char *root;
static size_t root_len;
static struct fim_digest_engine *eng;
static int failed;

static void put_esc(const char *s)
{
	size_t size = 4 * strlen(s) + 1;
	char *buf = malloc(size);

	if (!buf)
		exit(2);
	fim_mtree_escape(s, buf, size);
	fputs(buf, stdout);
	free(buf);
}

static int dump(const char *path)
{
	struct fim_manifest *m = NULL;
	char err[512], hex[2 * FIM_MD_MAX + 1];

	if (fim_manifest_load(path, &m, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < fim_manifest_count(m); i++) {
		const struct fim_mentry *e = fim_manifest_entry(m, i);
		const unsigned char *md = fim_mentry_digest(e, FIM_SHA256);

		put_esc(e->path);
		printf(" type=%s", (e->keys & FIM_MK_TYPE) ? fim_ftype_name(e->type)
							 : "-");
		if (e->keys & FIM_MK_SIZE)
			printf(" size=%" PRIu64, e->size);
		else
			printf(" size=-");
		if (md)
			fim_hex(md, 32, hex);
		printf(" sha256=%s", md ? hex : "-");
		if (e->keys & FIM_MK_MODE)
			printf(" mode=%04o", (unsigned)e->mode);
		else
			printf(" mode=-");
		printf(" link=");
		if (e->link)
			put_esc(e->link);
		else
			putchar('-');
		putchar('\n');
	}
	fim_manifest_free(m);
	return 0;
}

static int visit(const char *fpath, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	struct fim_mtree_rec r = {
		.path = fpath[root_len] ? fpath + root_len + 1 : ".",
		.type = fim_ftype_from_mode(sb->st_mode),
		.keys = FIM_MK_TYPE | FIM_MK_MODE | FIM_MK_UID | FIM_MK_GID |
			FIM_MK_TIME,
		.mode = sb->st_mode, .uid = sb->st_uid, .gid = sb->st_gid,
		.time_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 +
			   sb->st_mtim.tv_nsec,
	};
	struct fim_digest_set ds;
	char link[4096], *buf = NULL;
	size_t len;
	int ret;

	(void)flag, (void)ftw;
	if (r.type == FIM_FT_FILE) {
		ret = fim_file_read(fpath, (size_t)1 << 30, &buf, &len);
		if (ret || fim_digest_buf(eng, buf, len, &ds)) {
			fprintf(stderr, "%s: %s\n", fpath, strerror(-ret));
			failed = 1;
		}
		free(buf);
		r.keys |= FIM_MK_SIZE;
		r.size = (uint64_t)sb->st_size;
		r.digests = &ds;
	} else if (r.type == FIM_FT_LINK) {
		ssize_t n = readlink(fpath, link, sizeof(link) - 1);

		if (n < 0)
			return -1;
		link[n] = '\0';
		r.link = link;
		r.keys |= FIM_MK_LINK;
	}
	ret = fim_mtree_write_entry(stdout, &r);
	if (ret)
		fprintf(stderr, "%s: cannot write: %s\n", fpath, strerror(-ret));
	return ret ? -1 : 0;
}

static int spec(const char *dir, char **algs, int nalgs)
{
	uint32_t mask = nalgs ? 0 : 1u << FIM_SHA256;

	for (int i = 0; i < nalgs; i++) {
		int a = fim_alg_from_name(algs[i]);

		if (a < 0) {
			fprintf(stderr, "unknown algorithm %s\n", algs[i]);
			return 2;
		}
		mask |= 1u << a;
	}
	if (fim_digest_engine_new(mask, &eng))
		return 2;
	root = dir;
	root_len = strlen(dir);
	while (root_len > 1 && root[root_len - 1] == '/')
		root_len--;
	fim_mtree_write_header(stdout);
	if (nftw(dir, visit, 16, FTW_PHYS) != 0)
		failed = 1;
	fim_digest_engine_free(eng);
	return failed || fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "spec"))
		return spec(argv[2], argv + 3, argc - 3);
	fprintf(stderr, "usage: manifest_tool dump MANIFEST | spec DIR [ALG...]\n");
	return 2;
}
