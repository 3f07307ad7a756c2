/* Audit log verification: the line parser and the verifier. Both work on
 * untrusted bytes (fuzzing target: fim_audit_verify_buf). */
#include "audit_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "digest.h"

#define MAX_EPOCH_JUMP (1u << 24) /* keys derived for one record at most */

enum {
	K_TIME = 1 << 0,
	K_SEQ = 1 << 1,
	K_EPOCH = 1 << 2,
	K_CHAIN = 1 << 3,
	K_MAC = 1 << 4,
	K_OP = 1 << 5,
	K_DETAIL = 1 << 6,
	K_RESULT = 1 << 7,
};

/* p is just after the opening quote: the closing quote, or NULL. */
static const char *scan_string(const char *p, const char *end)
{
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			p++;
			continue;
		}
		if (++p >= end)
			return NULL;
		if (strchr("\"\\/bfnrt", *p) && *p) {
			p++;
		} else if (*p == 'u' && end - p >= 5) {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", p[i]) ||
				    !p[i])
					return NULL;
			p += 5;
		} else {
			return NULL;
		}
	}
	return NULL;
}

/* An unsigned decimal without leading zeros; the end, or NULL. */
static const char *scan_uint(const char *p, const char *end, uint64_t *v)
{
	const char *start = p;

	*v = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (*v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return NULL;
		*v = *v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (p == start || (*start == '0' && p - start > 1))
		return NULL;
	return p;
}

static int key_bit(const char *k, size_t n)
{
	static const char *const names[] = { "time", "seq", "epoch", "chain",
		"mac", "op", "detail", "result" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], k, n))
			return 1 << i;
	return 0;
}

/* Store one value of a known key into l. */
static int take_value(struct audit_line *l, int bit, const char *v,
		      size_t vlen, bool is_str, uint64_t num, size_t sep)
{
	if ((bit & (K_SEQ | K_EPOCH)) && is_str)
		return -1;
	if ((bit & ~(K_SEQ | K_EPOCH)) && !is_str)
		return -1;
	switch (bit) {
	case K_SEQ: l->seq = num; break;
	case K_EPOCH: l->epoch = num; break;
	case K_OP: l->op = v; l->op_len = vlen; break;
	case K_DETAIL: l->detail = v; l->detail_len = vlen; break;
	case K_RESULT: l->result = v; l->result_len = vlen; break;
	case K_CHAIN:
		l->body_len = sep;
		return fim_unhex(v, vlen, l->chain, AUDIT_HASH_LEN) ? -1 : 0;
	case K_MAC:
		l->mac_off = sep;
		l->has_mac = true;
		return fim_unhex(v, vlen, l->mac, AUDIT_HASH_LEN) ? -1 : 0;
	}
	return 0;
}

int audit_parse_line(const char *s, size_t n, struct audit_line *l,
		     const char **why)
{
	const char *p = s, *end = s + n, *k, *v, *q;
	unsigned seen = 0;
	uint64_t num = 0;
	bool is_str;
	int bit;

	memset(l, 0, sizeof(*l));
	*why = "not a JSON object";
	if (n < 2 || *p++ != '{')
		return -EBADMSG;
	for (;;) {
		size_t sep = (size_t)(p - s) - 1; /* the ',' or '{' before */

		*why = "bad key";
		if (p >= end || *p != '"' || !(q = scan_string(p + 1, end)) ||
		    q + 1 >= end || q[1] != ':')
			return -EBADMSG;
		k = p + 1;
		bit = key_bit(k, (size_t)(q - k));
		if ((seen & bit) || (seen & K_MAC) ||
		    ((seen & K_CHAIN) && bit != K_MAC)) {
			*why = "keys duplicated or after chain/mac";
			return -EBADMSG;
		}
		seen |= (unsigned)bit;
		p = q + 2;
		*why = "bad value";
		is_str = p < end && *p == '"';
		if (is_str) {
			v = p + 1;
			if (!(q = scan_string(v, end)))
				return -EBADMSG;
			p = q + 1;
		} else {
			v = p;
			if (!(q = scan_uint(p, end, &num)))
				return -EBADMSG;
			p = q;
		}
		if (bit && take_value(l, bit, v, (size_t)(q - v), is_str, num,
				      sep))
			return -EBADMSG;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p + 1 == end && *p == '}')
			break;
		*why = "junk after a value";
		return -EBADMSG;
	}
	*why = "a required key (time, seq, epoch, chain) is missing";
	if ((seen & (K_TIME | K_SEQ | K_EPOCH | K_CHAIN)) !=
	    (K_TIME | K_SEQ | K_EPOCH | K_CHAIN))
		return -EBADMSG;
	return 0;
}

