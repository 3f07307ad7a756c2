/* fimfsctl sign -k SECRET.pem MANIFEST...: write MANIFEST.sig for each.
 * A manifest the daemon would refuse, or whose file entries list no digest
 * that can be checked here, is signed all the same (the signer decides),
 * with a warning on stderr: such files are never judged OK. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "digest.h"
#include "manifest.h"
#include "sign.h"

static void warn_unusable(const char *path)
{
	struct fim_manifest *m = NULL;
	char msg[1024];

	if (fim_manifest_load(path, &m, msg, sizeof(msg)))
		fprintf(stderr, "fimfsctl: warning: %s\n", msg);
	else if (fim_manifest_unchecked_msg(m, fim_digest_available(), msg,
					    sizeof(msg)))
		fprintf(stderr, "fimfsctl: warning: %s\n", msg);
	fim_manifest_free(m);
}

int cmd_sign(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	struct fim_seckey *key = NULL;
	const char *keypath = NULL;
	char err[512];
	int c, ret, status = EXIT_OK;

	while ((c = getopt(argc, argv, "+hk:")) != -1) {
		switch (c) {
		case 'h':
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			return EXIT_OK;
		case 'k':
			keypath = optarg;
			break;
		default:
			return cmd_usage(cmd);
		}
	}
	if (!keypath || optind >= argc)
		return cmd_usage(cmd);
	ret = fim_seckey_load(keypath, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		warn_unusable(argv[i]);
		ret = fim_sign_file(key, argv[i], err, sizeof(err));
		if (ret) {
			fprintf(stderr, "fimfsctl: %s\n", err);
			status = EXIT_USAGE;
			continue;
		}
		printf("%s%s\n", argv[i], FIM_SIG_SUFFIX);
	}
	fim_seckey_free(key);
	return status;
}
