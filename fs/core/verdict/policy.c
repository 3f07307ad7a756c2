/* Policy: first-match glob rules on baseline paths. */
#include "policy.h"

#include <fnmatch.h>
#include <string.h>

bool fim_policy_glob_match(const char *pattern, const char *bpath)
{
	const char *subject = bpath;

	while (bpath[0] == '.' && bpath[1] == '/')
		bpath += 2;
	if (!strchr(pattern, '/')) {
		const char *slash = strrchr(bpath, '/');

		subject = slash ? slash + 1 : bpath;
	} else {
		while (pattern[0] == '/' ||
		       (pattern[0] == '.' && pattern[1] == '/'))
			pattern += pattern[0] == '/' ? 1 : 2;
		subject = bpath;
	}
	return fnmatch(pattern, subject, 0) == 0;
}

enum fim_rule fim_policy_match(const struct fim_rule_conf *rules, size_t n,
			       const char *bpath, size_t *which)
{
	for (size_t i = 0; i < n; i++) {
		if (rules[i].match && fim_policy_glob_match(rules[i].match, bpath)) {
			if (which)
				*which = i;
			return rules[i].rule;
		}
	}
	if (which)
		*which = n;
	return FIM_RULE_EXACT;
}
