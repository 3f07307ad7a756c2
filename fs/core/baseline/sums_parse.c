/* Checksum lists as GNU coreutils' sha256sum (and sha512sum, sha1sum,
 * sha384sum, md5sum) write them: "HEX  NAME" or "HEX *NAME"; with --tag
 * "SHA256 (NAME) = HEX"; a line starting with '\' has "\\" and "\n" (and
 * "\r") escapes in NAME. The algorithm follows from the digest length
 * (32 md5, 40 sha1, 64 sha256, 96 sha384, 128 sha512). Every non-blank
 * line must be a checksum line: a list is a security artefact, so nothing
 * is skipped. */
#include "manifest_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sline {
	int alg;
	const char *hex;
	const char *name;
	size_t name_len;
	bool escaped;
};

static const struct {
	const char *tag;
	enum fim_alg alg;
} tags[] = {
	{ "MD5", FIM_MD5 },
	{ "SHA1", FIM_SHA1 },
	{ "SHA256", FIM_SHA256 },
	{ "SHA384", FIM_SHA384 },
	{ "SHA512", FIM_SHA512 },
};

static int alg_of_len(size_t n)
{
	switch (n) {
	case 32: return FIM_MD5;
	case 40: return FIM_SHA1;
	case 64: return FIM_SHA256;
	case 96: return FIM_SHA384;
	case 128: return FIM_SHA512;
	}
	return -1;
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] && strchr("0123456789abcdefABCDEF", s[i]))
		i++;
	return i;
}

/* "TAG (NAME) = HEX" */
static bool tagged(const char *l, size_t n, struct sline *s)
{
	for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
		size_t tl = strlen(tags[t].tag), hl;
		const char *close = NULL;

		if (n < tl + 2 || memcmp(l, tags[t].tag, tl) || l[tl] != ' ' ||
		    l[tl + 1] != '(')
			continue;
		hl = 2 * fim_alg_size(tags[t].alg);
		if (n < tl + 2 + 1 + 4 + hl)
			return false;
		close = l + n - hl - 4;
		if (memcmp(close, ") = ", 4) || hex_run(close + 4, hl) != hl)
			return false;
		s->alg = (int)tags[t].alg;
		s->hex = close + 4;
		s->name = l + tl + 2;
		s->name_len = (size_t)(close - s->name);
		return s->name_len > 0;
	}
	return false;
}

static bool parse_line(const char *l, size_t n, struct sline *s)
{
	size_t i = 0, h;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	s->escaped = i < n && l[i] == '\\';
	i += s->escaped;
	if (tagged(l + i, n - i, s))
		return true;
	h = hex_run(l + i, n - i);
	s->alg = alg_of_len(h);
	h += i;
	if (s->alg < 0 || h + 2 >= n || (l[h] != ' ' && l[h] != '\t') ||
	    (l[h + 1] != ' ' && l[h + 1] != '*'))
		return false;
	s->hex = l + i;
	s->name = l + h + 2;
	s->name_len = n - (h + 2);
	return true;
}

bool fim_sums_line_ok(const char *line, size_t len)
{
	struct sline s;

	return parse_line(line, len, &s);
}

/* coreutils' escapes; returns the length or -1 for an unknown escape. */
static long unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (++i == n)
			return -1;
		switch (s[i]) {
		case '\\': out[o++] = '\\'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		default: return -1;
		}
	}
	out[o] = '\0';
	return (long)o;
}

static int add_line(struct fim_manifest *m, const struct sline *s,
		    unsigned line, char *name, char *path, char *err,
		    size_t errsz)
{
	struct fim_mdraft d = { .line = line, .type = FIM_FT_FILE,
				.keys = FIM_MK_TYPE };
	const char *mname = fim_manifest_name(m);
	size_t plen = 0;
	char q[80];

	if (s->escaped) {
		if (unescape(s->name, s->name_len, name) < 0) {
			fim_mperr(err, errsz, mname, line,
				  "invalid escape in file name");
			return -EINVAL;
		}
	} else {
		memcpy(name, s->name, s->name_len);
		name[s->name_len] = '\0';
	}
	if (name[0] == '/' || fim_mpath_append(path, &plen, name) || !plen) {
		fim_mperr(err, errsz, mname, line,
			  "file name '%s' is not a relative path below the root",
			  fim_mquote(name, q, 80));
		return -EINVAL;
	}
	d.path = path;
	d.dmask = 1u << s->alg;
	fim_unhex(s->hex, 2 * fim_alg_size(s->alg), d.md[s->alg],
		  fim_alg_size(s->alg));
	return fim_manifest_put(m, &d, FIM_MPUT_MERGE, err, errsz);
}

static bool blank(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t')
			return false;
	return true;
}

int fim_sums_parse(struct fim_manifest *m, const char *buf, size_t len,
		   char *err, size_t errsz)
{
	char *name = malloc(FIM_MANIFEST_MAX_LINE + 1);
	char *path = malloc(FIM_MANIFEST_MAX_PATH + 1);
	const char *mname = fim_manifest_name(m);
	unsigned line = 0;
	size_t pos = 0;
	int ret = 0;

	if (!name || !path) {
		fim_mperr(err, errsz, mname, 0, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;
		const char *l = buf + pos;
		struct sline s;

		line++;
		pos = end + 1;
		if (blank(l, n))
			continue;
		if (n > FIM_MANIFEST_MAX_LINE) {
			fim_mperr(err, errsz, mname, line, "line too long");
			ret = -EINVAL;
			goto out;
		}
		if (!parse_line(l, n, &s)) {
			fim_mperr(err, errsz, mname, line,
				  "improperly formatted checksum line");
			ret = -EINVAL;
			goto out;
		}
		ret = add_line(m, &s, line, name, path, err, errsz);
		if (ret)
			goto out;
		fim_mparse_passed(m, buf + (pos < len ? pos : len));
	}
out:
	free(path);
	free(name);
	return ret;
}
