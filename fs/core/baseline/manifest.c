/* Manifest storage: packed entries and a keyed hash table over their paths.
 *
 * Each entry is one allocation holding its fields, only the digests it has
 * and its strings, so a baseline of a million files costs about 150 bytes a
 * file rather than the 400 of a full fim_digest_set. The table is keyed with
 * SipHash-1-3 under a random key: a manifest crafted to collide cannot turn
 * lookups quadratic. */
#include "manifest_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

struct fim_manifest {
	char *name;
	enum fim_mformat format;
	struct fim_mentry **v;
	size_t n, cap;
	uint32_t *tab; /* index + 1 into v; 0 = empty slot */
	size_t tmask;  /* table size - 1, a power of two minus one */
	uint64_t k0, k1;
	/* A consumed input: its first byte not yet given back, else NULL */
	char *unspent;
};

/* ---- messages ---------------------------------------------------------- */

void fim_mperr(char *err, size_t errsz, const char *name, unsigned line,
	       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errsz)
		return;
	n = snprintf(err, errsz, "%s:%u: ", name, line);
	if (n < 0 || (size_t)n >= errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

const char *fim_mquote(const char *s, char *out, size_t size)
{
	char esc[5];
	size_t o = 0;

	if (size < 4)
		return "";
	for (; *s; s++) {
		size_t n = fim_mtree_escape((char[]){ *s, 0 }, esc, sizeof(esc));

		if (o + n + 3 >= size) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

/* ---- paths ------------------------------------------------------------- */

int fim_mpath_append(char *dst, size_t *dlen, const char *rel)
{
	size_t len = *dlen;

	while (*rel) {
		const char *end = strchr(rel, '/');
		size_t n = end ? (size_t)(end - rel) : strlen(rel);

		if (n == 0 || (n == 1 && rel[0] == '.')) {
			/* "//" and "/./" are the same directory */
		} else if (n == 2 && rel[0] == '.' && rel[1] == '.') {
			return -EINVAL;
		} else {
			if (len + !!len + n > FIM_MANIFEST_MAX_PATH)
				return -ENAMETOOLONG;
			if (len)
				dst[len++] = '/';
			memcpy(dst + len, rel, n);
			len += n;
		}
		rel += n + (end != NULL);
	}
	dst[len] = '\0';
	*dlen = len;
	return 0;
}

/* ---- consumed input ---------------------------------------------------- */

/* Given back in steps of at least this much: one madvise a line would cost
 * more than the parse. */
#define SPEND_STEP ((size_t)1 << 20)

void fim_mparse_passed(struct fim_manifest *m, const char *upto)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)m->unspent + page - 1) & ~(page - 1);
	uintptr_t to = (uintptr_t)upto & ~(page - 1);

	if (!m->unspent || to < from || to - from < SPEND_STEP)
		return;
	/* Whole pages inside the caller's allocation: the allocator keeps
	 * nothing there, and anonymous pages read back as zeros if ever
	 * touched. A failure only costs the memory. */
	madvise((void *)from, to - from, MADV_DONTNEED);
	m->unspent = (char *)to;
}

/* ---- hashing ----------------------------------------------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);      \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                         \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                         \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);      \
	} while (0)

static uint64_t siphash13(uint64_t k0, uint64_t k1, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), end = len & ~(size_t)7, i;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m, b = (uint64_t)len << 56;

	for (i = 0; i < end; i += 8) {
		m = 0;
		for (int j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	for (int j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static void seed(struct fim_manifest *m)
{
	uint64_t k[2];
	struct timespec ts;

	if (getrandom(k, sizeof(k), GRND_NONBLOCK) == (ssize_t)sizeof(k)) {
		m->k0 = k[0];
		m->k1 = k[1];
		return;
	}
	/* Early boot without entropy: still better than a fixed key. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)m;
	m->k1 = (uint64_t)ts.tv_sec ^ ((uintptr_t)&ts << 17);
}

/* The slot holding path, or the empty slot where it would go. */
static size_t slot_of(const struct fim_manifest *m, const char *path)
{
	size_t i = (size_t)siphash13(m->k0, m->k1, path) & m->tmask;

	while (m->tab[i] && strcmp(m->v[m->tab[i] - 1]->path, path) != 0)
		i = (i + 1) & m->tmask;
	return i;
}

