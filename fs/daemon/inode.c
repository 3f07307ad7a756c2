#include "inode.h"
#include "strhash.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(PATH_MAX <= UINT16_MAX, "a path's length fits baselen");

int nodes_init(struct fimfs *fs)
{
	fs->nbuckets = 1 << 16;
	fs->by_path = calloc(fs->nbuckets, sizeof(*fs->by_path));
	fs->root = calloc(1, sizeof(struct node) + 1);
	if (!fs->by_path || !fs->root) {
		nodes_destroy(fs);
		return -ENOMEM;
	}
	fs->root->kind = -1;
	fs->root->nlookup = 1; /* the kernel never forgets the root */
	pthread_mutex_init(&fs->nodes_mu, NULL);
	return 0;
}

static void node_free(struct node *n)
{
	free(n->opened);
	free(n);
}

void nodes_destroy(struct fimfs *fs)
{
	for (size_t i = 0; fs->by_path && i < fs->nbuckets; i++) {
		struct node *n = fs->by_path[i], *next;

		for (; n; n = next) {
			next = n->next;
			node_free(n);
		}
	}
	free(fs->by_path);
	fs->by_path = NULL;
	if (fs->root)
		node_free(fs->root);
	fs->root = NULL;
}

struct node *node_of(struct fimfs *fs, fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? fs->root : (struct node *)(uintptr_t)ino;
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
		struct node *n = fs->by_path[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = t[n->hash % nb];
			t[n->hash % nb] = n;
		}
	}
	free(fs->by_path);
	fs->by_path = t;
	fs->nbuckets = nb;
}

struct node *node_get(struct fimfs *fs, const char *path, uint64_t snap,
		      int kind, size_t baselen)
{
	uint32_t h = (uint32_t)fim_strhash_keyed(path) ^ (uint32_t)snap;
	size_t len = strlen(path);
	struct node *n;

	if (!len)
		return fs->root;
	pthread_mutex_lock(&fs->nodes_mu);
	for (n = fs->by_path[h % fs->nbuckets]; n; n = n->next)
		if (n->hash == h && n->kind == kind && n->snap == snap &&
		    !strcmp(n->path, path))
			break;
	if (!n && (n = calloc(1, sizeof(struct node) + len + 1)))
		memcpy(n->path, path, len + 1);
	if (n && !n->nlookup) {
		n->hash = h;
		n->kind = (int16_t)kind;
		n->baselen = (uint16_t)baselen;
		n->snap = snap;
		n->next = fs->by_path[h % fs->nbuckets];
		fs->by_path[h % fs->nbuckets] = n;
		if (++fs->nnodes > 2 * fs->nbuckets)
			grow(fs);
	}
	if (n)
		n->nlookup++;
	pthread_mutex_unlock(&fs->nodes_mu);
	return n;
}

void node_forget(struct fimfs *fs, struct node *node, uint64_t n)
{
	struct node **pp;

	if (node == fs->root)
		return;
	pthread_mutex_lock(&fs->nodes_mu);
	node->nlookup -= n < node->nlookup ? n : node->nlookup;
	if (!node->nlookup) {
		for (pp = &fs->by_path[node->hash % fs->nbuckets]; *pp != node;
		     pp = &(*pp)->next)
			;
		*pp = node->next;
		fs->nnodes--;
		node_free(node);
	}
	pthread_mutex_unlock(&fs->nodes_mu);
}
