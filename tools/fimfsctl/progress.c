/* fimfsctl: the progress line of baseline and report; see fimctl.h. */
#include "fimctl.h"

#include <stdio.h>

static void human(double b, char *out, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB" };
	int u = 0;

	while (b >= 1024 && u < 5) {
		b /= 1024;
		u++;
	}
	snprintf(out, size, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

void fimctl_progress(void *arg, const struct fim_progress *p)
{
	double rate = p->seconds > 0 ? p->done_bytes / p->seconds : 0;
	char done[32], total[32], r[32], eta[32] = "--:--";

	(void)arg;
	human((double)p->done_bytes, done, sizeof(done));
	human((double)p->bytes, total, sizeof(total));
	human(rate, r, sizeof(r));
	if (rate > 0 && p->bytes >= p->done_bytes) {
		unsigned long s = (unsigned long)((p->bytes - p->done_bytes) /
						  rate);

		snprintf(eta, sizeof(eta), "%lu:%02lu:%02lu", s / 3600,
			 s / 60 % 60, s % 60);
	}
	fprintf(stderr, "\r\033[K%llu/%llu files, %s/%s, %s/s, ETA %s",
		(unsigned long long)p->done_files,
		(unsigned long long)p->files, done, total, r, eta);
	if (p->last)
		fputc('\n', stderr);
	fflush(stderr);
}
