/* fimfsctl report: output and the mount-to-source mapping; see report.h. */
#include "report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "json.h"
#include "log.h"
#include "manifest.h"

/* Paths in text lines: escaped as in our mtree specs, so a name with a
 * newline or a space stays one field of one line. */
static void put_text_path(FILE *f, const char *path)
{
	size_t size = 4 * strlen(path) + 1;
	char *buf = malloc(size);

	if (!buf) {
		fputs("?", f);
		return;
	}
	fim_mtree_escape(path, buf, size);
	fputs(buf, f);
	free(buf);
}

static void put_differs(FILE *f, unsigned differs, const char *sep,
			const char *quote)
{
	const char *s = "";

	for (unsigned b = 0; b < FIM_DIFF_COUNT; b++) {
		if (!(differs & (1u << b)))
			continue;
		fprintf(f, "%s%s%s%s", s, quote, fim_diff_name(1u << b), quote);
		s = sep;
	}
}

void report_text(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts)
{
	for (size_t i = 0; i < n; i++) {
		const struct fim_verdict *vd = &v[i]->vd;

		if (vd->status == FIM_OK)
			continue;
		fprintf(f, "%-10s rule=%-11s ", fim_status_name(vd->status),
			fim_rule_name(vd->rule));
		put_text_path(f, v[i]->path);
		if (vd->differs) {
			fputs(" differs=", f);
			put_differs(f, vd->differs, ",", "");
		}
		if (vd->status == FIM_ERROR)
			fprintf(f, " error=%s", fim_errname(vd->err));
		fputc('\n', f);
	}
	fputs("summary:", f);
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, " %s=%zu", fim_status_name(s), counts[s]);
	fputc('\n', f);
}

/* A JSON string, escaped as every JSON of ours (json.h). */
static void put_json_str(FILE *f, const char *str)
{
	size_t size = FIM_JSON_ESCAPE_MAX * strlen(str) + 1;
	char *buf = malloc(size);

	if (!buf) {
		fputs("\"?\"", f);
		return;
	}
	fim_json_escape(str, strlen(str), buf, size);
	fprintf(f, "\"%s\"", buf);
	free(buf);
}

static void put_hex(FILE *f, int have, const unsigned char *md,
		    enum fim_alg alg)
{
	char hex[2 * FIM_MD_MAX + 1];

	if (!have) {
		fputs("null", f);
		return;
	}
	fim_hex(md, fim_alg_size(alg), hex);
	fprintf(f, "\"%s\"", hex);
}

void report_json(FILE *f, struct rentry *const *v, size_t n,
		 const size_t *counts, enum fim_alg alg)
{
	fputs("{\"summary\": {", f);
	for (int s = 0; s < FIM_STATUS_COUNT; s++)
		fprintf(f, "%s\"%s\": %zu", s ? ", " : "", fim_status_name(s),
			counts[s]);
	fputs("}, \"files\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct fim_verdict *vd = &v[i]->vd;

		fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
		put_json_str(f, v[i]->path);
		fprintf(f, ", \"status\": \"%s\", \"rule\": \"%s\", \"%s\": ",
			fim_status_name(vd->status), fim_rule_name(vd->rule),
			fim_alg_name(alg));
		put_hex(f, vd->have_actual, vd->actual, alg);
		fputs(", \"expected\": ", f);
		put_hex(f, vd->have_expected, vd->expected, alg);
		fputs(", \"differs\": [", f);
		put_differs(f, vd->differs, ", ", "\"");
		fputc(']', f);
		if (vd->status == FIM_ERROR)
			fprintf(f, ", \"error\": \"%s\"", fim_errname(vd->err));
		fputc('}', f);
	}
	fputs(n ? "\n]}\n" : "]}\n", f);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Fields of one mountinfo line: root, mount point, fstype, source. */
static int parse_line(char *line, char **root, char **point, char **fstype,
		      char **source)
{
	char *save = NULL, *tok;
	int i = 0;
	bool dash = false;

	*fstype = *source = NULL;
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save), i++) {
		if (i == 3)
			*root = tok;
		else if (i == 4)
			*point = tok;
		else if (!dash && !strcmp(tok, "-"))
			dash = true;
		else if (dash && !*fstype)
			*fstype = tok;
		else if (dash && !*source)
			*source = tok;
	}
	if (!*source)
		return -1;
	unescape(*root);
	unescape(*point);
	unescape(*source);
	return 0;
}

/* Whether mount point mp contains path; the length of mp that matched. */
static size_t under(const char *path, const char *mp)
{
	size_t n = strlen(mp);

	if (!strcmp(mp, "/"))
		return 0;
	if (strncmp(path, mp, n) || (path[n] && path[n] != '/'))
		return (size_t)-1;
	return n;
}

static int map_one(const char *path, size_t mplen, const char *root,
		   const char *source, char **out, char *err, size_t errsz)
{
	const char *src = source + strlen("fimfs:");
	const char *rel = path + mplen;

	if (strncmp(source, "fimfs:", 6) || (*src != '/' &&
					      !strstr(src, "://"))) {
		snprintf(err, errsz, "%s: on a fimfs mount whose source "
			 "('%s') is not an absolute path; run the report on "
			 "the source directory instead", path, source);
		return -1;
	}
	while (*rel == '/')
		rel++;
	if (!strcmp(root, "/"))
		root = "";
	if (asprintf(out, "%s%s%s%s", src, root, *rel ? "/" : "", rel) < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

int report_map_mount(const char *path, char **out, char *err, size_t errsz)
{
	char *line = NULL, *best = NULL, *root, *point, *fstype, *source;
	const char *best_root = NULL, *best_fstype = NULL, *best_source = NULL;
	size_t cap = 0, best_len = 0, n;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int ret = 0;

	*out = NULL;
	if (!f)
		return 0; /* no /proc: nothing is known to be a mount */
	/* The deepest mount containing path is the one that serves it (the
	 * last listed wins among stacked mounts of one point). */
	while (getline(&line, &cap, f) > 0) {
		char *copy = strdup(line);

		if (!copy || parse_line(copy, &root, &point, &fstype,
					&source) ||
		    (n = under(path, point)) == (size_t)-1 ||
		    (best && n < best_len)) {
			free(copy);
			continue;
		}
		free(best);
		best = copy;
		best_len = n;
		best_root = root;
		best_fstype = fstype;
		best_source = source;
	}
	if (best && !strcmp(best_fstype, "fuse.fimfs"))
		ret = map_one(path, best_len, best_root, best_source, out, err,
			      errsz);
	free(best);
	free(line);
	fclose(f);
	return ret;
}
