/* Audit keys: hashing helpers, forward key evolution, the sealing and
 * verification key files.
 *
 * Sealing key file (0600, replaced at each epoch):
 *   fimfs-audit-seal 1\nepoch N\nsince UNIXSECONDS\nkey HEX64\n
 * Verification key file (0600, to be kept off the box):
 *   fimfs-audit-verify 1\nkey HEX64\n
 */
#include "audit_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "digest.h"
#include "fileio.h"
#include "log.h"
#include "sslerr.h"

#define SEAL_MAGIC "fimfs-audit-seal 1"
#define VERIFY_MAGIC "fimfs-audit-verify 1"
#define KEYFILE_MAX 4096

int audit_crypto_init(struct audit_crypto *c)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	memset(c, 0, sizeof(*c));
	c->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	c->mdctx = EVP_MD_CTX_new();
	c->macctx = c->mac ? EVP_MAC_CTX_new(c->mac) : NULL;
	/* The digest is set once: EVP_MAC_init then only changes the key. */
	if (!c->md || !c->mac || !c->mdctx || !c->macctx ||
	    !EVP_MAC_CTX_set_params(c->macctx, params)) {
		fim_sslerr_log("audit", "cannot set up SHA-256/HMAC");
		audit_crypto_free(c);
		return -ENOSYS;
	}
	return 0;
}

void audit_crypto_free(struct audit_crypto *c)
{
	EVP_MAC_CTX_free(c->macctx);
	EVP_MD_CTX_free(c->mdctx);
	EVP_MAC_free(c->mac);
	EVP_MD_free(c->md);
	memset(c, 0, sizeof(*c));
}

static int digest2(struct audit_crypto *c, const void *a, size_t alen,
		   const void *b, size_t blen, unsigned char *out)
{
	if (!EVP_DigestInit_ex(c->mdctx, c->md, NULL) ||
	    !EVP_DigestUpdate(c->mdctx, a, alen) ||
	    !EVP_DigestUpdate(c->mdctx, b, blen) ||
	    !EVP_DigestFinal_ex(c->mdctx, out, NULL)) {
		fim_sslerr_log("audit", "SHA-256");
		return -EIO;
	}
	return 0;
}

int audit_chain(struct audit_crypto *c, const unsigned char *prev,
		const void *body, size_t len, unsigned char *out)
{
	return digest2(c, prev, AUDIT_HASH_LEN, body, len, out);
}

int audit_evolve(struct audit_crypto *c, const unsigned char *in,
		 unsigned char *out)
{
	unsigned char tmp[AUDIT_HASH_LEN];
	int ret;

	ret = digest2(c, AUDIT_EVOLVE_TAG, strlen(AUDIT_EVOLVE_TAG), in,
		      FIM_AUDIT_KEY_LEN, tmp);
	if (!ret)
		memcpy(out, tmp, sizeof(tmp));
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return ret;
}

int audit_hmac(struct audit_crypto *c, const unsigned char *key,
	       const void *msg, size_t len, unsigned char *out)
{
	size_t outlen = 0;

	if (!EVP_MAC_init(c->macctx, key, FIM_AUDIT_KEY_LEN, NULL) ||
	    !EVP_MAC_update(c->macctx, msg, len) ||
	    !EVP_MAC_final(c->macctx, out, &outlen, AUDIT_HASH_LEN) ||
	    outlen != AUDIT_HASH_LEN) {
		fim_sslerr_log("audit", "HMAC-SHA256");
		return -EIO;
	}
	return 0;
}

/* Read a small key file into buf (NUL-terminated). */
static int read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return ret;
}

static int parse_seal(const char *text, struct audit_seal *s)
{
	char hex[2 * FIM_AUDIT_KEY_LEN + 2];
	int consumed = 0, ret;

	if (sscanf(text, SEAL_MAGIC "\nepoch %" SCNu64 "\nsince %" SCNd64
		   "\nkey %65s\n%n", &s->epoch, &s->since, hex, &consumed) != 3 ||
	    !consumed || text[consumed] != '\0' ||
	    strlen(hex) != 2 * FIM_AUDIT_KEY_LEN)
		ret = -EINVAL;
	else
		ret = fim_unhex(hex, strlen(hex), s->key, FIM_AUDIT_KEY_LEN);
	OPENSSL_cleanse(hex, sizeof(hex));
	return ret;
}