struct fim_audit_verifier {
	struct audit_crypto c;
	bool keyed;
	unsigned char key[FIM_AUDIT_KEY_LEN]; /* of key_epoch */
	uint64_t key_epoch;
	bool started, linked;  /* a record seen; its chain can be checked */
	bool mac_verified;     /* at least one MAC verified */
	uint64_t prev_seq, epoch;
	unsigned char prev_chain[AUDIT_HASH_LEN];
	struct fim_audit_verify_stats st;
	struct fim_buf pending; /* a line not yet ended */
	uint64_t line;            /* lines ended in this file */
	bool bad;
	uint64_t bad_line;
	char msg[256];
};

int fim_audit_verifier_new(const unsigned char *key,
			   struct fim_audit_verifier **out)
{
	struct fim_audit_verifier *v = calloc(1, sizeof(*v));
	int ret;

	*out = NULL;
	if (!v)
		return -ENOMEM;
	ret = audit_crypto_init(&v->c);
	if (ret) {
		free(v);
		return ret;
	}
	if (key) {
		v->keyed = v->st.macs_checked = true;
		memcpy(v->key, key, FIM_AUDIT_KEY_LEN);
	}
	*out = v;
	return 0;
}

void fim_audit_verifier_free(struct fim_audit_verifier *v)
{
	if (!v)
		return;
	audit_crypto_free(&v->c);
	fim_buf_free(&v->pending);
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
}

__attribute__((format(printf, 2, 3)))
static int fail(struct fim_audit_verifier *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	v->bad = true;
	v->bad_line = v->line;
	return 1;
}

/* Is l the writer's record of a gap from `expected` to l->seq - 1? */
static bool explains_gap(const struct audit_line *l, uint64_t expected)
{
	char want[64];
	int n;

	n = snprintf(want, sizeof(want), "lost %" PRIu64 "-%" PRIu64,
		     expected, l->seq - 1);
	return l->op_len == strlen(AUDIT_RECOVERED_OP) &&
	       !memcmp(l->op, AUDIT_RECOVERED_OP, l->op_len) &&
	       l->detail_len == (size_t)n && !memcmp(l->detail, want, (size_t)n);
}

static int check_seq(struct fim_audit_verifier *v, const struct audit_line *l)
{
	uint64_t expected = v->prev_seq + 1;

	if (!v->started) {
		v->st.first_seq = l->seq;
		v->linked = l->seq == 1; /* else older files were not given */
		return 0;
	}
	if (l->seq == expected)
		return 0;
	if (l->seq > expected && explains_gap(l, expected)) {
		v->st.lost += l->seq - expected;
		return 0;
	}
	if (l->seq > expected)
		return fail(v, "seq %" PRIu64 " where %" PRIu64 " was expected:"
			    " %" PRIu64 " record(s) missing (deleted), or "
			    "records reordered", l->seq, expected,
			    l->seq - expected);
	return fail(v, "seq %" PRIu64 " after %" PRIu64 ": records reordered"
		    " or duplicated", l->seq, v->prev_seq);
}

