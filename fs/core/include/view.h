/* The view: what a fimfs mount shows of SOURCE, without FUSE.
 *
 * It owns the source, the digest engine, the digest cache and the hashing
 * service built from a configuration, and answers the questions the FUSE
 * adapter (and fimfsctl) ask: what a name in a directory is (a real entry or
 * a virtual one), the attributes of a virtual entry (exact, without hashing),
 * and the content of a virtual entry (asynchronously, hashing on demand).
 * Paths are relative to the source root (see source.h). Thread-safe.
 */
#ifndef FIM_VIEW_H
#define FIM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/statvfs.h>

#include "config.h"
#include "hashsvc.h"
#include "source.h"
#include "verdict.h"
#include "vname.h"

struct fim_view;

/* Build a view of source_spec from cfg (which must outlive the view).
 * Returns 0 or a negative errno with a message in err. No thread is started
 * yet, so a daemon may still fork. */
int fim_view_new(const struct fim_config *cfg, const char *source_spec,
		 struct fim_view **out, char *err, size_t errsz);

/* Start the hashing threads; before this, content requests fail. */
int fim_view_start(struct fim_view *v, char *err, size_t errsz);
void fim_view_free(struct fim_view *v);

/* Work of its own on the view that runs in a thread (the listings of
 * listing.h) and must end before the view goes: fim_view_job_begin()
 * returns false once fim_view_free() has begun (start nothing then), and
 * fim_view_free() waits for the fim_view_job_end() of every job begun,
 * with fim_view_stopping() true meanwhile to tell them to end early. The
 * hashing threads run until the last job ended. */
bool fim_view_job_begin(struct fim_view *v);
void fim_view_job_end(struct fim_view *v);
bool fim_view_stopping(struct fim_view *v);

struct fim_hashsvc *fim_view_hashsvc(struct fim_view *v);
struct fim_dcache *fim_view_dcache(struct fim_view *v);
const struct fim_config *fim_view_config(struct fim_view *v);

/* The attributes of the real entry at path as SOURCE has them (the inode
 * number is SOURCE's, not fim_view_ino()'s). */
int fim_view_lstat(struct fim_view *v, const char *path, struct fim_stat *st);

/* Open the real regular file at path (fim_src_open), or list the real
 * directory at path (fim_src_opendir); the handles are read and closed
 * with the fim_src_* calls of source.h. */
int fim_view_open(struct fim_view *v, const char *path,
		  struct fim_src_file **f);
int fim_view_opendir(struct fim_view *v, const char *path,
		     struct fim_src_dir **d);

struct fim_cred;
/* fim_access_path() (access.h) on SOURCE: whether c may reach path and do
 * may to it. */
int fim_view_access_path(struct fim_view *v, struct fim_cred *c,
			 const char *path, int may, bool dir,
			 struct fim_stat *st);

/* The source's own answers about the real entry at path, through the view
 * so that front ends never touch the source's function table. Each returns
 * what the source's operation of the same name does (source.h): a length
 * or 0, or a negative errno. */
long fim_view_readlink(struct fim_view *v, const char *path, char *buf,
		       size_t size);
long fim_view_getxattr(struct fim_view *v, const char *path,
		       const char *name, void *buf, size_t size);
long fim_view_listxattr(struct fim_view *v, const char *path, char *buf,
			size_t size);
long fim_view_access_attrs(struct fim_view *v, const char *path, bool dir,
			   struct fim_stat *st, void *buf, size_t size);

/* SOURCE's capacity figures into sv; fields the source does not know are
 * left as the caller set them. */
void fim_view_statvfs(struct fim_view *v, struct statvfs *sv);

/* The baseline path of a source path (no leading "./"): in the snapshots
 * layout the first component (the snapshot) is dropped. NULL when the path
 * has none (the root, or a snapshot directory itself). Points into path. */
const char *fim_view_bpath(struct fim_view *v, const char *path);

/* An entry of the view. kind is -1 for a real entry, else the virtual kind
 * (vname.h) of an entry beside the regular file at path[0..baselen).
 * shadows: a virtual entry whose name SOURCE has a real entry of, which
 * the view hides (see fim_view_lookup). */
struct fim_entry {
	int kind;
	size_t baselen;
	bool shadows;
	struct fim_stat st;
};

/* The inode number shown for the source entry numbered ino at path. In the
 * snapshots layout the snapshot's name is mixed into bits 40-55: btrfs and
 * NetApp keep inode numbers across snapshots, and one FUSE mount has one
 * device number, so without it tar and rsync -H would take a file and its
 * older copy for hard links. Only the first component of path counts. */
uint64_t fim_view_ino(struct fim_view *v, const char *path, uint64_t ino);

/* The identity of the snapshot that path lies in (snapshots layout): a
 * number made from the device, inode number and ctime of the snapshot
 * directory as it is now (entered when mounted on demand), never 0; 0 in the
 * tree layout and for the root. A rotation that renames a snapshot away and
 * puts another under its name changes it. An identity read at most
 * max_age_ns ago may be reused (0: read it now; every read is kept).
 * Returns 0, or -ENOENT when the snapshot is gone, or the backend's error. */
int fim_view_snap_id(struct fim_view *v, const char *path, int64_t max_age_ns,
		     uint64_t *id);

/* The current attributes of the entry at path: real (kind -1) or the
 * virtual entry of kind beside the regular file path[0..baselen). */
int fim_view_stat(struct fim_view *v, const char *path, int kind,
		  size_t baselen, struct fim_stat *st);

