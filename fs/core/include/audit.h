/* Tamper-evident audit log: JSON Lines, hash-chained, sealed with a
 * forward-evolving HMAC key.
 *
 * Record (one line, one write(2), O_APPEND), keys in this order; path,
 * target, times, bytes, status, detail and mac only when they apply:
 *
 *   {"time":"2024-05-01T12:00:00.123456789Z","seq":42,"epoch":3,
 *    "uid":65534,"gid":65534,"pid":812,"comm":"mv","op":"rename",
 *    "path":"snap1/etc/passwd","target":"snap1/etc/passwd.old",
 *    "times":"unchanged","result":"EROFS","bytes":4096,
 *    "status":"MISMATCH","detail":"...","chain":"<64 hex>","mac":"<64 hex>"}
 *
 * - time: RFC 3339 UTC with nanoseconds, taken under the lock (ordered
 *   like seq). seq: 1, 2, 3... over the whole life of the log, across
 *   rotations and restarts. epoch: the sealing key's epoch (0 unsealed).
 * - Strings are escaped as json.h says: bytes that are not valid UTF-8
 *   become \xHH and a backslash is doubled in the decoded text, so every
 *   name decodes to a distinct string.
 * - Values are strings or unsigned decimals only (what the verifier
 *   accepts; it skips keys it does not know).
 * - chain = SHA-256(previous record's chain (32 bytes) || BODY), where BODY
 *   is the line from '{' up to (not including) `,"chain":`. The first
 *   record of a log (seq 1) chains to 32 zero bytes.
 * - mac = HMAC-SHA256(K_epoch, the line up to (not including) `,"mac":`),
 *   i.e. BODY and the chain field. K_0 is the verification key;
 *   K_{e+1} = SHA-256("fimfs-audit-evolve" || K_e).
 * - When writes failed, the records' seqs were consumed: the first record
 *   written again is op "audit-recovered", result the errno name of the
 *   failure, detail "lost A-B" (the lost seqs); it chains to the last record
 *   actually written.
 *
 * Files: the log (0600, directory created 0700 when missing); beside it
 * ".NAME.state" (0600), the seq and chain of the last record written, so a
 * daemon restarted after a rotation continues the chain; the sealing key
 * file (see fim_audit_keygen). On open the chain continues from the last
 * record of the log, or from the state file when the log is empty or
 * shorter than the state says (records removed: alerted, and the gap then
 * shows to the verifier).
 *
 * Locking: one mutex per log guards everything below; every function is
 * thread-safe. Every function accepts a NULL log (audit disabled) and does
 * nothing.
 */
#ifndef FIM_AUDIT_H
#define FIM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"

#define FIM_AUDIT_KEY_LEN 32
#define FIM_AUDIT_COMM_LEN 64 /* buffer size for fim_audit_comm() */

/* What an event is, for the level filter (the filter is here, not in the
 * daemon). FIM_AUDIT_REFUSALS drops FIM_AUDIT_EV_ACCESS only. */
enum fim_audit_kind {
	FIM_AUDIT_EV_ACCESS,   /* open/release/read of files, virtual entries */
	FIM_AUDIT_EV_REFUSAL,  /* a refused mutating request (syslog) */
	FIM_AUDIT_EV_VERDICT,  /* a verdict; not "OK" ones go to syslog */
	FIM_AUDIT_EV_BASELINE, /* baseline load (err 0) or reject (syslog) */
	FIM_AUDIT_EV_CONFIG,   /* configuration load, reload, reject */
	FIM_AUDIT_EV_MOUNT,    /* mount, unmount */
	FIM_AUDIT_EV_WATCH,    /* the watcher's alerts and summaries; never
				* copied to syslog here: the daemon sends
				* its own LOG_ALERT lines whatever
				* audit.syslog says */
};

struct fim_audit_event {
	enum fim_audit_kind kind;
	const char *op;     /* "open", "release", "unlink", "mount", ... */
	const char *path;   /* path within the mount; NULL: no "path" key */
	const char *target; /* the other name of a rename or link, or a
			     * symlink's content; NULL: no "target" key */
	const char *times;  /* of a utimens: "unchanged" when the times asked
			     * for are the file's own, else "changed"; NULL:
			     * no "times" key */
	uid_t uid;
	gid_t gid;
	pid_t pid;
	const char *comm;   /* NULL: read from /proc/PID/comm when pid > 0 */
	int err;            /* 0 ("OK") or a positive errno ("EROFS") */
	bool has_bytes;     /* write "bytes" */
	uint64_t bytes;
	const char *status; /* verdict status ("MISMATCH") or NULL */
	const char *detail; /* free text or NULL */
};

struct fim_audit_opts {
	const char *path;          /* the log; NULL or "" = no audit */
	enum fim_audit_level level;
	const char *seal_key;      /* sealing key file; NULL or "" = no MACs */
	uint64_t epoch_seconds;    /* 0 = no time-based epochs */
	uint64_t epoch_records;    /* 0 = no count-based epochs */
	bool syslog;               /* copy alerts of events to syslog(3) */
	enum fim_audit_failure on_failure;

