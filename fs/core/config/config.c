/* Configuration. One table describes every key: its place in the file, its
 * flat -o name and its type; file values and -o values go through the same
 * string parser so both are validated alike. */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "guest.h"
#include "source.h"

enum ktype {
	K_BOOL, K_U64, K_SECONDS, K_STRING, K_LAYOUT, K_DIGESTS, K_STRLIST,
	K_RULE, K_AUDIT_LEVEL, K_AUDIT_FAILURE, K_NFS_VERSION, K_ACCESS,
	K_XATTRS,
};

struct key {
	const char *path; /* in the file */
	const char *flat; /* for -o */
	enum ktype type;
	size_t off;
	uint64_t max; /* K_U64 */
};

#define F(field) offsetof(struct fim_config, field)
static const struct key keys[] = {
	{ "layout", "layout", K_LAYOUT, F(layout), 0 },
	{ "digests", "digests", K_DIGESTS, F(digests), 0 },
	{ "virtual", "virtual", K_BOOL, F(virtual_entries), 0 },
	{ "xattrs", "xattrs", K_XATTRS, F(xattrs), 0 },
	{ "reuse_across_snapshots", "reuse_across_snapshots", K_BOOL,
	  F(reuse_across_snapshots), 0 },
	{ "run_as", "run_as", K_STRING, F(run_as), 0 },
	{ "access", "access", K_ACCESS, F(access), 0 },
	{ "kernel.entry_timeout", "entry_timeout", K_SECONDS,
	  F(entry_timeout), 0 },
	{ "kernel.attr_timeout", "attr_timeout", K_SECONDS, F(attr_timeout),
	  0 },
	{ "kernel.snapshot_timeout", "snapshot_timeout", K_SECONDS,
	  F(snapshot_timeout), 0 },
	{ "kernel.keep_cache", "keep_cache", K_BOOL, F(keep_cache), 0 },
	{ "kernel.passthrough", "passthrough", K_BOOL, F(passthrough), 0 },
	{ "hashing.threads", "threads", K_U64, F(threads), 1024 },
	{ "cache.path", "cache", K_STRING, F(cache_path), 0 },
	{ "cache.key", "cache_key", K_STRING, F(cache_key), 0 },
	{ "cache.memory_entries", "cache_memory_entries", K_U64,
	  F(cache_memory_entries), 1u << 26 },
	{ "baseline.manifests", "manifest", K_STRLIST, F(manifests), 0 },
	{ "baseline.public_key", "pubkey", K_STRING, F(public_key), 0 },
	{ "baseline.new_files_ok", "new_files_ok", K_BOOL, F(new_files_ok),
	  0 },
	{ "rules", "rule", K_RULE, F(rules), 0 },
	{ "audit.path", "audit_log", K_STRING, F(audit_path), 0 },
	{ "audit.level", "audit_level", K_AUDIT_LEVEL, F(audit_level), 0 },
	{ "audit.seal_key", "audit_seal_key", K_STRING, F(audit_seal_key), 0 },
	{ "audit.epoch_seconds", "audit_epoch_seconds", K_U64,
	  F(audit_epoch_seconds), UINT64_MAX },
	{ "audit.epoch_records", "audit_epoch_records", K_U64,
	  F(audit_epoch_records), UINT64_MAX },
	{ "audit.syslog", "audit_syslog", K_BOOL, F(audit_syslog), 0 },
	{ "audit.on_failure", "audit_on_failure", K_AUDIT_FAILURE,
	  F(audit_on_failure), 0 },
	{ "watch.interval", "watch", K_U64, F(watch_interval), 31536000 },
	{ "watch.threads", "watch_threads", K_U64, F(watch_threads), 64 },
	{ "watch.rate", "watch_rate", K_U64, F(watch_rate), UINT64_MAX },
	{ "nfs.version", "nfs_version", K_NFS_VERSION, F(nfs_version), 0 },
	{ "nfs.uid", "nfs_uid", K_U64, F(nfs_uid), 4294967294u },
	{ "nfs.gid", "nfs_gid", K_U64, F(nfs_gid), 4294967294u },
	{ "nfs.timeout_ms", "nfs_timeout", K_U64, F(nfs_timeout_ms),
	  86400000 },
	{ "nfs.retries", "nfs_retries", K_U64, F(nfs_retries), 100 },
	{ "nfs.read_size", "nfs_read_size", K_U64, F(nfs_read_size),
	  1u << 20 },
	{ "nfs.max_reads", "nfs_max_reads", K_U64, F(nfs_max_reads), 64 },
	{ "guest.enabled", "guest", K_BOOL, F(guest_enabled), 0 },
	{ "guest.helper", "guest_helper", K_STRING, F(guest_helper), 0 },
	{ "guest.timeout", "guest_timeout", K_U64, F(guest_timeout_ms),
	  3600000 },
	{ "guest.memory", "guest_memory", K_U64, F(guest_memory_mib),
	  1u << 20 },
	{ "guest.children", "guest_children", K_U64, F(guest_children),
	  1024 },
	{ "guest.idle", "guest_idle", K_SECONDS, F(guest_idle), 0 },
};
#undef F

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const groups[] = { "kernel", "hashing", "cache",
				      "baseline", "audit", "watch", "nfs",
				      "guest" };