/* Resolve path. A virtual name (fim_vname_kind_in_dir: NAME.sha256 or
 * NAME.verified beside a regular file NAME) always resolves to the virtual
 * entry, so that it carries fimfs's own answer whatever SOURCE holds: a
 * real entry of that name is hidden, and e->shadows says it exists. Any
 * other name resolves to the real entry. -ENOENT when there is none. With
 * the configuration's virtual_entries off, every name is real. */
int fim_view_lookup(struct fim_view *v, const char *path,
		    struct fim_entry *e);

/* The virtual kind of name in a directory where is_regular(arg, n) says
 * whether SOURCE holds a regular file n (fim_vname_kind_in_dir with the
 * configured digests, setting *baselen), or -1; always -1 with
 * virtual_entries off. A real entry of a name with a kind is hidden by the
 * virtual entry (shadowed). */
int fim_view_name_kind(struct fim_view *v, const char *name,
		       bool (*is_regular)(void *arg, const char *name),
		       void *arg, size_t *baselen);

/* The name of the directory of whole-tree listings (listing.h). */
#define FIM_LISTING_DIR ".fimfs"

/* Whether path is a listing root, where FIM_LISTING_DIR is virtual: the
 * root in the tree layout, a snapshot in the snapshots layout; none with
 * virtual_entries off. */
bool fim_view_listing_root(struct fim_view *v, const char *path);

/* Whether the view hides the real entry at path behind a virtual entry of
 * the same name (asks SOURCE about the siblings of path), a listing
 * directory included. */
bool fim_view_shadowed(struct fim_view *v, const char *path);

/* Note that the view hides the real entry at path: true the first time for
 * a path, so that the caller reports each collision once. At most a few
 * thousand paths are kept; beyond that one alert says further collisions
 * go unreported, and this returns false. Thread-safe. */
bool fim_view_note_shadowed(struct fim_view *v, const char *path);

/* The attributes of the virtual entry of kind beside the regular file at
 * path whose attributes are st. Exact size, no hashing. */
void fim_view_virtual_stat(struct fim_view *v, const char *path,
			   const struct fim_stat *st, int kind,
			   struct fim_stat *out);

/* The name of the virtual entry of kind beside the regular file name (one
 * the view shows as itself: fim_view_name_kind() of name is -1), written
 * into out (NAME_MAX + 1 bytes), when the entry is listed: virtual entries
 * are on, its kind is enabled and its name fits NAME_MAX. */
bool fim_view_virtual_name(struct fim_view *v, const char *name, int kind,
			   char *out);

/* The inode number of the virtual entry of kind beside the regular file at
 * path (within SOURCE): a hash of both, stable across remounts, with the top
 * bit set so that it never meets a real inode number of the usual
 * filesystems. Not derived from the file's inode number: hard links have
 * one, but each name's .sha256 has its own content. */
uint64_t fim_view_virtual_ino(const char *path, int kind);
/* The content of a virtual entry, delivered once to cb: err 0 and the bytes,
 * or a negative errno (-EIO for a digest file that could not be computed;
 * a verdict file reports ERROR in its content instead). The buffer is valid
 * during the call only. */
typedef void (*fim_content_cb)(void *arg, int err, const char *buf,
			       size_t len);

/* path is the regular file's path, kind the virtual kind. Returns 0 (cb
 * called now or later) or a negative errno (cb not called). */
int fim_view_content(struct fim_view *v, const char *path, int kind,
		     fim_content_cb cb, void *arg);

/* The verdict for one regular file, as .verified shows it, delivered once
 * to cb (now or from a hashing thread). res carries the attributes and
 * digests when they were computed (res->err otherwise). Always returns 0:
 * a failure is an ERROR verdict. */
typedef void (*fim_verdict_cb)(void *arg, const struct fim_verdict *vd,
			       const struct fim_hash_result *res);
int fim_view_verdict(struct fim_view *v, const char *path, fim_verdict_cb cb,
		     void *arg);

/* The verdicts decided without hashing, by the same baseline and rules
 * (see baseline.h for each): of the entry at path that is not a regular
 * file, or could not be stat'ed or listed (err, a negative errno; st
 * unused then); of the baseline entry bpath found absent; of the real
 * entry at path that the view hides (fim_view_shadowed). The first two
 * return false when the entry is not judged at all. Not counted in
 * fim_view_verdict_counts. */
bool fim_view_verdict_other(struct fim_view *v, const char *path,
			    const struct fim_stat *st, int err,
			    struct fim_verdict *vd);
bool fim_view_verdict_missing(struct fim_view *v, const char *bpath,
			      struct fim_verdict *vd);
void fim_view_verdict_shadowed(struct fim_view *v, const char *path,
			       struct fim_verdict *vd);

/* (Re)load what verdicts are judged by from cfg: the baseline (manifests,
 * signatures, public key), the rules and new_files_ok. It replaces the
 * current one atomically: verdicts in progress finish with the old. When
 * the baseline cannot be used (unreadable, malformed, unsigned, forged),
 * every verdict becomes NOBASELINE, an alert is logged, and the message is
 * returned in err with a negative errno. Without manifests configured
 * returns 0 and verdicts are NOBASELINE. */
int fim_view_load_baseline(struct fim_view *v, const struct fim_config *cfg,
			   char *err, size_t errsz);

/* The baseline in use, with a reference the caller drops with
 * fim_baseline_unref(); NULL when there is none. */
struct fim_baseline *fim_view_baseline(struct fim_view *v);

/* Verdicts given so far, by status. */
void fim_view_verdict_counts(struct fim_view *v,
			     uint64_t counts[FIM_STATUS_COUNT]);

/* The current baseline's time, ns since the epoch: the newest mtime of its
 * manifests and signatures (0 without a baseline). The mtime floor of
 * .verified entries. */
int64_t fim_view_judged_since(struct fim_view *v);

#endif
