/* fimfsctl audit-keygen SEAL VERIFY: make the audit log's key pair. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "audit.h"
#include "cmd.h"

int cmd_audit_keygen(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
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
	ret = fim_audit_keygen(argv[optind], argv[optind + 1], err,
			       sizeof(err));
	if (ret) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		return EXIT_USAGE;
	}
	printf("sealing key (epoch 0): %s\n"
	       "  for the daemon (audit.seal_key); it is replaced by the next\n"
	       "  epoch's key as the log is written.\n"
	       "verification key: %s\n"
	       "  for fimfsctl audit-verify -k; keep it off this machine.\n",
	       argv[optind], argv[optind + 1]);
	return EXIT_OK;
}
