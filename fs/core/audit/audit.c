/* Audit log: open, continue the chain, rotate, evolve the key, close.
 * Writing records is in audit_record.c. */
#include "audit_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "digest.h"
#include "fileio.h"
#include "log.h"

#define STATE_MAGIC "fimfs-audit-state 1"
#define MAX_CATCH_UP (1u << 24) /* epochs derived to catch a seal file up */
#define MAX_EPOCH_SECONDS ((uint64_t)1 << 40)

void fim_audit_opts_from_config(struct fim_audit_opts *o,
				const struct fim_config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->path = cfg->audit_path;
	o->level = cfg->audit_level;
	o->seal_key = cfg->audit_seal_key;
	o->epoch_seconds = cfg->audit_epoch_seconds;
	o->epoch_records = cfg->audit_epoch_records;
	o->syslog = cfg->audit_syslog;
	o->on_failure = cfg->audit_on_failure;
}

char *fim_audit_state_path(const char *path)
{
	char *a = strdup(path), *b = strdup(path), *out = NULL;

	if (a && b && asprintf(&out, "%s/.%s.state", dirname(a),
			       basename(b)) < 0)
		out = NULL;
	free(a);
	free(b);
	return out;
}

void audit_state_update(struct fim_audit *a, bool sync)
{
	char buf[160], hex[2 * AUDIT_HASH_LEN + 1];
	int n;

	if (a->state_fd < 0)
		return;
	fim_hex(a->chain, AUDIT_HASH_LEN, hex);
	/* Fixed length, so one pwrite at 0 replaces it whole. */
	n = snprintf(buf, sizeof(buf), STATE_MAGIC "\nseq %020" PRIu64
		     "\nchain %s\n", a->next_seq - 1, hex);
	if (pwrite(a->state_fd, buf, (size_t)n, 0) != n ||
	    (sync && fsync(a->state_fd)))
		fim_log(LOG_WARNING, "audit: %s: cannot update: %m",
			a->state_path);
}

static int state_load(int fd, uint64_t *seq, unsigned char *chain)
{
	char buf[160], hex[2 * AUDIT_HASH_LEN + 2];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	if (sscanf(buf, STATE_MAGIC "\nseq %" SCNu64 "\nchain %65s", seq,
		   hex) != 2 || strlen(hex) != 2 * AUDIT_HASH_LEN ||
	    fim_unhex(hex, strlen(hex), chain, AUDIT_HASH_LEN))
		return -EBADMSG;
	return 0;
}

/* The last complete line of the log, parsed. -ENOENT when there is none. */
static int last_record(struct fim_audit *a, off_t size, struct audit_line *l)
{
	size_t want = size > AUDIT_MAX_LINE + 1 ? AUDIT_MAX_LINE + 1 :
		      (size_t)size;
	char *buf = malloc(want ? want : 1), *end, *start;
	const char *why;
	ssize_t n;
	int ret = -ENOENT;

	if (!buf)
		return -ENOMEM;
	n = pread(a->fd, buf, want, size - (off_t)want);
	if (n != (ssize_t)want) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	end = memrchr(buf, '\n', want);
	if (!end)
		goto out;
	start = memrchr(buf, '\n', (size_t)(end - buf));
	start = start ? start + 1 : buf;
	ret = audit_parse_line(start, (size_t)(end - start), l, &why);
	if (ret)
		fim_log(LOG_ALERT, "audit: %s: last record unreadable: %s",
			a->path, why);
out:
	free(buf);
	return ret;
}

