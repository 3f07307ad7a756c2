/* The view: what a fimfs mount shows of SOURCE, without FUSE, and the only
 * interface of the core's front ends (the FUSE adapter, fimfsctl) to SOURCE.
 *
 * It owns the source, the digest engine, the digest cache and the hashing
 * service built from a configuration, and answers the questions the front
 * ends ask: what a name in a directory is (a real entry or a virtual one),
 * the attributes of an entry (of a virtual one exact, without hashing), the
 * content of real files and directories through typed open handles, and the
 * content of a virtual entry (asynchronously, hashing on demand).
 *
 * Paths are relative to the source root, without a leading '/', "" for the
 * root itself; resolution never follows a symbolic link and never leaves
 * the root. Functions return 0 (or a count) or a negative errno, with
 * -ENOENT, -EACCES, -EIO, -ESTALE, -ENOMEM kept apart. Thread-safe.
 */
#ifndef FIM_VIEW_H
#define FIM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#include "config.h"
#include "digest.h"
#include "fimstat.h"
#include "hashres.h"
#include "verdict.h"

/* Kinds of virtual entries beside a regular file NAME: 0 .. FIM_ALG_COUNT-1
 * are the digest files NAME.<alg> of each algorithm, then NAME.verified. A
 * real entry has kind -1. */
enum { FIM_VK_VERIFIED = FIM_ALG_COUNT, FIM_VK_COUNT };

struct fim_view;

/* Build a view of source_spec from cfg (which must outlive the view).
 * Returns 0 or a negative errno with a message in err. No thread is started
 * yet, so a daemon may still fork. */
int fim_view_new(const struct fim_config *cfg, const char *source_spec,
		 struct fim_view **out, char *err, size_t errsz);

/* Start the hashing threads; before this, content requests fail. */
int fim_view_start(struct fim_view *v, char *err, size_t errsz);
void fim_view_free(struct fim_view *v);

const struct fim_config *fim_view_config(struct fim_view *v);
/* The layout in force: the configuration's, resolved for this SOURCE. */
enum fim_layout fim_view_layout(struct fim_view *v);

/* What the hashing threads and the digest cache did since the view was
 * made. */
struct fim_view_stats {
	uint64_t files_hashed, bytes_hashed;
	uint64_t joined;  /* requests that waited for a computation running */
	uint64_t errors;  /* files that could not be read */
	uint64_t changed; /* files that changed while they were hashed */
	uint64_t cache_hits, cache_misses, cache_puts;
	uint64_t cache_reused; /* hits of another snapshot's entry */
	uint64_t cache_forged; /* persistent entries whose MAC failed */
};
void fim_view_get_stats(struct fim_view *v, struct fim_view_stats *st);

/* Call fn(arg, path) for each entry of the persistent digest cache found
 * forged (path within SOURCE), from the thread that looked it up, after the
 * log line. Set it before fim_view_start(). */
void fim_view_on_forged(struct fim_view *v,
			void (*fn)(void *arg, const char *path), void *arg);

/* The attributes of the real entry at path as SOURCE has them (the inode
 * number is SOURCE's, not fim_view_ino()'s). */
int fim_view_lstat(struct fim_view *v, const char *path, struct fim_stat *st);

/* An open real regular file of SOURCE. Several threads may read one at
 * once; fim_view_close() after the last. */
struct fim_view_file;

/* Open the real regular file at path for reading: -EINVAL (never blocking)
 * when it is not one, e.g. a FIFO or a device. */
int fim_view_open(struct fim_view *v, const char *path,
		  struct fim_view_file **f);

/* f's attributes now, as SOURCE has them. */
int fim_view_fstat(struct fim_view_file *f, struct fim_stat *st);

/* A kernel fd of f for splice, read-ahead hints and ioctls, or -1 (a source
 * without one: NFS); owned by f. */
int fim_view_fd(struct fim_view_file *f);

