#include <errno.h>
#include <string.h>

#include "tap.h"
#include "verdict.h"

int main(void)
{
	struct fim_verdict v = { .status = FIM_NOBASELINE,
				 .rule = FIM_RULE_NONE,
				 .alg = FIM_SHA256 };
	char a[512], b[512];
	size_t len = fim_verdict_line_len(FIM_SHA256);

	is_int(fim_verdict_format(&v, a, sizeof(a)), len,
	       "NOBASELINE line has the fixed length");
	ok(!strncmp(a, "NOBASELINE rule=-", 17), "status is the first token");
	ok(a[len - 1] == '\n' && !strchr(a, '\n')[1], "one line");

	v.status = FIM_MISMATCH;
	v.rule = FIM_RULE_APPEND_ONLY;
	v.have_actual = v.have_expected = 1;
	memset(v.actual, 0x11, 32);
	memset(v.expected, 0x22, 32);
	v.differs = FIM_DIFF_CONTENT | FIM_DIFF_MODE | FIM_DIFF_LINK |
		    FIM_DIFF_SIZE | FIM_DIFF_TYPE | FIM_DIFF_UID |
		    FIM_DIFF_GID;
	is_int(fim_verdict_format(&v, b, sizeof(b)), len,
	       "a full MISMATCH line has the same length");
	ok(strstr(b, "differs=content,size,type,mode,uid,gid,link ") != NULL,
	   "differs lists every attribute");
	ok(strstr(b, "rule=append-only ") != NULL, "rule named");
	ok(strstr(b, "sha256=1111") && strstr(b, "expected=2222"),
	   "actual and expected digests shown");

	v.status = FIM_ERROR;
	v.err = 5;
	v.differs = 0;
	is_int(fim_verdict_format(&v, b, sizeof(b)), len, "ERROR same length");
	ok(strstr(b, "error=EIO ") != NULL, "errno named");
	v.err = FIM_ERR_NODIGEST;
	v.have_expected = 0;
	is_int(fim_verdict_format(&v, b, sizeof(b)), len,
	       "ERROR nodigest same length");
	ok(strstr(b, "expected=- ") && strstr(b, "error=nodigest    \n"),
	   "no digest to expect: error=nodigest");
	is_str(fim_verdict_errname(FIM_ERR_NODIGEST), "nodigest",
	       "nodigest named");
	is_str(fim_verdict_errname(ENOTSUP), "ENOTSUP", "errnos named as ever");
	v.err = 5;
	is_int(fim_verdict_format(&v, b, len), 0, "short buffer refused");
	ok(fim_verdict_line_len(FIM_SHA512) > len, "sha512 lines are longer");
	is_int(fim_rule_from_name("append-only"), FIM_RULE_APPEND_ONLY,
	       "rule names");
	is_int(fim_rule_from_name("-"), -1, "no rule is not a rule name");
	return tap_done();
}
