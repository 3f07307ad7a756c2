/* libFuzzer target: the sha256sum-list parser. fim_manifest_parse picks
 * the format from the first line, so a valid checksum line is put in front
 * of the input to keep every run in the checksum-list parser (the other
 * digest lengths, tags and escapes come from the fuzzer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char first[] =
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  "
	"empty\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = sizeof(first) - 1 + size;
	struct fim_manifest *m = NULL;
	char err[512];
	char *buf;
	int ret;

	/* an exact-size heap copy, so ASan sees any read past the end */
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, first, sizeof(first) - 1);
	if (size)
		memcpy(buf + sizeof(first) - 1, data, size);
	ret = fim_manifest_parse("fuzz", buf, len, &m, err, sizeof(err));
	if (ret) {
		if (ret >= 0 || !err[0])
			abort();
	} else {
		if (fim_manifest_format(m) != FIM_MF_SUMS)
			abort();
		for (size_t i = 0; i < fim_manifest_count(m); i++) {
			const struct fim_mentry *e = fim_manifest_entry(m, i);

			if (fim_manifest_lookup(m, e->path) != e)
				abort();
		}
		fim_manifest_free(m);
	}
	free(buf);
	return 0;
}