int audit_seal_load(const char *path, struct audit_seal *s)
{
	char buf[KEYFILE_MAX], tmp[PATH_MAX];
	int ret;

	ret = read_small(path, buf, sizeof(buf));
	if (!ret)
		ret = parse_seal(buf, s);
	if (ret && snprintf(tmp, sizeof(tmp), "%s.tmp", path) < (int)sizeof(tmp)) {
		/* A save was cut after the new key was written and synced
		 * and before the rename: the temp file is the key. */
		int r2 = read_small(tmp, buf, sizeof(buf));

		if (!r2 && !parse_seal(buf, s) && !rename(tmp, path)) {
			fim_log(LOG_WARNING, "audit: %s: recovered from %s",
				path, tmp);
			ret = 0;
		}
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret == -EINVAL)
		fim_log(LOG_ERR, "audit: %s: not a sealing key file", path);
	return ret;
}

static int format_seal(const struct audit_seal *s, char *buf, size_t size)
{
	char hex[2 * FIM_AUDIT_KEY_LEN + 1];
	int n;

	fim_hex(s->key, FIM_AUDIT_KEY_LEN, hex);
	n = snprintf(buf, size, SEAL_MAGIC "\nepoch %" PRIu64 "\nsince %" PRId64
		     "\nkey %s\n", s->epoch, s->since, hex);
	OPENSSL_cleanse(hex, sizeof(hex));
	return n;
}

/* Overwrite the old key's bytes where they are, so that the old key does
 * not survive in the file's blocks after the rename (on filesystems that
 * overwrite in place). */
static void wipe_in_place(const char *path)
{
	char zeros[KEYFILE_MAX] = { 0 };
	struct stat st;
	int fd;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= KEYFILE_MAX &&
	    pwrite(fd, zeros, (size_t)st.st_size, 0) == st.st_size)
		fsync(fd);
	close(fd);
}

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

int audit_seal_save(const char *path, const struct audit_seal *s)
{
	char buf[KEYFILE_MAX], tmp[PATH_MAX];
	int n, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	n = format_seal(s, buf, sizeof(buf));
	unlink(tmp); /* a stale one from a crash; ours is O_EXCL */
	ret = fim_file_create(tmp, buf, (size_t)n, 0600);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret)
		return ret;
	wipe_in_place(path);
	if (rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
		return ret;
	}
	return fsync_dir_of(path);
}

int fim_audit_keygen(const char *seal_path, const char *verify_path,
		     char *err, size_t errsz)
{
	struct audit_seal s = { 0 };
	char buf[KEYFILE_MAX], hex[2 * FIM_AUDIT_KEY_LEN + 1];
	const char *failed = seal_path;
	int n, ret;

	if (!access(seal_path, F_OK) || !access(verify_path, F_OK)) {
		snprintf(err, errsz, "%s: exists; not overwritten",
			 access(seal_path, F_OK) ? verify_path : seal_path);
		return -EEXIST;
	}
	if (RAND_priv_bytes(s.key, sizeof(s.key)) != 1) {
		fim_sslerr_log("audit", "random key");
		snprintf(err, errsz, "cannot make a random key");
		return -EIO;
	}
	s.since = (int64_t)time(NULL);
	n = format_seal(&s, buf, sizeof(buf));
	ret = fim_file_create(seal_path, buf, (size_t)n, 0600);
	if (!ret) {
		failed = verify_path;
		fim_hex(s.key, sizeof(s.key), hex);
		n = snprintf(buf, sizeof(buf), VERIFY_MAGIC "\nkey %s\n", hex);
		ret = fim_file_create(verify_path, buf, (size_t)n, 0600);
		if (ret)
			unlink(seal_path);
	}
	if (ret)
		snprintf(err, errsz, "%s: %s", failed, strerror(-ret));
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(hex, sizeof(hex));
	OPENSSL_cleanse(&s, sizeof(s));
	return ret;
}

int fim_audit_load_verify_key(const char *path,
			      unsigned char key[FIM_AUDIT_KEY_LEN], char *err,
			      size_t errsz)
{
	char buf[KEYFILE_MAX], hex[2 * FIM_AUDIT_KEY_LEN + 2];
	int consumed = 0, ret;

	ret = read_small(path, buf, sizeof(buf));
	if (ret) {
		snprintf(err, errsz, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (sscanf(buf, VERIFY_MAGIC "\nkey %65s\n%n", hex, &consumed) != 1 ||
	    !consumed || buf[consumed] != '\0' ||
	    strlen(hex) != 2 * FIM_AUDIT_KEY_LEN ||
	    fim_unhex(hex, strlen(hex), key, FIM_AUDIT_KEY_LEN)) {
		snprintf(err, errsz, "%s: not an audit verification key%s",
			 path,
			 strncmp(buf, SEAL_MAGIC, strlen(SEAL_MAGIC)) ? "" :
			 " (this is the sealing key)");
		ret = -EINVAL;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(hex, sizeof(hex));
	return ret;
}
