/* The NFS backend: SOURCE read through libnfs, NFSv3 or NFSv4, without a
 * kernel NFS client.
 *
 * libnfs's path functions follow symlinks in every component, so paths are
 * resolved here one name at a time beneath the root's handle, and a symlink
 * anywhere but at the end fails with -ELOOP; the last component is never
 * followed. Only raw read-only requests are sent (see source_nfs3.c and
 * source_nfs4.c), so no request that could modify the server is ever
 * built. Each operation runs on a pooled connection with a deadline of
 * nfs.timeout_ms; a failed transport is retried on a fresh connection, up
 * to nfs.retries times within that deadline, and then reported as -EIO.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "source_nfs_int.h"

int fnfs_call_wait(struct nfs_conn **cp, struct call *cl, int queued,
		   int64_t deadline)
{
	int ret = queued ? NFS_ETRANSPORT
			 : fnfs_conn_wait(*cp, &cl->done, deadline);

	if (!ret && cl->status != RPC_STATUS_SUCCESS)
		ret = NFS_ETRANSPORT;
	if (ret) {
		fnfs_conn_drop(*cp);
		*cp = NULL;
	}
	return ret;
}

/* The rules every path obeys before anything is sent: -EXDEV for "..",
 * -ENAMETOOLONG for a name over NAME_MAX. */
static int fnfs_path_check(const char *path)
{
	while (*path) {
		const char *e = strchrnul(path, '/');
		size_t n = (size_t)(e - path);

		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		if (n == 2 && path[0] == '.' && path[1] == '.')
			return -EXDEV; /* as RESOLVE_BENEATH would */
		for (path = e; *path == '/'; path++)
			;
	}
	return 0;
}

int fnfs_next_name(const char **path, char *name, int *dir)
{
	const char *p = *path, *e;

	while (*p == '/')
		p++;
	if (!*p) {
		*path = p;
		return 0;
	}
	e = strchrnul(p, '/');
	memcpy(name, p, (size_t)(e - p));
	name[e - p] = '\0';
	*dir = *e == '/';
	for (p = e; *p == '/'; p++)
		;
	*path = p;
	return 1;
}

int fnfs_not_dir(const struct fim_stat *st)
{
	return S_ISLNK(st->mode) ? -ELOOP : -ENOTDIR;
}

unsigned char fnfs_dtype(mode_t mode)
{
	return IFTODT(mode);
}

long fnfs_link_copy(char *buf, size_t size, const char *t, size_t n)
{
	size_t len = n < size ? n : size;

	if (len)
		memcpy(buf, t, len);
	if (n < size)
		buf[n] = '\0';
	return (long)len;
}

void fnfs_statvfs_fill(struct statvfs *sv, uint64_t tbytes, uint64_t fbytes,
		       uint64_t abytes, uint64_t tfiles, uint64_t ffiles,
		       uint64_t afiles)
{
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = sv->f_frsize = 4096;
	sv->f_blocks = tbytes / 4096;
	sv->f_bfree = fbytes / 4096;
	sv->f_bavail = abytes / 4096;
	sv->f_files = tfiles;
	sv->f_ffree = ffiles;
	sv->f_favail = afiles;
	sv->f_namemax = NAME_MAX;
	sv->f_flag = ST_RDONLY | ST_NOSUID | ST_NODEV;
}

int fnfs_resolve_on(struct nfs_src *s, struct nfs_conn **cp,
		    const char *path, struct nfs_fhb *fh, struct fim_stat *st,
		    int64_t deadline)
{
	int ret = fnfs_path_check(path);

	return ret ? ret : s->proto->walk(s, cp, &s->root, path, fh, st,
					  deadline);
}

