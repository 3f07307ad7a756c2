/* Parsing of nfs:// URLs. libnfs 4.0 has its own parser, but it takes no
 * HOST:PORT, puts the whole path in one place and silently ignores unknown
 * arguments; a typo in a scan box's URL should be an error instead. */
#include "source_nfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

/* Decode %XX in [s, s+n) into out (at least n+1 bytes); -1 on a bad escape
 * or a decoded NUL or '/' (which would change the path's structure). */
static int pct_decode(const char *s, size_t n, char *out)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c;

		if (s[i] != '%') {
			out[j++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		if (fim_unhex(s + i + 1, 2, &c, 1) || c == '\0' || c == '/')
			return -1;
		out[j++] = (char)c;
		i += 2;
	}
	out[j] = '\0';
	return 0;
}

static int parse_num(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Normalise a decoded path in place: "/a//./b/" -> "/a/b". */
static int normalise(char *p)
{
	char *r = p, *w = p;

	while (*r) {
		char *e;
		size_t n;

		while (*r == '/')
			r++;
		if (!*r)
			break;
		e = strchrnul(r, '/');
		n = (size_t)(e - r);
		if (n == 1 && r[0] == '.') {
			r = e;
			continue;
		}
		if (n == 2 && r[0] == '.' && r[1] == '.')
			return -1;
		*w++ = '/';
		memmove(w, r, n);
		w += n;
		r = e;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
	return 0;
}

static int parse_host(const char *s, size_t n, struct fim_nfs_url *u,
		      const char **why)
{
	const char *colon = NULL, *h = s;
	size_t hl = n;
	uint64_t port;

	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb) {
			*why = "unterminated [IPv6 address]";
			return -1;
		}
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb + 1 < s + n) {
			if (rb[1] != ':') {
				*why = "junk after ]";
				return -1;
			}
			colon = rb + 1;
		}
	} else if ((colon = memchr(s, ':', n))) {
		hl = (size_t)(colon - s);
	}
	if (!hl) {
		*why = "no host";
		return -1;
	}
	if (colon) {
		if (parse_num(colon + 1, (size_t)(s + n - colon - 1), 65535,
			      &port) || !port) {
			*why = "bad port";
			return -1;
		}
		u->port = (unsigned)port;
	}
	u->host = strndup(h, hl);
	if (!u->host) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

static int parse_arg(const char *s, size_t n, struct fim_nfs_url *u,
		     const char **why)
{
	const char *eq = memchr(s, '=', n);
	size_t kl = eq ? (size_t)(eq - s) : n;
	const char *v = eq ? eq + 1 : s + n;
	size_t vl = (size_t)(s + n - v);
	uint64_t x;

	*why = "bad value of an argument";
	if (kl == 7 && !memcmp(s, "version", 7)) {
		if (parse_num(v, vl, 4, &x) || x < 3)
			return -1;
		u->version = (unsigned)x;
	} else if (kl == 3 && !memcmp(s, "uid", 3)) {
		if (parse_num(v, vl, 4294967294u, &x))
			return -1;
		u->uid = (int64_t)x;
	} else if (kl == 3 && !memcmp(s, "gid", 3)) {
		if (parse_num(v, vl, 4294967294u, &x))
			return -1;
		u->gid = (int64_t)x;
	} else if (kl == 9 && !memcmp(s, "mountport", 9)) {
		if (parse_num(v, vl, 65535, &x) || !x)
			return -1;
		u->mountport = (unsigned)x;
	} else {
		*why = "unknown argument (version, uid, gid, mountport)";
		return -1;
	}
	return 0;
}

int fim_nfs_url_parse(const char *url, struct fim_nfs_url *u, char *err,
		      size_t errsz)
{
	const char *p = url, *slash, *q, *why = "out of memory";

	memset(u, 0, sizeof(*u));
	u->uid = u->gid = -1;
	if (strncmp(p, "nfs://", 6)) {
		why = "not an nfs:// URL";
		goto bad;
	}
	p += 6;
	q = strchr(p, '?');
	slash = strchr(p, '/');
	if (!slash || (q && q < slash)) {
		why = "no export path (nfs://HOST/EXPORT)";
		goto bad;
	}
	if (parse_host(p, (size_t)(slash - p), u, &why))
		goto bad;
	if (!q)
		q = slash + strlen(slash);
	u->path = malloc((size_t)(q - slash) + 2);
	if (!u->path)
		goto bad;
	if (pct_decode(slash, (size_t)(q - slash), u->path) ||
	    normalise(u->path)) {
		why = "bad path (bad %-escape or '..')";
		goto bad;
	}
	while (*q) {
		const char *a = q + 1, *e = strchrnul(a, '&');

		if (parse_arg(a, (size_t)(e - a), u, &why))
			goto bad;
		q = e;
	}
	return 0;
bad:
	snprintf(err, errsz, "%s: %s", url, why);
	fim_nfs_url_free(u);
	return -EINVAL;
}

void fim_nfs_url_free(struct fim_nfs_url *u)
{
	free(u->host);
	free(u->path);
	u->host = u->path = NULL;
}

size_t fim_nfs_export_len(const char *path, unsigned i)
{
	size_t len = strlen(path);

	if (!strcmp(path, "/"))
		return i == 0 ? 1 : 0;
	while (i--) {
		if (len == 1)
			return 0;
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* drop the '/' too, unless it is the root */
	}
	return len;
}

char *fim_nfs_url_below(const char *url, const char *path)
{
	static const char unreserved[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/";
	size_t args = strcspn(url, "?"), n = args;
	char *out = malloc(args + 1 + 3 * strlen(path) + strlen(url + args) + 1);

	if (!out)
		return NULL;
	memcpy(out, url, args);
	if (*path && (!args || url[args - 1] != '/'))
		out[n++] = '/';
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (strchr(unreserved, *p))
			out[n++] = (char)*p;
		else
			n += (size_t)sprintf(out + n, "%%%02X", *p);
	}
	strcpy(out + n, url + args);
	return out;
}

char *fim_nfs_url_within(const char *url, const char *below)
{
	size_t n = strcspn(url, "?"), m = strcspn(below, "?");
	char *out;

	while (n > 0 && url[n - 1] == '/')
		n--;
	while (m > n && below[m - 1] == '/')
		m--;
	if (m < n || strncmp(url, below, n) || strcmp(url + strcspn(url, "?"),
						       below + strcspn(below, "?")) ||
	    (m > n && below[n] != '/'))
		return NULL;
	if (m > n)
		n++;
	out = malloc(m - n + 1);
	if (out && pct_decode(below + n, m - n, out)) {
		free(out);
		out = NULL;
	}
	return out;
}
