#include "guest_ewf.h"

#include <errno.h>
#include <stdio.h>

int ewf_open(struct guest_src *src, struct ewf **out, uint64_t *media,
	     char *why, size_t whysz)
{
	(void)src; (void)out; (void)media;
	snprintf(why, whysz, "EWF images are recognised but not read yet");
	return -EIO;
}

ssize_t ewf_read(struct ewf *e, uint64_t off, void *buf, size_t len,
		 char *why, size_t whysz)
{
	(void)e; (void)off; (void)buf; (void)len; (void)why; (void)whysz;
	return -1;
}

void ewf_close(struct ewf *e)
{
	(void)e;
}
