/* Audit records: the record text. */
#include "audit_int.h"

#include <errno.h>
#include <stdio.h>

#include "digest.h"
#include "log.h"

int audit_fmt_body(struct fim_json *w, const struct timespec *ts,
		   uint64_t seq, uint64_t epoch,
		   const struct fim_audit_event *ev, const char *comm)
{
	char when[48];
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return -EOVERFLOW;
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long)ts->tv_nsec);
	fim_json_begin_object(w, NULL);
	fim_json_str(w, "time", when);
	fim_json_uint(w, "seq", seq);
	fim_json_uint(w, "epoch", epoch);
	fim_json_uint(w, "uid", ev->uid);
	fim_json_uint(w, "gid", ev->gid);
	fim_json_uint(w, "pid", (uint64_t)(ev->pid > 0 ? ev->pid : 0));
	fim_json_str(w, "comm", comm);
	fim_json_str(w, "op", ev->op ? ev->op : "?");
	if (ev->path)
		fim_json_str(w, "path", ev->path);
	if (ev->target)
		fim_json_str(w, "target", ev->target);
	if (ev->times)
		fim_json_str(w, "times", ev->times);
	fim_json_str(w, "result", fim_errname(ev->err));
	if (ev->has_bytes)
		fim_json_uint(w, "bytes", ev->bytes);
	if (ev->status)
		fim_json_str(w, "status", ev->status);
	if (ev->detail)
		fim_json_str(w, "detail", ev->detail);
	return w->err;
}

int audit_fmt_seal(struct audit_crypto *c, struct fim_json *w, size_t start,
		   const unsigned char *prev, const unsigned char *key,
		   unsigned char *chain_out)
{
	unsigned char mac[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1];
	const struct fim_buf *b = w->out;
	int ret;

	ret = audit_chain(c, prev, b->p + start, b->len - start, chain_out);
	if (ret)
		return ret;
	fim_hex(chain_out, AUDIT_HASH_LEN, hex);
	if (fim_json_str(w, "chain", hex))
		return w->err;
	if (key) {
		ret = audit_hmac(c, key, b->p + start, b->len - start, mac);
		if (ret)
			return ret;
		fim_hex(mac, AUDIT_HASH_LEN, hex);
		fim_json_str(w, "mac", hex);
	}
	fim_json_end(w);
	return fim_json_finish(w);
}
