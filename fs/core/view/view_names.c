/* Names in the view: which are virtual, what a path resolves to, and the
 * real entries hidden behind virtual names (collisions), noted once each.
 *
 * A virtual name always resolves to fimfs's own entry: a planted
 * NAME.verified saying OK, or a NAME.sha256 with a golden digest (in a
 * snapshot, or in a restored backup of a mount, which holds copies of the
 * virtual files) must never be read as fimfs's answer. */
#include "view.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strhash.h"
#include "view_int.h"
#include "vname.h"

/* Collisions reported per mount at most; a tree holding more is reported
 * whole by fimfsctl report. */
#define SHADOW_NOTES_MAX 4096

/* The directory of a path, for questions about the siblings of its last
 * component. */
struct siblings {
	struct fim_view *v;
	const char *path;
	size_t dirlen; /* path[0..dirlen) is the directory, with its '/' */
	size_t seen;   /* path[0..seen) is the last regular file found */
	struct fim_stat st; /* its attributes */
};

/* Whether the directory of s is a listing root and name its listing
 * directory. */
static bool is_listing_dir(const struct siblings *s, const char *name)
{
	char dir[PATH_MAX];

	if (strcmp(name, FIM_LISTING_DIR) || s->dirlen > sizeof(dir))
		return false;
	/* without its '/' */
	memcpy(dir, s->path, s->dirlen ? s->dirlen - 1 : 0);
	dir[s->dirlen ? s->dirlen - 1 : 0] = '\0';
	return fim_view_listing_root(s->v, dir);
}

/* A hidden real file is not shown as itself, so has no virtual entries. */
static bool sibling_is_regular(void *arg, const char *name)
{
	struct siblings *s = arg;
	size_t len = strlen(name);
	char path[PATH_MAX];
	struct fim_stat st;

	if (s->dirlen + len >= sizeof(path) || is_listing_dir(s, name))
		return false;
	memcpy(path, s->path, s->dirlen);
	memcpy(path + s->dirlen, name, len + 1);
	if (fim_src_lstat(s->v->src, path, &st) || !S_ISREG(st.mode))
		return false;
	s->seen = s->dirlen + len;
	s->st = st;
	return true;
}

static void siblings_of(struct fim_view *v, const char *path,
			struct siblings *s)
{
	const char *slash = strrchr(path, '/');

	s->v = v;
	s->path = path;
	s->dirlen = slash ? (size_t)(slash + 1 - path) : 0;
	s->seen = 0;
}

int fim_view_name_kind(struct fim_view *v, const char *name,
		       bool (*is_regular)(void *arg, const char *name),
		       void *arg, size_t *baselen)
{
	if (!v->cfg->virtual_entries)
		return -1;
	return fim_vname_kind_in_dir(name, v->cfg->digests, is_regular, arg,
				     baselen);
}

bool fim_view_listing_root(struct fim_view *v, const char *path)
{
	if (!v->cfg->virtual_entries)
		return false;
	if (v->layout == FIM_LAYOUT_SNAPSHOTS)
		return *path && !strchr(path, '/');
	return !*path;
}

bool fim_view_shadowed(struct fim_view *v, const char *path)
{
	struct siblings s;
	size_t baselen;

	siblings_of(v, path, &s);
	if (is_listing_dir(&s, path + s.dirlen))
		return true;
	return fim_view_name_kind(v, path + s.dirlen, sibling_is_regular, &s,
				  &baselen) >= 0;
}

/* The attributes of the virtual entry e of path, from those of its regular
 * file when naming the kind has just read them (one lstat fewer a lookup),
 * else read now. */
static int virtual_attrs(struct fim_view *v, const char *path,
			 const struct siblings *s, struct fim_entry *e)
{
	char base[PATH_MAX];

	if (s->seen != e->baselen || e->baselen >= sizeof(base))
		return fim_view_stat(v, path, e->kind, e->baselen, &e->st);
	memcpy(base, path, e->baselen);
	base[e->baselen] = '\0';
	e->st = s->st;
	return view_virtual_attrs(v, base, e->kind, &e->st);
}

int fim_view_lookup(struct fim_view *v, const char *path, struct fim_entry *e)
{
	struct fim_stat real;
	struct siblings s;
	int ret;

	siblings_of(v, path, &s);
	e->shadows = false;
	e->kind = fim_view_name_kind(v, path + s.dirlen, sibling_is_regular,
				     &s, &e->baselen);
	if (e->kind >= 0) {
		e->baselen += s.dirlen;
		ret = virtual_attrs(v, path, &s, e);
		if (!ret)
			e->shadows = !fim_src_lstat(v->src, path, &real);
		/* Gone since it was asked about: whatever is real there. */
		if (ret != -ENOENT)
			return ret;
		e->kind = -1;
		e->baselen = 0;
	}
	return fim_view_stat(v, path, -1, 0, &e->st);
}

bool fim_view_virtual_name(struct fim_view *v, const char *name, int kind,
			   char *out)
{
	const char *suffix = fim_vname_suffix(kind);
	size_t n = strlen(name), m = strlen(suffix);

	if (!v->cfg->virtual_entries ||
	    (kind < FIM_ALG_COUNT && !(v->cfg->digests & (1u << kind))))
		return false;
	/* without snprintf: a listing names two for every regular file */
	if (n + m > NAME_MAX)
		return false;
	memcpy(out, name, n);
	memcpy(out + n, suffix, m + 1);
	return true;
}

void shadow_notes_init(struct shadow_notes *sn)
{
	memset(sn, 0, sizeof(*sn));
	pthread_mutex_init(&sn->mu, NULL);
}

void shadow_notes_free(struct shadow_notes *sn)
{
	for (size_t i = 0; i < sizeof(sn->bucket) / sizeof(*sn->bucket); i++) {
		struct shadow_note *n = sn->bucket[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	pthread_mutex_destroy(&sn->mu);
}

bool fim_view_note_shadowed(struct fim_view *v, const char *path)
{
	struct shadow_notes *sn = &v->shadows;
	size_t b = fim_strhash(path) % (sizeof(sn->bucket) / sizeof(*sn->bucket));
	struct shadow_note *n;
	bool first = false;

	pthread_mutex_lock(&sn->mu);
	for (n = sn->bucket[b]; n && strcmp(n->path, path); n = n->next)
		;
	if (n || sn->full)
		goto out;
	if (sn->n == SHADOW_NOTES_MAX) {
		sn->full = true;
		fim_log(LOG_ALERT, "more than %d real files of SOURCE are hidden "
			"behind virtual names; further ones are not reported "
			"(fimfsctl report lists them all)", SHADOW_NOTES_MAX);
		goto out;
	}
	/* Out of memory: report it again next time rather than never. */
	n = malloc(sizeof(*n) + strlen(path) + 1);
	if (n) {
		strcpy(n->path, path);
		n->next = sn->bucket[b];
		sn->bucket[b] = n;
		sn->n++;
	}
	first = true;
out:
	pthread_mutex_unlock(&sn->mu);
	return first;
}
