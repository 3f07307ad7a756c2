#include "view.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "guestsrc.h"
#include "hashsvc.h"
#include "log.h"
#include "strhash.h"
#include "view_int.h"
#include "view_svc.h"
#include "vname.h"


int fim_view_new(const struct fim_config *cfg, const char *source_spec,
		 struct fim_view **out, char *err, size_t errsz)
{
	struct fim_dcache_conf dconf = {
		.db_path = cfg->cache_path,
		.mem_entries = (size_t)cfg->cache_memory_entries,
		.reuse_across_snapshots = cfg->reuse_across_snapshots,
		.key_path = cfg->cache_key,
	};
	struct fim_view *v = calloc(1, sizeof(*v));
	struct fim_source_opts sopts;
	char *scope = NULL, *prefix = NULL;
	int ret;

	if (!v) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	v->cfg = cfg;
	pthread_mutex_init(&v->judge_mu, NULL);
	shadow_notes_init(&v->shadows);
	pthread_mutex_init(&v->snaps_mu, NULL);
	pthread_mutex_init(&v->jobs_mu, NULL);
	pthread_cond_init(&v->jobs_done, NULL);
	ret = judge_init(v);
	if (ret) {
		snprintf(err, errsz, "out of memory");
		pthread_cond_destroy(&v->jobs_done);
		pthread_mutex_destroy(&v->jobs_mu);
		free(v);
		return ret;
	}
	v->layout = fim_config_layout_for(cfg, source_spec);
	fim_config_source_opts(cfg, &sopts);
	ret = fim_source_open(source_spec, &sopts, &v->src, err, errsz);
	if (ret)
		goto fail;
	if (cfg->guest_enabled) {
		struct fim_source *lower = v->src;

		ret = fim_source_guest_wrap(lower, cfg, &v->src);
		if (ret) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
	}
	ret = fim_digest_engine_new(cfg->digests, &v->eng);
	if (ret) {
		snprintf(err, errsz, "cannot set up the digests: %s",
			 strerror(-ret));
		goto fail;
	}
	if (!strcmp(cfg->cache_path, "none"))
		dconf.db_path = NULL;
	ret = view_cache_scope(cfg, source_spec, v->layout, &scope, &prefix);
	if (ret) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	dconf.source_id = scope;
	dconf.key_prefix = prefix;
	ret = fim_dcache_open(&dconf, &v->dc, err, errsz);
	if (ret)
		goto fail;
	*out = v;
	free(scope);
	free(prefix);
	return 0;
fail:
	fim_view_free(v);
	free(scope);
	free(prefix);
	return ret;
}

int fim_view_start(struct fim_view *v, char *err, size_t errsz)
{
	int ret = fim_hashsvc_new(v->src, v->eng, v->dc,
				  fim_config_threads(v->cfg), &v->svc);

	if (ret)
		snprintf(err, errsz, "cannot start hashing threads: %s",
			 strerror(-ret));
	return ret;
}

int fim_view_hashsvc_new(struct fim_view *v,
			 const struct fim_hashsvc_opts *opts,
			 struct fim_hashsvc **out)
{
	return fim_hashsvc_new_opts(v->src, v->eng, v->dc, opts, out);
}

bool fim_view_job_begin(struct fim_view *v)
{
	bool ok;

	pthread_mutex_lock(&v->jobs_mu);
	ok = !v->stopping;
	v->jobs += ok;
	pthread_mutex_unlock(&v->jobs_mu);
	return ok;
}

void fim_view_job_end(struct fim_view *v)
{
	pthread_mutex_lock(&v->jobs_mu);
	if (!--v->jobs)
		pthread_cond_broadcast(&v->jobs_done);
	pthread_mutex_unlock(&v->jobs_mu);
}

bool fim_view_stopping(struct fim_view *v)
{
	bool stopping;

	pthread_mutex_lock(&v->jobs_mu);
	stopping = v->stopping;
	pthread_mutex_unlock(&v->jobs_mu);
	return stopping;
}

void fim_view_free(struct fim_view *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->jobs_mu);
	v->stopping = true;
	while (v->jobs)
		pthread_cond_wait(&v->jobs_done, &v->jobs_mu);
	pthread_mutex_unlock(&v->jobs_mu);
	if (v->svc)
		fim_hashsvc_free(v->svc);
	if (v->dc)
		fim_dcache_close(v->dc);
	fim_digest_engine_free(v->eng);
	fim_source_close(v->src);
	judge_put(v->judge);
	pthread_mutex_destroy(&v->judge_mu);
	shadow_notes_free(&v->shadows);
	snaps_free(v);
	pthread_mutex_destroy(&v->snaps_mu);
	pthread_cond_destroy(&v->jobs_done);
	pthread_mutex_destroy(&v->jobs_mu);
	free(v);
}

struct fim_source *fim_view_source(struct fim_view *v)
{
	return v->src;
}

int fim_view_lstat(struct fim_view *v, const char *path, struct fim_stat *st)
{
	return fim_src_lstat(v->src, path, st);
}

