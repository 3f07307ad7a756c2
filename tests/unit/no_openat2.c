/* Runs a command with openat2(2) answering ENOSYS (no_openat2.h):
 *   no_openat2 PROGRAM [ARG...]
 * The Tcl tests mount fimfs through it to exercise the path walk that
 * replaces openat2 there. Not installed. */
#include <stdio.h>
#include <unistd.h>

#include "no_openat2.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: no_openat2 PROGRAM [ARG...]\n");
		return 2;
	}
	if (no_openat2()) {
		perror("no_openat2: seccomp");
		return 2;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "no_openat2: %s: ", argv[1]);
	perror("");
	return 127;
}