	/* For tests; zero for the real thing. */
	void (*now)(struct timespec *ts);  /* NULL: CLOCK_REALTIME */
	void (*syslog_fn)(int prio, const char *msg, void *arg);
	void *syslog_arg;                  /* NULL syslog_fn: syslog(3) */
	bool no_timer;                     /* no epoch timer thread */
};

struct fim_audit;

/* The options of a configuration (pointers into cfg). */
void fim_audit_opts_from_config(struct fim_audit_opts *o,
				const struct fim_config *cfg);

/* Open (create) the log and continue its chain. With a seal key the key is
 * evolved once at open (the key that sealed the previous run is erased).
 * With epoch_seconds, a timer thread evolves the key on time even when
 * idle: open after the daemon forked (threads do not survive fork), or
 * call fim_audit_tick() from a timer. Returns 0 with *out set (NULL when
 * the level is OFF or the path empty), or a negative errno with the reason
 * logged through fim_log(): -EBADMSG when the log's last record and the
 * state file are both unreadable, -EINVAL for a bad seal key file. */
int fim_audit_open(const struct fim_audit_opts *opts, struct fim_audit **out);

/* Record one event (filtered by level). Returns 0 when written or
 * filtered, or a negative errno when the write failed: the record's seq
 * is kept and syslog gets a LOG_CRIT alert; the next write that succeeds
 * first writes "audit-recovered", naming the seqs lost. */
int fim_audit_record(struct fim_audit *a, const struct fim_audit_event *ev);

/* Reopen the log path (SIGHUP after logrotate). The chain and seq carry on
 * from memory; a sealed log starts a new epoch. When the path cannot be
 * opened the old file stays in use and a negative errno is returned. */
int fim_audit_reopen(struct fim_audit *a);

/* Evolve the key when its epoch_seconds have passed (what the timer thread
 * does). Returns 1 when it evolved, 0 when not due, or a negative errno. */
int fim_audit_tick(struct fim_audit *a);

/* The path of the chain-state file kept beside the log at path (malloc'd,
 * NULL when out of memory). */
char *fim_audit_state_path(const char *path);

/* Flush (fsync) and close; writes no record itself. NULL is a no-op. */
void fim_audit_close(struct fim_audit *a);

/* The process name of pid from /proc/PID/comm into buf (size >=
 * FIM_AUDIT_COMM_LEN recommended); "?" when unknown. Returns 0 or a
 * negative errno (buf still set). Thread-safe; keeps the comm files of up
 * to 32 recent processes open (audit_comm.c). */
int fim_audit_comm(pid_t pid, char *buf, size_t size);

/* Make a random epoch-0 key; write the sealing key file (epoch 0) and the
 * verification key file, both 0600, refusing to overwrite either.
 * Returns 0, -EEXIST, or a negative errno with the reason in err. */
int fim_audit_keygen(const char *seal_path, const char *verify_path,
		     char *err, size_t errsz);

/* Read a verification key file. Returns 0, or a negative errno (-EINVAL
 * for a malformed file) with "FILE: reason" in err. */
int fim_audit_load_verify_key(const char *path,
			      unsigned char key[FIM_AUDIT_KEY_LEN], char *err,
			      size_t errsz);

/* ---- verification --------------------------------------------------- */

/* A verifier checks the files of one log in order (oldest first): per
 * line, the syntax, seq continuity (a gap is allowed only when the next
 * record is an "audit-recovered" naming exactly the lost seqs), epoch
 * never decreasing, the chain, and, with a key, the MAC of every record.
 * A first record with seq > 1 is taken as the anchor (older files not
 * given): its link is not checked (see stats.first_seq). Records removed
 * from the very end of the newest file cannot be seen from the files alone
 * (compare stats.last_seq with the daemon's state file or syslog). */
struct fim_audit_verifier;

struct fim_audit_verify_stats {
	uint64_t records;
	uint64_t first_seq, last_seq;
	uint64_t last_epoch;
	uint64_t lost;          /* seqs lost by the writer, explained */
	bool macs_checked;      /* a key was given */
};

/* key: the verification key, or NULL to check chain and seq only.
 * Returns 0 or -ENOMEM. */
int fim_audit_verifier_new(const unsigned char *key,
			   struct fim_audit_verifier **out);
void fim_audit_verifier_free(struct fim_audit_verifier *v);

/* Feed the next bytes of the current file (any chunking). Returns 0 while
 * intact, 1 once a problem is found (see fim_audit_verify_error; later
 * calls return 1 again), or -ENOMEM. */
int fim_audit_verify_feed(struct fim_audit_verifier *v, const void *buf,
			  size_t len);

/* End of the current file: a last line without newline is a truncation.
 * The next feed starts a new file at line 1. Returns as feed. */
int fim_audit_verify_end_file(struct fim_audit_verifier *v);

/* A whole file in one buffer: feed + end_file. */
int fim_audit_verify_buf(struct fim_audit_verifier *v, const void *buf,
			 size_t len);

/* The first problem: its message, and its 1-based line in the file that
 * was being fed; NULL when none. */
const char *fim_audit_verify_error(const struct fim_audit_verifier *v,
				   uint64_t *line);

void fim_audit_verify_stats(const struct fim_audit_verifier *v,
			    struct fim_audit_verify_stats *st);

#endif
