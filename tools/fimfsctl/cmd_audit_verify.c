/* fimfsctl audit-verify [-k VERIFY] LOG...: check an audit log's chain,
 * seq and epoch continuity and, with the verification key, its MACs,
 * across rotated files given oldest first. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "audit.h"
#include "cmd.h"

/* Feed one file; EXIT_OK, EXIT_BAD (message printed) or EXIT_USAGE. */
static int verify_file(struct fim_audit_verifier *v, const char *path)
{
	static char buf[1 << 16];
	const char *msg;
	uint64_t line;
	ssize_t n;
	int fd, ret = 0;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		fprintf(stderr, "fimfsctl: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	while (!ret && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "fimfsctl: %s: %s\n", path,
				strerror(errno));
			ret = -EIO;
			break;
		}
		ret = fim_audit_verify_feed(v, buf, (size_t)n);
	}
	if (!ret)
		ret = fim_audit_verify_end_file(v);
	if (fd)
		close(fd);
	if (ret == -ENOMEM)
		fprintf(stderr, "fimfsctl: %s: out of memory\n", path);
	if (ret < 0)
		return EXIT_USAGE;
	msg = fim_audit_verify_error(v, &line);
	if (msg) {
		fprintf(stderr, "fimfsctl: %s:%" PRIu64 ": %s\n", path, line,
			msg);
		return EXIT_BAD;
	}
	return EXIT_OK;
}

static void summary(const struct fim_audit_verifier *v, const char *keyfile)
{
	struct fim_audit_verify_stats st;

	fim_audit_verify_stats(v, &st);
	if (!st.records) {
		printf("intact: no records\n");
		return;
	}
	printf("intact: %" PRIu64 " records, seq %" PRIu64 "-%" PRIu64
	       ", epoch %" PRIu64 " at the end\n", st.records, st.first_seq,
	       st.last_seq, st.last_epoch);
	if (st.macs_checked)
		printf("MACs verified with %s\n", keyfile);
	else
		printf("MACs not checked (no -k): chain and seq only\n");
	if (st.first_seq != 1)
		printf("note: starts at seq %" PRIu64 ": older files not "
		       "given, the link to them is not checked\n",
		       st.first_seq);
	if (st.lost)
		printf("note: %" PRIu64 " records lost by the writer (failed "
		       "writes), each gap explained by an audit-recovered "
		       "record\n", st.lost);
	printf("note: records cut from the end of the newest file show only "
	       "against the daemon's state file or syslog (last seq %" PRIu64
	       ")\n", st.last_seq);
}

int cmd_audit_verify(const struct fimfsctl_cmd *cmd, int argc, char **argv)
{
	unsigned char key[FIM_AUDIT_KEY_LEN];
	struct fim_audit_verifier *v = NULL;
	const char *keyfile = NULL;
	char err[512];
	int c, i, ret = EXIT_USAGE;

	while ((c = getopt(argc, argv, "+k:h")) != -1) {
		switch (c) {
		case 'k':
			keyfile = optarg;
			break;
		case 'h':
			printf("usage: fimfsctl %s %s\n", cmd->name,
			       cmd->usage);
			return EXIT_OK;
		default:
			return cmd_usage(cmd);
		}
	}
	if (optind >= argc)
		return cmd_usage(cmd);
	if (keyfile &&
	    fim_audit_load_verify_key(keyfile, key, err, sizeof(err))) {
		fprintf(stderr, "fimfsctl: %s\n", err);
		goto out;
	}
	if (fim_audit_verifier_new(keyfile ? key : NULL, &v)) {
		fprintf(stderr, "fimfsctl: cannot set up the verifier\n");
		goto out;
	}
	ret = EXIT_OK;
	for (i = optind; i < argc && ret == EXIT_OK; i++)
		ret = verify_file(v, argv[i]);
	if (ret == EXIT_OK)
		summary(v, keyfile);
out:
	fim_audit_verifier_free(v);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}
