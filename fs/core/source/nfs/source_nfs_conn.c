/* The NFS backend's connections, for both versions: mounting, the pool,
 * the service loop, retries. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "source_nfs_int.h"

int64_t fnfs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fnfs_conn_wait(struct nfs_conn *c, const int *done, int64_t deadline)
{
	while (!*done) {
		struct pollfd p = { .fd = nfs_get_fd(c->nfs),
				    .events = (short)nfs_which_events(c->nfs) };
		int64_t left = deadline - fnfs_now_ms();
		int n;

		if (left <= 0)
			return NFS_ETRANSPORT;
		/* At most 100 ms: libnfs checks its timeouts in service. */
		n = poll(&p, 1, left < 100 ? (int)left : 100);
		if (n < 0 && errno != EINTR)
			return NFS_ETRANSPORT;
		if (nfs_service(c->nfs, n > 0 ? p.revents : 0) < 0)
			return NFS_ETRANSPORT;
	}
	return 0;
}

int fnfs_conn_flush(struct nfs_conn *c)
{
	if (!(nfs_which_events(c->nfs) & POLLOUT))
		return 0;
	return nfs_service(c->nfs, POLLOUT) < 0 ? NFS_ETRANSPORT : 0;
}

void fnfs_conn_drop(struct nfs_conn *c)
{
	if (!c)
		return;
	nfs_destroy_context(c->nfs);
	free(c);
}

struct mcb {
	int done, err;
	char msg[256];
};

static void mount_cb(int err, struct nfs_context *nfs, void *data,
		     void *priv)
{
	struct mcb *m = priv;

	(void)nfs;
	m->err = err;
	if (err < 0 && data)
		snprintf(m->msg, sizeof(m->msg), "%s", (const char *)data);
	m->done = 1;
}

/* Point a new context at the server: ports, version, credentials. NFSv4
 * has no MOUNT protocol, so the URL's mountport is then unused. */
static int conn_setup(struct nfs_src *s, struct nfs_conn *c)
{
	char url[512], args[64] = "";

	if (s->url.port)
		snprintf(args, sizeof(args), "nfsport=%u", s->url.port);
	if (s->url.mountport && s->version == 3)
		snprintf(args + strlen(args), sizeof(args) - strlen(args),
			 "%smountport=%u", *args ? "&" : "", s->url.mountport);
	if (*args) {
		struct nfs_url *u;

		snprintf(url, sizeof(url), "nfs://%s/?%s", s->url.host, args);
		u = nfs_parse_url_incomplete(c->nfs, url);
		if (!u)
			return -EINVAL;
		nfs_destroy_url(u);
	}
	if (nfs_set_version(c->nfs, (int)s->version)) /* NFS_V3 or NFS_V4 */
		return -EINVAL;
	nfs_set_uid(c->nfs, s->uid);
	nfs_set_gid(c->nfs, s->gid);
	/* libnfs takes whole seconds; each attempt gets its share. */
	nfs_set_timeout(c->nfs, (int)((s->timeout_ms / (s->retries + 1) + 999)
				      / 1000 * 1000));
	/* We reconnect ourselves, with a fresh mount, after a failure. */
	nfs_set_autoreconnect(c->nfs, 0);
	return 0;
}

static pthread_mutex_t v4_setup = PTHREAD_MUTEX_INITIALIZER;

int fnfs_conn_new(struct nfs_src *s, struct nfs_conn **out, int64_t deadline,
		  char *err, size_t errsz)
{
	struct nfs_conn *c = calloc(1, sizeof(*c));
	struct mcb m = { 0 };
	int ret;

	if (!c || !(c->nfs = nfs_init_context())) {
		free(c);
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	c->rpc = nfs_get_rpc_context(c->nfs);
	c->born = fnfs_now_ms();
	ret = conn_setup(s, c);
	if (ret) {
		snprintf(err, errsz, "cannot set up libnfs: %s",
			 nfs_get_error(c->nfs));
		goto fail;
	}
	/* libnfs gives every NFSv4 context of a process one client name:
	 * connections set up at once raced in SETCLIENTID, and the loser's
	 * SETCLIENTID_CONFIRM failed with NFS4ERR_STALE_CLIENTID. Once
	 * confirmed, a connection never needs its client id again (READs
	 * use the anonymous stateid), so setting them up in turn is enough.
	 * (Naming each one instead leaks in nfs4_set_client_name.) */
	if (s->version == 4)
		pthread_mutex_lock(&v4_setup);
	if (nfs_mount_async(c->nfs, s->url.host, s->export, mount_cb, &m)) {
		snprintf(m.msg, sizeof(m.msg), "%s", nfs_get_error(c->nfs));
		ret = NFS_ETRANSPORT;
	} else {
		ret = fnfs_conn_wait(c, &m.done, deadline);
	}
	if (s->version == 4)
		pthread_mutex_unlock(&v4_setup);
	if (!ret && m.err < 0)
		ret = m.err;
	if (ret) {
		snprintf(err, errsz, "mount %s:%s (NFSv%u): %s", s->url.host,
			 s->export, s->version, *m.msg ? m.msg :
			 ret == NFS_ETRANSPORT ? "timed out" : strerror(-ret));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	fnfs_conn_drop(c);
	return ret;
}

struct nfs_conn *fnfs_conn_get(struct nfs_src *s, int64_t deadline, int *ret)
{
	struct nfs_conn *c;
	char err[512];

	pthread_mutex_lock(&s->mu);
	c = s->idle;
	if (c)
		s->idle = c->next;
	pthread_mutex_unlock(&s->mu);
	if (c)
		return c;
	*ret = fnfs_conn_new(s, &c, deadline, err, sizeof(err));
	if (*ret) {
		fim_log(LOG_WARNING, "%s: %s", s->pub.root, err);
		if (*ret != -ENOMEM)
			*ret = NFS_ETRANSPORT;
		return NULL;
	}
	return c;
}

void fnfs_conn_put(struct nfs_src *s, struct nfs_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&s->mu);
	c->next = s->idle;
	s->idle = c;
	pthread_mutex_unlock(&s->mu);
}

int fnfs_should_retry(struct nfs_src *s, int err, unsigned *attempt,
		     int64_t deadline, int old)
{
	int64_t left = deadline - fnfs_now_ms();
	struct timespec ts = { 0, 200 * 1000000L };

	if (err != NFS_ETRANSPORT || left <= 0)
		return 0;
	if (old)
		return 1;
	if (++*attempt > s->retries)
		return 0;
	if (left < 200)
		ts.tv_nsec = left * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

int fnfs_err(struct nfs_src *s, int nfsstat, const char *what)
{
	int ret = s->proto->errno_of(nfsstat);

	if (ret == -ESTALE) {
		fim_log(LOG_WARNING, "%s: %s: stale NFS handle (removed on "
			"the server?), reported as missing", s->pub.root, what);
		return -ENOENT;
	}
	return ret;
}
