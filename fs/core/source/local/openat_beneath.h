/* Opening a path beneath a directory without ever following a symlink. */
#ifndef FIM_OPENAT_BENEATH_H
#define FIM_OPENAT_BENEATH_H

/* Open path (relative, "" for dirfd itself) beneath dirfd with flags
 * (O_CLOEXEC and O_NOFOLLOW are added): a symlink before the last component
 * fails with -ELOOP, the last one is never followed (with O_PATH the link
 * itself is opened), an absolute path or a ".." component fails with
 * -EXDEV. openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel
 * has it, else the same walk one component at a time (the first -ENOSYS
 * switches for good, with a log line). Returns a descriptor or -errno. */
int fim_openat_beneath(int dirfd, const char *path, int flags);

#endif
