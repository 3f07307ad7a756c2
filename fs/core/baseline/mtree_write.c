/* mtree writer: one full-path line per record, which NetBSD mtree, libarchive
 * and our parser read alike. Octal escapes are the only ones all three
 * decode, so every byte outside printable ASCII is written as \ooo. */
#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

size_t fim_mtree_escape(const char *s, char *out, size_t size)
{
	size_t o = 0;

	if (!size)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		/* '#' starts comments; "*?[]" are globs to NetBSD mtree. */
		if (c <= ' ' || c >= 0x7f || strchr("\\#*?[]", c)) {
			if (o + 4 >= size)
				break;
			out[o++] = '\\';
			out[o++] = (char)('0' + (c >> 6));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		} else {
			if (o + 1 >= size)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

/* A baseline path as fim_mpath_append would produce it. */
static bool valid_path(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static int put_escaped(FILE *f, const char *s)
{
	size_t size = 4 * strlen(s) + 1;
	char *buf = malloc(size);

	if (!buf)
		return -ENOMEM;
	fim_mtree_escape(s, buf, size);
	fputs(buf, f);
	free(buf);
	return 0;
}

static void put_time(FILE *f, int64_t t)
{
	uint64_t a = t < 0 ? -(uint64_t)t : (uint64_t)t;

	fprintf(f, " time=%s%" PRIu64 ".%09" PRIu64, t < 0 ? "-" : "",
		a / 1000000000, a % 1000000000);
}

static void put_digests(FILE *f, const struct fim_digest_set *ds)
{
	char hex[2 * FIM_MD_MAX + 1];

	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(ds->mask & (1u << a)))
			continue;
		fim_hex(ds->md[a], fim_alg_size(a), hex);
		fprintf(f, " %sdigest=%s", fim_alg_name(a), hex);
	}
}

int fim_mtree_write_header(FILE *f)
{
	fputs("#mtree\n# written by fimfs: mtree(5), full paths\n", f);
	return ferror(f) ? -EIO : 0;
}

int fim_mtree_write_entry(FILE *f, const struct fim_mtree_rec *r)
{
	bool root = !r->path[0] || !strcmp(r->path, ".");
	int ret;

	if (!root && !valid_path(r->path))
		return -EINVAL;
	if (root) {
		fputc('.', f);
	} else {
		fputs("./", f);
		ret = put_escaped(f, r->path);
		if (ret)
			return ret;
	}
	if ((r->keys & FIM_MK_TYPE) && fim_ftype_name(r->type))
		fprintf(f, " type=%s", fim_ftype_name(r->type));
	if (r->keys & FIM_MK_MODE)
		fprintf(f, " mode=%04o", (unsigned)(r->mode & 07777));
	if (r->keys & FIM_MK_UID)
		fprintf(f, " uid=%u", (unsigned)r->uid);
	if (r->keys & FIM_MK_GID)
		fprintf(f, " gid=%u", (unsigned)r->gid);
	if (r->keys & FIM_MK_SIZE)
		fprintf(f, " size=%" PRIu64, r->size);
	if (r->keys & FIM_MK_TIME)
		put_time(f, r->time_ns);
	if ((r->keys & FIM_MK_LINK) && r->link && r->link[0]) {
		fputs(" link=", f);
		ret = put_escaped(f, r->link);
		if (ret)
			return ret;
	}
	if (r->digests)
		put_digests(f, r->digests);
	if (r->keys & FIM_MK_OPTIONAL)
		fputs(" optional", f);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}
