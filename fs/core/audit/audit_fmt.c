/* Audit records: the buffer and the record text. */
#include "audit_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "json.h"
#include "log.h"

int audit_buf_reserve(struct audit_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	cap = b->cap ? b->cap : 512;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int audit_buf_add(struct audit_buf *b, const void *s, size_t n)
{
	int ret = audit_buf_reserve(b, n);

	if (ret)
		return ret;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

void audit_buf_free(struct audit_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int add_str(struct audit_buf *b, const char *key, const char *s)
{
	size_t len = strlen(s), klen = strlen(key), n;
	int ret;

	/* ,"key":"<escaped>" */
	ret = audit_buf_reserve(b, klen + 6 + FIM_JSON_ESCAPE_MAX * len + 1);
	if (ret)
		return ret;
	n = (size_t)sprintf(b->p + b->len, ",\"%s\":\"", key);
	b->len += n;
	b->len += fim_json_escape(s, len, b->p + b->len,
				  FIM_JSON_ESCAPE_MAX * len + 1);
	b->p[b->len++] = '"';
	return 0;
}

static int add_num(struct audit_buf *b, const char *key, uint64_t v)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), ",\"%s\":%" PRIu64, key, v);

	return audit_buf_add(b, tmp, (size_t)n);
}

int audit_fmt_body(struct audit_buf *b, const struct timespec *ts,
		   uint64_t seq, uint64_t epoch,
		   const struct fim_audit_event *ev, const char *comm)
{
	char tmp[96];
	struct tm tm;
	int ret, n;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return -EOVERFLOW;
	n = snprintf(tmp, sizeof(tmp),
		     "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\"",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (long)ts->tv_nsec);
	ret = audit_buf_add(b, tmp, (size_t)n);
	ret = ret ? ret : add_num(b, "seq", seq);
	ret = ret ? ret : add_num(b, "epoch", epoch);
	ret = ret ? ret : add_num(b, "uid", ev->uid);
	ret = ret ? ret : add_num(b, "gid", ev->gid);
	ret = ret ? ret : add_num(b, "pid", (uint64_t)(ev->pid > 0 ? ev->pid : 0));
	ret = ret ? ret : add_str(b, "comm", comm);
	ret = ret ? ret : add_str(b, "op", ev->op ? ev->op : "?");
	if (!ret && ev->path)
		ret = add_str(b, "path", ev->path);
	if (!ret && ev->target)
		ret = add_str(b, "target", ev->target);
	if (!ret && ev->times)
		ret = add_str(b, "times", ev->times);
	ret = ret ? ret : add_str(b, "result", fim_errname(ev->err));
	if (!ret && ev->has_bytes)
		ret = add_num(b, "bytes", ev->bytes);
	if (!ret && ev->status)
		ret = add_str(b, "status", ev->status);
	if (!ret && ev->detail)
		ret = add_str(b, "detail", ev->detail);
	return ret;
}

int audit_fmt_seal(struct audit_crypto *c, struct audit_buf *b, size_t start,
		   const unsigned char *prev, const unsigned char *key,
		   unsigned char *chain_out)
{
	unsigned char mac[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1];
	int ret;

	ret = audit_chain(c, prev, b->p + start, b->len - start, chain_out);
	if (ret)
		return ret;
	fim_hex(chain_out, AUDIT_HASH_LEN, hex);
	ret = audit_buf_reserve(b, 2 * (2 * AUDIT_HASH_LEN + 12) + 2);
	if (ret)
		return ret;
	b->len += (size_t)sprintf(b->p + b->len, ",\"chain\":\"%s\"", hex);
	if (key) {
		ret = audit_hmac(c, key, b->p + start, b->len - start, mac);
		if (ret)
			return ret;
		fim_hex(mac, AUDIT_HASH_LEN, hex);
		b->len += (size_t)sprintf(b->p + b->len, ",\"mac\":\"%s\"", hex);
	}
	b->p[b->len++] = '}';
	b->p[b->len++] = '\n';
	return 0;
}
