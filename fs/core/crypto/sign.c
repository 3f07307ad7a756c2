/* Ed25519 keys and detached signatures with OpenSSL 3. */
#include "sign.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "digest.h"
#include "fileio.h"
#include "manifest.h"
#include "sslerr.h"

#define KEY_FILE_MAX 65536

struct fim_seckey {
	EVP_PKEY *pk;
};

struct fim_pubkey {
	EVP_PKEY *pk;
	char fpr[FIM_FPR_HEX_LEN + 1];
};

/* Our context, then every queued OpenSSL error: the queue is always left
 * empty so a later message cannot pick up a stale reason. */
__attribute__((format(printf, 3, 4))) static void
ossl_err(char *err, size_t errsz, const char *fmt, ...)
{
	char why[512];
	size_t n = 0;
	va_list ap;

	if (errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
		n = strlen(err);
	}
	if (*fim_sslerr_drain(why, sizeof(why)) && n + 2 < errsz)
		snprintf(err + n, errsz - n, "%s%s", n ? ": " : "", why);
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1; /* encrypted keys are refused, never prompted for */
}

static int io_err(char *err, size_t errsz, const char *path, int ret)
{
	snprintf(err, errsz, "%s: %s", path,
		 ret == -EFBIG ? "file too large" : strerror(-ret));
	return ret;
}

int fim_keygen(const char *secret_path, const char *public_path, char *err,
	       size_t errsz)
{
	EVP_PKEY *pk = NULL;
	BIO *sb = NULL, *pb = NULL;
	char *sdata, *pdata;
	long slen, plen;
	struct stat st;
	int ret;

	/* Refuse before creating anything when the public key exists; the
	 * O_EXCL below closes the race. */
	if (lstat(public_path, &st) == 0) {
		snprintf(err, errsz, "%s: already exists, not overwriting",
			 public_path);
		return -EEXIST;
	}
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	sb = BIO_new(BIO_s_secmem());
	pb = BIO_new(BIO_s_mem());
	if (!pk || !sb || !pb ||
	    !PEM_write_bio_PrivateKey(sb, pk, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_PUBKEY(pb, pk)) {
		ossl_err(err, errsz, "%s: cannot generate an Ed25519 key",
			 secret_path);
		ret = -ENOMEM;
		goto out;
	}
	slen = BIO_get_mem_data(sb, &sdata);
	plen = BIO_get_mem_data(pb, &pdata);
	ret = fim_file_create(secret_path, sdata, (size_t)slen, 0600);
	if (ret) {
		if (ret == -EEXIST)
			snprintf(err, errsz, "%s: already exists, not overwriting",
				 secret_path);
		else
			io_err(err, errsz, secret_path, ret);
		goto out;
	}
	ret = fim_file_create(public_path, pdata, (size_t)plen, 0644);
	if (ret) {
		if (ret == -EEXIST)
			snprintf(err, errsz, "%s: already exists, not overwriting",
				 public_path);
		else
			io_err(err, errsz, public_path, ret);
		unlink(secret_path);
	}
out:
	BIO_free(pb);
	BIO_free(sb); /* secure memory: wiped on free */
	EVP_PKEY_free(pk);
	return ret;
}

static int check_ed25519(EVP_PKEY *pk, const char *path, char *err,
			 size_t errsz)
{
	if (EVP_PKEY_is_a(pk, "ED25519"))
		return 0;
	snprintf(err, errsz, "%s: not an Ed25519 key (%s)", path,
		 EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk)
					     : "unknown type");
	return -EINVAL;
}

/* An Ed25519 key from a PEM file, secret or public. The file is read whole
 * and wiped afterwards: it may hold a secret. */
static int load_pem(const char *path, int secret, EVP_PKEY **out, char *err,
		    size_t errsz)
{
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = fim_file_read(path, KEY_FILE_MAX, &buf, &len);
	if (ret)
		return io_err(err, errsz, path, ret);
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio)
		pk = secret ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
						      NULL)
			    : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase,
						  NULL);
	if (!pk) {
		ossl_err(err, errsz, secret ? "%s: not an unencrypted PEM "
			 "private key" : "%s: not a PEM public key", path);
		ret = -EINVAL;
	} else {
		ret = check_ed25519(pk, path, err, errsz);
	}
	if (!ret) {
		*out = pk;
		pk = NULL;
	}
	EVP_PKEY_free(pk);
	BIO_free(bio);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return ret;
}

int fim_seckey_load(const char *path, struct fim_seckey **out, char *err,
		    size_t errsz)
{
	struct fim_seckey *k;
	EVP_PKEY *pk;
	int ret = load_pem(path, 1, &pk, err, errsz);

	if (ret)
		return ret;
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pk);
		return io_err(err, errsz, path, -ENOMEM);
	}
	k->pk = pk;
	*out = k;
	return 0;
}