void fim_config_init(struct fim_config *cfg)
{
	struct fim_source_opts so;
	struct fim_guest_opts go;

	memset(cfg, 0, sizeof(*cfg));
	cfg->layout = FIM_LAYOUT_AUTO;
	cfg->digests = 1u << FIM_SHA256;
	cfg->primary = FIM_SHA256;
	cfg->virtual_entries = true;
	cfg->entry_timeout = 86400;
	cfg->attr_timeout = 86400;
	cfg->snapshot_timeout = 1;
	cfg->keep_cache = true;
	cfg->passthrough = true;
	cfg->cache_path = strdup(FIM_DEFAULT_CACHE);
	cfg->cache_key = strdup(FIM_DEFAULT_CACHE_KEY);
	cfg->cache_memory_entries = 16384;
	cfg->audit_path = strdup(FIM_DEFAULT_AUDIT_LOG);
	cfg->audit_epoch_seconds = 3600;
	cfg->audit_syslog = true;
	cfg->watch_threads = 1;
	/* The NFS backend's own defaults, stated once in source.c. */
	fim_source_opts_init(&so);
	cfg->nfs_version = so.nfs_version;
	cfg->nfs_uid = FIM_NFS_ID_UNSET;
	cfg->nfs_gid = FIM_NFS_ID_UNSET;
	cfg->nfs_timeout_ms = so.nfs_timeout_ms;
	cfg->nfs_retries = so.nfs_retries;
	cfg->nfs_read_size = so.nfs_read_size;
	cfg->nfs_max_reads = so.nfs_max_reads;
	/* The guest reader's own defaults, stated once in guest_client.c. */
	fim_guest_opts_init(&go);
	cfg->guest_helper = strdup(go.helper);
	cfg->guest_timeout_ms = go.timeout_ms;
	cfg->guest_memory_mib = go.mem_mib;
	cfg->guest_children = 4;
	cfg->guest_idle = 300;
}

static void free_strlist(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void fim_config_free(struct fim_config *cfg)
{
	free(cfg->run_as);
	free(cfg->cache_path);
	free(cfg->guest_helper);
	free(cfg->cache_key);
	free(cfg->cache_scope);
	free_strlist(&cfg->manifests, &cfg->n_manifests);
	free(cfg->public_key);
	for (size_t i = 0; i < cfg->n_rules; i++)
		free(cfg->rules[i].match);
	free(cfg->rules);
	free(cfg->audit_path);
	free(cfg->audit_seal_key);
	memset(cfg, 0, sizeof(*cfg));
}

static const struct key *find_key(const char *name, int flat)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(name, flat ? keys[i].flat : keys[i].path))
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "no") ||
		 !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*out = n;
	return 0;
}

