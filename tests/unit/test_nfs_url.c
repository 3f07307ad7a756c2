/* nfs:// URL parsing and the candidate exports of the NFS backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "source.h"
#include "source_nfs.h"
#include "tap.h"

static void test_good(void)
{
	struct fim_nfs_url u;
	char err[256];

	is_int(fim_nfs_url_parse("nfs://filer/vol0/.snapshot", &u, err,
				 sizeof(err)), 0, "plain URL");
	is_str(u.host, "filer", "host");
	is_int(u.port, 0, "no port: portmapper");
	is_str(u.path, "/vol0/.snapshot", "path");
	is_int(u.version, 0, "no version given");
	is_int(u.uid, -1, "no uid given");
	fim_nfs_url_free(&u);

	is_int(fim_nfs_url_parse("nfs://127.0.0.1:20490//a/./b%20c/?version=4"
				 "&uid=1000&gid=0&mountport=20491", &u, err,
				 sizeof(err)), 0, "URL with port and args");
	is_str(u.host, "127.0.0.1", "IPv4 host");
	is_int(u.port, 20490, "port");
	is_int(u.mountport, 20491, "mountport");
	is_str(u.path, "/a/b c", "path normalised and decoded");
	is_int(u.version, 4, "version");
	is_int(u.uid, 1000, "uid");
	is_int(u.gid, 0, "gid 0 is a value, not unset");
	fim_nfs_url_free(&u);

	is_int(fim_nfs_url_parse("nfs://[::1]:2049/", &u, err, sizeof(err)), 0,
	       "IPv6 host with port, root export");
	is_str(u.host, "::1", "brackets removed");
	is_int(u.port, 2049, "IPv6 port");
	is_str(u.path, "/", "root path");
	fim_nfs_url_free(&u);
}

static void bad(const char *url, const char *why)
{
	struct fim_nfs_url u;
	char err[256] = "";

	is_int(fim_nfs_url_parse(url, &u, err, sizeof(err)), -EINVAL, why);
	ok(!strncmp(err, url, strlen(url)), "the message names the URL");
}

static void test_bad(void)
{
	bad("nfs://filer", "no path");
	bad("nfs:///vol", "no host");
	bad("nfs://filer:0/vol", "port 0");
	bad("nfs://filer:65536/vol", "port too large");
	bad("nfs://filer:20x/vol", "port not a number");
	bad("nfs://filer/vol/../etc", "'..' refused");
	bad("nfs://filer/vol%2fx", "encoded slash refused");
	bad("nfs://filer/vol%00x", "encoded NUL refused");
	bad("nfs://filer/vol%4", "truncated escape");
	bad("nfs://filer/vol?version=2", "NFSv2 refused");
	bad("nfs://filer/vol?version=41", "version 41 refused");
	bad("nfs://filer/vol?uid=-1", "negative uid refused");
	bad("nfs://filer/vol?vers=3", "unknown argument refused");
	bad("nfs://[::1/vol", "unterminated IPv6 address");
	bad("http://filer/vol", "another scheme");
}

static void test_exports(void)
{
	is_int(fim_nfs_export_len("/a/bb/c", 0), 7, "longest: whole path");
	is_int(fim_nfs_export_len("/a/bb/c", 1), 5, "then /a/bb");
	is_int(fim_nfs_export_len("/a/bb/c", 2), 2, "then /a");
	is_int(fim_nfs_export_len("/a/bb/c", 3), 1, "then /");
	is_int(fim_nfs_export_len("/a/bb/c", 4), 0, "then no more");
	is_int(fim_nfs_export_len("/", 0), 1, "root: /");
	is_int(fim_nfs_export_len("/", 1), 0, "root: no more");
}

static void test_config(void)
{
	struct fim_source_opts o;
	struct fim_config cfg;
	char err[256];

	fim_config_init(&cfg);
	fim_config_source_opts(&cfg, &o);
	is_int(o.nfs_version, 3, "NFSv3 by default");
	is_int(o.nfs_uid, -1, "uid unset by default");
	is_int(o.nfs_max_reads, 4, "4 READs in flight by default");
	is_int(fim_config_set_option(&cfg, "nfs_version=4", err, sizeof(err)),
	       0, "-o nfs_version=4");
	is_int(fim_config_set_option(&cfg, "nfs_version=2", err, sizeof(err)),
	       -EINVAL, "-o nfs_version=2 refused");
	is_int(fim_config_set_option(&cfg, "nfs_uid=0", err, sizeof(err)), 0,
	       "-o nfs_uid=0");
	is_int(fim_config_set_option(&cfg, "nfs_read_size=2097152", err,
				     sizeof(err)), -EINVAL,
	       "READ size above 1 MiB refused");
	is_int(fim_config_set_option(&cfg, "nfs.timeout_ms=5000", err,
				     sizeof(err)), 0, "dotted name");
	fim_config_source_opts(&cfg, &o);
	is_int(o.nfs_version, 4, "version passed on");
	is_int(o.nfs_uid, 0, "uid 0 passed on");
	is_int(o.nfs_timeout_ms, 5000, "timeout passed on");
	is_int(fim_config_layout_for(&cfg, "nfs://filer/vol0/.snapshot"),
	       FIM_LAYOUT_SNAPSHOTS, "URL ending in .snapshot: snapshots");
	is_int(fim_config_layout_for(&cfg, "nfs://f/v/.snapshot/?uid=0"),
	       FIM_LAYOUT_SNAPSHOTS, "... also with arguments");
	is_int(fim_config_layout_for(&cfg, "nfs://f/v/?x=.snapshot"),
	       FIM_LAYOUT_TREE, "an argument is not the path");
	fim_config_free(&cfg);
}

static void test_below(void)
{
	struct fim_nfs_url u;
	char err[256], *url;

	url = fim_nfs_url_below("nfs://filer:2049/vol0/.snapshot?version=4",
				"hourly.0/c,d e\\f%?#");
	is_str(url, "nfs://filer:2049/vol0/.snapshot/hourly.0/"
		    "c%2Cd%20e%5Cf%25%3F%23?version=4",
	       "an entry below a URL: its path encoded before the arguments");
	is_int(fim_nfs_url_parse(url, &u, err, sizeof(err)), 0,
	       "... which parses");
	is_str(u.path, "/vol0/.snapshot/hourly.0/c,d e\\f%?#",
	       "... back to the exact path");
	is_int(u.version, 4, "... with the URL's arguments");
	fim_nfs_url_free(&u);
	free(url);
	url = fim_nfs_url_below("nfs://filer/", "a");
	is_str(url, "nfs://filer/a", "no doubled slash");
	free(url);
	url = fim_source_spec_below("nfs://filer/vol0", "");
	is_str(url, "nfs://filer/vol0", "the root is the URL itself");
	free(url);
	url = fim_source_spec_below("/srv/c,d e", "snap/x");
	is_str(url, "/srv/c,d e/snap/x", "a directory: joined with a slash");
	free(url);
	url = fim_source_spec_below("/", "x");
	is_str(url, "/x", "below /");
	free(url);
}

/* fim_source_spec_within undoes fim_source_spec_below, and says no to
 * anything else. */
