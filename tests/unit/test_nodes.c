/* The daemon's nodes (fs/daemon/inode.c, nodepool.c): a node keeps its name
 * and parent, and its path is built by walking up; the same name under the
 * same parent, kind and (at the root) snapshot is the same node; a node
 * stays while the kernel holds it or a node below it, and goes with the
 * last of both. No FUSE calls: the table alone. */
#include <stdlib.h>
#include <string.h>

#include "fimfs.h"
#include "inode.h"
#include "nodepool.h"
#include "tap.h"

static const char *path_of(struct fimfs *fs, const struct node *n)
{
	static struct node_path p;

	node_path(fs, n, &p);
	return p.s;
}

static void test_paths(struct fimfs *fs)
{
	struct node *a = node_get(fs, fs->root, "a", 7, -1, 0);
	struct node *b = node_get(fs, a, "b", 0, -1, 0);
	struct node *f = node_get(fs, b, "f", 0, -1, 0);
	struct node *v = node_get(fs, b, "f.sha256", 0, 0, 7);
	struct node_path p;

	is_str(path_of(fs, fs->root), "", "the root's path is empty");
	is_str(path_of(fs, a), "a", "a name at the root");
	is_str(path_of(fs, f), "a/b/f", "a file two levels down");
	node_path(fs, v, &p);
	is_str(p.s, "a/b/f.sha256", "a virtual entry's path");
	is_int(p.baselen, 5, "its file's path is the first 5 bytes");
	node_path(fs, f, &p);
	is_int(p.baselen, p.len, "a real node's baselen is its length");
	is_int(node_snap(f), 7, "a node lies in its root name's snapshot");
	is_int(node_snap(fs->root), 0, "the root lies in none");
	ok(node_at_root(a) && !node_at_root(b) && !node_at_root(fs->root),
	   "only names at the root are at the root");
	ok(v != f, "the virtual entry is another node than its file");
	is_int(v->namelen, 1, "which keeps its base name only");
	ok(node_get(fs, b, "f.sha256", 0, 0, 7) == v, "and is found again");
	node_forget(fs, v, 1);
	node_forget(fs, v, 1);
	node_forget(fs, f, 1);
	node_forget(fs, b, 1);
	node_forget(fs, a, 1);
	is_int(fs->nnodes, 0, "forgotten bottom-up, all are gone");
}

static void test_identity(struct fimfs *fs)
{
	struct node *a = node_get(fs, fs->root, "s", 1, -1, 0);
	struct node *again = node_get(fs, fs->root, "s", 1, -1, 0);
	struct node *rotated = node_get(fs, fs->root, "s", 2, -1, 0);
	struct node *x1 = node_get(fs, a, "x", 99, -1, 0);
	struct node *x2 = node_get(fs, rotated, "x", 99, -1, 0);

	ok(a == again, "the same name, kind and snapshot: the same node");
	is_int(a->nlookup, 2, "counted twice");
	ok(a != rotated, "another snapshot under the same name: another node");
	ok(x1 != x2, "and so are the names below it");
	is_int(node_snap(x2), 2, "which lie in the new snapshot");
	is_str(path_of(fs, x2), "s/x", "at the same path");
	node_forget(fs, x1, 1);
	node_forget(fs, x2, 1);
	node_forget(fs, a, 2);
	node_forget(fs, rotated, 1);
	is_int(fs->nnodes, 0, "all gone");
}

/* The kernel may forget a directory before the files under it (an open
 * file keeps its inode, not its parent's); the directory's node stays
 * while they do, so that their paths can still be built. */
static void test_parent_outlives(struct fimfs *fs)
{
	struct node *d = node_get(fs, fs->root, "d", 0, -1, 0);
	struct node *f = node_get(fs, d, "f", 0, -1, 0);
	struct node *d2;

	node_forget(fs, d, 1);
	is_int(fs->nnodes, 2, "a forgotten directory stays under its file");
	is_str(path_of(fs, f), "d/f", "whose path still builds");
	d2 = node_get(fs, fs->root, "d", 0, -1, 0);
	ok(d2 == d, "looked up again: the same node");
	node_forget(fs, d2, 1);
	node_forget(fs, f, 1);
	is_int(fs->nnodes, 0, "the file's forget takes the directory along");
	node_forget(fs, fs->root, 5);
	ok(fs->root->nlookup > 0, "the root is never forgotten");
}

/* Names that differ in a byte, share a prefix, or hold what a path would
 * treat specially are all distinct nodes; the longest name fits. */