static int parse_seconds(const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= 0) || d > 1e9)
		return -1;
	*out = d;
	return 0;
}

static int add_digest(struct fim_config *cfg, const char *name, int first,
		      char *msg, size_t msz)
{
	int a = fim_alg_from_name(name);

	if (a < 0 || strcmp(name, fim_alg_name(a))) {
		snprintf(msg, msz, "unknown digest '%s' (sha256, sha512, sha384, "
			 "sha1, md5, rmd160, blake2b512, sha3-256)", name);
		return -EINVAL;
	}
	if (first) {
		cfg->digests = 0;
		cfg->primary = a;
	}
	if (cfg->digests & (1u << a)) {
		snprintf(msg, msz, "digest '%s' listed twice", name);
		return -EINVAL;
	}
	cfg->digests |= 1u << a;
	return 0;
}

/* "GLOB=RULE": the last '=' separates, globs may hold '='. */
static int add_rule(struct fim_config *cfg, const char *match,
		    const char *rule, char *msg, size_t msz)
{
	struct fim_rule_conf *r;
	int kind = fim_rule_from_name(rule);

	if (kind < 0) {
		snprintf(msg, msz, "unknown rule '%s' (exact, content, "
			 "append-only, ignore)", rule);
		return -EINVAL;
	}
	if (!*match) {
		snprintf(msg, msz, "empty match pattern");
		return -EINVAL;
	}
	r = realloc(cfg->rules, (cfg->n_rules + 1) * sizeof(*r));
	if (!r)
		goto oom;
	cfg->rules = r;
	r[cfg->n_rules].match = strdup(match);
	if (!r[cfg->n_rules].match)
		goto oom;
	r[cfg->n_rules++].rule = kind;
	return 0;
oom:
	snprintf(msg, msz, "out of memory");
	return -ENOMEM;
}

static int set_string(char **field, const char *v, char *msg, size_t msz)
{
	char *s = strdup(v);

	if (!s) {
		snprintf(msg, msz, "out of memory");
		return -ENOMEM;
	}
	free(*field);
	*field = s;
	return 0;
}

static int append_string(struct fim_config *cfg, const char *v, char *msg,
			 size_t msz)
{
	char **l = realloc(cfg->manifests,
			   (cfg->n_manifests + 2) * sizeof(*l));

	if (!l || !(l[cfg->n_manifests] = strdup(v))) {
		if (l)
			cfg->manifests = l;
		snprintf(msg, msz, "out of memory");
		return -ENOMEM;
	}
	cfg->manifests = l;
	l[++cfg->n_manifests] = NULL;
	return 0;
}

/* Set one scalar value, or one element of a list key (reset: the first
 * element, which replaces what an earlier source set). */