/* The bytes [off, off + len) of f for a caller that passes them on (a FUSE
 * reply): all of them unless the file ends first, since a short reply is
 * the end of the file to the kernel. They are handed to deliver in pieces
 * lent by the source where it can (no copy), else in a buffer, valid
 * during the call only. Returns the count (deliver was called once) or a
 * negative errno (it was not). */
typedef void (*fim_view_deliver_cb)(void *arg, const struct iovec *iov,
				    int niov);
long fim_view_read(struct fim_view_file *f, size_t len, uint64_t off,
		   fim_view_deliver_cb deliver, void *arg);

/* Close f (NULL: nothing). */
void fim_view_close(struct fim_view_file *f);

/* The entries of an open real directory of SOURCE, read by one thread at a
 * time. */
struct fim_view_dir;

int fim_view_opendir(struct fim_view *v, const char *path,
		     struct fim_view_dir **d);

/* The next real entry, without "." and ".."; 0 with *name NULL at the end.
 * *type is a DT_* value, never DT_UNKNOWN; *ino is the inode number the
 * view shows (fim_view_ino). The name stays valid until the next call.
 * Virtual entries are not listed: fim_view_name_kind() and
 * fim_view_virtual_name() say which the view adds. */
int fim_view_readdir(struct fim_view_dir *d, const char **name,
		     unsigned char *type, uint64_t *ino);

/* fim_view_lstat of the entry name that readdir gave, relative to d where
 * the source can (one stat, no resolution of the path from the root). */
int fim_view_dir_lstat(struct fim_view_dir *d, const char *name,
		       struct fim_stat *st);

/* Close d (NULL: nothing). */
void fim_view_closedir(struct fim_view_dir *d);

struct fim_cred;
/* Whether c (access.h) may reach path beneath the root and then do may
 * (FIM_MAY_* bits) to it: search on every directory from the root down to
 * path's parent and may on path itself, with the attributes and ACLs as
 * they are now (dir: path must be a directory, else -ENOTDIR). Fills *st
 * (may be NULL) with path's attributes. Returns 0, -EACCES, or the
 * source's error for an entry it could not read. */
int fim_view_access_path(struct fim_view *v, struct fim_cred *c,
			 const char *path, int may, bool dir,
			 struct fim_stat *st);

/* SOURCE's own answers about the real entry at path, as the system calls
 * of the same name give them but with a negative errno: the target of a
 * symlink (its length; NUL-terminated when it fits) and the entry's own
 * extended attributes (never a link target's). */
long fim_view_readlink(struct fim_view *v, const char *path, char *buf,
		       size_t size);
long fim_view_getxattr(struct fim_view *v, const char *path,
		       const char *name, void *buf, size_t size);
long fim_view_listxattr(struct fim_view *v, const char *path, char *buf,
			size_t size);

/* SOURCE's capacity figures into sv; fields the source does not know are
 * left as the caller set them. */
void fim_view_statvfs(struct fim_view *v, struct statvfs *sv);

/* The process that serves v is set up (forked, privileges dropped): what
 * must be that process's may start before the first request (fimfs-guest's
 * spare reader). */
void fim_view_serving(struct fim_view *v);

/* The baseline path of a source path (no leading "./"): in the snapshots
 * layout the first component (the snapshot) is dropped. NULL when the path
 * has none (the root, or a snapshot directory itself). Points into path. */
const char *fim_view_bpath(struct fim_view *v, const char *path);

/* An entry of the view. kind is -1 for a real entry, else the virtual kind
 * (FIM_VK_*) of an entry beside the regular file at path[0..baselen).
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

/* The time of the snapshot directory name (snapshots layout), ns since the
 * epoch: its creation time where SOURCE tells it (*created set: a btrfs
 * snapshot, see fim_src_created), else its ctime, which NetApp sets to
 * the snapshot's time. Returns 0 or a negative errno (-ENOTDIR: not a
 * directory). */
int fim_view_snap_time(struct fim_view *v, const char *name, int64_t *ns,
		       bool *created);

