#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *const status_names[FIM_STATUS_COUNT] = {
	"OK", "MISMATCH", "UNLISTED", "IGNORED", "NOBASELINE", "ERROR",
	"MISSING", "SHADOWED",
};

static const char *const rule_names[FIM_RULE_COUNT] = {
	"exact", "content", "append-only", "ignore", "-",
};

static const char *const diff_names[FIM_DIFF_COUNT] = {
	"content", "size", "type", "mode", "uid", "gid", "link",
};

#define STATUS_W 10
#define RULE_W 11
#define DIFFS_W 35 /* "content,size,type,mode,uid,gid,link" */
#define ERR_W 12

const char *fim_status_name(enum fim_status s)
{
	return status_names[s];
}

const char *fim_rule_name(enum fim_rule r)
{
	return rule_names[r];
}

int fim_rule_from_name(const char *name)
{
	for (int r = 0; r < FIM_RULE_NONE; r++)
		if (!strcmp(name, rule_names[r]))
			return r;
	return -1;
}

const char *fim_diff_name(unsigned bit)
{
	for (int i = 0; i < FIM_DIFF_COUNT; i++)
		if (bit == 1u << i)
			return diff_names[i];
	return "?";
}

const char *fim_verdict_errname(int err)
{
	return err == FIM_ERR_NODIGEST ? "nodigest" : fim_errname(err);
}

size_t fim_verdict_line_len(enum fim_alg alg)
{
	size_t hex = 2 * fim_alg_size(alg);

	return STATUS_W + strlen(" rule=") + RULE_W + 1 +
	       strlen(fim_alg_name(alg)) + 1 + hex + strlen(" expected=") +
	       hex + strlen(" differs=") + DIFFS_W + strlen(" error=") +
	       ERR_W + 1;
}

static void digest_field(int have, const unsigned char *md, enum fim_alg alg,
			 char *out)
{
	if (have)
		fim_hex(md, fim_alg_size(alg), out);
	else
		strcpy(out, "-");
}

size_t fim_verdict_format(const struct fim_verdict *v, char *buf,
			  size_t size)
{
	char actual[2 * FIM_MD_MAX + 1], expected[2 * FIM_MD_MAX + 1];
	char differs[DIFFS_W + 1] = "";
	int hex = (int)(2 * fim_alg_size(v->alg));
	size_t len = fim_verdict_line_len(v->alg);
	int n;

	if (size < len + 1)
		return 0;
	digest_field(v->have_actual, v->actual, v->alg, actual);
	digest_field(v->have_expected, v->expected, v->alg, expected);
	for (int i = 0; i < FIM_DIFF_COUNT; i++) {
		if (!(v->differs & (1u << i)))
			continue;
		if (*differs)
			strcat(differs, ",");
		strcat(differs, diff_names[i]);
	}
	if (!*differs)
		strcpy(differs, "-");
	n = snprintf(buf, size, "%-*s rule=%-*s %s=%-*s expected=%-*s "
		     "differs=%-*s error=%-*s\n",
		     STATUS_W, status_names[v->status], RULE_W,
		     rule_names[v->rule], fim_alg_name(v->alg), hex, actual,
		     hex, expected, DIFFS_W, differs, ERR_W,
		     v->status == FIM_ERROR ? fim_verdict_errname(v->err) : "-");
	return n == (int)len ? len : 0;
}
