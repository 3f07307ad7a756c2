/* Lines of /proc/self/mountinfo, for the front ends that must tell which
 * file system a path is on (the daemon's start, fimfsctl report). */
#ifndef FIM_MOUNTINFO_H
#define FIM_MOUNTINFO_H

struct fim_mount {
	unsigned major, minor; /* of the mounted file system */
	char *point;           /* unescaped; points into the parsed line */
	char *fstype;          /* points into the parsed line */
};

/* Parse one mountinfo line in place ("ID PARENT MAJ:MIN ROOT POINT
 * OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER"). The kernel writes space,
 * tab, newline and backslash in the mount point as \ooo; they are decoded.
 * Returns 0, or -1 for a line that is not of that form. */
int fim_mountinfo_parse(char *line, struct fim_mount *m);

#endif
