/* mtree writer: one full-path line per record, which NetBSD mtree, libarchive
 * and our parser read alike. Octal escapes are the only ones all three
 * decode, so every byte outside printable ASCII is written as \ooo. */
#include "manifest.h"

#include <errno.h>
#include <stdbool.h>
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

/* A line is built in memory and written with one call: a fresh baseline
 * writes a line per file, and an fprintf for each key was a good part of
 * the 40-60 ms its spec took longer to write at 100k files. */
static char *put_escaped(char *p, const char *s)
{
	/* the caller sized the line for 4 bytes a byte of s */
	return p + fim_mtree_escape(s, p, 4 * strlen(s) + 1);
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* At least four octal digits, as "%04o" */
static char *put_mode(char *p, unsigned mode)
{
	for (int shift = 9; shift >= 0; shift -= 3)
		*p++ = (char)('0' + ((mode >> shift) & 7));
	return p;
}

static char *put_time(char *p, int64_t t)
{
	uint64_t a = t < 0 ? -(uint64_t)t : (uint64_t)t;
	uint64_t ns = a % 1000000000;

	p = put_str(p, t < 0 ? " time=-" : " time=");
	p = put_u64(p, a / 1000000000);
	*p++ = '.';
	for (uint64_t d = 100000000; d; d /= 10)
		*p++ = (char)('0' + ns / d % 10);
	return p;
}

static char *put_digests(char *p, const struct fim_digest_set *ds)
{
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(ds->mask & (1u << a)))
			continue;
		*p++ = ' ';
		p = put_str(p, fim_alg_name(a));
		p = put_str(p, "digest=");
		fim_hex(ds->md[a], fim_alg_size(a), p);
		p += 2 * fim_alg_size(a);
	}
	return p;
}

/* The longest line r can make. */
static size_t line_max(const struct fim_mtree_rec *r)
{
	size_t n = 4 * strlen(r->path) + 256; /* the fixed keys' longest */

	if (r->link)
		n += 4 * strlen(r->link);
	for (int a = 0; r->digests && a < FIM_ALG_COUNT; a++)
		n += strlen(fim_alg_name(a)) + 9 + 2 * FIM_MD_MAX;
	return n;
}

int fim_mtree_write_header(FILE *f)
{
	fputs("#mtree\n# written by fimfs: mtree(5), full paths\n", f);
	return ferror(f) ? -EIO : 0;
}

int fim_mtree_write_entry(FILE *f, const struct fim_mtree_rec *r)
{
	bool root = !r->path[0] || !strcmp(r->path, ".");
	char *line, *p;
	bool short_write;

	if (!root && !valid_path(r->path))
		return -EINVAL;
	line = malloc(line_max(r));
	if (!line)
		return -ENOMEM;
	p = root ? put_str(line, ".") : put_escaped(put_str(line, "./"),
						    r->path);
	if ((r->keys & FIM_MK_TYPE) && fim_ftype_name(r->type))
		p = put_str(put_str(p, " type="), fim_ftype_name(r->type));
	if (r->keys & FIM_MK_MODE)
		p = put_mode(put_str(p, " mode="), (unsigned)(r->mode & 07777));
	if (r->keys & FIM_MK_UID)
		p = put_u64(put_str(p, " uid="), (uint64_t)r->uid);
	if (r->keys & FIM_MK_GID)
		p = put_u64(put_str(p, " gid="), (uint64_t)r->gid);
	if (r->keys & FIM_MK_SIZE)
		p = put_u64(put_str(p, " size="), r->size);
	if (r->keys & FIM_MK_TIME)
		p = put_time(p, r->time_ns);
	if ((r->keys & FIM_MK_LINK) && r->link && r->link[0])
		p = put_escaped(put_str(p, " link="), r->link);
	if (r->digests)
		p = put_digests(p, r->digests);
	if (r->keys & FIM_MK_OPTIONAL)
		p = put_str(p, " optional");
	*p++ = '\n';
	short_write = fwrite(line, 1, (size_t)(p - line), f) !=
		      (size_t)(p - line);
	free(line);
	return short_write || ferror(f) ? -EIO : 0;
}
