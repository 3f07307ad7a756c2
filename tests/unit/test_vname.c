#include <limits.h>
#include <string.h>

#include "tap.h"
#include "vname.h"

static void test_parse(void)
{
	uint32_t d = 1u << FIM_SHA256 | 1u << FIM_MD5;
	size_t base = 0;

	is_int(fim_vname_parse("a.vmdk.sha256", d, &base), FIM_SHA256,
	       "sha256 suffix recognised");
	is_int(base, 6, "base length of a.vmdk.sha256");
	is_int(fim_vname_parse("a.verified", d, &base), FIM_VK_VERIFIED,
	       ".verified recognised");
	is_int(fim_vname_parse("a.md5", d, &base), FIM_MD5, "md5 enabled");
	is_int(fim_vname_parse("a.sha512", d, &base), -1,
	       "sha512 not configured: not virtual");
	is_int(fim_vname_parse(".sha256", d, &base), -1,
	       "a bare suffix has no base");
	is_int(fim_vname_parse("sha256", d, &base), -1, "no dot");
}

static void test_sumline(void)
{
	unsigned char md[32];
	char buf[512];
	size_t n;

	memset(md, 0xab, sizeof(md));
	n = fim_sumline_format(FIM_SHA256, md, "disk.vmdk", buf, sizeof(buf));
	is_int(n, fim_sumline_len(FIM_SHA256, "disk.vmdk"), "length matches");
	is_str(buf, "abababababababababababababababababababababababababababababababab"
		    "  disk.vmdk\n", "plain line");
	n = fim_sumline_format(FIM_SHA256, md, "a\\b\nc", buf, sizeof(buf));
	is_int(n, fim_sumline_len(FIM_SHA256, "a\\b\nc"),
	       "escaped length matches");
	is_str(buf, "\\abababababababababababababababababababababababababababababababab"
		    "  a\\\\b\\nc\n", "backslash and newline escaped");
	n = fim_sumline_format(FIM_SHA256, md, "cr\rname", buf, sizeof(buf));
	is_str(buf, "\\abababababababababababababababababababababababababababababababab"
		    "  cr\\rname\n", "carriage return escaped as coreutils 9.1 does");
	n = fim_sumline_format(FIM_SHA256, md, "x", buf, 40);
	is_int(n, 0, "too small a buffer is refused");
	n = fim_sumline_format(FIM_MD5, md, "-x y", buf, sizeof(buf));
	is_int(n, 32 + 2 + 4 + 1, "md5 line length");
}

/* A directory for fim_vname_kind_in_dir: the regular files it holds. */
struct dir {
	const char *const *regular;
	int asked;
};

static bool dir_is_regular(void *arg, const char *name)
{
	struct dir *d = arg;

	d->asked++;
	for (const char *const *r = d->regular; *r; r++)
		if (!strcmp(*r, name))
			return true;
	return false;
}

static int kind_in(const char *const *regular, const char *name,
		   size_t *baselen, int *asked)
{
	struct dir d = { regular, 0 };
	uint32_t digests = 1u << FIM_SHA256;
	int kind = fim_vname_kind_in_dir(name, digests, dir_is_regular, &d,
					 baselen);

	if (asked)
		*asked = d.asked;
	return kind;
}

static void test_kind_in_dir(void)
{
	static const char *const plain[] = { "x", NULL };
	static const char *const planted[] = { "x", "x.sha256", "x.verified",
					       NULL };
	static const char *const orphan[] = { "y.sha256", NULL };
	static const char *const deep[] = { "x", "x.sha256",
					    "x.sha256.sha256", NULL };
	char longname[NAME_MAX + 10];
	size_t base = 0;
	int asked = -1;

	is_int(kind_in(plain, "x.sha256", &base, NULL), FIM_SHA256,
	       "x.sha256 beside a regular x is virtual");
	is_int(base, 1, "its base is x");
	is_int(kind_in(plain, "x.verified", &base, NULL), FIM_VK_VERIFIED,
	       "x.verified beside a regular x is virtual");
	is_int(kind_in(plain, "x.md5", &base, NULL), -1,
	       "a digest not configured is no virtual name");
	is_int(kind_in(plain, "z.sha256", &base, NULL), -1,
	       "no regular z: z.sha256 is no virtual name");
	is_int(kind_in(plain, "x.sha256.sha256", &base, NULL), -1,
	       "virtual entries have no virtual entries");
	is_int(kind_in(plain, "plain.txt", &base, &asked), -1,
	       "an ordinary name is no virtual name");
	is_int(asked, 0, "... and SOURCE is not asked about it");

	is_int(kind_in(planted, "x.sha256", &base, NULL), FIM_SHA256,
	       "a real x.sha256 beside a regular x is shadowed");
	is_int(kind_in(planted, "x.verified", &base, NULL), FIM_VK_VERIFIED,
	       "a real x.verified beside a regular x is shadowed");
	is_int(kind_in(planted, "x.sha256.sha256", &base, NULL), -1,
	       "a shadowed file has no virtual entries of its own");
	is_int(kind_in(planted, "x.verified.verified", &base, NULL), -1,
	       "nor has a shadowed verdict file");

	is_int(kind_in(orphan, "y.sha256", &base, NULL), -1,
	       "a real y.sha256 without a regular y is an ordinary file");
	is_int(kind_in(orphan, "y.sha256.sha256", &base, NULL), FIM_SHA256,
	       "... with virtual entries of its own");
	is_int(base, 8, "whose base is y.sha256");

	is_int(kind_in(deep, "x.sha256.sha256", &base, &asked), -1,
	       "a real x.sha256.sha256 beside a shadowed x.sha256 is shown");
	is_int(asked, 2, "one question to SOURCE per suffix");
	is_int(kind_in(deep, "x.sha256.sha256.sha256", &base, NULL),
	       FIM_SHA256, "... and has virtual entries of its own");
	is_int(base, 15, "whose base is x.sha256.sha256");

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname + sizeof(longname) - 8, ".sha256", 7);
	is_int(kind_in(plain, longname, &base, NULL), -1,
	       "a name past NAME_MAX is no virtual name");
}

int main(void)
{
	test_parse();
	test_sumline();
	test_kind_in_dir();
	return tap_done();
}
