#include "shadow.h"

#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "record.h"

void shadow_report(fuse_req_t req, struct fimfs *fs, const char *path)
{
	size_t size = 4 * strlen(path) + 1;
	char *shown;

	if (!fim_view_note_shadowed(fs->view, path))
		return;
	/* Names may hold newlines: escaped as in fimfsctl report. */
	shown = malloc(size);
	if (shown)
		fim_mtree_escape(path, shown, size);
	fim_log(LOG_WARNING, "%s/%s: a real entry of SOURCE with the name of a "
		"virtual entry; the mount shows fimfs's own in its place "
		"(the real one only with -o virtual=off)", fs->source,
		shown ? shown : "?");
	free(shown);
	record_req(fs, req, &(struct fim_audit_event){
		.kind = FIM_AUDIT_EV_VERDICT, .op = "shadowed", .path = path,
		.status = "SHADOWED" });
}
