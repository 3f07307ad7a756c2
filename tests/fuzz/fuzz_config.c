/* libFuzzer target: configuration loading. The input is written to a
 * memfd and loaded through /proc/self/fd/N, the same path a file on disk
 * takes (libconfig's parser, then fimfs's validation of every key). A
 * failure must be a negative errno with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fim_config cfg;
	char path[64], err[1024];
	int fd, ret;

	fd = memfd_create("fimfs-fuzz.conf", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	fim_config_init(&cfg);
	ret = fim_config_load_file(&cfg, path, err, sizeof(err));
	if (ret && (ret > 0 || !err[0]))
		abort();
	fim_config_free(&cfg);
	close(fd);
	return 0;
}
