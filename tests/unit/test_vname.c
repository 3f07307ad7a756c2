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

int main(void)
{
	test_parse();
	test_sumline();
	return tap_done();
}
