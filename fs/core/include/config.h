/* Configuration: defaults, then the libconfig file, then -o options.
 *
 * Every key of the file has a flat name for -o (the key table in config.c):
 * `cache.path` is `cache=PATH`, `hashing.threads` is `threads=N`, lists are
 * colon-separated (`digests=sha256:sha512`), and `rule=GLOB=RULE` appends a
 * policy rule. Errors name the place: "FILE:LINE: message" for the file,
 * "-o KEY: message" for an option.
 */
#ifndef FIM_CONFIG_H
#define FIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

#define FIM_DEFAULT_CONFIG "/etc/fimfs/fimfs.conf"
#define FIM_DEFAULT_CACHE "/var/lib/fimfs/cache.db"
#define FIM_DEFAULT_CACHE_KEY "/etc/fimfs/cache.key"
#define FIM_DEFAULT_AUDIT_LOG "/var/log/fimfs/audit.log"

enum fim_layout { FIM_LAYOUT_AUTO, FIM_LAYOUT_SNAPSHOTS, FIM_LAYOUT_TREE };

/* Who may use the mount: "source", everyone as SOURCE allows them now;
 * "root", root only (no allow_other). */
enum fim_access { FIM_ACCESS_SOURCE, FIM_ACCESS_ROOT };

/* The user.fimfs.<digest> and user.fimfs.verified attributes of regular
 * files: "on", answered and listed; "hidden", answered by name but not
 * listed, so that tools copying every attribute (tar --xattrs, cp -a,
 * rsync -X) leave them behind; "off", not answered. */
enum fim_xattrs { FIM_XATTRS_ON, FIM_XATTRS_HIDDEN, FIM_XATTRS_OFF };

enum fim_audit_level { FIM_AUDIT_ALL, FIM_AUDIT_REFUSALS, FIM_AUDIT_OFF };

enum fim_audit_failure { FIM_AUDIT_CONTINUE, FIM_AUDIT_DENY };

struct fim_rule_conf {
	char *match;        /* fnmatch pattern on the baseline path */
	enum fim_rule rule;
};

struct fim_config {
	enum fim_layout layout;
	uint32_t digests;       /* FIM_* algorithm bits, never 0 */
	enum fim_alg primary;   /* first listed: shown in .verified */
	bool virtual_entries;   /* false: the plain tree, no virtual names */
	enum fim_xattrs xattrs;
	bool reuse_across_snapshots;
	char *run_as;           /* user to switch to after mounting, or NULL */
	enum fim_access access;

	/* kernel caching */
	double entry_timeout;   /* seconds */
	double attr_timeout;
	/* snapshots layout: names at the root (the snapshots) and failed
	 * lookups, so that a rotation shows within it */
	double snapshot_timeout;
	bool keep_cache;
	bool passthrough; /* reads of real files served by the kernel */

	/* hashing */
	uint64_t threads;       /* 0 = number of online CPUs */

	/* cache */
	char *cache_path;       /* "" or "none" = memory only */
	char *cache_key;        /* MAC key of the cache's entries */
	uint64_t cache_memory_entries;
	/* Not a setting of the file or -o: the SOURCE whose names the cache
	 * uses for a view of a directory within it (fimfsctl report through a
	 * mount: the mount's SOURCE); NULL for the view's own (view.h). */
	char *cache_scope;

	/* baseline */
	char **manifests;       /* NULL-terminated */
	size_t n_manifests;
	char *public_key;
	bool new_files_ok;

	/* policy, first match wins; default rule exact */
	struct fim_rule_conf *rules;
	size_t n_rules;
	size_t n_option_rules;  /* the first ones, given with -o rule= */

	/* audit */
	char *audit_path;       /* "" = no audit log */
	enum fim_audit_level audit_level;
	char *audit_seal_key;
	uint64_t audit_epoch_seconds;
	uint64_t audit_epoch_records;
	bool audit_syslog;
	enum fim_audit_failure audit_on_failure;

	/* watch: new snapshots verified in the background (watch.h) */
	uint64_t watch_interval; /* seconds between listings; 0 = off */
	uint64_t watch_threads;  /* its hashing threads; 0 = 1 */
	uint64_t watch_rate;     /* bytes/s it reads at most; 0 = no bound */

	/* nfs (sources given as nfs:// URLs) */
	uint64_t nfs_version;    /* 3 or 4 */
	uint64_t nfs_uid;        /* FIM_NFS_ID_UNSET: the process's own */
	uint64_t nfs_gid;
	uint64_t nfs_timeout_ms;
	uint64_t nfs_retries;
	uint64_t nfs_read_size;
	uint64_t nfs_max_reads;

	/* guest: the file systems inside disk images (NAME.files/) */
	bool guest_enabled;
	char *guest_helper;        /* the fimfs-guest executable */
	uint64_t guest_timeout_ms; /* a reply may take */
	uint64_t guest_memory_mib; /* a reader's address space */
	uint64_t guest_children;   /* readers alive at once; 0 = 1 */
	double guest_idle;         /* seconds before an idle reader stops;
				      0 = never */
};

#define FIM_NFS_ID_UNSET UINT64_MAX

/* Fill cfg with the defaults. */
void fim_config_init(struct fim_config *cfg);
void fim_config_free(struct fim_config *cfg);

/* Read a libconfig file over cfg. Returns 0 or a negative errno with a
 * message in err: -ENOENT when the file does not exist, another errno of
 * opening or reading it, -ENOMEM when out of memory, -EINVAL for what the
 * file says ("FILE:LINE: message"). */
int fim_config_load_file(struct fim_config *cfg, const char *path, char *err,
			 size_t errsz);

/* Apply one flat option "key=value" (or a bare boolean key). Returns 0,
 * -ENOENT when key is not a configuration key (so the caller can pass it on,
 * e.g. to FUSE), or -EINVAL (a bad value) or -ENOMEM with "-o KEY: message"
 * in err. */
int fim_config_set_option(struct fim_config *cfg, const char *opt, char *err,
			  size_t errsz);

/* The layout to use for a given source root (resolves FIM_LAYOUT_AUTO). */
enum fim_layout fim_config_layout_for(const struct fim_config *cfg,
				      const char *source);

struct fim_source_opts;
/* The source backend options (struct fim_source_opts, internal to the
 * core) that cfg sets. */
void fim_config_source_opts(const struct fim_config *cfg,
			    struct fim_source_opts *o);

/* The number of hashing threads to run (resolves 0). */
unsigned fim_config_threads(const struct fim_config *cfg);

#endif
