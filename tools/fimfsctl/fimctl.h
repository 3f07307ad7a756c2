/* What several fimfsctl subcommands share besides the core: opening the
 * view of a directory, the progress line, and the source behind a path
 * inside a fimfs mount. */
#ifndef FIMCTL_H
#define FIMCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "walk.h"

struct fim_config;
struct fim_view;

/* Resolve the cache to use: opens the view over source with cfg, falling
 * back to a memory-only cache with a warning on stderr when the configured
 * cache file cannot be opened (e.g. /var/lib/fimfs is not writable by this
 * user). cfg->cache_path may be changed to "none". Returns 0 or a negative
 * errno with the message in err. */
int fimctl_open_view(struct fim_config *cfg, const char *source,
		     struct fim_view **out, char *err, size_t errsz);

/* Where dir is read from. A path inside NAME.files/ of an image (guest
 * on) exists in the view alone: *base is the resolved directory holding the
 * image and *sub the path below it the view shows ("NAME.files/p1/etc"),
 * the same the mount shows; any other dir is *base = realpath(dir) and
 * *sub = "". Both malloc'd. Returns 0, -EINVAL for a ".." below
 * NAME.files, or realpath's error. */
int fimctl_guest_root(const char *dir, bool guest, char **base, char **sub);

/* A fim_progress_cb drawing one line on stderr, redrawn in place. */
void fimctl_progress(void *arg, const struct fim_progress *p);

/* When path (resolved, absolute) lies inside a mounted fimfs, the source
 * it shows there, malloc'd, in *out, as the daemon tells it (a directory
 * or an nfs:// URL), the mount's whole SOURCE in *root (whose names the
 * daemon's digest cache uses), and in *at_root whether path is the mount's
 * root; else *out and *root are NULL. Returns 0, or -1 with a message in
 * err when the daemon does not tell it: never a guess. */
int report_map_mount(const char *path, char **out, char **root,
		     bool *at_root, char *err, size_t errsz);

/* fimfsctl report of the snapshots-layout view (baseline loaded, threads
 * started) of src: every snapshot, oldest first, then the timeline and
 * the total, on stdout. Returns the exit status. */
int report_snapshots(struct fim_view *view, const struct fim_config *cfg,
		     const char *src, bool json);
/* On stderr: why the report on stdout could not be written whole (err, a
 * negative errno: out of memory, or stdout's). */
void report_write_failed(int err);

#endif