/* Run op on a borrowed conn, retrying on fresh ones as configured. */
int fnfs_with_conn(struct nfs_src *s, fnfs_op_fn op, void *arg)
{
	int64_t start = fnfs_now_ms(), deadline = start + s->timeout_ms;
	unsigned attempt = 0;
	int ret, old;

	do {
		struct nfs_conn *c = fnfs_conn_get(s, deadline, &ret);

		old = 0;
		if (!c)
			continue;
		old = c->born < start;
		ret = op(s, &c, arg, deadline);
		if (c)
			fnfs_conn_put(s, c);
	} while (fnfs_should_retry(s, ret, &attempt, deadline, old));
	return ret == NFS_ETRANSPORT ? -EIO : ret;
}

struct walk_arg {
	const struct nfs_fhb *dir;
	const char *path;
	struct nfs_fhb *fh;
	struct fim_stat *st;
};

static int walk_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		   int64_t deadline)
{
	struct walk_arg *w = arg;

	return s->proto->walk(s, cp, w->dir, w->path, w->fh, w->st, deadline);
}

int fnfs_resolve(struct nfs_src *s, const char *path, struct nfs_fhb *fh,
		 struct fim_stat *st)
{
	struct walk_arg w = { &s->root, path, fh, st };
	int ret = fnfs_path_check(path);

	return ret ? ret : fnfs_with_conn(s, walk_op, &w);
}

int fnfs_getattr(struct nfs_src *s, const struct nfs_fhb *fh,
		 struct fim_stat *st)
{
	struct walk_arg w = { fh, "", NULL, st };

	return fnfs_with_conn(s, walk_op, &w);
}

static int fnfs_lstat(struct fim_source *src, const char *path,
		      struct fim_stat *st)
{
	return fnfs_resolve((struct nfs_src *)src, path, NULL, st);
}

struct readlink_arg {
	const char *path;
	char *buf;
	size_t size;
	long len;
};

static int readlink_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		       int64_t deadline)
{
	struct readlink_arg *r = arg;
	struct fim_stat st;
	struct nfs_fhb fh;
	int ret = fnfs_resolve_on(s, cp, r->path, &fh, &st, deadline);

	if (ret)
		return ret;
	if (!S_ISLNK(st.mode))
		return -EINVAL;
	return s->proto->readlink(s, cp, &fh, r->buf, r->size, &r->len,
				  deadline);
}

static long fnfs_readlink(struct fim_source *src, const char *path,
			  char *buf, size_t size)
{
	struct readlink_arg r = { path, buf, size, 0 };
	int ret = fnfs_with_conn((struct nfs_src *)src, readlink_op, &r);

	return ret ? ret : r.len;
}

/* NFS carries no extended attributes here (NFSv4.2's xattrs are not asked
 * for): like a filesystem without them. */
static long fnfs_getxattr(struct fim_source *src, const char *path,
			  const char *name, void *buf, size_t size)
{
	(void)src, (void)path, (void)name, (void)buf, (void)size;
	return -ENOTSUP;
}

static long fnfs_listxattr(struct fim_source *src, const char *path,
			   char *buf, size_t size)
{
	(void)src, (void)path, (void)buf, (void)size;
	return 0;
}

/* NFSv3 carries no ACLs in its core protocol (the side protocol NFSACL is
 * not spoken, nor are NFSv4 ACLs asked for): the mode bits decide, as the
 * server itself may decide otherwise. */
static long fnfs_access_attrs(struct fim_source *src, const char *path,
			      bool dir, struct fim_stat *st, void *buf,
			      size_t size)
{
	int ret = fnfs_lstat(src, path, st);

	(void)buf, (void)size;
	if (!ret && dir && !S_ISDIR(st->mode))
		ret = -ENOTDIR;
	return ret;
}

static int statvfs_op(struct nfs_src *s, struct nfs_conn **cp, void *arg,
		      int64_t deadline)
{
	return s->proto->statvfs(s, cp, arg, deadline);
}

static int fnfs_statvfs(struct fim_source *src, struct statvfs *sv)
{
	return fnfs_with_conn((struct nfs_src *)src, statvfs_op, sv);
}

static void fnfs_destroy(struct fim_source *src)
{
	struct nfs_src *s = (struct nfs_src *)src;

	while (s->idle) {
		struct nfs_conn *c = s->idle;

		s->idle = c->next;
		fnfs_conn_drop(c);
	}
	pthread_mutex_destroy(&s->mu);
	fim_nfs_url_free(&s->url);
	free(s->export);
	free(s->pub.root);
	free(s);
}

