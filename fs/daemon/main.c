/* fimfs: the daemon. Validates everything before mounting, so that a bad
 * configuration never leaves a half-started daemon or a mount behind. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "background.h"
#include "fimfs.h"
#include "inode.h"
#include "options.h"
#include "privs.h"
#include "record.h"
#include "reload.h"
#include "reqcount.h"
#include "splice.h"
#include "tmpfile.h"
#include "watcher.h"

/* A dead FUSE mount answers ENOTCONN: say so instead of failing obscurely
 * (or hanging) in the mount call. */
static int check_mountpoint(const char *mnt)
{
	struct statvfs sv;
	struct stat st;

	/* statfs always reaches the daemon; stat may be answered from the
	 * kernel's attribute cache even when the daemon is gone. */
	if (statvfs(mnt, &sv) == 0 && stat(mnt, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "fimfs: %s: not a directory\n", mnt);
		return -1;
	}
	if (errno == ENOTCONN)
		fprintf(stderr, "fimfs: %s: a dead FUSE mount is in the way "
			"(its daemon is gone); unmount it first with "
			"'fusermount3 -u %s' (or 'umount -l %s')\n", mnt, mnt,
			mnt);
	else
		fprintf(stderr, "fimfs: %s: %s\n", mnt, strerror(errno));
	return -1;
}

/* Large page-cached reads reach us as requests of the mount's read-ahead
 * size; the default 128 KiB costs a round trip per 128 KiB. Up to the
 * largest reply libfuse can splice (1 MiB, or a little less where pipes
 * cannot grow to hold 1 MiB and the reply header): a read-ahead window, or
 * twice it for POSIX_FADV_SEQUENTIAL, is then whole READ requests of the
 * size INIT caps them to (ops.c). Root only; failure just leaves the
 * default. */
static void raise_read_ahead(const char *mnt_real)
{
	unsigned maj, min, kb = (unsigned)(splice_read_max(1 << 20) >> 10);
	char path[64], val[16];
	int fd, len;

	if (kb <= 128 || !mnt_real || mount_dev(mnt_real, &maj, &min))
		return;
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/read_ahead_kb",
		 maj, min);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = snprintf(val, sizeof(val), "%u", kb);
	if (write(fd, val, (size_t)len) != len)
		fim_log(LOG_DEBUG, "%s: %s", path, strerror(errno));
	close(fd);
}

/* The files root may have created for us earlier stay ours. */
static int drop_privileges(struct fimfs *fs)
{
	char *state = fim_audit_state_path(fs->cfg.audit_path);

	if (strcmp(fs->cfg.cache_path, "none"))
		privs_hand_over(&fs->user, fs->cfg.cache_path);
	if (*fs->cfg.audit_path) {
		privs_hand_over(&fs->user, fs->cfg.audit_path);
		if (state)
			privs_hand_over(&fs->user, state);
	}
	if (fs->cfg.audit_seal_key && *fs->cfg.audit_seal_key)
		privs_hand_over(&fs->user, fs->cfg.audit_seal_key);
	free(state);
	return privs_drop(&fs->user);
}

/* Hashing threads, the audit log (its epoch timer is a thread) and the
 * SIGHUP thread. */
static int start_threads(struct fimfs *fs, pthread_t *reloader, char *err,
			 size_t errsz)
{
	struct fim_audit_opts ao;
	int ret;

	ret = fim_view_start(fs->view, err, errsz);
	if (ret)
		return ret;
	fim_audit_opts_from_config(&ao, &fs->cfg);
	ret = fim_audit_open(&ao, &fs->audit);
	/* Mounted already: an unusable log is an alert and, with
	 * audit.on_failure = deny, a refusal of every open. */
	if (ret) {
		fim_log(LOG_CRIT, "audit log %s cannot be written: %s%s",
			ao.path, strerror(-ret),
			fs->cfg.audit_on_failure == FIM_AUDIT_DENY
				? "; denying opens" : "");
		fs->audit_broken = fs->cfg.audit_on_failure == FIM_AUDIT_DENY;
	}
	if (reload_start(fs, reloader)) {
		snprintf(err, errsz, "cannot start the reload thread");
		return -EAGAIN;
	}
	return 0;
}

/* Mount; take the O_TMPFILE requests libfuse cannot (tmpfile.c); without
 * -f go to the background: returns in the daemon only, the starting
 * process exits once it knows whether the mount answers. */
static int mount_fs(struct fimfs *fs, const struct fimfs_cmdline *cl)
{
	/* Resolved before mounting: afterwards the path leads to us. */
	char *mnt_real = realpath(cl->mountpoint, NULL);
	int ret = -1;

	if (fuse_session_mount(fs->se, cl->mountpoint))
		goto out;
	if (tmpfile_intercept(fs))
		goto unmount;
	raise_read_ahead(mnt_real);
	if (!cl->foreground && background_start(fs->se, mnt_real))
		goto unmount;
	ret = 0;
	goto out;
unmount:
	fuse_session_unmount(fs->se);
out:
	free(mnt_real);
	return ret;
}

