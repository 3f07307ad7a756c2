#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void fim_source_opts_init(struct fim_source_opts *o)
{
	o->nfs_version = 3;
	o->nfs_uid = -1;
	o->nfs_gid = -1;
	o->nfs_timeout_ms = 30000;
	o->nfs_retries = 2;
	o->nfs_read_size = 512u << 10;
	o->nfs_max_reads = 4;
}

int fim_source_open(const char *spec, const struct fim_source_opts *opts,
		    struct fim_source **out, char *err, size_t errsz)
{
	struct fim_source_opts def;

	if (!opts) {
		fim_source_opts_init(&def);
		opts = &def;
	}
	if (fim_source_is_url(spec))
		return fim_source_open_nfs(spec, opts, out, err, errsz);
	return fim_source_open_local(spec, out, err, errsz);
}
