/* Configuration: file and -o parsing, validation, messages with lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "source.h"
#include "tap.h"

static int load_text(struct fim_config *cfg, const char *text, char *err,
		     size_t errsz)
{
	char path[] = "/tmp/fimfs-test-config-XXXXXX";
	int fd = mkstemp(path), ret;

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return -EIO;
	close(fd);
	ret = fim_config_load_file(cfg, path, err, errsz);
	if (ret && strncmp(err, path, strlen(path)) == 0)
		memmove(err, err + strlen(path) - 4, strlen(err) - strlen(path) + 5),
		memcpy(err, "FILE", 4);
	unlink(path);
	return ret;
}

static void test_good_file(void)
{
	struct fim_config c;
	char err[512] = "";

	fim_config_init(&c);
	is_int(load_text(&c,
			 "layout = \"tree\";\n"
			 "digests = [\"sha512\", \"sha256\"];\n"
			 "kernel = { entry_timeout = 1.5; keep_cache = false; };\n"
			 "hashing = { threads = 3; };\n"
			 "cache = { path = \"/tmp/x.db\"; };\n"
			 "baseline = { manifests = [\"/a\", \"/b\"];\n"
			 "  public_key = \"/k.pem\"; new_files_ok = true; };\n"
			 "rules = ( { match = \"*.log\"; rule = \"append-only\"; },\n"
			 "          { match = \"tmp/*\"; rule = \"ignore\"; } );\n"
			 "audit = { level = \"refusals\"; on_failure = \"deny\";\n"
			 "  epoch_records = 100; };\n",
			 err, sizeof(err)), 0, "a full file loads");
	is_str(err, "", "no message");
	is_int(c.layout, FIM_LAYOUT_TREE, "layout");
	is_int(c.digests, 1u << FIM_SHA512 | 1u << FIM_SHA256, "digests");
	is_int(c.primary, FIM_SHA512, "first digest is the primary one");
	ok(c.entry_timeout == 1.5 && !c.keep_cache, "kernel group");
	is_int(c.threads, 3, "threads");
	is_str(c.cache_path, "/tmp/x.db", "cache path");
	is_int(c.n_manifests, 2, "two manifests");
	ok(c.manifests[2] == NULL, "manifest list NULL-terminated");
	ok(c.new_files_ok, "new_files_ok");
	is_int(c.n_rules, 2, "two rules");
	is_str(c.rules[0].match, "*.log", "first rule match");
	is_int(c.rules[0].rule, FIM_RULE_APPEND_ONLY, "first rule kind");
	is_int(c.audit_level, FIM_AUDIT_REFUSALS, "audit level");
	is_int(c.audit_on_failure, FIM_AUDIT_DENY, "audit on_failure");
	is_int(c.audit_epoch_records, 100, "epoch records");

	is_int(fim_config_set_option(&c, "layout=snapshots", err, sizeof(err)),
	       0, "-o layout");
	is_int(c.layout, FIM_LAYOUT_SNAPSHOTS, "-o overrides the file");
	is_int(fim_config_set_option(&c, "digests=md5:sha1", err, sizeof(err)),
	       0, "-o digests list");
	is_int(c.digests, 1u << FIM_MD5 | 1u << FIM_SHA1, "-o digests replace");
	is_int(fim_config_set_option(&c, "rule=*.tmp=ignore", err, sizeof(err)),
	       0, "-o rule");
	is_str(c.rules[0].match, "*.tmp", "-o rule goes first");
	is_int(fim_config_set_option(&c, "rule=*.bak=ignore", err, sizeof(err)),
	       0, "second -o rule");
	is_str(c.rules[1].match, "*.bak", "-o rules keep their order");
	is_str(c.rules[2].match, "*.log", "file rules after them");
	is_int(fim_config_set_option(&c, "keep_cache", err, sizeof(err)), 0,
	       "bare boolean");
	ok(c.keep_cache, "bare boolean is true");
	is_int(fim_config_set_option(&c, "hashing.threads=2", err,
				     sizeof(err)), 0, "dotted name");
	is_int(fim_config_set_option(&c, "manifest=/m", err, sizeof(err)), 0,
	       "-o manifest");
	is_int(c.n_manifests, 1, "-o manifest replaces the list");
	is_int(fim_config_set_option(&c, "allow_other", err, sizeof(err)),
	       -ENOENT, "FUSE options are not ours");
	fim_config_free(&c);
}

static void test_access(void)
{
	struct fim_config c;
	char err[512] = "";

	fim_config_init(&c);
	is_int(c.access, FIM_ACCESS_SOURCE, "access defaults to source");
	ok(c.snapshot_timeout == 1, "snapshot_timeout defaults to 1 s");
	is_int(load_text(&c, "access = \"root\";\n"
			 "kernel = { snapshot_timeout = 0.5; };\n",
			 err, sizeof(err)), 0, "access and snapshot_timeout");
	is_int(c.access, FIM_ACCESS_ROOT, "access root");
	ok(c.snapshot_timeout == 0.5, "kernel.snapshot_timeout");
	is_int(fim_config_set_option(&c, "access=source", err, sizeof(err)),
	       0, "-o access=source");
	is_int(c.access, FIM_ACCESS_SOURCE, "-o access overrides");
	is_int(fim_config_set_option(&c, "snapshot_timeout=2", err,
				     sizeof(err)), 0, "-o snapshot_timeout");
	ok(c.snapshot_timeout == 2, "-o snapshot_timeout value");
	fim_config_free(&c);
}

static void bad(const char *text, const char *want, const char *what)
{
	struct fim_config c;
	char err[512] = "";

	fim_config_init(&c);
	is_int(load_text(&c, text, err, sizeof(err)), -EINVAL, what);
	is_str(err, want, what);
	fim_config_free(&c);
}

static void bad_option(const char *opt, const char *want)
{
	struct fim_config c;
	char err[512] = "";

	fim_config_init(&c);
	is_int(fim_config_set_option(&c, opt, err, sizeof(err)), -EINVAL, opt);
	is_str(err, want, opt);
	fim_config_free(&c);
}

/* The NFS defaults come from the backend's: 512 KiB READs, four in
 * flight, NFSv3. */
