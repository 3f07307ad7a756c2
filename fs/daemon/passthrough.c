/* Reads of real files served by the kernel straight from SOURCE (FUSE
 * passthrough, Linux 6.9 and later). A read through the mount then costs
 * what a read of SOURCE costs: no request reaches the daemon, and the data
 * comes from SOURCE's own page cache, in large folios where SOURCE has
 * them (a FUSE file's own page cache has only 4 KiB pages on 6.18, which
 * makes a second read through it twice as costly as a native one).
 *
 * libfuse 3.14 has no API for it (fuse_passthrough_open is 3.16), so the
 * two replies that carry it are amended on their way to the kernel (the
 * session's custom I/O, wire.c): INIT says FUSE_PASSTHROUGH with a stack
 * depth of 1 (SOURCE must not itself be a passthrough or overlay mount),
 * and the open reply of a real file says FOPEN_PASSTHROUGH and the backing
 * id the kernel gave SOURCE's descriptor. Registering a descriptor needs
 * CAP_SYS_ADMIN: a daemon that drops it (run_as) serves reads itself, as
 * it does with -o passthrough=off or on a kernel without passthrough.
 *
 * The kernel's backing file is opened with the reader's flags, not with the
 * O_NOATIME the daemon reads with, so only files whose atime a read cannot
 * change (fim_atime_fixed: read-only snapshots, read-only or noatime mounts,
 * NFS) are read that way: fimfs never writes to SOURCE, not even an atime.
 *
 * The open is still the daemon's: permission checks, the audit records of
 * open and release, refusals. The kernel lets every open of one inode use
 * the same mode, so a real file is opened with passthrough whenever the
 * mount has it; NFS and guest files, which have no kernel descriptor, are
 * never opened that way. */
#include "passthrough.h"

#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atime.h"
#include "log.h"

/* Of the kernel's ABI 7.40, newer than the headers of Debian bookworm. */
#define PT_FLAGS2_PASSTHROUGH (1u << (37 - 32)) /* FUSE_PASSTHROUGH */
#define PT_FOPEN_PASSTHROUGH (1u << 7)
#define PT_MAX_STACK_DEPTH 1
struct pt_backing_map {
	int32_t fd;
	uint32_t flags;
	uint64_t padding;
};
#define PT_IOC_BACKING_OPEN _IOW(FUSE_DEV_IOC_MAGIC, 1, struct pt_backing_map)
#define PT_IOC_BACKING_CLOSE _IOW(FUSE_DEV_IOC_MAGIC, 2, uint32_t)

/* fuse_init_out of 7.40: flags2, then max_stack_depth where 7.36 had
 * unused[0]. */
struct pt_init_out {
	uint32_t major, minor, max_readahead, flags;
	uint16_t max_background, congestion_threshold;
	uint32_t max_write, time_gran;
	uint16_t max_pages, map_alignment;
	uint32_t flags2, max_stack_depth;
};
/* fuse_open_out of 7.40: backing_id where 7.36 had padding. */
struct pt_open_out {
	uint64_t fh;
	uint32_t open_flags;
	int32_t backing_id;
};

/* The request this thread is answering, and the backing id its open
 * reply is to carry (0: none). */
static __thread uint64_t answering;
static __thread int32_t armed;

void passthrough_request(struct fimfs *fs, const void *buf, size_t len)
{
	const struct fuse_in_header *in = buf;
	const struct fuse_init_in *init;

	if (len < sizeof(*in))
		return;
	answering = in->unique;
	/* run_as keeps only CAP_DAC_READ_SEARCH: no backing files */
	if (in->opcode != FUSE_INIT || !fs->cfg.passthrough ||
	    fs->cfg.run_as || len < sizeof(*in) + sizeof(*init))
		return;
	init = (const struct fuse_init_in *)(in + 1);
	fs->pt_init_unique = in->unique;
	fs->pt_offered = (init->flags & FUSE_INIT_EXT) &&
			 (init->flags2 & PT_FLAGS2_PASSTHROUGH);
}

static struct pt_init_out *init_reply(struct fimfs *fs, struct iovec *iov,
				      int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;

	if (!fs->pt_offered || out->unique != fs->pt_init_unique ||
	    out->error || count < 2 || iov[1].iov_len < sizeof(struct pt_init_out))
		return NULL;
	return iov[1].iov_base;
}