static int set_value(struct fim_config *cfg, const struct key *k,
		     const char *v, int reset, char *msg, size_t msz)
{
	void *field = (char *)cfg + k->off;
	int ok = 0;

	switch (k->type) {
	case K_BOOL:
		ok = !parse_bool(v, field);
		break;
	case K_U64:
		ok = !parse_u64(v, k->max, field);
		break;
	case K_SECONDS:
		ok = !parse_seconds(v, field);
		break;
	case K_STRING:
		return set_string(field, v, msg, msz);
	case K_LAYOUT:
		ok = 1;
		if (!strcmp(v, "snapshots"))
			cfg->layout = FIM_LAYOUT_SNAPSHOTS;
		else if (!strcmp(v, "tree"))
			cfg->layout = FIM_LAYOUT_TREE;
		else if (!strcmp(v, "auto"))
			cfg->layout = FIM_LAYOUT_AUTO;
		else
			ok = 0;
		break;
	case K_DIGESTS:
		return add_digest(cfg, v, reset, msg, msz);
	case K_STRLIST:
		if (reset)
			free_strlist(&cfg->manifests, &cfg->n_manifests);
		return append_string(cfg, v, msg, msz);
	case K_AUDIT_LEVEL:
		ok = 1;
		if (!strcmp(v, "all"))
			cfg->audit_level = FIM_AUDIT_ALL;
		else if (!strcmp(v, "refusals"))
			cfg->audit_level = FIM_AUDIT_REFUSALS;
		else if (!strcmp(v, "off"))
			cfg->audit_level = FIM_AUDIT_OFF;
		else
			ok = 0;
		break;
	case K_AUDIT_FAILURE:
		ok = 1;
		if (!strcmp(v, "continue"))
			cfg->audit_on_failure = FIM_AUDIT_CONTINUE;
		else if (!strcmp(v, "deny"))
			cfg->audit_on_failure = FIM_AUDIT_DENY;
		else
			ok = 0;
		break;
	case K_ACCESS:
		ok = !strcmp(v, "source") || !strcmp(v, "root");
		if (ok)
			cfg->access = strcmp(v, "root") ? FIM_ACCESS_SOURCE
							: FIM_ACCESS_ROOT;
		break;
	case K_XATTRS:
		ok = 1;
		if (!strcmp(v, "on"))
			cfg->xattrs = FIM_XATTRS_ON;
		else if (!strcmp(v, "hidden"))
			cfg->xattrs = FIM_XATTRS_HIDDEN;
		else if (!strcmp(v, "off"))
			cfg->xattrs = FIM_XATTRS_OFF;
		else
			ok = 0;
		break;
	case K_NFS_VERSION:
		ok = !strcmp(v, "3") || !strcmp(v, "4");
		if (ok)
			cfg->nfs_version = (uint64_t)(v[0] - '0');
		break;
	case K_RULE:
		break; /* handled by the callers: a rule is two values */
	}
	if (!ok)
		snprintf(msg, msz, "bad value '%s'", v);
	return ok ? 0 : -EINVAL;
}

/* Render a scalar libconfig setting as the string set_value() parses, after
 * checking that its type suits the key. */
static int setting_string(const struct key *k, const config_setting_t *s,
			  char *buf, size_t size, char *msg, size_t msz)
{
	int t = config_setting_type(s);

	switch (k->type) {
	case K_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			goto type;
		snprintf(buf, size, "%s",
			 config_setting_get_bool(s) ? "true" : "false");
		return 0;
	case K_U64:
	case K_NFS_VERSION:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			goto type;
		if (config_setting_get_int64(s) < 0) {
			snprintf(msg, msz, "must not be negative");
			return -EINVAL;
		}
		snprintf(buf, size, "%lld", config_setting_get_int64(s));
		return 0;
	case K_SECONDS:
		if (t == CONFIG_TYPE_FLOAT)
			snprintf(buf, size, "%.17g",
				 config_setting_get_float(s));
		else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
			snprintf(buf, size, "%lld",
				 config_setting_get_int64(s));
		else
			goto type;
		return 0;
	default:
		if (t != CONFIG_TYPE_STRING)
			goto type;
		snprintf(buf, size, "%s", config_setting_get_string(s));
		return 0;
	}
type:
	snprintf(msg, msz, "wrong type of value for '%s'", k->path);
	return -EINVAL;
}

static int load_rule(struct fim_config *cfg, const config_setting_t *r,
		     char *msg, size_t msz)
{
	const char *match = NULL, *rule = NULL;

	if (!config_setting_is_group(r)) {
		snprintf(msg, msz, "each rule must be a group "
			 "{ match = \"GLOB\"; rule = \"RULE\"; }");
		return -EINVAL;
	}
	for (int i = 0; i < config_setting_length(r); i++) {
		const config_setting_t *e = config_setting_get_elem(r, i);
		const char *name = config_setting_name(e);

		if (strcmp(name, "match") && strcmp(name, "rule")) {
			snprintf(msg, msz, "unknown key '%s' in rule", name);
			return -EINVAL;
		}
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			snprintf(msg, msz, "'%s' must be a string", name);
			return -EINVAL;
		}
		*(strcmp(name, "match") ? &rule : &match) =
			config_setting_get_string(e);
	}
	if (!match || !rule) {
		snprintf(msg, msz, "a rule needs both 'match' and 'rule'");
		return -EINVAL;
	}
	return add_rule(cfg, match, rule, msg, msz);
}

