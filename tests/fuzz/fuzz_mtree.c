/* libFuzzer target: fim_manifest_parse on arbitrary bytes (mtree specs in
 * practice: the seed corpus is mtree; a first line that looks like a
 * checksum list switches to that parser). Whatever the input, the parser
 * must return 0 or a negative errno with a message, and an accepted
 * manifest must be consistent: every entry found again by its path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char digest_sink[FIM_MD_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fim_manifest *m = NULL;
	char err[512];
	int ret;

	ret = fim_manifest_parse("fuzz", (const char *)data, size, &m, err,
				 sizeof(err));
	if (ret) {
		if (ret >= 0 || !err[0])
			abort(); /* a failure must say why */
		return 0;
	}
	for (size_t i = 0; i < fim_manifest_count(m); i++) {
		const struct fim_mentry *e = fim_manifest_entry(m, i);

		/* a digest for each algorithm of the mask, readable (ASan) */
		for (int a = 0; a < FIM_ALG_COUNT; a++) {
			const unsigned char *md = fim_mentry_digest(e, a);

			if (!md != !(e->dmask & (1u << a)))
				abort();
			if (md)
				memcpy(digest_sink, md, fim_alg_size(a));
		}
		if (fim_manifest_lookup(m, e->path) != e)
			abort();
	}
	fim_manifest_free(m);
	return 0;
}
