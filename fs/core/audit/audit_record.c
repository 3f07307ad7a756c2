/* Audit log: writing records, write failures, syslog copies. */
#include "audit_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "log.h"

void audit_now(const struct fim_audit *a, struct timespec *ts)
{
	if (a->now)
		a->now(ts);
	else
		clock_gettime(CLOCK_REALTIME, ts);
}

static void to_syslog(const struct fim_audit *a, int prio, const char *msg)
{
	if (a->syslog_fn)
		a->syslog_fn(LOG_AUTHPRIV | prio, msg, a->syslog_arg);
	else
		syslog(LOG_AUTHPRIV | prio, "%s", msg);
}

void audit_alert(const struct fim_audit *a, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	to_syslog(a, prio, msg);
	fim_log(prio, "%s", msg);
}

static bool wanted(const struct fim_audit *a, const struct fim_audit_event *ev)
{
	return !(a->level == FIM_AUDIT_REFUSALS &&
		 ev->kind == FIM_AUDIT_EV_ACCESS);
}

/* The syslog priority of an event's copy, or -1 for none. */
static int syslog_prio(const struct fim_audit_event *ev)
{
	switch (ev->kind) {
	case FIM_AUDIT_EV_REFUSAL:
		return LOG_WARNING;
	case FIM_AUDIT_EV_BASELINE:
		return ev->err ? LOG_ERR : -1;
	case FIM_AUDIT_EV_VERDICT:
		if (!ev->status || !strcmp(ev->status, "OK"))
			return -1;
		return strcmp(ev->status, "MISMATCH") ? LOG_WARNING : LOG_ALERT;
	default:
		return -1;
	}
}

/* s escaped as in the log into buf; "" for NULL. */
static const char *esc(const char *s, char *buf, size_t size)
{
	fim_json_escape(s ? s : "", s ? strlen(s) : 0, buf, size);
	return buf;
}

static void copy_to_syslog(const struct fim_audit *a,
			   const struct fim_audit_event *ev, const char *comm,
			   uint64_t seq)
{
	char path[512], target[512], detail[512], cm[128], msg[2048];
	int prio = syslog_prio(ev);

	if (!a->syslog || prio < 0)
		return;
	snprintf(msg, sizeof(msg), "fimfs audit seq %" PRIu64 ": %s %s %s%s%s"
		 " uid=%u pid=%d comm=%s%s%s%s%s%s%s", seq,
		 ev->op ? ev->op : "?", ev->path ? esc(ev->path, path,
		 sizeof(path)) : "-", fim_errname(ev->err),
		 ev->status ? " " : "", ev->status ? ev->status : "",
		 (unsigned)ev->uid, (int)ev->pid, esc(comm, cm, sizeof(cm)),
		 ev->target ? " target=" : "",
		 esc(ev->target, target, sizeof(target)),
		 ev->times ? " times=" : "", ev->times ? ev->times : "",
		 ev->detail ? " " : "", esc(ev->detail, detail, sizeof(detail)));
	to_syslog(a, prio, msg);
}

/* Evolve the key when the epoch is over; retry a seal file save that
 * failed. Lock held. */
static int epoch_check(struct fim_audit *a, const struct timespec *ts)
{
	if (!a->sealed)
		return 0;
	if ((a->epoch_records && a->epoch_count >= a->epoch_records) ||
	    (a->epoch_seconds &&
	     ts->tv_sec >= a->seal.since + (int64_t)a->epoch_seconds))
		return audit_evolve_locked(a, ts->tv_sec);
	if (a->seal_dirty && !audit_seal_save(a->seal_path, &a->seal)) {
		a->seal_dirty = false;
		audit_alert(a, LOG_NOTICE, "audit: %s: epoch %" PRIu64
			    " key saved", a->seal_path, a->seal.epoch);
	}
	return 0;
}

/* Format one record into a->buf, chained to chain (updated). Lock held. */
static int add_record(struct fim_audit *a, const struct timespec *ts,
		      const struct fim_audit_event *ev, const char *comm,
		      unsigned char *chain)
{
	size_t start = a->buf.len;
	struct fim_json w;
	int ret;

	fim_json_init(&w, &a->buf, false);
	ret = epoch_check(a, ts);
	if (!ret)
		ret = audit_fmt_body(&w, ts, a->next_seq,
				     a->sealed ? a->seal.epoch : 0, ev, comm);
	if (!ret)
		ret = audit_fmt_seal(&a->crypto, &w, start, chain,
				     a->sealed ? a->seal.key : NULL, chain);
	if (ret)
		return ret;
	a->next_seq++;
	a->epoch_count++;
	return 0;
}