/* Apply one setting of the file; on error *where is the failing setting. */
static int load_setting(struct fim_config *cfg, const config_setting_t *s,
			const char *prefix, const config_setting_t **where,
			char *msg, size_t msz)
{
	const char *name = config_setting_name(s);
	char path[128], val[4096];
	const struct key *k;
	int list, ret;

	*where = s;
	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
		 name ? name : "?");
	if (config_setting_is_group(s) && !*prefix) {
		for (size_t g = 0; g < sizeof(groups) / sizeof(*groups); g++) {
			if (strcmp(path, groups[g]))
				continue;
			for (int i = 0; i < config_setting_length(s); i++)
				if ((ret = load_setting(cfg,
						config_setting_get_elem(s, i),
						path, where, msg, msz)))
					return ret;
			return 0;
		}
	}
	k = find_key(path, 0);
	if (!k) {
		snprintf(msg, msz, "unknown key '%s'", path);
		return -EINVAL;
	}
	list = k->type == K_DIGESTS || k->type == K_STRLIST ||
	       k->type == K_RULE;
	if (!list) {
		ret = setting_string(k, s, val, sizeof(val), msg, msz);
		return ret ? ret : set_value(cfg, k, val, 1, msg, msz);
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		snprintf(msg, msz, "'%s' must be a list", path);
		return -EINVAL;
	}
	if (k->type == K_DIGESTS && config_setting_length(s) == 0) {
		snprintf(msg, msz, "'digests' must not be empty");
		return -EINVAL;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		*where = e;
		if (k->type == K_RULE)
			ret = load_rule(cfg, e, msg, msz);
		else if (!(ret = setting_string(k, e, val, sizeof(val), msg,
						msz)))
			ret = set_value(cfg, k, val, i == 0, msg, msz);
		if (ret)
			return ret;
	}
	return 0;
}

int fim_config_load_file(struct fim_config *cfg, const char *path, char *err,
			 size_t errsz)
{
	const config_setting_t *root, *where = NULL;
	char msg[512];
	config_t lc;
	FILE *f;
	int ret = 0;

	f = fopen(path, "re");
	if (!f) {
		int e = errno;

		snprintf(err, errsz, "%s: %s", path, strerror(e));
		return -e;
	}
	config_init(&lc);
	if (!config_read(&lc, f)) {
		snprintf(err, errsz, "%s:%d: %s", path,
			 config_error_line(&lc), config_error_text(&lc));
		ret = config_error_type(&lc) == CONFIG_ERR_FILE_IO ? -EIO
								   : -EINVAL;
		goto out;
	}
	root = config_root_setting(&lc);
	for (int i = 0; i < config_setting_length(root); i++) {
		ret = load_setting(cfg, config_setting_get_elem(root, i), "",
				   &where, msg, sizeof(msg));
		if (ret) {
			snprintf(err, errsz, "%s:%u: %s", path,
				 config_setting_source_line(where), msg);
			goto out;
		}
	}
out:
	config_destroy(&lc);
	fclose(f);
	return ret;
}

/* An -o rule is GLOB=RULE and goes before the file's rules (-o overrides)
 * but after earlier -o rules: among themselves they keep their order. */
static int option_rule(struct fim_config *cfg, const char *v, char *msg,
		       size_t msz)
{
	const char *eq = strrchr(v, '=');
	struct fim_rule_conf r;
	char *match;
	int ret;

	if (!eq) {
		snprintf(msg, msz, "expected GLOB=RULE");
		return -EINVAL;
	}
	match = strndup(v, (size_t)(eq - v));
	if (!match) {
		snprintf(msg, msz, "out of memory");
		return -ENOMEM;
	}
	ret = add_rule(cfg, match, eq + 1, msg, msz);
	free(match);
	if (ret)
		return ret;
	r = cfg->rules[cfg->n_rules - 1];
	memmove(cfg->rules + cfg->n_option_rules + 1,
		cfg->rules + cfg->n_option_rules,
		(cfg->n_rules - 1 - cfg->n_option_rules) * sizeof(*cfg->rules));
	cfg->rules[cfg->n_option_rules++] = r;
	return 0;
}

