/* SIGHUP: reload the configuration's baseline and rules, reopen the audit
 * log (logrotate), and make the kernel forget every .verified it cached. A
 * thread waits for the signal, which every other thread blocks. */
#ifndef FIMFS_RELOAD_H
#define FIMFS_RELOAD_H

#include "fimfs.h"

/* Block SIGHUP in the calling thread and all threads created after. */
int reload_block_signal(void);

/* Load the baseline of cfg into the view and record the outcome. */
void reload_baseline(struct fimfs *fs, const struct fim_config *cfg);

int reload_start(struct fimfs *fs, pthread_t *tid);
void reload_stop(struct fimfs *fs, pthread_t tid);

#endif
