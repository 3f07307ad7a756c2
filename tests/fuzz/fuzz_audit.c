/* libFuzzer target: audit-log verification. The first input byte chooses
 * the mode: bit 0, the next 32 bytes are a verification key, so MACs are
 * checked (the seeds carry the key they were sealed with); bit 1, the log
 * is fed in chunks of 1-61 bytes rather than as one buffer. The rest is
 * the log.
 * Whatever the bytes, the verifier answers 0 or 1 (or -ENOMEM), and a 1
 * comes with a message and a line number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[FIM_AUDIT_KEY_LEN];
	struct fim_audit_verifier *v = NULL;
	const char *msg;
	uint64_t line = 0;
	unsigned mode;
	int ret;

	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (mode & 1) {
		if (size < sizeof(key))
			return 0;
		memcpy(key, data, sizeof(key));
		data += sizeof(key);
		size -= sizeof(key);
	}
	if (fim_audit_verifier_new(mode & 1 ? key : NULL, &v))
		return 0;
	if (mode & 2) {
		size_t step = 1 + (mode >> 2) % 61;

		ret = 0;
		for (size_t off = 0; off < size && ret == 0; off += step)
			ret = fim_audit_verify_feed(v, data + off,
						    size - off < step
							    ? size - off : step);
		if (ret == 0)
			ret = fim_audit_verify_end_file(v);
	} else {
		ret = fim_audit_verify_buf(v, data, size);
	}
	if (ret != 0 && ret != 1 && ret != -12)
		abort();
	msg = fim_audit_verify_error(v, &line);
	if ((ret == 1) != (msg != NULL) || (msg && (!*msg || !line)))
		abort();
	fim_audit_verifier_free(v);
	return 0;
}