void passthrough_reply(struct fimfs *fs, struct iovec *iov, int count)
{
	const struct fuse_out_header *out;
	struct pt_init_out *init;
	struct pt_open_out *open;

	if (count < 1 || iov[0].iov_len < sizeof(*out))
		return;
	out = iov[0].iov_base;
	if ((init = init_reply(fs, iov, count))) {
		init->flags |= FUSE_INIT_EXT;
		init->flags2 |= PT_FLAGS2_PASSTHROUGH;
		init->max_stack_depth = PT_MAX_STACK_DEPTH;
		fs->passthrough_on = true;
		fim_log(LOG_INFO, "reads of SOURCE's files: kernel passthrough");
		return;
	}
	if (!armed || out->unique != answering || out->error || count < 2 ||
	    iov[1].iov_len < sizeof(*open))
		return;
	open = iov[1].iov_base;
	/* the kernel's page cache of SOURCE is the only one: none of ours
	 * to keep or bypass */
	open->open_flags &= ~(uint32_t)(FOPEN_KEEP_CACHE | FOPEN_DIRECT_IO);
	open->open_flags |= PT_FOPEN_PASSTHROUGH;
	open->backing_id = armed;
}

/* The backing ids in use, by FUSE inode: the kernel refuses two backing
 * files for one inode, so concurrent opens of a file share the id the
 * first registered, which is dropped at the last release. */
struct pt_ent {
	struct pt_ent *next;
	uint64_t ino;      /* the FUSE inode */
	uint64_t dev, sino; /* SOURCE's file registered */
	int32_t id;
	uint32_t opens;
};

static struct pt_ent **bucket(struct fimfs *fs, uint64_t ino)
{
	return &fs->pt_ids[(ino >> 4) % PT_BUCKETS];
}

bool passthrough_arm(struct fimfs *fs, uint64_t ino, int fd,
		     const struct fim_stat *st)
{
	struct pt_backing_map map = {.fd = fd};
	struct pt_ent **b, *e;
	bool ok = false;

	/* a FIFO or device read through the kernel would block the reader
	 * or reach what the daemon never opens for reading */
	if (!fs->passthrough_on || fd < 0 || !S_ISREG(st->mode) ||
	    !fim_atime_fixed(fd))
		return false;
	pthread_mutex_lock(&fs->pt_mu);
	b = bucket(fs, ino);
	for (e = *b; e && e->ino != ino; e = e->next)
		;
	if (e && (e->dev != st->dev || e->sino != st->ino)) {
		/* the inode's open files read another file of SOURCE, which
		 * the kernel keeps until they close */
		fim_log(LOG_WARNING, "passthrough: a file of SOURCE was "
			"replaced while open through the mount; the kernel "
			"refuses the new one until the old one is closed");
	} else if (e) {
		e->opens++;
		ok = true;
	} else if ((e = calloc(1, sizeof(*e)))) {
		e->id = ioctl(fuse_session_fd(fs->se), PT_IOC_BACKING_OPEN,
			      &map);
		if (e->id > 0) {
			*e = (struct pt_ent){ .next = *b, .ino = ino,
					      .dev = st->dev, .sino = st->ino,
					      .id = e->id, .opens = 1 };
			*b = e;
			ok = true;
		} else {
			/* once: the cause (a stacked SOURCE, ELOOP; a lost
			 * capability, EPERM) is rarely the file's own */
			if (!fs->pt_refused)
				fim_log(LOG_WARNING, "passthrough: cannot "
					"register a file of SOURCE: %m; the "
					"daemon serves its reads (logged once)");
			fs->pt_refused = true;
			free(e);
		}
	}
	if (ok)
		armed = e->id;
	pthread_mutex_unlock(&fs->pt_mu);
	return ok;
}

void passthrough_disarm(void)
{
	armed = 0;
}

void passthrough_release(struct fimfs *fs, uint64_t ino)
{
	struct pt_ent **p, *e;
	uint32_t id;

	pthread_mutex_lock(&fs->pt_mu);
	for (p = bucket(fs, ino); (e = *p) && e->ino != ino; p = &e->next)
		;
	if (e && !--e->opens) {
		*p = e->next;
		id = (uint32_t)e->id;
		free(e);
		if (ioctl(fuse_session_fd(fs->se), PT_IOC_BACKING_CLOSE, &id))
			fim_log(LOG_WARNING, "passthrough: backing id %u: %m",
				id);
	}
	pthread_mutex_unlock(&fs->pt_mu);
}
