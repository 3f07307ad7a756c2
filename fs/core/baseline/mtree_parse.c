/* mtree(5) parser: the dialects of libarchive (bsdtar) and NetBSD mtree.
 *
 * The directory semantics follow NetBSD's spec.c: a relative name is added
 * to the current directory; an entry of type dir (relative or full path)
 * becomes the current directory; ".." leaves it. Every digest keyword of
 * mtree(5) is kept (digest.c maps the spellings). Keywords we do not use
 * (uname, nlink, flags, ...) are accepted and ignored, cksum too: a CRC
 * anyone can forge is no content digest. A keyword nobody defines is an
 * error, so a typo cannot silently drop a digest. */
#include "manifest_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum kw {
	KW_TYPE, KW_SIZE, KW_MODE, KW_UID, KW_GID, KW_LINK, KW_TIME,
	KW_OPTIONAL, KW_IGNORE, KW_SKIP, KW_SKIPFLAG, KW_DIGEST,
};

static const struct {
	const char *name;
	enum kw kw;
} keywords[] = {
	{ "type", KW_TYPE },       { "size", KW_SIZE },
	{ "mode", KW_MODE },       { "uid", KW_UID },
	{ "gid", KW_GID },         { "link", KW_LINK },
	{ "time", KW_TIME },       { "optional", KW_OPTIONAL },
	{ "ignore", KW_IGNORE },   { "nochange", KW_SKIPFLAG },
	{ "uname", KW_SKIP },      { "gname", KW_SKIP },
	{ "nlink", KW_SKIP },      { "flags", KW_SKIP },
	{ "cksum", KW_SKIP },      { "device", KW_SKIP },
	{ "resdevice", KW_SKIP },  { "inode", KW_SKIP },
	{ "tags", KW_SKIP },       { "contents", KW_SKIP },
};

struct pstate {
	struct fim_manifest *m;
	const char *name;
	char *err;
	size_t errsz;
	unsigned line;
	struct fim_mdraft set; /* /set defaults */
	char *set_link;        /* owned by set */
	char *last;            /* path of the last entry, "" for the root */
	size_t last_len;
	bool last_open;        /* last is a directory not yet left by ".." */
	char *path, *name_buf, *link_buf;
};

#define PERR(st, ...) fim_mperr((st)->err, (st)->errsz, (st)->name, (st)->line, \
				__VA_ARGS__)

/* vis(3) decoding as NetBSD unvis does it, plus libarchive's \ooo. Returns
 * the decoded length, or -1 for a bad escape or a NUL result. dst has room
 * for strlen(src) + 1 bytes. */
static int unvis(char *dst, const char *src)
{
	static const char simple[] = "n\nr\rb\ba\av\vt\tf\fs E\033";
	size_t o = 0;

	while (*src) {
		unsigned c = (unsigned char)*src++, v;
		const char *sp;

		if (c != '\\') {
			dst[o++] = (char)c;
			continue;
		}
		c = (unsigned char)*src++;
		if (c >= '0' && c <= '7') {
			v = c - '0';
			for (int i = 0; i < 2 && *src >= '0' && *src <= '7'; i++)
				v = v * 8 + (unsigned)(*src++ - '0');
		} else if (c == 'x') {
			v = 0;
			for (int i = 0; i < 2 && *src &&
					strchr("0123456789abcdefABCDEF", *src);
			     i++) {
				unsigned d = (unsigned char)*src++;

				v = v * 16 + (d <= '9' ? d - '0' : (d | 32) - 'a' + 10);
			}
		} else if (c == 'M') {
			char kind = *src++;

			if ((kind != '-' && kind != '^') || !*src)
				return -1;
			v = (unsigned char)*src++;
			if (kind == '^')
				v = v == '?' ? 0177 : (v & 037);
			v |= 0200;
		} else if (c == '^') {
			if (!*src)
				return -1;
			v = (unsigned char)*src++;
			v = v == '?' ? 0177 : (v & 037);
		} else if (c == '$') {
			continue; /* vis "hidden" marker: no byte */
		} else if (c &&
			   (sp = strchr(simple, (int)c)) && (sp - simple) % 2 == 0) {
			v = (unsigned char)sp[1];
		} else if (c > ' ' && c < 0177) {
			v = c; /* "\#", "\\", "\*": the character itself */
		} else {
			return -1;
		}
		if (v == 0 || v > 0xff)
			return -1;
		dst[o++] = (char)v;
	}
	dst[o] = '\0';
	return (int)o;
}

