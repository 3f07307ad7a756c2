/* Whole-file reads and careful creation. Reads may carry secret keys, so a
 * growing buffer is copied and wiped rather than realloc'd (realloc would
 * leave a copy of the old block in freed memory). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int grow(char **buf, size_t *cap, size_t used, size_t max)
{
	size_t ncap = *cap ? *cap * 2 : 4096;
	char *nb;

	if (ncap > max + 1)
		ncap = max + 1;
	if (ncap <= *cap)
		return -EFBIG;
	nb = malloc(ncap + 1);
	if (!nb)
		return -ENOMEM;
	if (*buf) {
		memcpy(nb, *buf, used);
		explicit_bzero(*buf, *cap + 1);
		free(*buf);
	}
	*buf = nb;
	*cap = ncap;
	return 0;
}

int fim_file_read(const char *path, size_t max, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	/* One byte more than the size, so that EOF is seen without growing. */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == cap && (ret = grow(&buf, &cap, len, max)) < 0)
			goto out;
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			ret = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	ret = 0;
out:
	if (buf) {
		explicit_bzero(buf, cap + 1);
		free(buf);
	}
	close(fd);
	return ret;
}

int fim_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_sync_close(int fd, const void *buf, size_t len)
{
	int ret = fim_write_all(fd, buf, len);

	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int fim_file_create(const char *path, const void *buf, size_t len,
		    mode_t mode)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return -errno;
	ret = write_sync_close(fd, buf, len);
	if (ret)
		unlink(path);
	return ret;
}

int fim_file_replace(const char *path, const void *buf, size_t len,
		     mode_t mode)
{
	size_t plen = strlen(path);
	char *tmp;
	int fd, ret;

	tmp = malloc(plen + sizeof(".tmpXXXXXX"));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmpXXXXXX", sizeof(".tmpXXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	/* mkostemp creates 0600; the mode is explicit (no umask dance, which
	 * would race with other threads). */
	if (fchmod(fd, mode) < 0) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	ret = write_sync_close(fd, buf, len);
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
out:
	free(tmp);
	return ret;
}

int fim_mkdir_parents(const char *path, char *failed, size_t failedsz)
{
	char *dir = strdup(path), *p;
	int ret = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1; !ret; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			if (chmod(dir, 0700) < 0)
				ret = -errno;
		} else if (errno != EEXIST) {
			ret = -errno;
		}
		if (ret && failed)
			snprintf(failed, failedsz, "%s", dir);
		*p = c;
		if (!c)
			break;
	}
out:
	free(dir);
	return ret;
}
