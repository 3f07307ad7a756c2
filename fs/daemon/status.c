#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "json.h"
#include "watch.h"

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
	bool watching;
	struct fim_watch_status w;
};

static void gather(struct fimfs *fs, struct facts *f)
{
	fim_hashsvc_get_stats(fim_view_hashsvc(fs->view), &f->h);
	fim_dcache_get_stats(fim_view_dcache(fs->view), &f->c);
	fim_view_verdict_counts(fs->view, f->verdicts);
	f->bl = fim_view_baseline(fs->view);
	f->uptime = (int64_t)(time(NULL) - fs->started);
	f->watching = fs->watch != NULL;
	if (f->watching)
		fim_watch_get_status(fs->watch, &f->w);
}

/* The watcher's part of the JSON document, ending in ", ". */
static void watch_json(struct fimfs *fs, const struct facts *f,
		       struct out *o)
{
	const struct fim_watch_status *w = &f->w;
	char when[32];

	if (!f->watching) {
		put(o, "\"watch\": null, ");
		return;
	}
	put(o, "\"watch\": {\"interval_seconds\": %llu, \"snapshots\": %zu, "
	    "\"verified\": %zu, \"findings\": %llu, \"skipped\": %llu, "
	    "\"bytes_read\": %llu, \"current\": ",
	    (unsigned long long)fs->cfg.watch_interval, w->known, w->verified,
	    (unsigned long long)w->findings, (unsigned long long)w->skipped,
	    (unsigned long long)w->bytes_read);
	if (*w->current) {
		put(o, "{\"snapshot\": ");
		put_str(o, w->current);
		put(o, ", \"files\": %llu, \"files_done\": %llu, "
		    "\"bytes\": %llu, \"bytes_done\": %llu}",
		    (unsigned long long)w->files,
		    (unsigned long long)w->done_files,
		    (unsigned long long)w->bytes,
		    (unsigned long long)w->done_bytes);
	} else {
		put(o, "null");
	}
	put(o, ", \"last_finding\": ");
	if (!*w->last_snap) {
		put(o, "null}, ");
		return;
	}
	rfc3339(w->last_time * 1000000000LL, when, sizeof(when));
	put(o, "{\"snapshot\": ");
	put_str(o, w->last_snap);
	put(o, ", \"path\": ");
	put_str(o, w->last_path);
	put(o, ", \"status\": \"%s\", \"time\": \"%s\"}}, ",
	    fim_status_name(w->last_status), when);
}

static void watch_text(struct fimfs *fs, const struct facts *f,
		       struct out *o)
{
	const struct fim_watch_status *w = &f->w;
	char when[32];

	if (!f->watching) {
		put(o, "watch:           off\n");
		return;
	}
	put(o, "watch:           every %llu s: %zu snapshots, %zu verified, "
	    "%llu findings, %llu skipped (deleted while verified), %llu "
	    "bytes read\n", (unsigned long long)fs->cfg.watch_interval,
	    w->known, w->verified, (unsigned long long)w->findings,
	    (unsigned long long)w->skipped,
	    (unsigned long long)w->bytes_read);
	if (*w->current)
		put(o, "  verifying:     %s: %llu/%llu files, %llu/%llu "
		    "bytes\n", w->current, (unsigned long long)w->done_files,
		    (unsigned long long)w->files,
		    (unsigned long long)w->done_bytes,
		    (unsigned long long)w->bytes);
	if (*w->last_snap) {
		rfc3339(w->last_time * 1000000000LL, when, sizeof(when));
		put(o, "  last finding:  %s %s/%s at %s\n",
		    fim_status_name(w->last_status), w->last_snap,
		    w->last_path, when);
	}
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
	put(o, "}, \"refused_writes\": %llu, ",
	    (unsigned long long)__atomic_load_n(&fs->refused,
						__ATOMIC_RELAXED));
	watch_json(fs, f, o);
	put(o, "\"baseline\": ");
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
	put(o, "\nrefused writes:  %llu\n",
	    (unsigned long long)__atomic_load_n(&fs->refused,
						__ATOMIC_RELAXED));
	watch_text(fs, f, o);
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