static const struct fim_source_ops fnfs_ops = {
	.lstat = fnfs_lstat,
	.open = fnfs_file_open,
	.fstat = fnfs_file_fstat,
	.pread = fnfs_file_pread,
	.lend = fnfs_file_lend,
	.give_back = fnfs_file_give_back,
	.fd = fnfs_file_fd,
	.close = fnfs_file_close,
	.opendir = fnfs_dir_open,
	.readdir = fnfs_dir_read,
	.closedir = fnfs_dir_close,
	.readlink = fnfs_readlink,
	.getxattr = fnfs_getxattr,
	.listxattr = fnfs_listxattr,
	.access_attrs = fnfs_access_attrs,
	.statvfs = fnfs_statvfs,
	.destroy = fnfs_destroy,
};

static int configure(struct nfs_src *s, const struct fim_source_opts *o,
		     char *err, size_t errsz)
{
	s->version = s->url.version ? s->url.version : o->nfs_version;
	if (s->version != 3 && s->version != 4) {
		snprintf(err, errsz, "%s: NFSv%u is not supported (version=3 "
			 "or 4)", s->pub.root, s->version);
		return -EPROTONOSUPPORT;
	}
	s->proto = s->version == 4 ? &fnfs_proto4 : &fnfs_proto3;
	s->uid = (int)(s->url.uid >= 0 ? s->url.uid
		       : o->nfs_uid >= 0 ? o->nfs_uid : (int64_t)getuid());
	s->gid = (int)(s->url.gid >= 0 ? s->url.gid
		       : o->nfs_gid >= 0 ? o->nfs_gid : (int64_t)getgid());
	s->timeout_ms = o->nfs_timeout_ms ? o->nfs_timeout_ms : 30000;
	s->retries = o->nfs_retries;
	s->read_size = o->nfs_read_size ? o->nfs_read_size : 512u << 10;
	s->max_reads = o->nfs_max_reads ? o->nfs_max_reads : 1;
	return 0;
}

/* The root: the version finds where the URL's path begins on the server,
 * and the rest of it, resolved like any other path (no symlink
 * followed), must be a directory. */
static int find_root(struct nfs_src *s, char *err, size_t errsz)
{
	struct fim_stat st;
	char msg[512];
	int ret = s->proto->find_root(s, fnfs_now_ms() + s->timeout_ms, msg,
				      sizeof(msg));

	if (ret < 0) {
		snprintf(err, errsz, "%s: %s", s->pub.root, msg);
		return ret;
	}
	ret = fnfs_resolve(s, s->url.path + ret, &s->root, &st);
	if (!ret && !S_ISDIR(st.mode))
		ret = -ENOTDIR;
	if (ret)
		snprintf(err, errsz, "%s: %s", s->pub.root, strerror(-ret));
	return ret;
}

int fim_source_open_nfs(const char *url, const struct fim_source_opts *o,
			struct fim_source **out, char *err, size_t errsz)
{
	struct nfs_src *s = calloc(1, sizeof(*s));
	int ret;

	if (!s || !(s->pub.root = strdup(url))) {
		free(s);
		snprintf(err, errsz, "%s: out of memory", url);
		return -ENOMEM;
	}
	s->pub.ops = &fnfs_ops;
	pthread_mutex_init(&s->mu, NULL);
	ret = fim_nfs_url_parse(url, &s->url, err, errsz);
	if (!ret)
		ret = configure(s, o, err, errsz);
	if (!ret)
		ret = find_root(s, err, errsz);
	if (ret)
		goto fail;
	fim_log(LOG_INFO, "%s: mounted export %s of %s (NFSv%u, READ size "
		"%u, %u in flight)", url, s->export, s->url.host, s->version,
		s->read_size, s->max_reads);
	*out = &s->pub;
	return 0;
fail:
	fnfs_destroy(&s->pub);
	return ret;
}
