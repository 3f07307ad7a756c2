/* Policy: which rule applies to a file, from the configured rules.
 *
 * Rules are tried in order and the first match wins; without a match the
 * rule is exact. A pattern is an fnmatch(3) glob on the baseline path
 * (relative, no leading "./"):
 *  - a pattern without '/' matches the last component only, so "*.log"
 *    matches "var/log/app.log";
 *  - a pattern with '/' matches the whole path; a leading "./" or "/" in the
 *    pattern is ignored. '*' also matches '/' (no FNM_PATHNAME): the
 *    pattern "var/log/" followed by '*' covers the whole subtree;
 *  - a leading '.' needs no explicit match (no FNM_PERIOD): hidden files
 *    are not a way around a rule.
 * Pure functions of their arguments: safe from any thread.
 */
#ifndef FIM_POLICY_H
#define FIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "verdict.h"

/* Whether one pattern matches a baseline path (a leading "./" on the path
 * is ignored). */
bool fim_policy_glob_match(const char *pattern, const char *bpath);

/* The rule for bpath. When which is not NULL it receives the index of the
 * matching rule, or n when the default applied. */
enum fim_rule fim_policy_match(const struct fim_rule_conf *rules, size_t n,
			       const char *bpath, size_t *which);

#endif
