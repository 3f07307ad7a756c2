/* Policy: first match wins, basename versus full-path patterns, default. */
#include <string.h>

#include "policy.h"
#include "tap.h"

static struct fim_rule_conf rules[] = {
	{ (char *)"*.log", FIM_RULE_APPEND_ONLY },
	{ (char *)"tmp/*", FIM_RULE_IGNORE },
	{ (char *)"./etc/*.conf", FIM_RULE_CONTENT },
	{ (char *)"/var/cache/*", FIM_RULE_IGNORE },
	{ (char *)"vm[0-9]/*.vmdk", FIM_RULE_CONTENT },
	{ (char *)"*", FIM_RULE_EXACT },
};

static enum fim_rule rule_of(const char *p, size_t *which)
{
	return fim_policy_match(rules, sizeof(rules) / sizeof(rules[0]), p,
				which);
}

int main(void)
{
	size_t w = 99;

	is_int(rule_of("app.log", &w), FIM_RULE_APPEND_ONLY, "basename match");
	is_int(w, 0, "index of the matching rule");
	is_int(rule_of("var/log/deep/app.log", NULL), FIM_RULE_APPEND_ONLY,
	       "pattern without '/' matches the basename at any depth");
	is_int(rule_of("./var/log/x.log", NULL), FIM_RULE_APPEND_ONLY,
	       "leading ./ on the path ignored");
	is_int(rule_of("tmp/a/b/c", NULL), FIM_RULE_IGNORE,
	       "'*' after a '/' pattern covers the subtree");
	is_int(rule_of("x/tmp/a", &w), FIM_RULE_EXACT,
	       "a '/' pattern is anchored at the root");
	is_int(w, 5, "fell through to the catch-all");
	is_int(rule_of("tmp/x.log", NULL), FIM_RULE_APPEND_ONLY,
	       "first match wins over a later one");
	is_int(rule_of("etc/fimfs.conf", NULL), FIM_RULE_CONTENT,
	       "leading ./ on the pattern ignored");
	is_int(rule_of("var/cache/apt/pkg", NULL), FIM_RULE_IGNORE,
	       "leading / on the pattern ignored");
	is_int(rule_of("vm1/disk.vmdk", NULL), FIM_RULE_CONTENT,
	       "bracket expression");
	is_int(rule_of("vmx/disk.vmdk", NULL), FIM_RULE_EXACT,
	       "bracket expression not matching");
	is_int(rule_of(".hidden.log", NULL), FIM_RULE_APPEND_ONLY,
	       "a leading dot is matched by '*'");
	is_int(fim_policy_match(rules, 0, "a.log", &w), FIM_RULE_EXACT,
	       "no rules: exact");
	is_int(w, 0, "no rules: index n");
	is_int(fim_policy_match(rules, 2, "etc/x", &w), FIM_RULE_EXACT,
	       "no match: exact");
	is_int(w, 2, "no match: index n");
	ok(fim_policy_glob_match("a\\*b", "a*b") &&
		   !fim_policy_glob_match("a\\*b", "axb"),
	   "backslash quotes a glob character");
	ok(!fim_policy_glob_match("*.log", "dir.log/file"),
	   "basename patterns look at the last component only");
	return tap_done();
}