void fim_seckey_free(struct fim_seckey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

static int fingerprint(EVP_PKEY *pk, char *fpr, const char *path, char *err,
		       size_t errsz)
{
	unsigned char raw[64], md[32];
	size_t rlen = sizeof(raw);

	if (!EVP_PKEY_get_raw_public_key(pk, raw, &rlen) ||
	    !EVP_Digest(raw, rlen, md, NULL, EVP_sha256(), NULL)) {
		ossl_err(err, errsz, "%s: cannot fingerprint the key", path);
		return -EINVAL;
	}
	fim_hex(md, sizeof(md), fpr);
	return 0;
}

int fim_pubkey_load(const char *path, struct fim_pubkey **out, char *err,
		    size_t errsz)
{
	struct fim_pubkey *k;
	EVP_PKEY *pk;
	int ret = load_pem(path, 0, &pk, err, errsz);

	if (ret)
		return ret;
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pk);
		return io_err(err, errsz, path, -ENOMEM);
	}
	ret = fingerprint(pk, k->fpr, path, err, errsz);
	if (ret) {
		EVP_PKEY_free(pk);
		free(k);
		return ret;
	}
	k->pk = pk;
	*out = k;
	return 0;
}

void fim_pubkey_free(struct fim_pubkey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

const char *fim_pubkey_fingerprint(const struct fim_pubkey *k)
{
	return k->fpr;
}

int fim_sign_buf(const struct fim_seckey *k, const void *msg, size_t len,
		 unsigned char sig[FIM_SIG_LEN], char *err, size_t errsz)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t slen = FIM_SIG_LEN;
	int ret = 0;

	/* Ed25519 is "pure": no digest, one shot over the whole message. */
	if (!ctx ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k->pk, NULL) <= 0 ||
	    EVP_DigestSign(ctx, sig, &slen, msg, len) <= 0 ||
	    slen != FIM_SIG_LEN) {
		ossl_err(err, errsz, "signing failed");
		ret = -EINVAL;
	}
	EVP_MD_CTX_free(ctx);
	return ret;
}

static char *sig_path(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + sizeof(FIM_SIG_SUFFIX));

	if (p) {
		memcpy(p, path, n);
		memcpy(p + n, FIM_SIG_SUFFIX, sizeof(FIM_SIG_SUFFIX));
	}
	return p;
}

int fim_sign_file(const struct fim_seckey *k, const char *path, char *err,
		  size_t errsz)
{
	unsigned char sig[FIM_SIG_LEN];
	char *buf = NULL, *sp = NULL;
	size_t len;
	int ret;

	ret = fim_file_read(path, FIM_MANIFEST_MAX_SIZE, &buf, &len);
	if (ret)
		return io_err(err, errsz, path, ret);
	ret = fim_sign_buf(k, buf, len, sig, err, errsz);
	if (ret)
		goto out;
	sp = sig_path(path);
	if (!sp) {
		ret = io_err(err, errsz, path, -ENOMEM);
		goto out;
	}
	ret = fim_file_replace(sp, sig, sizeof(sig), 0644);
	if (ret)
		io_err(err, errsz, sp, ret);
out:
	free(sp);
	free(buf);
	return ret;
}

int fim_verify_buf(const struct fim_pubkey *k, const void *msg, size_t len,
		   const void *sig, size_t siglen, char *err, size_t errsz)
{
	EVP_MD_CTX *ctx;
	int ret, r;

	if (siglen != FIM_SIG_LEN) {
		snprintf(err, errsz, "signature is %zu bytes, not %d", siglen,
			 FIM_SIG_LEN);
		return -EBADMSG;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx ||
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k->pk, NULL) <= 0) {
		ossl_err(err, errsz, "cannot verify");
		ret = -ENOMEM;
		goto out;
	}
	r = EVP_DigestVerify(ctx, sig, siglen, msg, len);
	if (r == 1) {
		ret = 0;
	} else if (r == 0) {
		ERR_clear_error();
		snprintf(err, errsz, "bad signature (key %.16s...)", k->fpr);
		ret = -EBADMSG;
	} else {
		ossl_err(err, errsz, "cannot verify");
		ret = -EINVAL;
	}
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int fim_sig_read(const char *path, unsigned char sig[FIM_SIG_LEN], char *err,
		 size_t errsz)
{
	char *sp = sig_path(path), *buf = NULL;
	size_t len = 0;
	int ret;

	if (!sp)
		return io_err(err, errsz, path, -ENOMEM);
	ret = fim_file_read(sp, 4096, &buf, &len);
	if (ret == -EFBIG || (!ret && len != FIM_SIG_LEN)) {
		snprintf(err, errsz, "%s: not a %d-byte Ed25519 signature", sp,
			 FIM_SIG_LEN);
		ret = -EBADMSG;
	} else if (ret == -ENOENT) {
		snprintf(err, errsz, "%s: missing (the manifest is unsigned)",
			 sp);
	} else if (ret) {
		io_err(err, errsz, sp, ret);
	} else {
		memcpy(sig, buf, FIM_SIG_LEN);
	}
	free(buf);
	free(sp);
	return ret;
}
