/* fimfsctl verify -p PUBLIC.pem MANIFEST...: would the daemon accept each
 * manifest? The same steps as a baseline load: read once, check MANIFEST.sig
 * over those bytes, parse them. Exit 1 when a manifest is unsigned, badly
 * signed or malformed; 2 when it or the key cannot be read. File entries
 * with no digest that can be checked here are a warning (the daemon loads
 * such a manifest, and judges those files ERROR nodigest, never OK). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "digest.h"
#include "fileio.h"
#include "manifest.h"
#include "sign.h"

static int verify_one(const struct fim_pubkey *key, const char *path)
{
	struct fim_manifest *m = NULL;
	unsigned char sig[FIM_SIG_LEN];
	char *buf = NULL, err[1024], msg[256];
	size_t len = 0;
	int ret, status = EXIT_BAD;

	ret = fim_file_read(path, FIM_MANIFEST_MAX_SIZE, &buf, &len);
	if (ret) {
		fprintf(stderr, "fimfsctl: %s: %s\n", path,
			ret == -EFBIG ? "manifest too large" : strerror(-ret));
		return EXIT_USAGE;
	}
	ret = fim_sig_read(path, sig, err, sizeof(err));
	if (ret) {
		/* A missing or truncated signature: not validly signed. */
		if (ret != -ENOENT && ret != -EBADMSG)
			status = EXIT_USAGE;
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	ret = fim_verify_buf(key, buf, len, sig, sizeof(sig), msg, sizeof(msg));
	if (ret) {
		if (ret != -EBADMSG)
			status = EXIT_USAGE;
		fprintf(stderr, "fimfsctl: %s: %s\n", path, msg);
		goto out;
	}
	ret = fim_manifest_parse(path, buf, len, &m, err, sizeof(err));
	if (ret) {
		if (ret != -EINVAL)
			status = EXIT_USAGE;
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	if (fim_manifest_unchecked_msg(m, fim_digest_available(), err,
				       sizeof(err)))
		fprintf(stderr, "fimfsctl: warning: %s\n", err);
	printf("%s: OK (%zu entries, %s, key %s)\n", path,
	       fim_manifest_count(m),
	       fim_manifest_format(m) == FIM_MF_SUMS ? "checksum list" : "mtree",
	       fim_pubkey_fingerprint(key));
	status = EXIT_OK;
out:
	fim_manifest_free(m);
	free(buf);
	return status;
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