static int open_log(struct fim_audit *a, int *fd_out, bool *partial,
		    off_t *size)
{
	struct stat st;
	char c;
	int fd, ret;

	ret = fim_mkdir_parents(a->path, NULL, 0);
	if (ret)
		return ret;
	fd = open(a->path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*size = S_ISREG(st.st_mode) ? st.st_size : 0;
	*partial = *size > 0 && pread(fd, &c, 1, *size - 1) == 1 && c != '\n';
	*fd_out = fd;
	return 0;
}

/* Where the chain goes on: the log's last record, or the state file when
 * the log is empty (rotated) or ends before the state (records removed). */
static int continue_chain(struct fim_audit *a, off_t size, uint64_t *epoch)
{
	struct audit_line l;
	unsigned char schain[AUDIT_HASH_LEN];
	uint64_t sseq = 0;
	int lret, sret;

	lret = size ? last_record(a, size, &l) : -ENOENT;
	sret = a->state_fd >= 0 ? state_load(a->state_fd, &sseq, schain) :
	       -ENOENT;
	if (lret && lret != -ENOENT && lret != -EBADMSG)
		return lret;
	if (!lret)
		*epoch = l.epoch;
	if (!lret && (sret || sseq < l.seq)) {
		a->next_seq = l.seq + 1;
		memcpy(a->chain, l.chain, AUDIT_HASH_LEN);
		return 0;
	}
	if (!sret) {
		if (!lret && (sseq > l.seq ||
			      memcmp(schain, l.chain, AUDIT_HASH_LEN)))
			audit_alert(a, LOG_ALERT, "audit: %s: ends at seq %"
				    PRIu64 " but seq %" PRIu64 " was written:"
				    " records removed or edited", a->path,
				    l.seq, sseq);
		a->next_seq = sseq + 1;
		memcpy(a->chain, schain, AUDIT_HASH_LEN);
		return 0;
	}
	if (lret == -EBADMSG || sret == -EBADMSG) {
		fim_log(LOG_ERR, "audit: %s: cannot continue the chain: the "
			"last record and %s are unreadable; move the log "
			"aside", a->path, a->state_path);
		return -EBADMSG;
	}
	a->next_seq = 1; /* a new log */
	memset(a->chain, 0, AUDIT_HASH_LEN);
	return 0;
}

int audit_evolve_locked(struct fim_audit *a, int64_t now)
{
	int ret;

	ret = audit_evolve(&a->crypto, a->seal.key, a->seal.key);
	if (ret)
		return ret;
	a->seal.epoch++;
	a->seal.since = now;
	a->epoch_count = 0;
	ret = audit_seal_save(a->seal_path, &a->seal);
	a->seal_dirty = ret != 0;
	if (ret)
		audit_alert(a, LOG_CRIT, "audit: %s: cannot save epoch %" PRIu64
			    " key: %s; the previous key stays on disk",
			    a->seal_path, a->seal.epoch, strerror(-ret));
	return 0;
}

/* Load the sealing key, catch up with the log's epoch, start a new epoch. */
static int setup_seal(struct fim_audit *a, uint64_t log_epoch)
{
	struct timespec ts;
	int ret;

	ret = audit_seal_load(a->seal_path, &a->seal);
	if (ret) {
		fim_log(LOG_ERR, "audit: %s: %s", a->seal_path,
			ret == -EINVAL ? "malformed sealing key" :
			strerror(-ret));
		return ret;
	}
	if (log_epoch > a->seal.epoch) {
		/* The key file is older than the log (restored?): never seal
		 * with an epoch the log already left. */
		if (log_epoch - a->seal.epoch > MAX_CATCH_UP)
			return -EINVAL;
		audit_alert(a, LOG_ALERT, "audit: %s: epoch %" PRIu64
			    " is behind the log's %" PRIu64, a->seal_path,
			    a->seal.epoch, log_epoch);
		while (a->seal.epoch < log_epoch && !ret)
			if (!(ret = audit_evolve(&a->crypto, a->seal.key,
						 a->seal.key)))
				a->seal.epoch++;
		if (ret)
			return ret;
	}
	a->sealed = true;
	audit_now(a, &ts);
	return audit_evolve_locked(a, ts.tv_sec);
}

static void *timer_main(void *arg)
{
	struct fim_audit *a = arg;
	struct timespec dl, now;

	pthread_mutex_lock(&a->lock);
	while (!a->stopping) {
		dl.tv_sec = a->seal.since + (int64_t)a->epoch_seconds;
		dl.tv_nsec = 0;
		/* Never spin, even when an evolution failed. */
		clock_gettime(CLOCK_REALTIME, &now);
		if (dl.tv_sec <= now.tv_sec)
			dl.tv_sec = now.tv_sec + 1;
		if (pthread_cond_timedwait(&a->cond, &a->lock, &dl) ==
			    ETIMEDOUT && !a->stopping) {
			pthread_mutex_unlock(&a->lock);
			fim_audit_tick(a);
			pthread_mutex_lock(&a->lock);
		}
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int fim_audit_tick(struct fim_audit *a)
{
	struct timespec ts;
	int ret = 0;

	if (!a)
		return 0;
	pthread_mutex_lock(&a->lock);
	audit_now(a, &ts);
	if (a->sealed && a->epoch_seconds &&
	    ts.tv_sec >= a->seal.since + (int64_t)a->epoch_seconds) {
		ret = audit_evolve_locked(a, ts.tv_sec);
		ret = ret ? ret : 1;
	}
	pthread_mutex_unlock(&a->lock);
	return ret;
}

static int audit_init(struct fim_audit *a, const struct fim_audit_opts *o)
{
	int ret;

	a->fd = a->state_fd = -1;
	a->level = o->level;
	/* Beyond this the epoch would never end anyway; keeps sums in range. */
	a->epoch_seconds = o->epoch_seconds > MAX_EPOCH_SECONDS ?
			   MAX_EPOCH_SECONDS : o->epoch_seconds;
	a->epoch_records = o->epoch_records;
	a->syslog = o->syslog;
	a->on_failure = o->on_failure;
	a->now = o->now;
	a->syslog_fn = o->syslog_fn;
	a->syslog_arg = o->syslog_arg;
	a->path = strdup(o->path);
	a->state_path = fim_audit_state_path(o->path);
	if (o->seal_key && *o->seal_key)
		a->seal_path = strdup(o->seal_key);
	if (!a->path || !a->state_path ||
	    (o->seal_key && *o->seal_key && !a->seal_path))
		return -ENOMEM;
	ret = audit_crypto_init(&a->crypto);
	if (ret)
		return ret;
	if (pthread_mutex_init(&a->lock, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&a->cond, NULL)) {
		pthread_mutex_destroy(&a->lock);
		return -ENOMEM;
	}
	return 0;
}

static void audit_free(struct fim_audit *a)
{
	if (a->fd >= 0)
		close(a->fd);
	if (a->state_fd >= 0)
		close(a->state_fd);
	audit_crypto_free(&a->crypto);
	fim_buf_free(&a->buf);
	free(a->path);
	free(a->seal_path);
	free(a->state_path);
	OPENSSL_cleanse(a, sizeof(*a));
	free(a);
}

int fim_audit_open(const struct fim_audit_opts *o, struct fim_audit **out)
{
	struct fim_audit *a;
	uint64_t epoch = 0;
	off_t size = 0;
	int ret;

	*out = NULL;
	if (!o->path || !*o->path || o->level == FIM_AUDIT_OFF)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	ret = audit_init(a, o);
	if (ret)
		goto fail_early;
	ret = open_log(a, &a->fd, &a->need_newline, &size);
	if (ret) {
		fim_log(LOG_ERR, "audit: %s: %s", a->path, strerror(-ret));
		goto fail;
	}
	if (a->need_newline)
		audit_alert(a, LOG_ALERT, "audit: %s: ends in a cut record; "
			    "kept as found, the next record starts a new line",
			    a->path);
	a->state_fd = open(a->state_path, O_RDWR | O_CREAT | O_NOFOLLOW |
			   O_CLOEXEC, 0600);
	if (a->state_fd < 0)
		fim_log(LOG_WARNING, "audit: %s: %m", a->state_path);
	ret = continue_chain(a, size, &epoch);
	if (!ret && a->seal_path)
		ret = setup_seal(a, epoch);
	if (ret)
		goto fail;
	if (a->sealed && a->epoch_seconds && !o->no_timer) {
		ret = -pthread_create(&a->timer, NULL, timer_main, a);
		if (ret)
			goto fail;
		a->timer_on = true;
	}
	*out = a;
	return 0;
fail:
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
fail_early:
	audit_free(a);
	return ret;
}

int fim_audit_reopen(struct fim_audit *a)
{
	struct timespec ts;
	bool partial;
	off_t size;
	int fd, ret;

	if (!a)
		return 0;
	pthread_mutex_lock(&a->lock);
	ret = open_log(a, &fd, &partial, &size);
	if (ret) {
		audit_alert(a, LOG_CRIT, "audit: %s: cannot reopen: %s; "
			    "still writing to the old file", a->path,
			    strerror(-ret));
		goto out;
	}
	fsync(a->fd);
	close(a->fd);
	a->fd = fd;
	a->need_newline = partial;
	audit_state_update(a, true);
	if (a->sealed) {
		audit_now(a, &ts);
		ret = audit_evolve_locked(a, ts.tv_sec);
	}
out:
	pthread_mutex_unlock(&a->lock);
	return ret;
}

void fim_audit_close(struct fim_audit *a)
{
	if (!a)
		return;
	if (a->timer_on) {
		pthread_mutex_lock(&a->lock);
		a->stopping = true;
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->timer, NULL);
	}
	if (fsync(a->fd) && errno != EINVAL)
		fim_log(LOG_WARNING, "audit: %s: fsync: %m", a->path);
	audit_state_update(a, true);
	if (a->seal_dirty && audit_seal_save(a->seal_path, &a->seal))
		audit_alert(a, LOG_CRIT, "audit: %s: the key of epoch %" PRIu64
			    " is still not saved", a->seal_path, a->seal.epoch);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	audit_free(a);
}
