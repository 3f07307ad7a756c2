/* Internals of the NFS backend shared by its files and its unit test.
 *
 * URL: nfs://HOST[:PORT]/EXPORT/PATH[?version=3|4&uid=N&gid=N&mountport=N]
 * HOST may be a bracketed IPv6 address. The path is percent-decoded and
 * normalised (no empty or "." components, no trailing '/'); ".." is refused
 * because the source must never reach above what the URL names. Where
 * EXPORT ends and PATH begins is not in the URL: the backend tries the
 * candidate exports longest first (fim_nfs_export_len).
 */
#ifndef FIM_SOURCE_NFS_H
#define FIM_SOURCE_NFS_H

#include <stddef.h>
#include <stdint.h>

struct fim_nfs_url {
	char *host;         /* without brackets */
	unsigned port;      /* NFS port, 0: ask the portmapper */
	unsigned mountport; /* MOUNT port, 0: ask the portmapper */
	char *path;         /* "/" or "/a/b" */
	unsigned version;   /* 0: not given */
	int64_t uid, gid;   /* -1: not given */
};

/* Returns 0, or -EINVAL with a message naming the URL in err. */
int fim_nfs_url_parse(const char *url, struct fim_nfs_url *u, char *err,
		      size_t errsz);
void fim_nfs_url_free(struct fim_nfs_url *u);

/* url with the relative path appended to its path, percent-encoded (every
 * byte but unreserved ones and '/'), before its arguments: the URL of that
 * entry. malloc'd; NULL when out of memory. */
char *fim_nfs_url_below(const char *url, const char *path);

/* The inverse: the path (decoded, "" for url itself) of the entry that
 * below names within url, when below is url with a path appended (same
 * arguments). malloc'd; NULL when below lies elsewhere or out of memory. */
char *fim_nfs_url_within(const char *url, const char *below);

/* The length of the i-th candidate export of a normalised path, longest
 * first: "/a/b" gives 4 ("/a/b"), 2 ("/a"), 1 ("/"), then 0 (no more).
 * The rest of the path begins at path + len (after a '/', if any). */
size_t fim_nfs_export_len(const char *path, unsigned i);

#endif