static int check_mac(struct fim_audit_verifier *v, const struct audit_line *l,
		     const char *s)
{
	unsigned char mac[AUDIT_HASH_LEN];

	if (!l->has_mac)
		return fail(v, "no MAC: the record is not sealed (MAC "
			    "stripped, or a log written without a seal key)");
	if (l->epoch - v->key_epoch > MAX_EPOCH_JUMP)
		return fail(v, "epoch %" PRIu64 " is too far after %" PRIu64,
			    l->epoch, v->key_epoch);
	while (v->key_epoch < l->epoch) {
		if (audit_evolve(&v->c, v->key, v->key))
			return fail(v, "cannot derive the key (OpenSSL)");
		v->key_epoch++;
	}
	if (audit_hmac(&v->c, v->key, s, l->mac_off, mac))
		return fail(v, "cannot compute the MAC (OpenSSL)");
	if (CRYPTO_memcmp(mac, l->mac, sizeof(mac)))
		return fail(v, v->mac_verified ?
			    "MAC does not verify: record forged or resealed" :
			    "MAC does not verify: wrong key, or record forged");
	v->mac_verified = true;
	return 0;
}

static int check_line(struct fim_audit_verifier *v, const char *s, size_t n)
{
	unsigned char chain[AUDIT_HASH_LEN];
	struct audit_line l;
	const char *why;

	if (audit_parse_line(s, n, &l, &why))
		return fail(v, "malformed record (%s): edited or cut", why);
	if (check_seq(v, &l))
		return 1;
	if (v->started && l.epoch < v->epoch)
		return fail(v, "epoch %" PRIu64 " after %" PRIu64 ": records "
			    "reordered or forged", l.epoch, v->epoch);
	if (v->linked) {
		if (audit_chain(&v->c, v->prev_chain, s, l.body_len, chain))
			return fail(v, "cannot compute the chain (OpenSSL)");
		if (CRYPTO_memcmp(chain, l.chain, sizeof(chain)))
			return fail(v, "chain does not match: record edited");
	}
	if (v->keyed && check_mac(v, &l, s))
		return 1;
	v->started = v->linked = true;
	v->prev_seq = l.seq;
	v->epoch = l.epoch;
	memcpy(v->prev_chain, l.chain, sizeof(chain));
	v->st.records++;
	v->st.last_seq = l.seq;
	v->st.last_epoch = l.epoch;
	return 0;
}

int fim_audit_verify_feed(struct fim_audit_verifier *v, const void *buf,
			  size_t len)
{
	const char *p = buf, *nl;
	size_t seg;
	int ret;

	while (!v->bad && len) {
		nl = memchr(p, '\n', len);
		seg = nl ? (size_t)(nl - p) : len;
		if (v->pending.len + seg > AUDIT_MAX_LINE) {
			v->line++;
			return fail(v, "line too long: not a record");
		}
		if (!nl || v->pending.len) {
			ret = fim_buf_add(&v->pending, p, seg);
			if (ret)
				return ret;
		}
		if (nl) {
			v->line++;
			if (v->pending.len)
				check_line(v, v->pending.p, v->pending.len);
			else
				check_line(v, p, seg);
			v->pending.len = 0;
			seg++;
		}
		p += seg;
		len -= seg;
	}
	return v->bad ? 1 : 0;
}

int fim_audit_verify_end_file(struct fim_audit_verifier *v)
{
	if (!v->bad && v->pending.len) {
		v->line++;
		fail(v, "truncated: the last line has no newline (record cut)");
	}
	v->pending.len = 0;
	if (!v->bad)
		v->line = 0;
	return v->bad ? 1 : 0;
}

int fim_audit_verify_buf(struct fim_audit_verifier *v, const void *buf,
			 size_t len)
{
	int ret = fim_audit_verify_feed(v, buf, len);

	return ret ? ret : fim_audit_verify_end_file(v);
}

const char *fim_audit_verify_error(const struct fim_audit_verifier *v,
				   uint64_t *line)
{
	if (line)
		*line = v->bad ? v->bad_line : 0;
	return v->bad ? v->msg : NULL;
}

void fim_audit_verify_stats(const struct fim_audit_verifier *v,
			    struct fim_audit_verify_stats *st)
{
	*st = v->st;
}
