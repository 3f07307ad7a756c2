/* fimfsctl: the view of a directory with the best cache available; see
 * fimctl.h. */
#include "fimctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "view.h"

int fimctl_open_view(struct fim_config *cfg, const char *source,
		     struct fim_view **out, char *err, size_t errsz)
{
	char first[1024];
	int ret;

	ret = fim_view_new(cfg, source, out, first, sizeof(first));
	if (!ret || !strcmp(cfg->cache_path, "none") || !*cfg->cache_path) {
		if (ret)
			snprintf(err, errsz, "%s", first);
		return ret;
	}
	/* Most often the daemon's cache under /var/lib/fimfs, whose key only
	 * root may read: without the key its entries cannot be trusted (nor
	 * written). The run still works, it just hashes again. */
	free(cfg->cache_path);
	cfg->cache_path = strdup("none");
	if (!cfg->cache_path) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	ret = fim_view_new(cfg, source, out, err, errsz);
	if (!ret)
		fprintf(stderr, "fimfsctl: warning: %s; the persistent digest "
			"cache is not used, digests are kept in memory only%s\n",
			first, cfg->cache_scope ? ": every file is read and "
			"hashed again, none of the digests the mount's daemon "
			"keeps there is used (run this as the user that may "
			"read the cache key, root by default)" : "");
	return ret;
}
