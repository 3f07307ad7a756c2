#include "vname.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const suffixes[FIM_VK_COUNT] = {
	[FIM_SHA256] = ".sha256",
	[FIM_SHA512] = ".sha512",
	[FIM_SHA1] = ".sha1",
	[FIM_MD5] = ".md5",
	[FIM_BLAKE2B512] = ".blake2b512",
	[FIM_SHA3_256] = ".sha3-256",
	[FIM_SHA384] = ".sha384",
	[FIM_RMD160] = ".rmd160",
	[FIM_VK_VERIFIED] = ".verified",
};

const char *fim_vname_suffix(int kind)
{
	return suffixes[kind];
}

int fim_vname_parse(const char *name, uint32_t digests, size_t *baselen)
{
	size_t len = strlen(name);

	for (int k = 0; k < FIM_VK_COUNT; k++) {
		size_t sl = strlen(suffixes[k]);

		if (k != FIM_VK_VERIFIED && !(digests & (1u << k)))
			continue;
		if (len > sl && !memcmp(name + len - sl, suffixes[k], sl)) {
			*baselen = len - sl;
			return k;
		}
	}
	return -1;
}

int fim_vname_kind_in_dir(const char *name, uint32_t digests,
			  bool (*is_regular)(void *arg, const char *name),
			  void *arg, size_t *baselen)
{
	char base[NAME_MAX + 1];
	size_t len = strlen(name), bl;
	int kind, first = -1;
	unsigned regular = 0;

	/* Most names end in no suffix: no copy for them. */
	if (len > NAME_MAX || fim_vname_parse(name, digests, &bl) < 0)
		return -1;
	memcpy(base, name, len + 1);
	/* x.sha256 is virtual when x is a regular file shown as itself, that
	 * is when x is not virtual: peel suffixes while the base is a regular
	 * file; name is virtual when an odd number of them were. */
	while ((kind = fim_vname_parse(base, digests, &bl)) >= 0) {
		base[bl] = '\0';
		if (!is_regular(arg, base))
			break;
		if (!regular++) {
			first = kind;
			*baselen = bl;
		}
	}
	return regular % 2 ? first : -1;
}

/* coreutils 9.1 (bookworm) escapes exactly these three: backslash,
 * newline and carriage return (as \\, \n, \r). */
static int needs_escape(const char *name)
{
	return strpbrk(name, "\\\n\r") != NULL;
}

size_t fim_sumline_len(enum fim_alg alg, const char *name)
{
	size_t len = 2 * fim_alg_size(alg) + 2 + strlen(name) + 1;

	if (needs_escape(name)) {
		len++;
		for (const char *p = name; *p; p++)
			len += *p == '\\' || *p == '\n' || *p == '\r';
	}
	return len;
}

size_t fim_sumline_format(enum fim_alg alg, const unsigned char *md,
			  const char *name, char *buf, size_t size)
{
	size_t need = fim_sumline_len(alg, name), n = 0;
	int esc = needs_escape(name);

	if (size < need + 1)
		return 0;
	if (esc)
		buf[n++] = '\\';
	fim_hex(md, fim_alg_size(alg), buf + n);
	n += 2 * fim_alg_size(alg);
	buf[n++] = ' ';
	buf[n++] = ' ';
	for (const char *p = name; *p; p++) {
		if (esc && *p == '\\') {
			buf[n++] = '\\';
			buf[n++] = '\\';
		} else if (esc && *p == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (esc && *p == '\r') {
			buf[n++] = '\\';
			buf[n++] = 'r';
		} else {
			buf[n++] = *p;
		}
	}
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
