#include "sslerr.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

char *fim_sslerr_drain(char *buf, size_t size)
{
	size_t len = 0;
	unsigned long e;

	if (size)
		buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		char one[256];

		if (len + 2 >= size)
			continue; /* full: drain the rest all the same */
		ERR_error_string_n(e, one, sizeof(one));
		snprintf(buf + len, size - len, "%s%s", len ? "; " : "", one);
		len += strlen(buf + len);
	}
	return buf;
}

void fim_sslerr_log(const char *area, const char *what)
{
	char msg[512];

	fim_sslerr_drain(msg, sizeof(msg));
	fim_log(LOG_ERR, "%s%s%s: %s", area ? area : "", area ? ": " : "",
		what, *msg ? msg : "OpenSSL error");
}
