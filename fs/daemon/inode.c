#include "inode.h"
#include "strhash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nodepool.h"

/* The trailer after the name: a root name's snapshot identity, then a
 * real node's last-open attributes. */
static size_t snap_at(const struct node *n)
{
	return offsetof(struct node, name) + n->namelen;
}

static size_t opened_at(const struct node *n)
{
	return snap_at(n) + (node_at_root(n) ? sizeof(uint64_t) : 0);
}

static size_t node_size(const struct node *n)
{
	return opened_at(n) + (n->kind < 0 ? sizeof(struct fim_stat *) : 0);
}

struct fim_stat *node_opened(const struct node *n)
{
	struct fim_stat *st;

	memcpy(&st, (const char *)n + opened_at(n), sizeof(st));
	return st;
}

void node_set_opened(struct node *n, struct fim_stat *st)
{
	memcpy((char *)n + opened_at(n), &st, sizeof(st));
}

uint64_t node_snap(const struct node *n)
{
	uint64_t snap;

	if (!n->parent)
		return 0;
	while (!node_at_root(n))
		n = n->parent;
	memcpy(&snap, (const char *)n + snap_at(n), sizeof(snap));
	return snap;
}

/* A virtual node's kind's suffix, when its name holds the base only. */
static const char *suffix_of(struct fimfs *fs, const struct node *n)
{
	return n->tail & NODE_SUFFIX ? fs->suffix[n->kind] : "";
}

/* n's whole name into buf (NAME_MAX + 1 bytes), not terminated; its
 * length. */
static size_t full_name(struct fimfs *fs, const struct node *n, char *buf)
{
	const char *sfx = suffix_of(fs, n);
	size_t slen = strlen(sfx);

	memcpy(buf, n->name, n->namelen);
	memcpy(buf + n->namelen, sfx, slen);
	return n->namelen + slen;
}

/* Keyed by name, so that names picked in SOURCE cannot crowd a bucket;
 * the parent and kind tell apart the same name elsewhere. */
static uint32_t key_hash(const struct node *parent, const char *name,
			 size_t len, int kind, uint64_t snap)
{
	uint64_t h = fim_memhash_keyed(name, len);

	h ^= ((uint64_t)(uintptr_t)parent + (uint64_t)(kind + 1)) *
	     0x9e3779b97f4a7c15ull;
	return (uint32_t)(h ^ h >> 32 ^ snap);
}

static uint32_t node_hash(struct fimfs *fs, const struct node *n)
{
	char name[NAME_MAX + 1];

	return key_hash(n->parent, name, full_name(fs, n, name), n->kind,
			node_at_root(n) ? node_snap(n) : 0);
}

int nodes_init(struct fimfs *fs)
{
	fs->nbuckets = 1 << 16;
	fs->by_name = calloc(fs->nbuckets, sizeof(*fs->by_name));
	fs->root = nodepool_alloc(&fs->pool, offsetof(struct node, name) +
						     sizeof(struct fim_stat *));
	if (!fs->by_name || !fs->root) {
		nodes_destroy(fs);
		return -ENOMEM;
	}
	fs->root->kind = -1;
	fs->root->nlookup = UINT32_MAX; /* the kernel never forgets the root */
	pthread_mutex_init(&fs->nodes_mu, NULL);
	return 0;
}

void nodes_destroy(struct fimfs *fs)
{
	for (size_t i = 0; fs->by_name && i < fs->nbuckets; i++)
		for (struct node *n = fs->by_name[i]; n; n = n->next)
			if (n->kind < 0)
				free(node_opened(n));
	if (fs->root)
		free(node_opened(fs->root));
	free(fs->by_name);
	fs->by_name = NULL;
	fs->root = NULL;
	nodepool_destroy(&fs->pool);
	for (size_t k = 0; k < sizeof(fs->suffix) / sizeof(*fs->suffix); k++) {
		free(fs->suffix[k]);
		fs->suffix[k] = NULL;
	}
}

struct node *node_of(struct fimfs *fs, fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? fs->root : (struct node *)(uintptr_t)ino;
}

void node_path(struct fimfs *fs, const struct node *n, struct node_path *p)
{
	size_t len = 0, l;

	for (const struct node *a = n; a->parent; a = a->parent)
		len += a->namelen + strlen(suffix_of(fs, a)) +
		       (a->parent->parent ? 1 : 0);
	p->len = len;
	p->baselen = len - (n->tail & ~NODE_SUFFIX);
	p->s[len] = '\0';
	for (const struct node *a = n; a->parent; a = a->parent) {
		l = strlen(suffix_of(fs, a));
		len -= l;
		memcpy(p->s + len, suffix_of(fs, a), l);
		len -= a->namelen;
		memcpy(p->s + len, a->name, a->namelen);
		if (a->parent->parent)
			p->s[--len] = '/';
	}
}

