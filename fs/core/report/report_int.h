/* Reports: what the writers of report_out.c and timeline_out.c share. */
#ifndef FIM_REPORT_INT_H
#define FIM_REPORT_INT_H

#include <stdio.h>

#include "json.h"

/* A path in a text line: escaped as in our mtree specs, so a name with a
 * newline or a space stays one field of one line. */
void fim_report_put_path(FILE *f, const char *path);

/* End the document w writes and hand it all to f, through f's buffer: 0,
 * or the writer's error, or f's (a negative errno). */
int fim_report_json_done(struct fim_json *w, FILE *f);

#endif