static void test_nfs_defaults(void)
{
	struct fim_source_opts want, got;
	struct fim_config c;

	fim_config_init(&c);
	fim_source_opts_init(&want);
	fim_config_source_opts(&c, &got);
	is_int(got.nfs_read_size, 512 * 1024, "default READ size 512 KiB");
	ok(got.nfs_version == want.nfs_version &&
	   got.nfs_uid == want.nfs_uid && got.nfs_gid == want.nfs_gid &&
	   got.nfs_timeout_ms == want.nfs_timeout_ms &&
	   got.nfs_retries == want.nfs_retries &&
	   got.nfs_read_size == want.nfs_read_size &&
	   got.nfs_max_reads == want.nfs_max_reads,
	   "config defaults are the backend's");
	fim_config_free(&c);
}

/* The watcher's keys: off with one thread and no rate bound by default;
 * the watch group in the file and the flat names agree. */
static void test_watch(void)
{
	struct fim_config c;
	char err[512] = "";

	fim_config_init(&c);
	ok(!c.watch_interval && c.watch_threads == 1 && !c.watch_rate,
	   "watch: off, 1 thread, no bound by default");
	is_int(load_text(&c, "watch = { interval = 300; threads = 2;\n"
			 "  rate = 52428800; };\n", err, sizeof(err)), 0,
	       "the watch group loads");
	ok(c.watch_interval == 300 && c.watch_threads == 2 &&
	   c.watch_rate == 52428800, "its values");
	is_int(fim_config_set_option(&c, "watch=60", err, sizeof(err)), 0,
	       "-o watch=");
	is_int(fim_config_set_option(&c, "watch_rate=1048576", err,
				     sizeof(err)), 0, "-o watch_rate=");
	ok(c.watch_interval == 60 && c.watch_rate == 1048576,
	   "-o overrides the file");
	fim_config_free(&c);
	bad_option("watch_threads=65", "-o watch_threads: bad value '65'");
}

int main(void)
{
	struct fim_config c;
	char err[512];

	test_good_file();
	test_watch();
	test_access();
	test_nfs_defaults();
	bad("layout = \"tree\"\nx = ;\n", "FILE:2: syntax error",
	    "syntax error with its line");
	bad("\n\nfoo = 1;\n", "FILE:3: unknown key 'foo'", "unknown key");
	bad("cache = {\n path = \"a\";\n size = 3;\n};\n",
	    "FILE:3: unknown key 'cache.size'", "unknown key in a group");
	bad("layout = \"flat\";\n", "FILE:1: bad value 'flat'", "bad layout");
	bad("access = \"all\";\n", "FILE:1: bad value 'all'", "bad access");
	bad("hashing = { threads = -1; };\n", "FILE:1: must not be negative",
	    "negative count");
	bad("kernel = { keep_cache = 1; };\n",
	    "FILE:1: wrong type of value for 'kernel.keep_cache'", "type");
	bad("digests = [\"sha256\",\n \"crc32\"];\n",
	    "FILE:2: unknown digest 'crc32' (sha256, sha512, sha384, sha1, "
	    "md5, rmd160, blake2b512, sha3-256)",
	    "unknown digest on its own line");
	bad("digests = [];\n", "FILE:1: 'digests' must not be empty",
	    "empty digests");
	bad("rules = ( { match = \"*\"; rule = \"strict\"; } );\n",
	    "FILE:1: unknown rule 'strict' (exact, content, append-only, "
	    "ignore)", "unknown rule");
	bad("rules = ( { match = \"*\"; } );\n",
	    "FILE:1: a rule needs both 'match' and 'rule'", "incomplete rule");
	bad_option("threads=x", "-o threads: bad value 'x'");
	bad_option("layout", "-o layout: needs a value (layout=...)");
	bad_option("digests=sha256:sha256", "-o digests: digest 'sha256' "
		   "listed twice");
	bad_option("rule=*.log", "-o rule: expected GLOB=RULE");

	fim_config_init(&c);
	is_int(fim_config_load_file(&c, "/nonexistent/fimfs.conf", err,
				    sizeof(err)), -ENOENT, "missing file");
	is_int(fim_config_layout_for(&c, "/mnt/vol0/.snapshot/"),
	       FIM_LAYOUT_SNAPSHOTS, "auto: .snapshot");
	is_int(fim_config_layout_for(&c, "/tank/.zfs/snapshot"),
	       FIM_LAYOUT_SNAPSHOTS, "auto: zfs");
	is_int(fim_config_layout_for(&c, "/srv/x.snapshot"), FIM_LAYOUT_TREE,
	       "auto: only a whole component counts");
	ok(fim_config_threads(&c) >= 1, "threads resolved");
	fim_config_free(&c);
	return tap_done();
}