static int parse_u64(const char *s, unsigned base, uint64_t max,
		     uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else
			return -EINVAL;
		if (d >= base || v > (max - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_time(char *s, int64_t *out)
{
	uint64_t sec, ns = 0;
	char *dot = strchr(s, '.');
	bool neg = *s == '-';

	if (dot)
		*dot = '\0';
	/* NetBSD reads the part after '.' as a count of nanoseconds. */
	if (parse_u64(s + neg, 10, INT64_MAX / 1000000000 - 1, &sec) ||
	    (dot && (strlen(dot + 1) > 9 ||
		     parse_u64(dot + 1, 10, 999999999, &ns))))
		return -EINVAL;
	*out = (neg ? -1 : 1) * (int64_t)(sec * 1000000000 + ns);
	return 0;
}

static int parse_type(const char *v, enum fim_ftype *t)
{
	for (int i = FIM_FT_FILE; i <= FIM_FT_SOCKET; i++) {
		if (!strcmp(v, fim_ftype_name(i))) {
			*t = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_digest(const char *v, enum fim_alg a, unsigned char *md)
{
	if (v[0] == '0' && v[1] == 'x')
		v += 2;
	return fim_unhex(v, strlen(v), md, fim_alg_size(a));
}

static int lookup_kw(const char *name, enum kw *kw, int *alg)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!strcmp(name, keywords[i].name)) {
			*kw = keywords[i].kw;
			return 0;
		}
	}
	*alg = fim_alg_from_name(name);
	*kw = KW_DIGEST;
	return *alg < 0 ? -ENOENT : 0;
}

/* Apply one "keyword=value" (or flag keyword) to d. */
static int apply_kw(struct pstate *st, struct fim_mdraft *d, char *tok,
		    char *linkbuf)
{
	char *val = strchr(tok, '='), q[80];
	uint64_t u = 0;
	enum kw kw;
	int alg = -1, bad = 0;

	if (val)
		*val++ = '\0';
	if (lookup_kw(tok, &kw, &alg)) {
		PERR(st, "unknown keyword '%s'", fim_mquote(tok, q, 40));
		return -EINVAL;
	}
	if ((kw == KW_OPTIONAL || kw == KW_IGNORE || kw == KW_SKIPFLAG) != !val) {
		PERR(st, val ? "keyword '%s' takes no value"
			     : "keyword '%s' needs a value", tok);
		return -EINVAL;
	}
	switch (kw) {
	case KW_TYPE:
		bad = parse_type(val, &d->type);
		d->keys |= FIM_MK_TYPE;
		break;
	case KW_SIZE:
		bad = parse_u64(val, 10, UINT64_MAX, &d->size);
		d->keys |= FIM_MK_SIZE;
		break;
	case KW_MODE:
		bad = parse_u64(val, 8, 07777, &u);
		d->mode = (mode_t)u;
		d->keys |= FIM_MK_MODE;
		break;
	case KW_UID:
	case KW_GID:
		bad = parse_u64(val, 10, UINT32_MAX - 1, &u);
		if (kw == KW_UID)
			d->uid = (uid_t)u;
		else
			d->gid = (gid_t)u;
		d->keys |= kw == KW_UID ? FIM_MK_UID : FIM_MK_GID;
		break;
	case KW_LINK:
		bad = unvis(linkbuf, val) <= 0;
		d->link = linkbuf;
		d->keys |= FIM_MK_LINK;
		break;
	case KW_TIME:
		bad = parse_time(val, &d->time_ns);
		d->keys |= FIM_MK_TIME;
		break;
	case KW_OPTIONAL:
		d->keys |= FIM_MK_OPTIONAL;
		break;
	case KW_IGNORE:
		d->keys |= FIM_MK_IGNORE;
		break;
	case KW_DIGEST:
		bad = parse_digest(val, alg, d->md[alg]);
		d->dmask |= 1u << alg;
		break;
	case KW_SKIP:
	case KW_SKIPFLAG:
		break;
	}
	if (bad) {
		PERR(st, "invalid %s '%s'", tok, fim_mquote(val, q, 80));
		return -EINVAL;
	}
	return 0;
}

static char *next_tok(char **pp)
{
	char *p = *pp, *t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#') /* an unescaped '#' starts a comment */
		return NULL;
	t = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*pp = p;
	return t;
}

static int do_set(struct pstate *st, char *p)
{
	char *tok, *link;
	int ret;

	while ((tok = next_tok(&p))) {
		ret = apply_kw(st, &st->set, tok, st->link_buf);
		if (ret)
			return ret;
		if (st->set.link == st->link_buf) {
			link = strdup(st->link_buf);
			if (!link)
				return -ENOMEM;
			free(st->set_link);
			st->set.link = st->set_link = link;
		}
	}
	return 0;
}

static int do_unset(struct pstate *st, char *p)
{
	static const uint32_t bits[] = {
		[KW_TYPE] = FIM_MK_TYPE, [KW_SIZE] = FIM_MK_SIZE,
		[KW_MODE] = FIM_MK_MODE, [KW_UID] = FIM_MK_UID,
		[KW_GID] = FIM_MK_GID,   [KW_LINK] = FIM_MK_LINK,
		[KW_TIME] = FIM_MK_TIME, [KW_OPTIONAL] = FIM_MK_OPTIONAL,
		[KW_IGNORE] = FIM_MK_IGNORE,
	};
	char *tok, q[80];
	enum kw kw;
	int alg;

	while ((tok = next_tok(&p))) {
		if (!strcmp(tok, "all")) {
			st->set.keys = st->set.dmask = 0;
		} else if (lookup_kw(tok, &kw, &alg)) {
			PERR(st, "unknown keyword '%s'", fim_mquote(tok, q, 40));
			return -EINVAL;
		} else if (kw == KW_DIGEST) {
			st->set.dmask &= ~(1u << alg);
		} else if (kw != KW_SKIP && kw != KW_SKIPFLAG) {
			st->set.keys &= ~bits[kw];
		}
	}
	if (!(st->set.keys & FIM_MK_LINK))
		st->set.link = NULL;
	if (!(st->set.keys & FIM_MK_TYPE))
		st->set.type = FIM_FT_NONE;
	return 0;
}

static int do_up(struct pstate *st)
{
	char *slash;

	if (!st->last_open) {
		if (!st->last_len) {
			PERR(st, "'..' above the root directory");
			return -EINVAL;
		}
		slash = strrchr(st->last, '/');
		st->last_len = slash ? (size_t)(slash - st->last) : 0;
		st->last[st->last_len] = '\0';
	}
	st->last_open = false;
	return 0;
}

/* The entry named tok (still escaped) with keywords in p. */
static int do_entry(struct pstate *st, char *tok, char *p)
{
	struct fim_mdraft d = st->set;
	size_t len = 0;
	char *name = st->name_buf, q[80];
	int ret;

	d.line = st->line;
	if (unvis(name, tok) <= 0) {
		PERR(st, "invalid escape in name '%s'", fim_mquote(tok, q, 80));
		return -EINVAL;
	}
	if (!strchr(name, '/')) {
		if (!strcmp(name, ".")) {
			strcpy(st->path, ".");
			goto keywords;
		}
		/* The current directory: the last entry if it is an open
		 * directory, else the directory holding it. */
		len = st->last_len;
		memcpy(st->path, st->last, len);
		if (!st->last_open) {
			while (len && st->path[len - 1] != '/')
				len--;
			len -= len > 0;
		}
		st->path[len] = '\0';
		if (!strcmp(name, "..")) {
			PERR(st, "invalid name '..'");
			return -EINVAL;
		}
	}
	ret = fim_mpath_append(st->path, &len, name);
	if (ret || !len) {
		PERR(st, ret == -ENAMETOOLONG ? "path too long: '%s'"
					      : "invalid path '%s'",
		     fim_mquote(name, q, 80));
		return -EINVAL;
	}
keywords:
	d.path = st->path;
	while ((tok = next_tok(&p))) {
		ret = apply_kw(st, &d, tok, st->link_buf);
		if (ret)
			return ret;
	}
	ret = fim_manifest_put(st->m, &d, FIM_MPUT_REPLACE, st->err, st->errsz);
	if (ret || !strcmp(d.path, "."))
		return ret; /* "." replaces the root, staying where we are */
	len = strlen(d.path);
	memcpy(st->last, d.path, len + 1);
	st->last_len = len;
	st->last_open = (d.keys & FIM_MK_TYPE) && d.type == FIM_FT_DIR;
	return 0;
}

static int do_line(struct pstate *st, char *p)
{
	char *tok = next_tok(&p), q[80];

	if (!tok)
		return 0;
	if (tok[0] == '/') {
		if (!strcmp(tok, "/set"))
			return do_set(st, p);
		if (!strcmp(tok, "/unset"))
			return do_unset(st, p);
		PERR(st, "unknown command '%s'", fim_mquote(tok, q, 40));
		return -EINVAL;
	}
	if (!strcmp(tok, ".."))
		return do_up(st);
	return do_entry(st, tok, p);
}

/* Joins backslash-continued physical lines into line (NUL-terminated).
 * Returns the number of bytes consumed from buf, or -EINVAL. */
static long logical_line(struct pstate *st, const char *buf, size_t len,
			 char *line, unsigned *nlines)
{
	size_t pos = 0, out = 0;

	*nlines = 0;
	while (pos < len || !*nlines) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos, bs = 0;

		++*nlines;
		if (n && buf[end - 1] == '\r')
			n--;
		while (bs < n && buf[pos + n - 1 - bs] == '\\')
			bs++;
		if (out + n > FIM_MANIFEST_MAX_LINE) {
			PERR(st, "line too long");
			return -EINVAL;
		}
		memcpy(line + out, buf + pos, n - (bs & 1));
		out += n - (bs & 1);
		pos = nl ? end + 1 : len;
		if (!(bs & 1) || !nl)
			break;
	}
	line[out] = '\0';
	return (long)pos;
}

int fim_mtree_parse(struct fim_manifest *m, const char *buf, size_t len,
		    char *err, size_t errsz)
{
	struct pstate st = { .m = m, .name = fim_manifest_name(m), .err = err,
			     .errsz = errsz };
	char *line = malloc(FIM_MANIFEST_MAX_LINE + 1);
	size_t pos = 0;
	unsigned next = 1, n;
	int ret = 0;

	st.path = malloc(FIM_MANIFEST_MAX_PATH + 1);
	st.last = malloc(FIM_MANIFEST_MAX_PATH + 1);
	st.name_buf = malloc(FIM_MANIFEST_MAX_LINE + 1);
	st.link_buf = malloc(FIM_MANIFEST_MAX_LINE + 1);
	if (!line || !st.path || !st.last || !st.name_buf || !st.link_buf) {
		fim_mperr(err, errsz, st.name, 0, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	st.last[0] = '\0';
	st.last_open = true; /* the root is the first current directory */
	while (pos < len) {
		long used;

		st.line = next;
		used = logical_line(&st, buf + pos, len - pos, line, &n);
		if (used < 0) {
			ret = (int)used;
			goto out;
		}
		pos += (size_t)used;
		next += n;
		ret = do_line(&st, line);
		if (ret)
			goto out;
		fim_mparse_passed(m, buf + pos); /* line holds its copy */
	}
out:
	free(st.set_link);
	free(st.link_buf);
	free(st.name_buf);
	free(st.last);
	free(st.path);
	free(line);
	return ret;
}
