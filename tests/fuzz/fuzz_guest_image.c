/* libFuzzer target: fimfs-guest's parsing of disk images, in-process and
 * without the sandbox. The input is the image; the target asks what the
 * core would (partitions, then a bounded walk: readdir, stat, readlink and
 * the first bytes of every file) and checks that every reply the reader
 * builds passes the core's strict decoders. A reply the core would refuse
 * lets a crafted file system end its reader for good, so it is a bug here,
 * like a crash. TSK itself is not instrumented: coverage comes from our
 * side of it, and ASan sees what TSK does to memory it got from malloc.
 *
 * Slowness is not hunted here: TSK builds a block-mapped file's run list in
 * quadratic time, so a tiny ext2 image claiming a 1 GiB file takes minutes
 * to read. That is what the core's deadline on every reply is for (tested
 * in guest.test); here files and directories claiming more than FILE_MAX
 * are not read, so that the fuzzer spends its time on memory errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"
#include "guest_image.h"
#include "guest_serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WALK_DEPTH 3
#define WALK_ENTRIES 32
#define FILE_MAX (16u << 20)

static struct fim_gp_buf reply;

/* Sends q to the reader; returns the body of an OK reply (NULL for an
 * error reply) and aborts on any reply the core would not accept. */
static const uint8_t *ask(struct guest_image *gi, struct fim_gp_req *q,
			  size_t *len)
{
	uint8_t req[FIM_GP_PATH_MAX + 64];
	struct fim_gp_buf b = {req, 0, sizeof(req)};
	char why[600];

	if (fim_gp_encode_req(&b, q) || gs_answer(gi, req + 4, b.len - 4, &reply))
		abort();
	const uint8_t *p = reply.p;
	uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	if (n + 4u != reply.len || n < FIM_GP_REPLY_HDR || p[4] != q->op ||
	    p[9] >= FIM_GP_STATUS_END)
		abort();
	*len = n - FIM_GP_REPLY_HDR;
	if (p[9] == FIM_GP_OK)
		return p + 4 + FIM_GP_REPLY_HDR;
	if (fim_guest_decode_reason(p + 10, *len, why, sizeof(why)))
		abort();
	return NULL;
}

struct names {
	char name[WALK_ENTRIES][FIM_GP_NAME_MAX + 1];
	uint8_t type[WALK_ENTRIES];
	uint64_t ino[WALK_ENTRIES];
	uint64_t size[WALK_ENTRIES];
	size_t n;
};

static int keep(void *arg, const char *name, const struct fim_gp_attr *a)
{
	struct names *nm = arg;

	if (nm->n == WALK_ENTRIES)
		return 1;
	strcpy(nm->name[nm->n], name);
	nm->type[nm->n] = a->type;
	nm->size[nm->n] = a->size;
	nm->ino[nm->n++] = a->ino;
	return 0;
}

static void walk(struct guest_image *gi, uint16_t part, const char *path,
		 int depth)
{
	struct fim_gp_req q = {.op = FIM_GP_READDIR, .part = part};
	struct names *nm = calloc(1, sizeof(*nm));
	uint32_t next, skipped;
	int stop;
	size_t len;

	if (!nm)
		return;
	q.path.p = path;
	q.path.len = (uint16_t)strlen(path);
	const uint8_t *body = ask(gi, &q, &len);
	if (body && fim_guest_decode_page(body, len, keep, nm, &next, &skipped,
					  &stop))
		abort();
	for (size_t i = 0; i < nm->n; i++) {
		char child[FIM_GP_PATH_MAX + 1];
		struct fim_gp_attr a;
		char target[FIM_GP_PATH_MAX + 1];

		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", path,
				     *path ? "/" : "", nm->name[i]) >=
		    sizeof(child))
			continue;
		struct fim_gp_req s = {.op = FIM_GP_STAT, .part = part};
		s.path.p = child;
		s.path.len = (uint16_t)strlen(child);
		body = ask(gi, &s, &len);
		if (body && fim_guest_decode_attr(body, len, &a))
			abort();
		if (nm->type[i] == FIM_GP_LNK) {
			s.op = FIM_GP_READLINK;
			body = ask(gi, &s, &len);
			if (body && fim_guest_decode_link(body, len, target,
							  sizeof(target)) < 0)
				abort();
		} else if (nm->type[i] == FIM_GP_REG && nm->size[i] <= FILE_MAX) {
			struct fim_gp_req r = {.op = FIM_GP_READ, .part = part,
					       .ino = nm->ino[i],
					       .length = 65536};
			ask(gi, &r, &len);
		} else if (nm->type[i] == FIM_GP_DIR && depth < WALK_DEPTH &&
			   nm->size[i] <= FILE_MAX) {
			walk(gi, part, child, depth + 1);
		}
	}
	free(nm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_image *gi;
	struct fim_guest_part *parts = NULL;
	size_t n = 0, len;
	int fd;

	if (!reply.p) {
		reply.p = malloc(GS_REPLY_CAP);
		reply.cap = GS_REPLY_CAP;
		if (!reply.p)
			abort();
	}
	fd = memfd_create("image", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	struct guest_src src = {.fd = fd, .sock = -1, .size = size};
	if (gi_open(&src, &gi))
		abort();
	struct fim_gp_req q = {.op = FIM_GP_PARTS};
	const uint8_t *body = ask(gi, &q, &len);
	if (body && fim_guest_decode_parts(body, len, &parts, &n))
		abort();
	for (size_t i = 0; i < n; i++)
		if (parts[i].readable)
			walk(gi, (uint16_t)parts[i].number, "", 0);
	free(parts);
	gi_close(gi);
	close(fd);
	return 0;
}
