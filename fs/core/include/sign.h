/* Ed25519 keys and detached manifest signatures (OpenSSL).
 *
 * Formats are OpenSSL's own, so the openssl CLI interoperates both ways:
 * the secret key is unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), the public
 * key SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), and MANIFEST.sig holds
 * the raw 64-byte signature over the manifest's exact bytes:
 *
 *   openssl pkeyutl -verify -pubin -inkey PUB -rawin -in M -sigfile M.sig
 *   openssl pkeyutl -sign -inkey SECRET -rawin -in M -out M.sig
 *
 * Every function returns 0 or a negative errno and, on failure, writes
 * "FILE: reason" into err (OpenSSL's error queue is drained into it). Key
 * objects are immutable and may be shared by threads. Secret material is
 * wiped from every buffer we own.
 */
#ifndef FIM_SIGN_H
#define FIM_SIGN_H

#include <stddef.h>

#define FIM_SIG_LEN 64       /* bytes of an Ed25519 signature */
#define FIM_SIG_SUFFIX ".sig"
#define FIM_FPR_HEX_LEN 64   /* hex digits of a key fingerprint */

struct fim_seckey;
struct fim_pubkey;

/* Generate a key pair: the secret key created 0600 and the public key
 * 0644 (it is public by design; the daemon may run as another user). Both
 * created with O_EXCL: -EEXIST, and nothing written, when either exists. */
int fim_keygen(const char *secret_path, const char *public_path, char *err,
	       size_t errsz);

/* Load an Ed25519 secret key. -EINVAL for another key type, an encrypted
 * key or a malformed file. */
int fim_seckey_load(const char *path, struct fim_seckey **out, char *err,
		    size_t errsz);
void fim_seckey_free(struct fim_seckey *k);

/* Load an Ed25519 public key (PEM); -EINVAL as above. */
int fim_pubkey_load(const char *path, struct fim_pubkey **out, char *err,
		    size_t errsz);
void fim_pubkey_free(struct fim_pubkey *k);

/* SHA-256 of the raw 32-byte public key, lower-case hex (for status
 * output and messages). Valid as long as k. */
const char *fim_pubkey_fingerprint(const struct fim_pubkey *k);

/* Sign len bytes of msg into sig. */
int fim_sign_buf(const struct fim_seckey *k, const void *msg, size_t len,
		 unsigned char sig[FIM_SIG_LEN], char *err, size_t errsz);

/* Sign the file at path; write PATH.sig atomically (mode 0644). */
int fim_sign_file(const struct fim_seckey *k, const char *path, char *err,
		  size_t errsz);

/* 0 when sig is a valid signature of msg; -EBADMSG when it is not (any
 * length other than FIM_SIG_LEN included); another negative errno when the
 * check itself failed. */
int fim_verify_buf(const struct fim_pubkey *k, const void *msg, size_t len,
		   const void *sig, size_t siglen, char *err, size_t errsz);

/* Read the signature of the manifest at path (PATH.sig) into sig.
 * -EBADMSG when it is not exactly FIM_SIG_LEN bytes. */
int fim_sig_read(const char *path, unsigned char sig[FIM_SIG_LEN],
		 char *err, size_t errsz);

#endif