/* A colon-separated list: each element replaces the earlier sources'. */
static int option_list(struct fim_config *cfg, const struct key *k,
		       const char *v, char *msg, size_t msz)
{
	char *copy = strdup(v), *save = NULL, *tok;
	int ret = 0, first = 1;

	if (!copy) {
		snprintf(msg, msz, "out of memory");
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ":", &save); tok && !ret;
	     tok = strtok_r(NULL, ":", &save), first = 0)
		ret = set_value(cfg, k, tok, first, msg, msz);
	if (!ret && first) {
		snprintf(msg, msz, "empty list");
		ret = -EINVAL;
	}
	free(copy);
	return ret;
}

int fim_config_set_option(struct fim_config *cfg, const char *opt, char *err,
			  size_t errsz)
{
	const char *eq = strchr(opt, '=');
	size_t nlen = eq ? (size_t)(eq - opt) : strlen(opt);
	const char *val = eq ? eq + 1 : NULL;
	const struct key *k;
	char name[64], msg[512];
	int ret;

	if (nlen >= sizeof(name))
		return -ENOENT;
	memcpy(name, opt, nlen);
	name[nlen] = '\0';
	k = find_key(name, 1);
	if (!k)
		k = find_key(name, 0); /* dotted names work too */
	if (!k)
		return -ENOENT;
	if (!val && k->type != K_BOOL) {
		snprintf(err, errsz, "-o %s: needs a value (%s=...)", name,
			 name);
		return -EINVAL;
	}
	if (k->type == K_RULE)
		ret = option_rule(cfg, val, msg, sizeof(msg));
	else if (k->type == K_DIGESTS || k->type == K_STRLIST)
		ret = option_list(cfg, k, val, msg, sizeof(msg));
	else
		ret = set_value(cfg, k, val ? val : "true", 1, msg,
				sizeof(msg));
	if (ret)
		snprintf(err, errsz, "-o %s: %s", name, msg);
	return ret;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);

	return len >= sl && !memcmp(s + len - sl, suffix, sl) &&
	       (len == sl || s[len - sl - 1] == '/');
}

enum fim_layout fim_config_layout_for(const struct fim_config *cfg,
				      const char *source)
{
	size_t len = strlen(source);

	if (cfg->layout != FIM_LAYOUT_AUTO)
		return cfg->layout;
	if (fim_source_is_url(source))
		len = strcspn(source, "?"); /* nfs://filer/vol0/.snapshot?... */
	while (len > 1 && source[len - 1] == '/')
		len--;
	if (ends_with(source, len, ".snapshot") ||
	    ends_with(source, len, ".zfs/snapshot"))
		return FIM_LAYOUT_SNAPSHOTS;
	return FIM_LAYOUT_TREE;
}

void fim_config_source_opts(const struct fim_config *cfg,
			    struct fim_source_opts *o)
{
	fim_source_opts_init(o);
	o->nfs_version = (unsigned)cfg->nfs_version;
	o->nfs_uid = cfg->nfs_uid == FIM_NFS_ID_UNSET ? -1
						      : (int64_t)cfg->nfs_uid;
	o->nfs_gid = cfg->nfs_gid == FIM_NFS_ID_UNSET ? -1
						      : (int64_t)cfg->nfs_gid;
	o->nfs_timeout_ms = (unsigned)cfg->nfs_timeout_ms;
	o->nfs_retries = (unsigned)cfg->nfs_retries;
	o->nfs_read_size = (unsigned)cfg->nfs_read_size;
	o->nfs_max_reads = (unsigned)cfg->nfs_max_reads;
}

unsigned fim_config_threads(const struct fim_config *cfg)
{
	long n;

	if (cfg->threads)
		return (unsigned)cfg->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}
