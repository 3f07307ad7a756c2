/* Snapshot identities: which snapshot directory a name at the root of a
 * snapshots-layout SOURCE stands for now. Rotations (hourly.0 renamed to
 * hourly.1, a new hourly.0) keep names and change what they name; the
 * daemon makes the identity part of a node's, so that the kernel drops
 * what it cached of the old one. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strhash.h"
#include "view_int.h"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* The identity of the directory at name, read now. A snapshot is a
 * directory; a stray file at the root has its own attributes. */
static int read_id(struct fim_view *v, const char *name, uint64_t *id)
{
	struct fim_stat st;
	long ret = fim_src_access_attrs(v->src, name, true, &st, NULL, 0);

	if (ret == -ENOTDIR)
		ret = fim_src_lstat(v->src, name, &st);
	if (ret)
		return ret == -ENOTDIR ? -ENOENT : (int)ret;
	*id = mix(mix(mix(st.dev) ^ st.ino) ^ (uint64_t)st.ctime_ns) | 1;
	return 0;
}

int fim_view_snap_id(struct fim_view *v, const char *path, int64_t max_age_ns,
		     uint64_t *id)
{
	size_t n = strcspn(path, "/");
	char name[NAME_MAX + 1];
	struct snap_slot *s;
	int64_t t = now_ns();
	char *copy;
	int ret;

	*id = 0;
	if (v->layout != FIM_LAYOUT_SNAPSHOTS || !n)
		return 0;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, path, n);
	name[n] = '\0';
	s = &v->snaps[fim_strhash(name) % SNAP_SLOTS];
	pthread_mutex_lock(&v->snaps_mu);
	if (max_age_ns > 0 && s->name && !strcmp(s->name, name) &&
	    t - s->read_ns <= max_age_ns) {
		*id = s->id;
		pthread_mutex_unlock(&v->snaps_mu);
		return 0;
	}
	pthread_mutex_unlock(&v->snaps_mu);
	ret = read_id(v, name, id);
	if (ret)
		return ret;
	pthread_mutex_lock(&v->snaps_mu);
	if (!s->name || strcmp(s->name, name)) {
		/* Out of memory only costs the next caller a read. */
		copy = strdup(name);
		if (copy) {
			free(s->name);
			s->name = copy;
			s->read_ns = INT64_MIN;
		}
	}
	/* A read that began earlier than the one kept is older news. */
	if (s->name && !strcmp(s->name, name) && t >= s->read_ns) {
		s->id = *id;
		s->read_ns = t;
	}
	pthread_mutex_unlock(&v->snaps_mu);
	return 0;
}

void snaps_free(struct fim_view *v)
{
	for (int i = 0; i < SNAP_SLOTS; i++) {
		free(v->snaps[i].name);
		v->snaps[i].name = NULL;
	}
}

int fim_view_snap_time(struct fim_view *v, const char *name, int64_t *ns,
		       bool *created)
{
	struct fim_stat st;
	long ret;

	*created = !fim_src_created(v->src, name, ns);
	if (*created)
		return 0;
	/* Entered, so that an automounted snapshot (NetApp's over the
	 * kernel's NFS client, ZFS's) tells its own time; one that cannot be
	 * entered still has one, and its report will say why it failed. */
	ret = fim_src_access_attrs(v->src, name, true, &st, NULL, 0);
	if (ret && ret != -ENOTDIR)
		ret = fim_src_lstat(v->src, name, &st);
	if (ret)
		return (int)ret;
	*ns = st.ctime_ns;
	return 0;
}
