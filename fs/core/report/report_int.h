/* Reports: what the writers of report_out.c and timeline_out.c share. */
#ifndef FIM_REPORT_INT_H
#define FIM_REPORT_INT_H

#include <stdio.h>

/* A path in a text line: escaped as in our mtree specs, so a name with a
 * newline or a space stays one field of one line. */
void fim_report_put_path(FILE *f, const char *path);

/* A JSON string with its quotes, escaped as every JSON of ours (json.h). */
void fim_report_put_json_str(FILE *f, const char *str);

#endif
