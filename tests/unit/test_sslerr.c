/* The one drain of OpenSSL's error queue (sslerr.h): reasons in order,
 * cut to the buffer, and the queue empty afterwards in every case. */
#include <openssl/err.h>
#include <string.h>

#include "sslerr.h"
#include "tap.h"

int main(void)
{
	char buf[512], small[8];

	ok(!strcmp(fim_sslerr_drain(buf, sizeof(buf)), ""), "nothing queued");
	ERR_raise(ERR_LIB_EVP, ERR_R_MALLOC_FAILURE);
	ERR_raise(ERR_LIB_PEM, ERR_R_PASSED_NULL_PARAMETER);
	fim_sslerr_drain(buf, sizeof(buf));
	/* error:LIB:library name:function:reason */
	ok(strstr(buf, "envelope") && strstr(buf, "PEM") &&
	   strstr(buf, "envelope") < strstr(buf, "PEM") && strstr(buf, "; "),
	   "both reasons, oldest first");
	ok(ERR_peek_error() == 0, "queue drained");
	for (int i = 0; i < 20; i++)
		ERR_raise(ERR_LIB_EVP, ERR_R_MALLOC_FAILURE);
	fim_sslerr_drain(small, sizeof(small));
	ok(strlen(small) < sizeof(small), "cut to the buffer");
	ok(ERR_peek_error() == 0, "a full buffer still drains the queue");
	ERR_raise(ERR_LIB_EVP, ERR_R_MALLOC_FAILURE);
	fim_sslerr_log("test", "logged");
	ok(ERR_peek_error() == 0, "logging drains the queue");
	return tap_done();
}
