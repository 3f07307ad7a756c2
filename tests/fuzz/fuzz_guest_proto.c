/* libFuzzer target: the core's decoders of fimfs-guest replies and of its
 * requests for image bytes (and the reader's decoder of requests). The first byte picks the decoder, the rest
 * is the body, as a compromised reader could send it. Besides not crashing,
 * what a decoder accepts must be what the encoder writes: an accepted attr
 * or request re-encodes to the same bytes, and every directory name handed
 * on is one plain path component. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_name(void *arg, const char *name, const struct fim_gp_attr *a)
{
	(void)arg;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || a->type < FIM_GP_REG ||
	    a->type >= FIM_GP_TYPE_END || a->mode > 07777)
		abort();
	return 0;
}

static void attr_roundtrip(const uint8_t *p, size_t len)
{
	struct fim_gp_attr a;
	uint8_t again[128];
	struct fim_gp_buf b = {again, 0, sizeof(again)};

	if (fim_guest_decode_attr(p, len, &a))
		return;
	if (fim_gp_put_attr(&b, &a) || b.len != len || memcmp(again, p, len))
		abort();
}

static void req_roundtrip(const uint8_t *p, size_t len)
{
	struct fim_gp_req q;
	uint8_t again[FIM_GP_PATH_MAX + 64];
	struct fim_gp_buf b = {again, 0, sizeof(again)};

	if (fim_gp_decode_req(p, len, &q))
		return;
	if (fim_gp_encode_req(&b, &q) || b.len != len + 4 ||
	    memcmp(again + 4, p, len))
		abort();
}

/* An IMAGE request the core accepts asks for 1..FIM_GP_READ_MAX bytes at
 * an offset a file can have, and re-encodes to the same bytes. */
static void image_roundtrip(const uint8_t *p, size_t len)
{
	uint8_t again[4 + FIM_GP_IMAGE_REQ_LEN];
	struct fim_gp_buf b = {again, 0, sizeof(again)};
	uint32_t id, n;
	uint64_t off;

	if (fim_gp_decode_image_req(p, len, &id, &off, &n))
		return;
	if (!n || n > FIM_GP_READ_MAX || off > INT64_MAX ||
	    fim_gp_encode_image_req(&b, id, off, n) || b.len != len + 4 ||
	    memcmp(again + 4, p, len))
		abort();
}

/* An AHEAD frame the core keeps has a path without NUL and a whole page of
 * plain names after it. */
static void ahead_check(const uint8_t *p, size_t len)
{
	char path[FIM_GP_PATH_MAX + 1];
	uint32_t next, skipped;
	uint16_t part;
	size_t body;
	int stop;

	if (fim_guest_decode_ahead(p, len, &part, path, &body))
		return;
	if (body > len || strlen(path) > FIM_GP_PATH_MAX ||
	    fim_guest_decode_page(p + body, len - body, check_name, NULL,
				  &next, &skipped, &stop) || next)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fim_guest_part *parts;
	char buf[FIM_GP_PATH_MAX + 1];
	uint32_t next, skipped;
	size_t n;
	int stop;

	if (!size)
		return 0;
	/* an exact-size heap copy, so ASan sees any read past the end */
	uint8_t *p = malloc(size - 1 ? size - 1 : 1);
	size_t len = size - 1;
	if (!p)
		return 0;
	memcpy(p, data + 1, len);
	switch (data[0] % 9) {
	case 0:
		if (!fim_guest_decode_parts(p, len, &parts, &n)) {
			if (!n || n > FIM_GP_PARTS_MAX)
				abort();
			free(parts);
		}
		break;
	case 1:
		attr_roundtrip(p, len);
		break;
	case 2:
		fim_guest_decode_page(p, len, check_name, NULL, &next,
				      &skipped, &stop);
		break;
	case 3:
		if (fim_guest_decode_link(p, len, buf, sizeof(buf)) > 0 &&
		    strlen(buf) > FIM_GP_PATH_MAX)
			abort();
		break;
	case 4:
		fim_guest_decode_reason(p, len, buf, sizeof(buf));
		break;
	case 5:
		fim_gp_decode_hello(p, len);
		break;
	case 7:
		image_roundtrip(p, len);
		break;
	case 8:
		ahead_check(p, len);
		break;
	default:
		req_roundtrip(p, len);
		break;
	}
	free(p);
	return 0;
}