static int grow_table(struct fim_manifest *m)
{
	size_t nsize = m->tab ? (m->tmask + 1) * 2 : 1024;
	uint32_t *old = m->tab;

	if (nsize > (size_t)UINT32_MAX)
		return -ENOMEM;
	m->tab = calloc(nsize, sizeof(*m->tab));
	if (!m->tab) {
		m->tab = old;
		return -ENOMEM;
	}
	m->tmask = nsize - 1;
	for (size_t i = 0; i < m->n; i++)
		m->tab[slot_of(m, m->v[i]->path)] = (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* ---- entries ----------------------------------------------------------- */

static size_t digests_size(uint32_t dmask)
{
	size_t n = 0;

	for (int a = 0; a < FIM_ALG_COUNT; a++)
		if (dmask & (1u << a))
			n += fim_alg_size(a);
	return n;
}

const unsigned char *fim_mentry_digest(const struct fim_mentry *e,
				       enum fim_alg a)
{
	size_t off = 0;

	if ((unsigned)a >= FIM_ALG_COUNT || !(e->dmask & (1u << a)))
		return NULL;
	for (int b = 0; b < (int)a; b++)
		if (e->dmask & (1u << b))
			off += fim_alg_size(b);
	return e->data + off;
}

static struct fim_mentry *pack(const struct fim_mdraft *d)
{
	size_t dsz = digests_size(d->dmask), plen = strlen(d->path) + 1;
	size_t llen = d->link ? strlen(d->link) + 1 : 0;
	struct fim_mentry *e = malloc(sizeof(*e) + dsz + plen + llen);
	unsigned char *p;

	if (!e)
		return NULL;
	e->keys = d->keys;
	e->dmask = d->dmask;
	e->type = d->type;
	e->mode = d->mode;
	e->uid = d->uid;
	e->gid = d->gid;
	e->size = d->size;
	e->time_ns = d->time_ns;
	e->line = d->line;
	p = e->data;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (d->dmask & (1u << a)) {
			memcpy(p, d->md[a], fim_alg_size(a));
			p += fim_alg_size(a);
		}
	}
	memcpy(p, d->path, plen);
	e->path = (const char *)p;
	p += plen;
	e->link = NULL;
	if (llen) {
		memcpy(p, d->link, llen);
		e->link = (const char *)p;
	}
	return e;
}

/* Checksum lists: the union of both listings' digests. */
static int merge(const struct fim_manifest *m, const struct fim_mentry *old,
		 const struct fim_mdraft *d, struct fim_mdraft *out, char *err,
		 size_t errsz)
{
	char q[80];

	*out = *d;
	out->line = old->line;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		const unsigned char *md = fim_mentry_digest(old, a);

		if (!md)
			continue;
		if ((d->dmask & (1u << a)) &&
		    memcmp(md, d->md[a], fim_alg_size(a)) != 0) {
			fim_mperr(err, errsz, m->name, d->line,
				  "conflicting %s digests for '%s' (line %u)",
				  fim_alg_name(a), fim_mquote(d->path, q, 80),
				  old->line);
			return -EINVAL;
		}
		memcpy(out->md[a], md, fim_alg_size(a));
		out->dmask |= 1u << a;
	}
	return 0;
}

int fim_manifest_put(struct fim_manifest *m, const struct fim_mdraft *d,
		     enum fim_mput how, char *err, size_t errsz)
{
	struct fim_mdraft merged;
	struct fim_mentry *e, *old;
	char q[80];
	size_t s;
	int ret;

	if ((m->n + 1) * 2 > m->tmask + 1 && (ret = grow_table(m)) < 0)
		goto nomem;
	s = slot_of(m, d->path);
	if (m->tab[s]) {
		old = m->v[m->tab[s] - 1];
		if (how == FIM_MPUT_MERGE) {
			ret = merge(m, old, d, &merged, err, errsz);
			if (ret)
				return ret;
			d = &merged;
		} else if ((old->keys & d->keys & FIM_MK_TYPE) &&
			   old->type != d->type) {
			fim_mperr(err, errsz, m->name, d->line,
				  "'%s' listed at line %u as %s, now as %s",
				  fim_mquote(d->path, q, 80), old->line,
				  fim_ftype_name(old->type),
				  fim_ftype_name(d->type));
			return -EINVAL;
		}
		e = pack(d);
		if (!e)
			goto nomem;
		e->index = old->index;
		m->v[e->index] = e;
		free(old);
		return 0;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct fim_mentry **nv = reallocarray(m->v, ncap, sizeof(*nv));

		if (!nv)
			goto nomem;
		m->v = nv;
		m->cap = ncap;
	}
	e = pack(d);
	if (!e)
		goto nomem;
	e->index = (uint32_t)m->n;
	m->v[m->n++] = e;
	m->tab[s] = (uint32_t)m->n;
	return 0;
nomem:
	fim_mperr(err, errsz, m->name, d->line, "out of memory");
	return -ENOMEM;
}

/* ---- public API -------------------------------------------------------- */

static bool first_line_is_sums(const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, i = pos;

		while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i < end && buf[i] != '#')
			return fim_sums_line_ok(buf + pos, end - pos);
		pos = end + 1;
	}
	return false;
}

