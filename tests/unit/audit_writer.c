/* Test driver (not a test): writes audit records through the core API so
 * the Tcl tests can check fimfsctl audit-verify over real logs.
 *
 *   audit_writer [-k SEAL] [-e RECORDS_PER_EPOCH] [-r] LOG N
 *
 * Writes N sample records (open, release, refusal, verdict, ...). With -r,
 * after N/2 records the log is rotated (renamed to LOG.1) and reopened. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"

#include "audit_util.h"

static int usage(void)
{
	fprintf(stderr, "usage: audit_writer [-k SEAL] [-e RECORDS] [-r] "
		"LOG N\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct fim_audit_opts o = { .level = FIM_AUDIT_ALL, .no_timer = true,
		.syslog = true, .syslog_fn = quiet_syslog };
	struct fim_audit *a;
	char rotated[4096];
	bool rotate = false;
	unsigned long n, i;
	int c, ret = 0;

	while ((c = getopt(argc, argv, "k:e:r")) != -1) {
		switch (c) {
		case 'k': o.seal_key = optarg; break;
		case 'e': o.epoch_records = strtoull(optarg, NULL, 10); break;
		case 'r': rotate = true; break;
		default: return usage();
		}
	}
	if (argc - optind != 2)
		return usage();
	o.path = argv[optind];
	n = strtoul(argv[optind + 1], NULL, 10);
	snprintf(rotated, sizeof(rotated), "%s.1", o.path);
	if (fim_audit_open(&o, &a) || !a)
		return 1;
	for (i = 0; i < n && !ret; i++) {
		struct fim_audit_event ev = sample_event((unsigned)i);

		if (rotate && i == n / 2) {
			ret = rename(o.path, rotated);
			ret = ret ? ret : fim_audit_reopen(a);
		}
		ret = ret ? ret : fim_audit_record(a, &ev);
	}
	fim_audit_close(a);
	return ret ? 1 : 0;
}
