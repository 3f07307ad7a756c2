/* The in-memory part of the digest cache: a CLOCK cache in shards.
 *
 * Each shard owns a mutex, a chained hash table and a ring of its entries
 * for the CLOCK hand; a hit only sets a bit, so the lock is held for a
 * lookup and a copy. An entry is one allocation holding the digests of its
 * mask only (a SHA-256-only daemon spends ~32 bytes of digest per file, not
 * sizeof(struct fim_digest_set)) followed by its name. The hash is seeded
 * per cache so that crafted file names cannot pick their bucket.
 */
#include "dcache_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define MAX_SHARDS 64u
#define MIN_PER_SHARD 64u

struct ment {
	struct ment *next; /* hash chain */
	uint64_t hash;
	uint64_t ino, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t slot; /* index in the shard's ring */
	uint32_t mask;
	uint32_t len; /* of the name */
	uint8_t kind;
	uint8_t ref; /* CLOCK: used since the hand last passed */
	unsigned char data[]; /* digests of mask in algorithm order, name, NUL */
};

struct shard {
	pthread_mutex_t lock;
	struct ment **bucket;
	struct ment **ring;
	uint32_t nbucket; /* power of two */
	uint32_t cap, used, hand;
} __attribute__((aligned(64)));

struct fim_dcmem {
	uint64_t seed;
	uint32_t nshard; /* power of two */
	struct shard *shard;
	/* Every shard's buckets and ring, each one allocation: large enough
	 * to come zeroed from the kernel page by page as they are used, so
	 * that a short fimfsctl run does not clear megabytes at start. */
	struct ment **buckets, **rings;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t hash_name(uint64_t seed, enum fim_dckind kind, const char *s,
			  size_t len)
{
	uint64_t h = seed ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL) ^ kind;
	uint64_t w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ULL;
	}
	w = 0;
	memcpy(&w, s, len);
	return mix64(h ^ mix64(w ^ seed));
}

static size_t packed_size(uint32_t mask)
{
	size_t n = 0;

	for (int a = 0; a < FIM_ALG_COUNT; a++)
		if (mask & (1u << a))
			n += fim_alg_size(a);
	return n;
}

static void unpack(const struct ment *e, struct fim_digest_set *out)
{
	const unsigned char *p = e->data;

	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(e->mask & (1u << a)))
			continue;
		memcpy(out->md[a], p, fim_alg_size(a));
		p += fim_alg_size(a);
	}
	out->mask |= e->mask;
}

static const char *ment_name(const struct ment *e)
{
	return (const char *)e->data + packed_size(e->mask);
}

static bool same_state(const struct ment *e, const struct fim_dkey *key)
{
	return e->ino == key->ino && e->size == key->size &&
	       e->mtime_ns == key->mtime_ns && e->ctime_ns == key->ctime_ns;
}

/* A new entry with the digests of set (which may be a merge). */
static struct ment *ment_new(enum fim_dckind kind, const char *name,
			     size_t len, uint64_t hash,
			     const struct fim_dkey *key,
			     const struct fim_digest_set *set)
{
	size_t dsz = packed_size(set->mask);
	struct ment *e = malloc(sizeof(*e) + dsz + len + 1);
	unsigned char *p;

	if (!e)
		return NULL;
	e->next = NULL;
	e->hash = hash;
	e->ino = key->ino;
	e->size = key->size;
	e->mtime_ns = key->mtime_ns;
	e->ctime_ns = key->ctime_ns;
	e->slot = 0;
	e->mask = set->mask;
	e->len = (uint32_t)len;
	e->kind = (uint8_t)kind;
	e->ref = 0;
	p = e->data;
	for (int a = 0; a < FIM_ALG_COUNT; a++) {
		if (!(set->mask & (1u << a)))
			continue;
		memcpy(p, set->md[a], fim_alg_size(a));
		p += fim_alg_size(a);
	}
	memcpy(p, name, len);
	p[len] = '\0';
	return e;
}

static struct shard *shard_of(struct fim_dcmem *m, uint64_t hash)
{
	return &m->shard[(hash >> 40) & (m->nshard - 1)];
}

/* The link that points at the entry named (kind, name), or at the NULL
 * ending its chain. Called with the shard locked. */
static struct ment **find(struct shard *s, enum fim_dckind kind,
			  const char *name, size_t len, uint64_t hash)
{
	struct ment **link = &s->bucket[hash & (s->nbucket - 1)];

	for (; *link; link = &(*link)->next) {
		const struct ment *e = *link;

		if (e->hash == hash && e->kind == kind && e->len == len &&
		    !memcmp(ment_name(e), name, len))
			return link;
	}
	return link;
}

static void unlink_entry(struct shard *s, struct ment *victim)
{
	struct ment **link = &s->bucket[victim->hash & (s->nbucket - 1)];

	while (*link != victim)
		link = &(*link)->next;
	*link = victim->next;
}

/* A free ring slot, evicting with the CLOCK hand when the shard is full.
 * Called with the shard locked. */
static uint32_t take_slot(struct shard *s)
{
	struct ment *victim;
	uint32_t slot;

	if (s->used < s->cap)
		return s->used++;
	for (;;) {
		victim = s->ring[s->hand];
		slot = s->hand;
		s->hand = (s->hand + 1 == s->cap) ? 0 : s->hand + 1;
		if (!victim->ref)
			break;
		victim->ref = 0;
	}
	unlink_entry(s, victim);
	free(victim);
	return slot;
}