int fim_view_access_path(struct fim_view *v, struct fim_cred *c,
			 const char *path, int may, bool dir,
			 struct fim_stat *st)
{
	return fim_access_path(v->src, c, path, may, dir, st);
}

long fim_view_readlink(struct fim_view *v, const char *path, char *buf,
		       size_t size)
{
	return fim_src_readlink(v->src, path, buf, size);
}

long fim_view_getxattr(struct fim_view *v, const char *path,
		       const char *name, void *buf, size_t size)
{
	return fim_src_getxattr(v->src, path, name, buf, size);
}

long fim_view_listxattr(struct fim_view *v, const char *path, char *buf,
			size_t size)
{
	return fim_src_listxattr(v->src, path, buf, size);
}

void fim_view_statvfs(struct fim_view *v, struct statvfs *sv)
{
	fim_src_statvfs(v->src, sv);
}

void fim_view_serving(struct fim_view *v)
{
	fim_src_serving(v->src);
}

struct fim_hashsvc *fim_view_hashsvc(struct fim_view *v)
{
	return v->svc;
}

void fim_view_get_stats(struct fim_view *v, struct fim_view_stats *st)
{
	struct fim_hashsvc_stats h = { 0 };
	struct fim_dcache_stats c;

	if (v->svc)
		fim_hashsvc_get_stats(v->svc, &h);
	fim_dcache_get_stats(v->dc, &c);
	*st = (struct fim_view_stats){
		.files_hashed = h.files_hashed, .bytes_hashed = h.bytes_hashed,
		.joined = h.joined, .errors = h.errors, .changed = h.changed,
		.cache_hits = c.hits, .cache_misses = c.misses,
		.cache_puts = c.puts, .cache_reused = c.reused,
		.cache_forged = c.forged,
	};
}

void fim_view_on_forged(struct fim_view *v,
			void (*fn)(void *arg, const char *path), void *arg)
{
	fim_dcache_on_forged(v->dc, fn, arg);
}

const struct fim_config *fim_view_config(struct fim_view *v)
{
	return v->cfg;
}

enum fim_layout fim_view_layout(struct fim_view *v)
{
	return v->layout;
}

const char *fim_view_bpath(struct fim_view *v, const char *path)
{
	const char *slash;

	if (!*path)
		return NULL;
	if (v->layout != FIM_LAYOUT_SNAPSHOTS)
		return path;
	slash = strchr(path, '/');
	return slash && slash[1] ? slash + 1 : NULL;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

uint64_t fim_view_ino(struct fim_view *v, const char *path, uint64_t ino)
{
	char snap[NAME_MAX + 1];
	size_t n = strcspn(path, "/");

	if (v->layout != FIM_LAYOUT_SNAPSHOTS || !n || n > NAME_MAX)
		return ino;
	memcpy(snap, path, n);
	snap[n] = '\0';
	return ino ^ ((uint64_t)(fim_strhash(snap) & 0xffff) << 40);
}

int fim_view_stat(struct fim_view *v, const char *path, int kind,
		  size_t baselen, struct fim_stat *st)
{
	char base[PATH_MAX];
	int ret;

	if (kind < 0) {
		ret = fim_src_lstat(v->src, path, st);
		if (!ret)
			st->ino = fim_view_ino(v, path, st->ino);
		return ret;
	}
	if (baselen >= sizeof(base))
		return -ENAMETOOLONG;
	memcpy(base, path, baselen);
	base[baselen] = '\0';
	ret = fim_src_lstat(v->src, base, st);
	if (ret)
		return ret == -ENOTDIR ? -ENOENT : ret;
	return view_virtual_attrs(v, base, kind, st);
}

int view_virtual_attrs(struct fim_view *v, const char *base, int kind,
		       struct fim_stat *st)
{
	if (!S_ISREG(st->mode))
		return -ENOENT;
	st->ino = fim_view_ino(v, base, st->ino);
	fim_view_virtual_stat(v, base, st, kind, st);
	return 0;
}

uint64_t fim_view_virtual_ino(const char *path, int kind)
{
	return fim_strhash64(path, (uint64_t)(kind + 1)) | 1ull << 63;
}

void fim_view_virtual_stat(struct fim_view *v, const char *path,
			   const struct fim_stat *st, int kind,
			   struct fim_stat *out)
{
	struct fim_stat s = *st;

	s.size = kind == FIM_VK_VERIFIED
			 ? fim_verdict_line_len(v->cfg->primary)
			 : fim_sumline_len((enum fim_alg)kind,
					   basename_of(path));
	/* Read permission as the file's; never writable or executable. */
	s.mode = S_IFREG | (st->mode & 0444);
	s.nlink = 1;
	s.blocks = (s.size + 511) / 512;
	s.rdev = 0;
	/* A verdict is news when the baseline changes, even if the file
	 * did not: backup and FIM tools go by mtime. */
	if (kind == FIM_VK_VERIFIED && fim_view_judged_since(v) > s.mtime_ns)
		s.mtime_ns = fim_view_judged_since(v);
	s.ino = fim_view_virtual_ino(path, kind);
	*out = s;
}
