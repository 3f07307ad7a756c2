#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "buf.h"
#include "json.h"
#include "source_spec.h"
#include "watch.h"

struct out {
	struct fim_buf b;
	bool failed;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fim_buf_vprintf(&o->b, fmt, ap))
		o->failed = true;
	va_end(ap);
}

static void rfc3339(int64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct facts {
	struct fim_view_stats work; /* hashing and cache */
	uint64_t verdicts[FIM_STATUS_COUNT];
	struct fim_baseline *bl;
	int64_t uptime;
	bool watching;
	struct fim_watch_status w;
	uint64_t reads_spliced, reads_copied;
};

static void gather(struct fimfs *fs, struct facts *f)
{
	fim_view_get_stats(fs->view, &f->work);
	fim_view_verdict_counts(fs->view, f->verdicts);
	f->bl = fim_view_baseline(fs->view);
	f->uptime = (int64_t)(time(NULL) - fs->started);
	f->reads_spliced = __atomic_load_n(&fs->reads_spliced,
					   __ATOMIC_RELAXED);
	f->reads_copied = __atomic_load_n(&fs->reads_copied,
					  __ATOMIC_RELAXED);
	f->watching = fs->watch != NULL;
	if (f->watching)
		fim_watch_get_status(fs->watch, &f->w);
}

static void json_baseline(struct fim_json *w, struct fim_baseline *bl)
{
	char when[32];

	if (!bl) {
		fim_json_null(w, "baseline");
		return;
	}
	rfc3339(fim_baseline_load_time_ns(bl), when, sizeof(when));
	fim_json_begin_object(w, "baseline");
	fim_json_begin_array(w, "manifests");
	for (size_t i = 0; i < fim_baseline_manifest_count(bl); i++)
		fim_json_str(w, NULL, fim_baseline_manifest_path(bl, i));
	fim_json_end(w);
	fim_json_uint(w, "entries", fim_baseline_entry_count(bl));
	fim_json_str(w, "key_fingerprint", fim_baseline_key_fingerprint(bl));
	fim_json_str(w, "loaded", when);
	fim_json_end(w);
}

static void json_watch(struct fim_json *j, struct fimfs *fs,
		       const struct facts *f)
{
	const struct fim_watch_status *w = &f->w;
	char when[32];

	if (!f->watching) {
		fim_json_null(j, "watch");
		return;
	}
	fim_json_begin_object(j, "watch");
	fim_json_uint(j, "interval_seconds", fs->cfg.watch_interval);
	fim_json_uint(j, "snapshots", w->known);
	fim_json_uint(j, "verified", w->verified);
	fim_json_uint(j, "findings", w->findings);
	fim_json_uint(j, "skipped", w->skipped);
	fim_json_uint(j, "bytes_read", w->bytes_read);
	if (*w->current) {
		fim_json_begin_object(j, "current");
		fim_json_str(j, "snapshot", w->current);
		fim_json_uint(j, "files", w->files);
		fim_json_uint(j, "files_done", w->done_files);
		fim_json_uint(j, "bytes", w->bytes);
		fim_json_uint(j, "bytes_done", w->done_bytes);
		fim_json_end(j);
	} else {
		fim_json_null(j, "current");
	}
	if (*w->last_snap) {
		rfc3339(w->last_time * 1000000000LL, when, sizeof(when));
		fim_json_begin_object(j, "last_finding");
		fim_json_str(j, "snapshot", w->last_snap);
		fim_json_str(j, "path", w->last_path);
		fim_json_str(j, "status", fim_status_name(w->last_status));
		fim_json_str(j, "time", when);
		fim_json_end(j);
	} else {
		fim_json_null(j, "last_finding");
	}
	fim_json_end(j);
}

static void json(struct fimfs *fs, const struct facts *f, struct out *o)
{
	struct fim_json w;

	fim_json_init(&w, &o->b, true);
	fim_json_begin_object(&w, NULL);
	fim_json_str(&w, "source", fs->source);
	fim_json_int(&w, "uptime_seconds", f->uptime);
	fim_json_begin_object(&w, "hashed");
	fim_json_uint(&w, "files", f->work.files_hashed);
	fim_json_uint(&w, "bytes", f->work.bytes_hashed);
	fim_json_uint(&w, "errors", f->work.errors);
	fim_json_uint(&w, "changed", f->work.changed);
	fim_json_uint(&w, "joined", f->work.joined);
	fim_json_end(&w);
	fim_json_begin_object(&w, "cache");
	fim_json_uint(&w, "hits", f->work.cache_hits);
	fim_json_uint(&w, "misses", f->work.cache_misses);
	fim_json_uint(&w, "stored", f->work.cache_puts);
	fim_json_uint(&w, "reused", f->work.cache_reused);
	fim_json_uint(&w, "forged", f->work.cache_forged);
	fim_json_end(&w);
	fim_json_begin_object(&w, "verdicts");
	for (int s = 0; s < FIM_MISSING; s++)
		fim_json_uint(&w, fim_status_name(s), f->verdicts[s]);
	fim_json_end(&w);
	fim_json_uint(&w, "refused_writes",
		      __atomic_load_n(&fs->refused, __ATOMIC_RELAXED));
	fim_json_str(&w, "real_files", fs->passthrough_on ? "passthrough"
							   : "daemon");
	fim_json_begin_object(&w, "reads");
	fim_json_uint(&w, "spliced", f->reads_spliced);
	fim_json_uint(&w, "copied", f->reads_copied);
	fim_json_end(&w);
	fim_json_begin_object(&w, "requests");
	for (int k = 0; k < REQ_KINDS; k++)
		fim_json_uint(&w, reqcount_names[k],
			      __atomic_load_n(&fs->requests[k],
					      __ATOMIC_RELAXED));
	fim_json_end(&w);
	json_watch(&w, fs, f);
	json_baseline(&w, f->bl);
	fim_json_end(&w);
	if (fim_json_finish(&w))
		o->failed = true;
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

/* The request counters (reqcount.h), as a line. */
static void requests_text(struct fimfs *fs, struct out *o)
{
	put(o, "requests:       ");
	for (int k = 0; k < REQ_KINDS; k++)
		put(o, " %s %llu", reqcount_names[k],
		    (unsigned long long)__atomic_load_n(&fs->requests[k],
							__ATOMIC_RELAXED));
	put(o, "\n");
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
	    (unsigned long long)f->work.files_hashed,
	    (unsigned long long)f->work.bytes_hashed,
	    (unsigned long long)f->work.errors,
	    (unsigned long long)f->work.changed,
	    (unsigned long long)f->work.joined,
	    (unsigned long long)f->work.cache_hits,
	    (unsigned long long)f->work.cache_misses,
	    (unsigned long long)f->work.cache_puts,
	    (unsigned long long)f->work.cache_reused,
	    (unsigned long long)f->work.cache_forged);
	for (int s = 0; s < FIM_MISSING; s++)
		put(o, " %s %llu", fim_status_name(s),
		    (unsigned long long)f->verdicts[s]);
	put(o, "\nrefused writes:  %llu\n"
	    "read replies:    %llu spliced, %llu copied (too large for "
	    "libfuse's splice pipe)\n"
	    "real files:      %s\n",
	    (unsigned long long)__atomic_load_n(&fs->refused,
						__ATOMIC_RELAXED),
	    (unsigned long long)f->reads_spliced,
	    (unsigned long long)f->reads_copied,
	    fs->passthrough_on ? "read by the kernel from SOURCE (passthrough)"
			       : "read through the daemon");
	watch_text(fs, f, o);
	requests_text(fs, o);
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
	struct out o = { .b = FIM_BUF_INIT };
	struct facts f;

	if (!as_json && strcmp(name, "user.fimfs.status"))
		return false;
	/* Paths of manifests and counts of refusals are for root only. */
	if (fuse_req_ctx(req)->uid != 0)
		return fuse_reply_err(req, EACCES), true;
	gather(fs, &f);
	(as_json ? json : text)(fs, &f, &o);
	fim_baseline_unref(f.bl);
	if (o.failed)
		fuse_reply_err(req, ENOMEM);
	else if (!size)
		fuse_reply_xattr(req, o.b.len);
	else if (size < o.b.len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, o.b.p, o.b.len);
	fim_buf_free(&o.b);
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
