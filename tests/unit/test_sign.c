/* Ed25519 keys and signatures: creation modes, refusal to overwrite,
 * sign/verify, a one-byte change, truncated and missing signatures, the
 * wrong key, other key types. (Interop with the openssl CLI is in
 * tests/tcl/manifest.test.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "baseline.h"
#include "rm_rf.h"
#include "sign.h"
#include "tap.h"

/* A signed manifest the way a baseline load takes it. */
static int verify_file(const struct fim_pubkey *k, const char *path,
		       char *err, size_t errsz)
{
	struct fim_manifest *m = NULL;
	int ret = fim_baseline_load_manifest(k, path, &m, NULL, err, errsz);

	fim_manifest_free(m);
	return ret;
}

static char dir[] = "/tmp/fim-test-sign-XXXXXX";
static char err[512];

static const char *p(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static void test_keygen(void)
{
	struct stat st;

	is_int(fim_keygen(p("s.pem"), p("p.pem"), err, sizeof(err)), 0,
	       "keygen");
	ok(stat(p("s.pem"), &st) == 0 && (st.st_mode & 0777) == 0600,
	   "secret key is 0600");
	is_int(fim_keygen(p("s.pem"), p("p2.pem"), err, sizeof(err)), -EEXIST,
	       "keygen refuses an existing secret key");
	ok(strstr(err, "s.pem: already exists"), "message names the file");
	ok(access(p("p2.pem"), F_OK) != 0, "nothing written on refusal");
	is_int(fim_keygen(p("s2.pem"), p("p.pem"), err, sizeof(err)), -EEXIST,
	       "keygen refuses an existing public key");
	ok(access(p("s2.pem"), F_OK) != 0, "no secret left behind");
	symlink("/nonexistent-target", p("dangling"));
	is_int(fim_keygen(p("dangling"), p("p3.pem"), err, sizeof(err)),
	       -EEXIST, "a dangling symlink is not followed");
}

static void test_sign_verify(void)
{
	static const char text[] = "#mtree\n./a size=1\n";
	struct fim_seckey *sk = NULL;
	struct fim_pubkey *pk = NULL, *pk2 = NULL;
	unsigned char sig[FIM_SIG_LEN];
	char fpr[FIM_FPR_HEX_LEN + 1];
	struct stat st;

	is_int(fim_seckey_load(p("s.pem"), &sk, err, sizeof(err)), 0,
	       "secret key loads");
	is_int(fim_pubkey_load(p("p.pem"), &pk, err, sizeof(err)), 0,
	       "public key loads");
	if (!sk || !pk)
		goto out;
	is_int(strlen(fim_pubkey_fingerprint(pk)), 64, "fingerprint is hex");
	strcpy(fpr, fim_pubkey_fingerprint(pk));
	is_int(fim_sign_buf(sk, text, sizeof(text) - 1, sig, err, sizeof(err)),
	       0, "sign a buffer");
	is_int(fim_verify_buf(pk, text, sizeof(text) - 1, sig, sizeof(sig), err,
			      sizeof(err)),
	       0, "its signature verifies");
	is_int(fim_verify_buf(pk, text, sizeof(text) - 2, sig, sizeof(sig), err,
			      sizeof(err)),
	       -EBADMSG, "a truncated message fails");
	is_int(fim_verify_buf(pk, text, sizeof(text) - 1, sig, 63, err,
			      sizeof(err)),
	       -EBADMSG, "a 63-byte signature fails");

	write_file(p("m"), text, sizeof(text) - 1);
	is_int(fim_sign_file(sk, p("m"), err, sizeof(err)), 0, "sign a file");
	ok(stat(p("m.sig"), &st) == 0 && st.st_size == 64,
	   "MANIFEST.sig is 64 raw bytes");
	is_int(verify_file(pk, p("m"), err, sizeof(err)), 0,
	       "the file verifies");
	write_file(p("m"), "#mtree\n./a size=2\n", sizeof(text) - 1);
	is_int(verify_file(pk, p("m"), err, sizeof(err)), -EBADMSG,
	       "one byte changed: bad signature");
	ok(strstr(err, "/m: bad signature"), "message names the manifest");
	write_file(p("m"), text, sizeof(text) - 1);
	write_file(p("m.sig"), sig, 10);
	is_int(verify_file(pk, p("m"), err, sizeof(err)), -EBADMSG,
	       "a truncated .sig fails");
	unlink(p("m.sig"));
	is_int(verify_file(pk, p("m"), err, sizeof(err)), -ENOENT,
	       "a missing .sig fails with ENOENT");
	ok(strstr(err, "unsigned"), "and says the manifest is unsigned");

	is_int(fim_keygen(p("s2.pem"), p("p2.pem"), err, sizeof(err)), 0,
	       "second key pair");
	fim_sign_file(sk, p("m"), err, sizeof(err));
	is_int(fim_pubkey_load(p("p2.pem"), &pk2, err, sizeof(err)), 0,
	       "second public key loads");
	if (pk2) {
		is_int(verify_file(pk2, p("m"), err, sizeof(err)), -EBADMSG,
		       "the wrong key fails");
		ok(strcmp(fim_pubkey_fingerprint(pk2), fpr) != 0,
		   "fingerprints differ between keys");
	}
out:
	fim_pubkey_free(pk2);
	fim_pubkey_free(pk);
	fim_seckey_free(sk);
}

static void test_bad_keys(void)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct fim_seckey *sk = NULL;
	struct fim_pubkey *pk = NULL;
	FILE *f;

	f = fopen(p("ec.pem"), "w");
	if (f && ec) {
		PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL);
		PEM_write_PUBKEY(f, ec);
	}
	if (f)
		fclose(f);
	EVP_PKEY_free(ec);
	is_int(fim_seckey_load(p("ec.pem"), &sk, err, sizeof(err)), -EINVAL,
	       "an EC secret key is refused");
	ok(strstr(err, "not an Ed25519 key"), "message says why");
	is_int(fim_pubkey_load(p("ec.pem"), &pk, err, sizeof(err)), -EINVAL,
	       "an EC public key is refused");
	is_int(fim_pubkey_load(p("s.pem"), &pk, err, sizeof(err)), -EINVAL,
	       "a secret key is not a public key");
	write_file(p("junk.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n", 32);
	is_int(fim_pubkey_load(p("junk.pem"), &pk, err, sizeof(err)), -EINVAL,
	       "garbage PEM refused");
	is_int(fim_pubkey_load(p("none.pem"), &pk, err, sizeof(err)), -ENOENT,
	       "missing key file: ENOENT");
	ok(strstr(err, "none.pem: No such file"), "message names the file");
	is_int(fim_pubkey_load(dir, &pk, err, sizeof(err)), -EISDIR,
	       "a directory is not a key");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_keygen();
	test_sign_verify();
	test_bad_keys();
	rm_rf(dir);
	return tap_done();
}
