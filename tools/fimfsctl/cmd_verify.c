/* fimfsctl verify -p PUBLIC.pem MANIFEST...: would the daemon accept each
 * manifest? The very steps of a baseline load (fim_baseline_load_manifest):
 * read once, check MANIFEST.sig over those bytes, parse them. Exit 1 when
 * a manifest is unsigned, badly signed or malformed; 2 when it or the key
 * cannot be read. File entries with no digest that can be checked here are
 * a warning (the daemon loads such a manifest, and judges those files
 * ERROR nodigest, never OK). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cmd.h"
#include "digest.h"
#include "manifest.h"
#include "sign.h"

static int verify_one(const struct fim_pubkey *key, const char *path)
{
	struct fim_manifest *m = NULL;
	char err[1024];
	bool refused;

	if (fim_baseline_load_manifest(key, path, &m, &refused, err,
				       sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return refused ? EXIT_BAD : EXIT_USAGE;
	}
	if (fim_manifest_unchecked_msg(m, fim_digest_available(), err,
				       sizeof(err)))
		fprintf(stderr, "fimfsctl: warning: %s\n", err);
	printf("%s: OK (%zu entries, %s, key %s)\n", path,
	       fim_manifest_count(m),
	       fim_manifest_format(m) == FIM_MF_SUMS ? "checksum list" : "mtree",
	       fim_pubkey_fingerprint(key));
	fim_manifest_free(m);
	return EXIT_OK;
}

int cmd_verify(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	struct fim_pubkey *key = NULL;
	const char *keypath = NULL;
	char err[512];
	int c, ret, status = EXIT_OK;

	while ((c = getopt(argc, argv, "+hp:")) != -1) {
		switch (c) {
		case 'h':
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			return EXIT_OK;
		case 'p':
			keypath = optarg;
			break;
		default:
			return cmd_usage(cmd);
		}
	}
	if (!keypath || optind >= argc)
		return cmd_usage(cmd);
	ret = fim_pubkey_load(keypath, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		int s = verify_one(key, argv[i]);

		if (s > status)
			status = s;
	}
	fim_pubkey_free(key);
	return status;
}