/* The record that explains the seqs lost while writes failed. */
static int add_recovered(struct fim_audit *a, const struct timespec *ts,
			 unsigned char *chain)
{
	char detail[64];
	struct fim_audit_event ev = {
		.kind = FIM_AUDIT_EV_MOUNT,
		.op = AUDIT_RECOVERED_OP,
		.uid = getuid(),
		.gid = getgid(),
		.pid = getpid(),
		.err = a->failed,
		.detail = detail,
	};

	snprintf(detail, sizeof(detail), "lost %" PRIu64 "-%" PRIu64,
		 a->lost_first, a->next_seq - 1);
	return add_record(a, ts, &ev, program_invocation_short_name, chain);
}

/* Append a->buf in one write; on error take back a partial line so that
 * the next record starts clean. Returns 0 or a negative errno. */
static int write_buf(struct fim_audit *a)
{
	size_t done = 0;
	struct stat st;
	int err = ENOSPC; /* what a write of 0 bytes means here */

	while (done < a->buf.len) {
		ssize_t n = write(a->fd, a->buf.p + done, a->buf.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done == a->buf.len)
		return 0;
	if (done && (fstat(a->fd, &st) || !S_ISREG(st.st_mode) ||
		     ftruncate(a->fd, st.st_size - (off_t)done)))
		a->need_newline = true; /* the verifier will show the cut */
	return -err;
}

static void write_failed(struct fim_audit *a, uint64_t first_seq, int err)
{
	if (a->failed)
		return;
	a->lost_first = first_seq;
	a->failed = err;
	audit_alert(a, LOG_CRIT, "audit: %s: cannot write record seq %" PRIu64
		    ": %s; %s", a->path, first_seq, strerror(err),
		    a->on_failure == FIM_AUDIT_DENY ? "denying opens" :
		    "continuing without audit records");
}

static int record_locked(struct fim_audit *a, const struct fim_audit_event *ev,
			 const char *comm, uint64_t *seq)
{
	unsigned char chain[AUDIT_HASH_LEN];
	uint64_t first = a->next_seq, lost_first = a->lost_first;
	struct timespec ts;
	int ret = 0;

	audit_now(a, &ts);
	a->buf.len = 0;
	if (a->need_newline)
		ret = fim_buf_add(&a->buf, "\n", 1);
	memcpy(chain, a->chain, sizeof(chain));
	if (!ret && a->failed)
		ret = add_recovered(a, &ts, chain);
	*seq = a->next_seq;
	if (!ret)
		ret = add_record(a, &ts, ev, comm, chain);
	if (!ret)
		ret = write_buf(a);
	if (ret) {
		/* Whatever failed, the event keeps one seq (a failed
		 * "audit-recovered" gives its own back): the gap is then
		 * explained by the "audit-recovered" written next. */
		a->next_seq = first + 1;
		*seq = first;
		write_failed(a, first, -ret);
		return ret;
	}
	memcpy(a->chain, chain, sizeof(chain));
	a->need_newline = false;
	if (a->failed) {
		a->failed = 0;
		audit_alert(a, LOG_CRIT, "audit: %s: writing again; seq %"
			    PRIu64 "-%" PRIu64 " lost", a->path, lost_first,
			    first - 1);
	}
	audit_state_update(a, false);
	return 0;
}

int fim_audit_record(struct fim_audit *a, const struct fim_audit_event *ev)
{
	char buf[FIM_AUDIT_COMM_LEN];
	const char *comm = ev->comm;
	uint64_t seq = 0;
	int ret;

	if (!a || !wanted(a, ev))
		return 0;
	if (!comm) {
		fim_audit_comm(ev->pid, buf, sizeof(buf));
		comm = buf;
	}
	pthread_mutex_lock(&a->lock);
	ret = record_locked(a, ev, comm, &seq);
	pthread_mutex_unlock(&a->lock);
	copy_to_syslog(a, ev, comm, seq);
	return ret;
}
