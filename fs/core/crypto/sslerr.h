/* OpenSSL's error queue, drained in one way everywhere.
 *
 * OpenSSL queues its reasons per thread; a reason left behind is reported
 * later against an unrelated call. Every failed OpenSSL call in the core
 * ends in one of these, which always leave the queue empty. */
#ifndef FIM_SSLERR_H
#define FIM_SSLERR_H

#include <stddef.h>

/* The queued reasons, oldest first, joined by "; " into buf (cut to size;
 * "" when none was queued). Returns buf. */
char *fim_sslerr_drain(char *buf, size_t size);

/* Log "AREA: WHAT: reasons" at LOG_ERR (AREA may be NULL), "OpenSSL error"
 * standing for the reasons when none was queued. */
void fim_sslerr_log(const char *area, const char *what);

#endif