static int serve(struct fimfs *fs, const struct fimfs_cmdline *cl)
{
	struct fuse_loop_config *lc = fuse_loop_cfg_create();
	pthread_t reloader = 0; /* set when start_threads succeeds */
	char err[1024];
	int ret;

	if (!lc)
		return -1;
	if (mount_fs(fs, cl)) {
		fuse_loop_cfg_destroy(lc);
		return -1;
	}
	/* Threads only now: background_start() forks, and capabilities
	 * are per thread. */
	ret = fs->cfg.run_as ? drop_privileges(fs) : 0;
	if (ret)
		snprintf(err, sizeof(err), "cannot drop privileges");
	else
		ret = start_threads(fs, &reloader, err, sizeof(err));
	if (ret) {
		fim_log(LOG_ERR, "%s", err);
	} else {
		fs->started = time(NULL);
		fim_log(LOG_INFO, "mounted %s on %s", fs->source,
			fs->mountpoint);
		record_event(fs, FIM_AUDIT_EV_MOUNT, "mount", 0, fs->source);
		fim_view_serving(fs->view);
		reload_baseline(fs, &fs->cfg);
		watcher_start(fs);
		fuse_loop_cfg_set_max_threads(lc, 64);
		/* a cloned /dev/fuse fd would need root again after run_as */
		fuse_loop_cfg_set_clone_fd(lc, 0);
		ret = fuse_session_loop_mt(fs->se, lc);
		watcher_stop(fs);
		fim_log(LOG_INFO, "unmounting %s", fs->mountpoint);
		record_event(fs, FIM_AUDIT_EV_MOUNT, "unmount", 0, fs->source);
		reload_stop(fs, reloader);
	}
	fuse_session_unmount(fs->se);
	fim_audit_close(fs->audit);
	fs->audit = NULL;
	fuse_loop_cfg_destroy(lc);
	return ret ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fimfs_cmdline cl;
	struct fimfs fs = { 0 };
	struct fuse_lowlevel_ops ops;
	char err[1024], *source_real = NULL;
	int status = 1;

	/* Up to 64 workers, each with an arena of its own by default (8 a
	 * core), each keeping its peak of short-lived request buffers: two
	 * are enough, the nodes having their own pool. */
	mallopt(M_ARENA_MAX, 2);
	options_parse(argc, argv, &cl);
	/* The mount's source name must lead back to SOURCE from anywhere
	 * (fimfsctl report maps mounted paths back through it). */
	if (strncmp(cl.source, "nfs://", 6) &&
	    !(source_real = realpath(cl.source, NULL))) {
		fprintf(stderr, "fimfs: %s: %s\n", cl.source, strerror(errno));
		options_free(&cl);
		return 1;
	}
	if (source_real)
		cl.source = source_real;
	if (reload_block_signal()) {
		fprintf(stderr, "fimfs: cannot block SIGHUP\n");
		options_free(&cl);
		free(source_real);
		return 1;
	}
	openlog("fimfs", LOG_PID, LOG_DAEMON);
	fim_config_init(&fs.cfg);
	pthread_mutex_init(&fs.pending_mu, NULL);
	pthread_mutex_init(&fs.pt_mu, NULL);
	handles_init(&fs.handles);
	fs.source = (char *)cl.source;
	fs.mountpoint = (char *)cl.mountpoint;
	fs.cmdline = &cl;
	if (fuse_opt_add_arg(&args, argv[0]) ||
	    options_configure(&cl, &fs.cfg, &args) ||
	    check_mountpoint(cl.mountpoint) || watcher_check(&fs) ||
	    (fs.cfg.run_as && privs_lookup(fs.cfg.run_as, &fs.user)))
		goto out;
	/* As root: the cache reads its key here, before run_as. */
	if (fim_view_new(&fs.cfg, cl.source, &fs.view, err, sizeof(err))) {
		fprintf(stderr, "fimfs: %s\n", err);
		goto out;
	}
	fim_view_on_forged(fs.view, record_cache_forgery, &fs);
	if (nodes_init(&fs)) {
		fprintf(stderr, "fimfs: out of memory\n");
		goto out;
	}
	reqcount_ops(&ops);
	fs.se = fuse_session_new(&args, &ops, sizeof(ops), &fs);
	if (!fs.se)
		goto out; /* libfuse said why */
	if (fuse_set_signal_handlers(fs.se))
		goto out;
	status = serve(&fs, &cl) ? 1 : 0;
	fuse_remove_signal_handlers(fs.se);
out:
	/* Files still open close while their source is there (a pending
	 * read holds its own reference); then the hashing threads answer
	 * what still waits for them (cancelled) while the session is still
	 * there to take the replies. */
	handles_drop_all(&fs.handles);
	fim_view_free(fs.view);
	if (fs.se)
		fuse_session_destroy(fs.se);
	nodes_destroy(&fs);
	fim_config_free(&fs.cfg);
	fuse_opt_free_args(&args);
	options_free(&cl);
	free(source_real);
	return status;
}
