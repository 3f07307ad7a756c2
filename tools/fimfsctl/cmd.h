/* fimfsctl subcommands: one cmd_*.c per subcommand, dispatched from the table
 * in main.c. Each returns the process exit status:
 * 0 success, 1 failure of the checked property, 2 usage or I/O error. */
#ifndef FIMFSCTL_CMD_H
#define FIMFSCTL_CMD_H

enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_USAGE = 2 };

struct fimfsctl_cmd {
	const char *name;
	int (*func)(const struct fimfsctl_cmd *cmd, int argc, char **argv);
	const char *short_desc;
	const char *usage;
};

/* Print "usage: fimfsctl NAME USAGE" to stderr; returns EXIT_USAGE. */
int cmd_usage(const struct fimfsctl_cmd *cmd);

int cmd_keygen(const struct fimfsctl_cmd *, int, char **);
int cmd_sign(const struct fimfsctl_cmd *, int, char **);
int cmd_verify(const struct fimfsctl_cmd *, int, char **);
int cmd_baseline(const struct fimfsctl_cmd *, int, char **);
int cmd_report(const struct fimfsctl_cmd *, int, char **);
int cmd_audit_keygen(const struct fimfsctl_cmd *, int, char **);
int cmd_audit_verify(const struct fimfsctl_cmd *, int, char **);
int cmd_status(const struct fimfsctl_cmd *, int, char **);

#endif
