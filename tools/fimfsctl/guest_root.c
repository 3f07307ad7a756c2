/* fimfsctl: where a directory inside NAME.files/ is read from; see
 * fimctl.h. */
#include "fimctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guestname.h"

/* Whether the component name[0..len) is NAME.files beside a regular file
 * NAME in the directory parent[0..plen) ("" for the current one). Whether
 * NAME is an image is the view's to say, not ours. */
static bool beside_file(const char *parent, size_t plen, const char *name,
			size_t len)
{
	size_t slen = sizeof(FIM_GUEST_SUFFIX) - 1;
	char *image;
	struct stat st;
	bool file;

	if (len <= slen || memcmp(name + len - slen, FIM_GUEST_SUFFIX, slen))
		return false;
	image = malloc(plen + len + 1);
	if (!image)
		return false;
	memcpy(image, parent, plen);
	memcpy(image + plen, name, len - slen);
	image[plen + len - slen] = '\0';
	file = !stat(image, &st) && S_ISREG(st.st_mode);
	free(image);
	return file;
}

/* rest, from NAME.files on, as a view path: no empty or "." component; a
 * ".." would leave the guest tree and is refused. */
static int view_path(const char *rest, char **sub)
{
	char *out = malloc(strlen(rest) + 1), *o = out;

	if (!out)
		return -ENOMEM;
	while (*rest) {
		size_t len = strcspn(rest, "/");

		if (len == 2 && !memcmp(rest, "..", 2)) {
			free(out);
			return -EINVAL;
		}
		if (len && !(len == 1 && *rest == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, rest, len);
			o += len;
		}
		rest += len + (rest[len] == '/');
	}
	*o = '\0';
	*sub = out;
	return 0;
}

int fimctl_guest_root(const char *dir, bool guest, char **base, char **sub)
{
	const char *c = dir, *rest = NULL;
	char *parent;
	int ret;

	while (guest && *c && !rest) {
		size_t len = strcspn(c, "/");

		if (beside_file(dir, (size_t)(c - dir), c, len))
			rest = c;
		c += len + (c[len] == '/');
	}
	*sub = NULL;
	if (!rest) {
		*base = realpath(dir, NULL);
		if (!*base)
			return -errno;
		*sub = strdup("");
		return *sub ? 0 : -ENOMEM;
	}
	parent = rest == dir ? strdup(".") : strndup(dir, (size_t)(rest - dir));
	if (!parent)
		return -ENOMEM;
	*base = realpath(parent, NULL);
	ret = *base ? view_path(rest, sub) : -errno;
	free(parent);
	if (ret) {
		free(*base);
		*base = NULL;
	}
	return ret;
}
