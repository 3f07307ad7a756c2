#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "json.h"

struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if ((size_t)n < o->cap - o->len)
			break;
		char *b = realloc(o->buf, o->cap * 2 + (size_t)n);
		if (!b) {
			o->failed = true;
			return;
		}
		o->buf = b;
		o->cap = o->cap * 2 + (size_t)n;
	}
	o->len += (size_t)n;
}

/* A JSON string (quoted) of arbitrary bytes (json.h). */
static void put_str(struct out *o, const char *s)
{
	size_t need = FIM_JSON_ESCAPE_MAX * strlen(s) + 1;
	char *e = malloc(need);

	if (!e) {
		o->failed = true;
		return;
	}
	fim_json_escape(s, strlen(s), e, need);
	put(o, "\"%s\"", e);
	free(e);
}

static void rfc3339(int64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct facts {
	struct fim_hashsvc_stats h;
	struct fim_dcache_stats c;
	uint64_t verdicts[FIM_STATUS_COUNT];
	struct fim_baseline *bl;
	int64_t uptime;
	uint64_t reads_spliced, reads_copied;
};

static void gather(struct fimfs *fs, struct facts *f)
{
	fim_hashsvc_get_stats(fim_view_hashsvc(fs->view), &f->h);
	fim_dcache_get_stats(fim_view_dcache(fs->view), &f->c);
	fim_view_verdict_counts(fs->view, f->verdicts);
	f->bl = fim_view_baseline(fs->view);
	f->uptime = (int64_t)(time(NULL) - fs->started);
	f->reads_spliced = __atomic_load_n(&fs->reads_spliced,
					   __ATOMIC_RELAXED);
	f->reads_copied = __atomic_load_n(&fs->reads_copied,
					  __ATOMIC_RELAXED);
}

static void json(struct fimfs *fs, const struct facts *f, struct out *o)
{
	char when[32];

	put(o, "{\"source\": ");
	put_str(o, fs->source);
	put(o, ", \"uptime_seconds\": %lld, \"hashed\": {\"files\": %llu, "
	    "\"bytes\": %llu, \"errors\": %llu, \"changed\": %llu, "
	    "\"joined\": %llu}, \"cache\": {\"hits\": %llu, \"misses\": %llu, "
	    "\"stored\": %llu, \"reused\": %llu, \"forged\": %llu}, "
	    "\"verdicts\": {",
	    (long long)f->uptime, (unsigned long long)f->h.files_hashed,
	    (unsigned long long)f->h.bytes_hashed,
	    (unsigned long long)f->h.errors, (unsigned long long)f->h.changed,
	    (unsigned long long)f->h.joined, (unsigned long long)f->c.hits,
	    (unsigned long long)f->c.misses, (unsigned long long)f->c.puts,
	    (unsigned long long)f->c.reused, (unsigned long long)f->c.forged);
	for (int s = 0; s < FIM_MISSING; s++)
		put(o, "%s\"%s\": %llu", s ? ", " : "", fim_status_name(s),
		    (unsigned long long)f->verdicts[s]);
	put(o, "}, \"refused_writes\": %llu, \"reads\": {\"spliced\": %llu, "
	    "\"copied\": %llu}, \"baseline\": ",
	    (unsigned long long)__atomic_load_n(&fs->refused,
						__ATOMIC_RELAXED),
	    (unsigned long long)f->reads_spliced,
	    (unsigned long long)f->reads_copied);
	if (!f->bl) {
		put(o, "null}\n");
		return;
	}
	rfc3339(fim_baseline_load_time_ns(f->bl), when, sizeof(when));
	put(o, "{\"manifests\": [");
	for (size_t i = 0; i < fim_baseline_manifest_count(f->bl); i++) {
		put(o, i ? ", " : "");
		put_str(o, fim_baseline_manifest_path(f->bl, i));
	}
	put(o, "], \"entries\": %zu, \"key_fingerprint\": \"%s\", "
	    "\"loaded\": \"%s\"}}\n", fim_baseline_entry_count(f->bl),
	    fim_baseline_key_fingerprint(f->bl), when);
}

static void text(struct fimfs *fs, const struct facts *f, struct out *o)
{
	char when[32];

	put(o, "source:          %s\nuptime:          %lld s\n"
	    "hashed:          %llu files, %llu bytes (%llu errors, %llu "
	    "changed while hashed, %llu joined a running hash)\n"
	    "cache:           %llu hits, %llu misses, %llu stored, "
	    "%llu reused across snapshots, %llu forged entries ignored\n"
	    "verdicts:       ",
	    fs->source, (long long)f->uptime,
	    (unsigned long long)f->h.files_hashed,
	    (unsigned long long)f->h.bytes_hashed,
	    (unsigned long long)f->h.errors, (unsigned long long)f->h.changed,
	    (unsigned long long)f->h.joined, (unsigned long long)f->c.hits,
	    (unsigned long long)f->c.misses, (unsigned long long)f->c.puts,
	    (unsigned long long)f->c.reused, (unsigned long long)f->c.forged);
	for (int s = 0; s < FIM_MISSING; s++)
		put(o, " %s %llu", fim_status_name(s),
		    (unsigned long long)f->verdicts[s]);
	put(o, "\nrefused writes:  %llu\n"
	    "read replies:    %llu spliced, %llu copied (too large for "
	    "libfuse's splice pipe)\n",
	    (unsigned long long)__atomic_load_n(&fs->refused,
						__ATOMIC_RELAXED),
	    (unsigned long long)f->reads_spliced,
	    (unsigned long long)f->reads_copied);
	if (!f->bl) {
		put(o, "baseline:        none (verdicts are NOBASELINE)\n");
		return;
	}
	rfc3339(fim_baseline_load_time_ns(f->bl), when, sizeof(when));
	put(o, "baseline:        %zu entries, key %s, loaded %s\n",
	    fim_baseline_entry_count(f->bl),
	    fim_baseline_key_fingerprint(f->bl), when);
	for (size_t i = 0; i < fim_baseline_manifest_count(f->bl); i++)
		put(o, "  manifest:      %s\n",
		    fim_baseline_manifest_path(f->bl, i));
}

bool status_xattr(fuse_req_t req, struct fimfs *fs, const char *name,
		  size_t size)
{
	bool as_json = !strcmp(name, "user.fimfs.status.json");
	struct out o = { .cap = 4096 };
	struct facts f;

	if (!as_json && strcmp(name, "user.fimfs.status"))
		return false;
	/* Paths of manifests and counts of refusals are for root only. */
	if (fuse_req_ctx(req)->uid != 0)
		return fuse_reply_err(req, EACCES), true;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return fuse_reply_err(req, ENOMEM), true;
	gather(fs, &f);
	(as_json ? json : text)(fs, &f, &o);
	fim_baseline_unref(f.bl);
	if (o.failed)
		fuse_reply_err(req, ENOMEM);
	else if (!size)
		fuse_reply_xattr(req, o.len);
	else if (size < o.len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, o.buf, o.len);
	free(o.buf);
	return true;
}

void source_xattr(fuse_req_t req, struct fimfs *fs, const char *path,
		  size_t size)
{
	char *spec = fim_source_spec_below(fs->source, path);
	size_t len = spec ? strlen(spec) : 0;

	if (!spec)
		fuse_reply_err(req, ENOMEM);
	else if (!size)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, spec, len);
	free(spec);
}