static int parse(const char *name, const char *buf, size_t len,
		 char *consumed, struct fim_manifest **out, char *err,
		 size_t errsz)
{
	struct fim_manifest *m;
	int ret;

	if (errsz)
		err[0] = '\0';
	m = calloc(1, sizeof(*m));
	if (!m || !(m->name = strdup(name))) {
		free(m);
		snprintf(err, errsz, "%s: out of memory", name);
		return -ENOMEM;
	}
	seed(m);
	m->unspent = consumed;
	if (memchr(buf, '\0', len)) {
		size_t at = (size_t)((const char *)memchr(buf, '\0', len) - buf);
		unsigned line = 1;

		for (size_t i = 0; i < at; i++)
			line += buf[i] == '\n';
		fim_mperr(err, errsz, name, line, "NUL byte in manifest");
		ret = -EINVAL;
		goto out;
	}
	if (first_line_is_sums(buf, len)) {
		m->format = FIM_MF_SUMS;
		ret = fim_sums_parse(m, buf, len, err, errsz);
	} else {
		m->format = FIM_MF_MTREE;
		ret = fim_mtree_parse(m, buf, len, err, errsz);
	}
out:
	if (ret) {
		fim_manifest_free(m);
		return ret;
	}
	m->unspent = NULL;
	*out = m;
	return 0;
}

int fim_manifest_parse(const char *name, const char *buf, size_t len,
		       struct fim_manifest **out, char *err, size_t errsz)
{
	return parse(name, buf, len, NULL, out, err, errsz);
}

int fim_manifest_parse_consume(const char *name, char *buf, size_t len,
			       struct fim_manifest **out, char *err,
			       size_t errsz)
{
	return parse(name, buf, len, buf, out, err, errsz);
}

int fim_manifest_read(const char *path, char **buf, size_t *len, char *err,
		      size_t errsz)
{
	int ret = fim_file_read(path, FIM_MANIFEST_MAX_SIZE, buf, len);

	if (ret)
		snprintf(err, errsz, "%s: %s", path,
			 ret == -EFBIG ? "manifest too large" : strerror(-ret));
	return ret;
}

int fim_manifest_load(const char *path, struct fim_manifest **out, char *err,
		      size_t errsz)
{
	char *buf;
	size_t len;
	int ret;

	ret = fim_manifest_read(path, &buf, &len, err, errsz);
	if (ret)
		return ret;
	ret = fim_manifest_parse_consume(path, buf, len, out, err, errsz);
	free(buf);
	return ret;
}

void fim_manifest_free(struct fim_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	free(m->tab);
	free(m->name);
	free(m);
}

const char *fim_manifest_name(const struct fim_manifest *m)
{
	return m->name;
}

enum fim_mformat fim_manifest_format(const struct fim_manifest *m)
{
	return m->format;
}

size_t fim_manifest_count(const struct fim_manifest *m)
{
	return m->n;
}

const struct fim_mentry *fim_manifest_entry(const struct fim_manifest *m,
					    size_t i)
{
	return i < m->n ? m->v[i] : NULL;
}

const struct fim_mentry *fim_manifest_lookup(const struct fim_manifest *m,
					     const char *path)
{
	size_t s;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!*path)
		path = ".";
	if (!m->tab)
		return NULL;
	s = slot_of(m, path);
	return m->tab[s] ? m->v[m->tab[s] - 1] : NULL;
}

size_t fim_manifest_unchecked(const struct fim_manifest *m, uint32_t checkable,
			      unsigned *first_line)
{
	size_t n = 0;

	*first_line = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct fim_mentry *e = m->v[i];

		if (((e->keys & FIM_MK_TYPE) && e->type != FIM_FT_FILE) ||
		    (e->dmask & checkable))
			continue;
		if (!n++ || e->line < *first_line)
			*first_line = e->line;
	}
	return n;
}

size_t fim_manifest_unchecked_msg(const struct fim_manifest *m,
				  uint32_t checkable, char *msg, size_t size)
{
	unsigned line;
	size_t n = fim_manifest_unchecked(m, checkable, &line);

	if (n)
		fim_mperr(msg, size, m->name, line,
			  "%zu file entr%s with no digest that can be checked "
			  "here, the first on this line: such files are never "
			  "OK (ERROR nodigest)", n, n == 1 ? "y" : "ies");
	return n;
}

static const char *const ftype_names[] = {
	[FIM_FT_FILE] = "file",   [FIM_FT_DIR] = "dir",
	[FIM_FT_LINK] = "link",   [FIM_FT_BLOCK] = "block",
	[FIM_FT_CHAR] = "char",   [FIM_FT_FIFO] = "fifo",
	[FIM_FT_SOCKET] = "socket",
};

const char *fim_ftype_name(enum fim_ftype t)
{
	return (unsigned)t <= FIM_FT_SOCKET ? ftype_names[t] : NULL;
}

enum fim_ftype fim_ftype_from_mode(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return FIM_FT_FILE;
	case S_IFDIR: return FIM_FT_DIR;
	case S_IFLNK: return FIM_FT_LINK;
	case S_IFBLK: return FIM_FT_BLOCK;
	case S_IFCHR: return FIM_FT_CHAR;
	case S_IFIFO: return FIM_FT_FIFO;
	case S_IFSOCK: return FIM_FT_SOCKET;
	}
	return FIM_FT_NONE;
}