static void test_names(struct fimfs *fs)
{
	char longest[NAME_MAX + 1];
	const char *names[] = { "x", "x ", "xy", "x\n", "\xff", "..x", "x\\" };
	struct node *n[sizeof(names) / sizeof(names[0])], *l;
	size_t k = sizeof(names) / sizeof(names[0]);
	int distinct = 1;

	for (size_t i = 0; i < k; i++)
		n[i] = node_get(fs, fs->root, names[i], 0, -1, 0);
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			distinct &= n[i] != n[j];
	ok(distinct, "near names are distinct nodes");
	is_str(path_of(fs, n[3]), "x\n", "a name with a newline, as it is");
	memset(longest, 'n', NAME_MAX);
	longest[NAME_MAX] = '\0';
	l = node_get(fs, n[0], longest, 0, -1, 0);
	ok(l && strlen(path_of(fs, l)) == NAME_MAX + 2, "a name of NAME_MAX bytes");
	ok(!node_get(fs, fs->root, "", 0, -1, 0), "an empty name is refused");
	node_forget(fs, l, 1);
	for (size_t i = 0; i < k; i++)
		node_forget(fs, n[i], 1);
	is_int(fs->nnodes, 0, "all gone");
}

/* A virtual name whose ending is not its kind's usual suffix is kept
 * whole, and both are told apart. */
static void test_suffixes(struct fimfs *fs)
{
	struct node *a = node_get(fs, fs->root, "x.sha256", 0, 0, 7);
	struct node *b = node_get(fs, fs->root, "x.SHA256", 0, 0, 7);
	struct node *c = node_get(fs, fs->root, "xy.sha256", 0, 0, 7);
	struct node *l = node_get(fs, a, "sums", 0, 9, 12);

	ok(a != b && a != c && b != c, "three names, three nodes");
	is_int(a->namelen, 1, "the usual suffix: the base only");
	is_int(b->namelen, 8, "another: kept whole");
	is_str(path_of(fs, b), "x.SHA256", "with its own path");
	is_str(path_of(fs, c), "xy.sha256", "the usual one's path");
	ok(node_get(fs, fs->root, "x.SHA256", 0, 0, 7) == b &&
	   node_get(fs, fs->root, "xy.sha256", 0, 0, 7) == c,
	   "each found again");
	is_str(path_of(fs, l), "x.sha256/sums", "a tail longer than the name");
	node_forget(fs, l, 1);
	node_forget(fs, a, 1);
	node_forget(fs, b, 2);
	node_forget(fs, c, 2);
	is_int(fs->nnodes, 0, "all gone");
}

/* Enough nodes to grow the table several times, every one found again;
 * freed memory is reused. */
static void test_many(struct fimfs *fs)
{
	enum { N = 300000 };
	struct node **n = calloc(N, sizeof(*n));
	struct node *d = node_get(fs, fs->root, "d", 0, -1, 0);
	char name[32];
	size_t slabs;
	int found = 1;

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		n[i] = node_get(fs, d, name, 0, i % 2 ? 0 : -1, 0);
	}
	ok(fs->nbuckets >= N / 2, "the table grew");
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		found &= node_get(fs, d, name, 0, i % 2 ? 0 : -1, 0) == n[i];
	}
	ok(found, "each found again after the growth");
	for (int i = 0; i < N; i++)
		node_forget(fs, n[i], 2);
	is_int(fs->nnodes, 1, "all but their directory gone");
	slabs = fs->pool.slab_bytes;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		n[i] = node_get(fs, d, name, 0, i % 2 ? 0 : -1, 0);
	}
	is_int(fs->pool.slab_bytes, slabs, "new nodes reuse the freed memory");
	for (int i = 0; i < N; i++)
		node_forget(fs, n[i], 1);
	node_forget(fs, d, 1);
	is_int(fs->nnodes, 0, "all gone");
	free(n);
}

static void test_pool(void)
{
	struct nodepool p = { 0 };
	char *a = nodepool_alloc(&p, 29), *b = nodepool_alloc(&p, 40);
	char *c;

	ok(a && b && (uintptr_t)a % 8 == 0 && (uintptr_t)b % 8 == 0,
	   "objects are 8-byte aligned");
	ok(b - a == 32, "29 bytes take 32, no header");
	memset(a, 0xff, 29);
	nodepool_free(&p, a, 29);
	c = nodepool_alloc(&p, 32);
	ok(c == a, "a freed object serves its size class");
	ok(c[0] == 0 && c[31] == 0, "zeroed again");
	ok(!nodepool_alloc(&p, NODEPOOL_MAX + 1) && !nodepool_alloc(&p, 0),
	   "sizes out of range are refused");
	nodepool_destroy(&p);
	ok(!p.slabs && !p.slab_bytes, "destroyed: empty");
}

int main(void)
{
	struct fimfs fs = { 0 };

	if (nodes_init(&fs))
		return 1;
	test_paths(&fs);
	test_identity(&fs);
	test_parent_outlives(&fs);
	test_names(&fs);
	test_suffixes(&fs);
	test_many(&fs);
	test_pool();
	nodes_destroy(&fs);
	return tap_done();
}
