#include "mountinfo.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

int fim_mountinfo_parse(char *line, struct fim_mount *m)
{
	char *save = NULL, *tok;
	bool dash = false;
	int i = 0;

	m->point = m->fstype = NULL;
	for (tok = strtok_r(line, " \n", &save); tok && !m->fstype;
	     tok = strtok_r(NULL, " \n", &save), i++) {
		if (i == 2 &&
		    sscanf(tok, "%u:%u", &m->major, &m->minor) != 2)
			return -1;
		if (i == 4)
			m->point = tok;
		else if (i > 4 && !dash && !strcmp(tok, "-"))
			dash = true;
		else if (dash)
			m->fstype = tok;
	}
	if (!m->point || !m->fstype)
		return -1;
	unescape(m->point);
	return 0;
}