/* Double the table when it gets crowded so lookups stay O(1) in
 * directories of 100k entries. Called with nodes_mu held. */
static void grow(struct fimfs *fs)
{
	size_t nb = fs->nbuckets * 2;
	struct node **t = calloc(nb, sizeof(*t));

	if (!t)
		return; /* keep working with longer chains */
	for (size_t i = 0; i < fs->nbuckets; i++) {
		struct node *n = fs->by_name[i], *next;

		for (; n; n = next) {
			size_t b = node_hash(fs, n) % nb;

			next = n->next;
			n->next = t[b];
			t[b] = n;
		}
	}
	free(fs->by_name);
	fs->by_name = t;
	fs->nbuckets = nb;
}

static bool node_is(struct fimfs *fs, const struct node *n,
		    const struct node *parent, const char *name, size_t len,
		    int kind, uint64_t snap)
{
	const char *sfx = suffix_of(fs, n);

	return n->parent == parent && n->kind == kind &&
	       n->namelen + strlen(sfx) == len &&
	       !memcmp(n->name, name, n->namelen) &&
	       !strcmp(name + n->namelen, sfx) &&
	       (!node_at_root(n) || node_snap(n) == snap);
}

/* Whether a virtual name of kind ends in its kind's suffix (the first seen
 * of that kind is kept for all), tail bytes long: then only its base is
 * stored. Called with nodes_mu held. */
static bool suffix_kept(struct fimfs *fs, const char *name, size_t len,
			int kind, size_t tail)
{
	if (kind < 0 || !tail || tail >= len)
		return false;
	if (!fs->suffix[kind])
		fs->suffix[kind] = strndup(name + len - tail, tail);
	return fs->suffix[kind] && !strcmp(fs->suffix[kind], name + len - tail);
}

/* A new node, linked under its parent. Called with nodes_mu held. */
static struct node *node_new(struct fimfs *fs, struct node *parent,
			     const char *name, size_t len, uint64_t snap,
			     int kind, size_t tail)
{
	bool elide = suffix_kept(fs, name, len, kind, tail);
	struct node proto = { .parent = parent, .kind = (int8_t)kind,
			      .namelen = (uint8_t)(elide ? len - tail : len),
			      .tail = (uint16_t)(tail | (elide ? NODE_SUFFIX : 0)) };
	struct node *n = nodepool_alloc(&fs->pool, node_size(&proto));

	if (!n)
		return NULL;
	memcpy(n, &proto, offsetof(struct node, name));
	memcpy(n->name, name, n->namelen);
	if (node_at_root(n))
		memcpy((char *)n + snap_at(n), &snap, sizeof(snap));
	parent->children++;
	return n;
}

struct node *node_get(struct fimfs *fs, struct node *parent, const char *name,
		      uint64_t snap, int kind, size_t tail)
{
	size_t len = strlen(name);
	uint32_t h;
	struct node *n;

	if (!len || len > NAME_MAX)
		return NULL;
	if (parent->parent)
		snap = 0; /* below the root: the parent tells the snapshot */
	h = key_hash(parent, name, len, kind, snap);
	pthread_mutex_lock(&fs->nodes_mu);
	for (n = fs->by_name[h % fs->nbuckets]; n; n = n->next)
		if (node_is(fs, n, parent, name, len, kind, snap))
			break;
	if (!n && (n = node_new(fs, parent, name, len, snap, kind, tail))) {
		n->next = fs->by_name[h % fs->nbuckets];
		fs->by_name[h % fs->nbuckets] = n;
		if (++fs->nnodes > 2 * fs->nbuckets)
			grow(fs);
	}
	if (n && n->nlookup < UINT32_MAX)
		n->nlookup++;
	pthread_mutex_unlock(&fs->nodes_mu);
	return n;
}

/* Unlink and free n, which nothing refers to any more; its parent, which
 * may now be unreferenced too. Called with nodes_mu held. */
static struct node *node_drop(struct fimfs *fs, struct node *n)
{
	struct node **pp = &fs->by_name[node_hash(fs, n) % fs->nbuckets];
	struct node *parent = n->parent;

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	fs->nnodes--;
	if (n->kind < 0)
		free(node_opened(n));
	nodepool_free(&fs->pool, n, node_size(n));
	parent->children--;
	return parent;
}

void node_forget(struct fimfs *fs, struct node *node, uint64_t n)
{
	if (node == fs->root)
		return;
	pthread_mutex_lock(&fs->nodes_mu);
	if (node->nlookup < UINT32_MAX)
		node->nlookup -= n < node->nlookup ? (uint32_t)n : node->nlookup;
	while (node->parent && !node->nlookup && !node->children)
		node = node_drop(fs, node);
	pthread_mutex_unlock(&fs->nodes_mu);
}
