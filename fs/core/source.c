#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int fim_source_open(const char *spec, struct fim_source **out, char *err,
		    size_t errsz)
{
	if (!strncmp(spec, "nfs://", 6)) {
		snprintf(err, errsz, "%s: NFS sources are not supported yet",
			 spec);
		return -EPROTONOSUPPORT;
	}
	return fim_source_open_local(spec, out, err, errsz);
}
