#include "gpath.h"

#include <stdio.h>
#include <string.h>

size_t gpath_next(const char *path, size_t from, size_t *name_len)
{
	const size_t slen = sizeof(FIM_GUEST_SUFFIX) - 1;
	size_t start = from;

	while (path[start]) {
		size_t len = strcspn(path + start, "/");

		if (len > slen && !memcmp(path + start + len - slen,
					  FIM_GUEST_SUFFIX, slen)) {
			*name_len = start + len - slen;
			return start + len;
		}
		start += len;
		start += path[start] == '/';
	}
	return 0;
}

bool gpath_part(const char *name, size_t len, unsigned *number)
{
	unsigned long n = 0;

	if (len == 2 && !memcmp(name, "fs", 2)) {
		*number = 0;
		return true;
	}
	if (len < 2 || len > 6 || name[0] != 'p' || name[1] == '0')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		n = n * 10 + (unsigned long)(name[i] - '0');
	}
	*number = (unsigned)n;
	return true;
}

void gpath_part_name(unsigned number, char *out)
{
	if (number)
		snprintf(out, 16, "p%u", number);
	else
		memcpy(out, "fs", 3);
}

/* FNV-1a over the bytes of v, continuing from h. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 1099511628211ull;
	return h;
}

uint64_t gpath_ino(const struct fim_stat *image, uint32_t part,
		   uint64_t guest_ino)
{
	uint64_t h = 14695981039346656037ull;

	h = mix(h, image->ino);
	h = mix(h, image->size);
	h = mix(h, (uint64_t)image->mtime_ns);
	h = mix(h, (uint64_t)image->ctime_ns);
	h = mix(h, part);
	h = mix(h, guest_ino);
	return h | 1ull << 63;
}
