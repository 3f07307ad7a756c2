/* Whole-file reads and careful file creation for manifests, signatures and
 * keys.
 *
 * Reading a file once into memory lets the baseline check a signature and
 * parse exactly the same bytes (no time-of-check/time-of-use window between
 * the two). Every function returns 0 or a negative errno; none logs.
 */
#ifndef FIM_FILEIO_H
#define FIM_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Read the regular file at path (not following a final symlink is not
 * required: keys and manifests are often symlinked by configuration tools).
 * On success *buf is a malloc'd copy with a NUL byte after the *len bytes
 * read. Returns -EFBIG when the file is larger than max, -EINVAL when it is
 * not a regular file, or the errno of open/read. Every intermediate buffer
 * is wiped, so this may read secrets; the caller wipes and frees *buf. */
int fim_file_read(const char *path, size_t max, char **buf, size_t *len);

/* write(2) all of buf, again after EINTR and short writes. */
int fim_write_all(int fd, const void *buf, size_t len);

/* Create path exclusively (O_EXCL, never following a symlink) with mode and
 * write buf to it, synced. Returns -EEXIST when path exists; a partly
 * written file is removed. */
int fim_file_create(const char *path, const void *buf, size_t len,
		    mode_t mode);

/* Replace path atomically: write a temporary file in the same directory,
 * sync it, chmod it to mode and rename it over path. Readers see either the
 * old or the new content, never a mix. */
int fim_file_replace(const char *path, const void *buf, size_t len,
		     mode_t mode);

/* mkdir -p of the missing parent directories of path, each created 0700
 * whatever the umask (caches, logs and keys live there). On failure the
 * directory that could not be made is copied into failed (when not NULL)
 * and a negative errno returned. */
int fim_mkdir_parents(const char *path, char *failed, size_t failedsz);

#endif
