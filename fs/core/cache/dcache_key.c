/* The digest cache's MAC key: a file only its owner (root) can read, made
 * on first use.
 *
 * File: "fimfs-cache-key 1\nkey HEX64\n", mode 0600, owned by the user that
 * loads it, in a directory that user (or root) owns and nobody else may
 * write. The
 * daemon loads it as root before it switches to run_as, so the service
 * account that owns the cache file can neither read nor replace the key.
 * The final name is never followed if it is a symlink; a file with other
 * owner or mode bits is refused rather than fixed, since someone else may
 * have read or chosen it.
 */
#include "dcache_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "fileio.h"
#include "log.h"

#define KEY_MAGIC "fimfs-cache-key 1"
#define KEYFILE_MAX 256

#define SETERR(...) snprintf(err, errsz, __VA_ARGS__)

static const char *owner_name(uid_t uid, char *buf, size_t sz)
{
	if (uid == 0)
		return "root";
	snprintf(buf, sz, "uid %u", (unsigned)uid);
	return buf;
}

/* The key's directory, made (0755: it may be /etc/fimfs, which holds the
 * configuration users read) when only its last level is missing. */
static int open_dir(const char *dir, char *err, size_t errsz)
{
	char who[32];
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && mkdir(dir, 0755) == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int ret = -errno;

		SETERR("cache key directory %s: %s", dir, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		int ret = -errno;

		SETERR("cache key directory %s: %s", dir, strerror(errno));
		close(fd);
		return ret;
	}
	/* Whoever may write the directory may swap the key. */
	if ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022)) {
		SETERR("cache key directory %s: owned by uid %u, mode %04o: "
		       "it must be owned by %s and writable by nobody else",
		       dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
		       owner_name(geteuid(), who, sizeof(who)));
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* A new random key under a temporary name, linked into place: link() never
 * replaces, so of two processes making the key at once, one wins and both
 * use its key; a reader never sees a half-written file. */
static int create_key(int dfd, const char *name, const char *path, char *err,
		      size_t errsz)
{
	unsigned char key[FIM_DCACHE_KEY_LEN];
	char hex[2 * FIM_DCACHE_KEY_LEN + 1], text[KEYFILE_MAX], tmp[64];
	int fd, n, ret = 0;

	snprintf(tmp, sizeof(tmp), ".cache-key.%ld.tmp", (long)getpid());
	if (RAND_priv_bytes(key, sizeof(key)) != 1) {
		SETERR("%s: the random generator failed", path);
		return -EIO;
	}
	fim_hex(key, sizeof(key), hex);
	n = snprintf(text, sizeof(text), KEY_MAGIC "\nkey %s\n", hex);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	unlinkat(dfd, tmp, 0); /* left by a crash of this pid's predecessor */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		ret = -errno;
	else {
		/* whatever the umask, and no group or other bits at all */
		if (fchmod(fd, 0600) < 0)
			ret = -errno;
		if (!ret)
			ret = fim_write_all(fd, text, (size_t)n);
		if (!ret && fsync(fd) < 0)
			ret = -errno;
		if (close(fd) < 0 && !ret)
			ret = -errno;
		if (!ret && linkat(dfd, tmp, dfd, name, 0) < 0 &&
		    errno != EEXIST)
			ret = -errno;
		unlinkat(dfd, tmp, 0);
	}
	OPENSSL_cleanse(text, sizeof(text));
	if (ret)
		SETERR("%s: cannot create the cache key: %s", path,
		       strerror(-ret));
	else
		fsync(dfd);
	return ret;
}

static int parse_key(const char *text, unsigned char *key)
{
	char hex[2 * FIM_DCACHE_KEY_LEN + 2];
	int consumed = 0, ret = -EINVAL;

	if (sscanf(text, KEY_MAGIC "\nkey %65s\n%n", hex, &consumed) == 1 &&
	    consumed && text[consumed] == '\0' &&
	    strlen(hex) == 2 * FIM_DCACHE_KEY_LEN)
		ret = fim_unhex(hex, strlen(hex), key, FIM_DCACHE_KEY_LEN);
	OPENSSL_cleanse(hex, sizeof(hex));
	return ret;
}

static int read_key(int dfd, const char *name, const char *path,
		    unsigned char *key, char *err, size_t errsz)
{
	char text[KEYFILE_MAX], who[32];
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
		    O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (errno == ELOOP)
			SETERR("%s: a symbolic link; the cache key must be a "
			       "regular file", path);
		else if (errno != ENOENT)
			SETERR("%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		SETERR("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_nlink != 1) {
		SETERR("%s: refused: %s owned by uid %u, mode %04o, %lu link(s); "
		       "the cache key must be a regular file owned by %s with "
		       "mode 0600 and one link (remove it to have a new one "
		       "made)", path, S_ISREG(st.st_mode) ? "a file" :
		       "not a regular file,", (unsigned)st.st_uid,
		       (unsigned)(st.st_mode & 07777),
		       (unsigned long)st.st_nlink,
		       owner_name(geteuid(), who, sizeof(who)));
		ret = -EPERM;
		goto out;
	}
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0) {
		ret = -errno;
		SETERR("%s: %s", path, strerror(errno));
		goto out;
	}
	text[n] = '\0';
	ret = parse_key(text, key);
	if (ret)
		SETERR("%s: not a fimfs cache key file", path);
	OPENSSL_cleanse(text, sizeof(text));
out:
	close(fd);
	return ret;
}

int fim_dckey_load(const char *path, unsigned char *key, char *err,
		   size_t errsz)
{
	char *d = strdup(path), *b = strdup(path);
	const char *name;
	int dfd, ret;

	if (!d || !b) {
		SETERR("%s: %s", path, strerror(ENOMEM));
		ret = -ENOMEM;
		goto out;
	}
	name = basename(b);
	if (!*name || !strcmp(name, "/") || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		SETERR("%s: not a file name for the cache key", path);
		ret = -EINVAL;
		goto out;
	}
	dfd = ret = open_dir(dirname(d), err, errsz);
	if (ret < 0)
		goto out;
	ret = read_key(dfd, name, path, key, err, errsz);
	if (ret == -ENOENT) {
		ret = create_key(dfd, name, path, err, errsz);
		if (!ret) {
			fim_log(LOG_NOTICE, "digest cache: made a new key %s",
				path);
			ret = read_key(dfd, name, path, key, err, errsz);
		}
	}
	close(dfd);
out:
	free(d);
	free(b);
	return ret;
}