static void test_within(void)
{
	static const char *const specs[] = {
		"nfs://filer:2049/vol0/.snapshot?version=4", "nfs://filer/",
		"/srv/c,d e", "/",
	};
	char *below, *back;

	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		below = fim_source_spec_below(specs[i], "hourly.0/c,d e%?#");
		back = below ? fim_source_spec_within(specs[i], below) : NULL;
		is_str(back, "hourly.0/c,d e%?#", "within undoes below");
		free(back);
		free(below);
	}
	back = fim_source_spec_within("/srv/vol", "/srv/vol/");
	is_str(back, "", "the source itself: an empty path");
	free(back);
	back = fim_source_spec_within("nfs://filer/vol0/?version=3",
				      "nfs://filer/vol0?version=3");
	is_str(back, "", "a URL itself: an empty path");
	free(back);
	ok(!fim_source_spec_within("/srv/vol", "/srv/volume/a"),
	   "a longer name is not below");
	ok(!fim_source_spec_within("nfs://filer/vol0", "nfs://filer/vol01/a"),
	   "... nor for a URL");
	ok(!fim_source_spec_within("nfs://filer/vol0?version=3",
				   "nfs://filer/vol0/a?version=4"),
	   "other arguments: not the same source");
	ok(!fim_source_spec_within("nfs://filer/vol0", "nfs://filer/vol0/a%2Fb"),
	   "an encoded slash is refused");
	ok(!fim_source_spec_within("/srv", "nfs://filer/srv/a"),
	   "a URL is not below a directory");
}

int main(void)
{
	test_good();
	test_below();
	test_within();
	test_bad();
	test_exports();
	test_config();
	return tap_done();
}
