#include "reload.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "baseline.h"
#include "inode.h"
#include "options.h"
#include "record.h"

int reload_block_signal(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) ? -1 : 0;
}

void reload_baseline(struct fimfs *fs, const struct fim_config *cfg)
{
	char err[1024], detail[1200];
	struct fim_baseline *bl;
	int ret;

	ret = fim_view_load_baseline(fs->view, cfg, err, sizeof(err));
	bl = fim_view_baseline(fs->view);
	if (ret)
		snprintf(detail, sizeof(detail), "%s", err);
	else if (bl)
		snprintf(detail, sizeof(detail), "%zu manifests, %zu entries, "
			 "key %s", fim_baseline_manifest_count(bl),
			 fim_baseline_entry_count(bl),
			 fim_baseline_key_fingerprint(bl));
	else
		snprintf(detail, sizeof(detail), "no baseline configured");
	fim_baseline_unref(bl);
	if (!ret)
		fim_log(LOG_INFO, "baseline: %s", detail);
	record_event(fs, FIM_AUDIT_EV_BASELINE,
		     ret ? "baseline-reject" : "baseline-load", ret ? -ret : 0,
		     detail);
}

/* The kernel keeps .verified pages and attributes for a day on a snapshot
 * mount; after a reload they may be stale. */
static void invalidate_verdicts(struct fimfs *fs)
{
	fuse_ino_t *inos = NULL;
	size_t n = 0;

	pthread_mutex_lock(&fs->nodes_mu);
	inos = calloc(fs->nnodes + 1, sizeof(*inos));
	for (size_t b = 0; inos && b < fs->nbuckets; b++)
		for (struct node *nd = fs->by_name[b]; nd; nd = nd->next)
			if (nd->kind == FIM_VK_VERIFIED)
				inos[n++] = node_ino(fs, nd);
	pthread_mutex_unlock(&fs->nodes_mu);
	if (!inos) {
		fim_log(LOG_ERR, "reload: out of memory: cached verdicts may "
			"be stale until their timeout");
		return;
	}
	/* -ENOENT: the kernel already forgot it, which is as good. */
	for (size_t i = 0; i < n; i++)
		fuse_lowlevel_notify_inval_inode(fs->se, inos[i], 0, 0);
	free(inos);
}

static void reload(struct fimfs *fs)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fim_config cfg;

	fim_audit_reopen(fs->audit);
	fim_config_init(&cfg);
	/* FUSE options cannot change now; they are collected and dropped. */
	if (options_configure(fs->cmdline, &cfg, &args)) {
		fim_log(LOG_ERR, "reload: configuration rejected, keeping the "
			"current one");
		record_event(fs, FIM_AUDIT_EV_CONFIG, "config-reject", EINVAL,
			     NULL);
		goto out;
	}
	record_event(fs, FIM_AUDIT_EV_CONFIG, "config-reload", 0, NULL);
	reload_baseline(fs, &cfg);
	invalidate_verdicts(fs);
out:
	fuse_opt_free_args(&args);
	fim_config_free(&cfg);
}

static void *reload_thread(void *arg)
{
	struct fimfs *fs = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (__atomic_load_n(&fs->stopping, __ATOMIC_ACQUIRE))
			return NULL;
		fim_log(LOG_INFO, "SIGHUP: reloading");
		reload(fs);
	}
}

int reload_start(struct fimfs *fs, pthread_t *tid)
{
	return pthread_create(tid, NULL, reload_thread, fs) ? -1 : 0;
}

void reload_stop(struct fimfs *fs, pthread_t tid)
{
	__atomic_store_n(&fs->stopping, 1, __ATOMIC_RELEASE);
	pthread_kill(tid, SIGHUP);
	pthread_join(tid, NULL);
}