/* The current attributes of the entry at path: real (kind -1) or the
 * virtual entry of kind beside the regular file path[0..baselen). */
int fim_view_stat(struct fim_view *v, const char *path, int kind,
		  size_t baselen, struct fim_stat *st);

/* Resolve path. A virtual name (NAME.sha256 or NAME.verified beside a
 * regular file NAME, see fim_view_name_kind) always resolves to the virtual
 * entry, so that it carries fimfs's own answer whatever SOURCE holds: a
 * real entry of that name is hidden, and e->shadows says it exists. Any
 * other name resolves to the real entry. -ENOENT when there is none. With
 * the configuration's virtual_entries off, every name is real. */
int fim_view_lookup(struct fim_view *v, const char *path,
		    struct fim_entry *e);

/* The virtual kind of name in a directory where is_regular(arg, n) says
 * whether SOURCE holds a regular file n, setting *baselen, or -1; always -1
 * with virtual_entries off. name is virtual when it is NAME plus the suffix
 * of an enabled kind (".sha256" of a configured digest, ".verified") beside
 * a regular file NAME that is shown as itself; what SOURCE has under name
 * itself does not matter. A real entry of a name with a kind is hidden by
 * the virtual entry (shadowed), so a shadowed x.sha256 beside x has no
 * virtual entries of its own, while a real x.sha256 without a regular x is
 * an ordinary file with its own. */
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
/* The digests of every configured algorithm of the regular file at path,
 * delivered once to cb, from the digest cache when the file is unchanged,
 * else hashed by a hashing thread (one computation per file however many
 * ask). Returns 0 (cb called now or later) or a negative errno (cb not
 * called; before fim_view_start() every request fails). */
int fim_view_digests(struct fim_view *v, const char *path, fim_hash_cb cb,
		     void *arg);
/* The same for a walk that has just read path's attributes st: they find
 * the cached digests without a stat of their own; a file that is hashed
 * comes with the attributes of the descriptor read instead. */
int fim_view_digests_of(struct fim_view *v, const char *path,
			const struct fim_stat *st, fim_hash_cb cb, void *arg);

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

/* Where an open virtual entry's content comes from: fim_view_content, or a
 * layer above the view that answers more kinds (fim_listing_content). */
typedef int (*fim_content_fn)(struct fim_view *v, const char *path,
			      int kind, fim_content_cb cb, void *arg);

/* An open virtual entry: its content is computed on the first read that
 * succeeds and then kept, so that every read of one open sees one answer. */
struct fim_view_vfile;

/* Open the virtual entry of kind beside the regular file at path, whose
 * content comes from content (NULL: fim_view_content). file: the file's
 * attributes when a check allowed the open (its content is then given only
 * while path still names that file, fim_view_same_file, and -ESTALE
 * otherwise), or NULL. */
int fim_view_vopen(struct fim_view *v, const char *path, int kind,
		   fim_content_fn content, const struct fim_stat *file,
		   struct fim_view_vfile **vf);

/* The kept content of vf, without waiting: true with *buf and *len set
 * (valid until vf is closed), false when no read has succeeded yet. */
bool fim_view_vkept(struct fim_view_vfile *vf, const char **buf,
		    size_t *len);

/* The content of vf, delivered once to cb as fim_view_content delivers it,
 * and kept when it is the first to succeed: cb gets the kept content
 * (valid until vf is closed). A failure is not kept; the next read tries
 * again. Returns 0 (cb called now or later) or a negative errno (cb not
 * called). */
int fim_view_vread(struct fim_view_vfile *vf, fim_content_cb cb, void *arg);

/* Close vf (NULL: nothing), once every read's cb has been called. */
void fim_view_vclose(struct fim_view_vfile *vf);

/* Whether the real entry at path is still the one whose attributes were
 * was (same device and inode number, read as fim_view_access_path reads
 * it): what was read or hashed after a check came from the entry the check
 * allowed. */
bool fim_view_same_file(struct fim_view *v, const char *path,
			const struct fim_stat *was);

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
