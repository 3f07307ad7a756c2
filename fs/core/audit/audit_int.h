/* Internals shared by audit.c, audit_fmt.c, audit_key.c, audit_verify.c.
 * Not part of the core's interface. */
#ifndef FIM_AUDIT_INT_H
#define FIM_AUDIT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "audit.h"
#include "buf.h"
#include "json.h"

#define AUDIT_HASH_LEN 32
#define AUDIT_MAX_LINE (1u << 20) /* longer lines are malformed */
#define AUDIT_EVOLVE_TAG "fimfs-audit-evolve"
#define AUDIT_RECOVERED_OP "audit-recovered"

/* Hashing state fetched once per log or verifier; one user at a time. */
struct audit_crypto {
	EVP_MD *md;
	EVP_MAC *mac;
	EVP_MD_CTX *mdctx;
	EVP_MAC_CTX *macctx;
};

int audit_crypto_init(struct audit_crypto *c);
void audit_crypto_free(struct audit_crypto *c);
/* SHA-256(prev || body). */
int audit_chain(struct audit_crypto *c, const unsigned char *prev,
		const void *body, size_t len, unsigned char *out);
/* HMAC-SHA256(key, msg). */
int audit_hmac(struct audit_crypto *c, const unsigned char *key,
	       const void *msg, size_t len, unsigned char *out);
/* K_{e+1} = SHA-256(AUDIT_EVOLVE_TAG || K_e); out may equal in. */
int audit_evolve(struct audit_crypto *c, const unsigned char *in,
		 unsigned char *out);

/* Begin a record with w (a compact writer, at the top of a document):
 * its body, '{' .. last field, no chain. */
int audit_fmt_body(struct fim_json *w, const struct timespec *ts,
		   uint64_t seq, uint64_t epoch,
		   const struct fim_audit_event *ev, const char *comm);

/* End the record that starts at offset start of w's buffer with
 * `,"chain":"..."[,"mac":"..."]}\n`, chained to prev; key NULL: no mac.
 * chain_out gets the record's chain. */
int audit_fmt_seal(struct audit_crypto *c, struct fim_json *w, size_t start,
		   const unsigned char *prev, const unsigned char *key,
		   unsigned char *chain_out);

/* One parsed line (without its newline). Offsets into the line. */
struct audit_line {
	uint64_t seq, epoch;
	const char *op, *detail, *result; /* raw JSON text, not unescaped */
	size_t op_len, detail_len, result_len;
	size_t body_len;  /* offset of `,"chain":` */
	size_t mac_off;   /* offset of `,"mac":`, when has_mac */
	bool has_mac;
	unsigned char chain[AUDIT_HASH_LEN];
	unsigned char mac[AUDIT_HASH_LEN];
};

/* Parse one line; 0, or -EBADMSG with *why set to a static reason. */
int audit_parse_line(const char *s, size_t n, struct audit_line *l,
		     const char **why);

/* The sealing key file. */
struct audit_seal {
	uint64_t epoch;
	int64_t since; /* start of the epoch, Unix seconds */
	unsigned char key[FIM_AUDIT_KEY_LEN];
};

/* Load PATH (or, after a crash between the steps of a save, PATH.tmp).
 * 0, -ENOENT, -EINVAL (malformed, logged) or another negative errno. */
int audit_seal_load(const char *path, struct audit_seal *s);
/* Replace PATH atomically: temp file 0600, fsync, old contents
 * overwritten in place, rename, fsync of the directory. */
int audit_seal_save(const char *path, const struct audit_seal *s);

/* An open log. lock guards every field except those set at open and
 * read-only after (names, options, hooks). */
struct fim_audit {
	pthread_mutex_t lock;
	pthread_cond_t cond;     /* wakes the timer thread at close */
	char *path, *seal_path, *state_path;
	enum fim_audit_level level;
	uint64_t epoch_seconds, epoch_records;
	bool syslog;
	enum fim_audit_failure on_failure;
	void (*now)(struct timespec *ts);
	void (*syslog_fn)(int prio, const char *msg, void *arg);
	void *syslog_arg;

	int fd;                  /* the log, O_APPEND */
	int state_fd;            /* .NAME.state, or -1 */
	bool need_newline;       /* the file ends in a partial line */
	uint64_t next_seq;       /* seq of the next record */
	unsigned char chain[AUDIT_HASH_LEN]; /* of the last record written */

	bool sealed;
	struct audit_seal seal;  /* current epoch and key */
	uint64_t epoch_count;    /* records sealed in this epoch */
	bool seal_dirty;         /* the seal file is behind: save again */

	int failed;              /* errno of the failing writes, 0: none */
	uint64_t lost_first;     /* first seq lost while failed */

	struct audit_crypto crypto;
	struct fim_buf buf;       /* the records of one write */

	pthread_t timer;
	bool timer_on, stopping;
};

/* audit.c: evolve the key to the next epoch and save it; lock held. */
int audit_evolve_locked(struct fim_audit *a, int64_t now);
/* audit.c: remember the chain state in the state file; lock held. */
void audit_state_update(struct fim_audit *a, bool sync);
/* audit_record.c: the current time from the clock in use. */
void audit_now(const struct fim_audit *a, struct timespec *ts);
/* audit_record.c: to syslog (LOG_AUTHPRIV) whatever the syslog flag. */
void audit_alert(const struct fim_audit *a, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));


#endif
