/* fimfsctl keygen SECRET.pem PUBLIC.pem: make a baseline signing key pair. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "sign.h"

int cmd_keygen(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	struct fim_pubkey *pub = NULL;
	char err[512];
	int c, ret;

	while ((c = getopt(argc, argv, "+h")) != -1) {
		if (c == 'h') {
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			return EXIT_OK;
		}
		return cmd_usage(cmd);
	}
	if (argc - optind != 2)
		return cmd_usage(cmd);
	ret = fim_keygen(argv[optind], argv[optind + 1], err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return EXIT_USAGE;
	}
	ret = fim_pubkey_load(argv[optind + 1], &pub, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return EXIT_USAGE;
	}
	printf("secret key: %s (mode 0600; keep it off the scan box)\n"
	       "public key: %s (baseline.public_key)\n"
	       "fingerprint: %s\n",
	       argv[optind], argv[optind + 1], fim_pubkey_fingerprint(pub));
	fim_pubkey_free(pub);
	return EXIT_OK;
}
