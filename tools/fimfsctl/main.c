/* fimfsctl: baselines, reports and audit-log checks on the fimfs core. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "log.h"

static const struct fimfsctl_cmd commands[] = {
	/* baselines: keygen, sign, verify, baseline, report */
	{ "keygen", cmd_keygen,
	  "make an Ed25519 key pair for signing baselines",
	  "SECRET.pem PUBLIC.pem" },
	{ "sign", cmd_sign, "sign manifests (writes MANIFEST.sig)",
	  "-k SECRET.pem MANIFEST..." },
	{ "verify", cmd_verify,
	  "check manifests' signatures and syntax as the daemon would",
	  "-p PUBLIC.pem MANIFEST..." },
	{ "baseline", cmd_baseline,
	  "write a (signed) mtree manifest of a directory",
	  "[-c CONFIG] [-t] [-k SECRET.pem] -o MANIFEST DIR" },
	{ "report", cmd_report,
	  "verdict of every file of a snapshot against the baseline",
	  "[-c CONFIG] [-o KEY=VAL]... [--json] [-v] PATH" },
	/* audit: audit-keygen, audit-verify */
	{ "audit-keygen", cmd_audit_keygen,
	  "make the audit log's sealing and verification keys",
	  "SEAL VERIFY" },
	{ "audit-verify", cmd_audit_verify,
	  "check an audit log's chain, sequence and MACs",
	  "[-k VERIFY] LOG..." },
	/* running daemons */
	{ "status", cmd_status, "what a mounted fimfs has done",
	  "MOUNTPOINT [--json]" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_usage(const struct fimfsctl_cmd *cmd)
{
	fprintf(stderr, "usage: fimfsctl %s %s\n", cmd->name, cmd->usage);
	return EXIT_USAGE;
}

static int usage(FILE *f)
{
	const struct fimfsctl_cmd *c;

	fprintf(f, "usage: fimfsctl SUBCOMMAND [ARGS...]\n\nSubcommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->short_desc);
	fprintf(f, "\n  -V, --version print the versions of fimfsctl and OpenSSL\n"
		   "\nSee fimfsctl(8).\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct fimfsctl_cmd *c;

	/* A command's output is its answer; the core's progress notes
	 * (LOG_INFO) are for daemons' logs. */
	fim_log_set_level(LOG_NOTICE);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("fimfsctl %s (%s)\n", FIMFS_VERSION,
		       OpenSSL_version(OPENSSL_VERSION));
		return EXIT_OK;
	}
	for (c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->func(c, argc - 1, argv + 1);
	fprintf(stderr, "fimfsctl: unknown subcommand '%s'\n", argv[1]);
	return usage(stderr);
}
