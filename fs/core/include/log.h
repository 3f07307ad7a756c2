/* Diagnostics of the core.
 *
 * The core never prints to stdout and never exits: it hands each message to
 * a sink. Front ends choose the sink: stderr for fimfsctl and a daemon in the
 * foreground, syslog for a mounted daemon. The default sink writes to stderr
 * prefixed with the program name.
 */
#ifndef FIM_LOG_H
#define FIM_LOG_H

#include <syslog.h>

typedef void (*fim_log_sink)(int prio, const char *msg, void *arg);

/* Replace the sink; NULL restores the default. Not thread-safe: call before
 * starting threads. */
void fim_log_set_sink(fim_log_sink sink, void *arg);

/* Messages below this syslog priority (numerically greater) are dropped.
 * Default LOG_INFO. */
void fim_log_set_level(int prio);

/* Format a message and hand it to the sink. prio is a syslog(3) priority. */
void fim_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The symbolic name of an errno value ("EIO", "EROFS"), or "E<n>". The
 * result is a static string or written into a thread-local buffer. */
const char *fim_errname(int err);

#endif