static const char *name_of(enum fim_dckind kind, const struct fim_dkey *key)
{
	return kind == FIM_DCK_BPATH ? key->bpath : key->path;
}

int fim_dcmem_get(struct fim_dcmem *m, enum fim_dckind kind,
		  const struct fim_dkey *key, uint32_t mask,
		  struct fim_digest_set *out)
{
	const char *name = name_of(kind, key);
	size_t len = strlen(name);
	uint64_t hash = hash_name(m->seed, kind, name, len);
	struct shard *s = shard_of(m, hash);
	struct ment *e;
	int ret = -ENOENT;

	pthread_mutex_lock(&s->lock);
	e = *find(s, kind, name, len, hash);
	if (e && same_state(e, key) && (e->mask & mask) == mask) {
		e->ref = 1;
		unpack(e, out);
		ret = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int fim_dcmem_put(struct fim_dcmem *m, enum fim_dckind kind,
		  const struct fim_dkey *key, const struct fim_digest_set *set)
{
	const char *name = name_of(kind, key);
	size_t len = strlen(name);
	uint64_t hash = hash_name(m->seed, kind, name, len);
	struct shard *s = shard_of(m, hash);
	struct fim_digest_set merged;
	const struct fim_digest_set *src = set;
	struct ment **link, *old, *e;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	link = find(s, kind, name, len, hash);
	old = *link;
	if (old && same_state(old, key) && (old->mask & ~set->mask)) {
		/* Same file state: keep the digests this put does not carry. */
		memcpy(&merged, set, sizeof(merged));
		unpack(old, &merged);
		for (int a = 0; a < FIM_ALG_COUNT; a++)
			if (set->mask & (1u << a))
				memcpy(merged.md[a], set->md[a], FIM_MD_MAX);
		src = &merged;
	}
	e = ment_new(kind, name, len, hash, key, src);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	if (old) {
		e->slot = old->slot;
		e->ref = old->ref;
		e->next = old->next;
		*link = e;
		free(old);
	} else {
		e->slot = take_slot(s);
		/* The eviction may have emptied this very chain: relink. */
		link = &s->bucket[hash & (s->nbucket - 1)];
		e->next = *link;
		*link = e;
	}
	s->ring[e->slot] = e;
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

size_t fim_dcmem_count(struct fim_dcmem *m)
{
	size_t n = 0;

	for (uint32_t i = 0; i < m->nshard; i++) {
		pthread_mutex_lock(&m->shard[i].lock);
		n += m->shard[i].used;
		pthread_mutex_unlock(&m->shard[i].lock);
	}
	return n;
}

static uint64_t make_seed(void)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	/* Early boot without entropy: a weaker seed still spreads names. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
		     (uint64_t)(uintptr_t)&seed);
}

static uint32_t buckets_for(uint32_t cap)
{
	uint32_t nb = 1;

	while (nb < cap)
		nb <<= 1;
	return nb;
}

static void shard_fini(struct shard *s)
{
	for (uint32_t i = 0; i < s->used; i++)
		free(s->ring[i]);
	pthread_mutex_destroy(&s->lock);
}

/* The capacity of shard i of n holding entries in all. */
static uint32_t shard_cap(size_t entries, uint32_t n, uint32_t i)
{
	return (uint32_t)(entries / n + (i < entries % n));
}

int fim_dcmem_new(size_t entries, struct fim_dcmem **out)
{
	struct fim_dcmem *m;
	size_t nbuckets = 0, at_bucket = 0, at_ring = 0;
	uint32_t n;

	*out = NULL;
	if (entries == 0 || entries > UINT32_MAX / 2)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->seed = make_seed();
	/* Enough shards to spread the threads, each big enough to hold a
	 * useful working set. */
	for (n = 1; n < MAX_SHARDS && entries / (n * 2) >= MIN_PER_SHARD; n *= 2)
		;
	for (uint32_t i = 0; i < n; i++)
		nbuckets += buckets_for(shard_cap(entries, n, i));
	m->shard = aligned_alloc(64, n * sizeof(*m->shard));
	m->buckets = calloc(nbuckets, sizeof(*m->buckets));
	m->rings = calloc(entries, sizeof(*m->rings));
	if (!m->shard || !m->buckets || !m->rings) {
		free(m->shard);
		free(m->buckets);
		free(m->rings);
		free(m);
		return -ENOMEM;
	}
	for (m->nshard = 0; m->nshard < n; m->nshard++) {
		struct shard *s = &m->shard[m->nshard];

		memset(s, 0, sizeof(*s));
		s->cap = shard_cap(entries, n, m->nshard);
		s->nbucket = buckets_for(s->cap);
		s->bucket = m->buckets + at_bucket;
		s->ring = m->rings + at_ring;
		at_bucket += s->nbucket;
		at_ring += s->cap;
		pthread_mutex_init(&s->lock, NULL);
	}
	*out = m;
	return 0;
}

void fim_dcmem_free(struct fim_dcmem *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; i < m->nshard; i++)
		shard_fini(&m->shard[i]);
	free(m->shard);
	free(m->buckets);
	free(m->rings);
	free(m);
}
