/* VHD images (see guest_vhd.h), after Microsoft's "Virtual Hard Disk Image
 * Format Specification" 1.0: big-endian fields, sectors of 512 bytes. */
#include "guest_vhd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTOR 512u
#define FOOTER 512u
#define HEADER 1024u
#define TYPE_FIXED 2u
#define TYPE_DYNAMIC 3u
#define TYPE_DIFFERENCING 4u
#define UNUSED 0xffffffffu
/* The specification's disks are at most 2040 GiB; with its default 2 MiB
 * blocks that is under 2^20 entries. A table beyond 2^24 (64 MiB) is not a
 * VHD any writer makes. */
#define BLOCKS_MAX (1u << 24)
#define BLOCK_SIZE_MAX (256u << 20)

struct vhd {
	struct guest_src *src;
	uint64_t media;
	int dynamic;
	uint32_t block_size;
	uint32_t bitmap_size; /* bytes before each block's data */
	uint32_t nblocks;
	uint32_t *bat;        /* first sector of each block, or UNUSED */
	uint32_t cached;      /* the block whose bitmap is in bitmap */
	uint8_t *bitmap;
};

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const uint8_t *b)
{
	return (uint64_t)be32(b) << 32 | be32(b + 4);
}

/* The one's complement of the byte sum, the checksum field (4 bytes at
 * at) counting as zero. */
static uint32_t checksum(const uint8_t *b, size_t len, size_t at)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < at || i >= at + 4)
			sum += b[i];
	return ~sum;
}

#define fail(why, whysz, ...) src_fail(why, whysz, "VHD", __VA_ARGS__)
/* what is a part of the container: "header" */
#define read_exact(src, buf, len, off, what, why, whysz)                     \
	src_read_exact(src, buf, len, off, "VHD " what, why, whysz)

/* The parent's file name, from the header's UTF-16BE field, as ASCII with
 * anything else as '?'. */
static void parent_name(const uint8_t *h, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 64; i + 1 < 64 + 512 && n + 1 < size; i += 2) {
		unsigned c = (unsigned)h[i] << 8 | h[i + 1];
		if (!c)
			break;
		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[n] = '\0';
}

static int open_dynamic(struct vhd *v, const uint8_t *footer, char *why,
			size_t whysz)
{
	uint8_t h[HEADER];
	uint64_t size = v->src->size;
	uint64_t at = be64(footer + 16);

	if (at < FOOTER || at > size || size - at < HEADER)
		return fail(why, whysz, "header offset %llu is outside the "
			    "file", (unsigned long long)at);
	int r = read_exact(v->src, h, sizeof(h), at, "header", why, whysz);
	if (r)
		return r;
	if (memcmp(h, "cxsparse", 8) || be32(h + 36) != checksum(h, HEADER, 36))
		return fail(why, whysz, "header is damaged (cookie or "
			    "checksum)");
	if (be32(h + 24) >> 16 != 1)
		return fail(why, whysz, "header version %#x is unknown",
			    be32(h + 24));
	if (be32(footer + 60) == TYPE_DIFFERENCING) {
		char parent[128];
		parent_name(h, parent, sizeof(parent));
		return fail(why, whysz, "differencing disk: its data is "
			    "completed by its parent \"%s\", another file, "
			    "which the reader cannot open", parent);
	}
	uint32_t bs = be32(h + 32);
	if (bs < SECTOR || bs > BLOCK_SIZE_MAX || (bs & (bs - 1)))
		return fail(why, whysz, "block size %u is not a power of two "
			    "from 512 B to 256 MiB", bs);
	uint64_t need = v->media / bs + (v->media % bs != 0);
	uint32_t entries = be32(h + 28);
	if (need > entries)
		return fail(why, whysz, "allocation table of %u blocks is "
			    "smaller than the disk (%llu blocks)", entries,
			    (unsigned long long)need);
	if (need > BLOCKS_MAX)
		return fail(why, whysz, "disk of %llu blocks is too large",
			    (unsigned long long)need);
	uint64_t bat = be64(h + 16);
	if (bat > size || size - bat < need * 4)
		return fail(why, whysz, "allocation table lies beyond the end "
			    "of the file");
	v->dynamic = 1;
	v->block_size = bs;
	v->nblocks = (uint32_t)need;
	/* one bit per sector, padded to whole sectors */
	v->bitmap_size = ((bs / SECTOR + 7) / 8 + SECTOR - 1) / SECTOR * SECTOR;
	v->cached = UNUSED;
	v->bat = malloc(need ? need * 4 : 1);
	v->bitmap = malloc(v->bitmap_size);
	if (!v->bat || !v->bitmap)
		return -ENOMEM;
	r = read_exact(v->src, v->bat, need * 4, bat, "allocation table", why,
		       whysz);
	for (uint32_t i = 0; !r && i < v->nblocks; i++)
		v->bat[i] = be32((const uint8_t *)&v->bat[i]);
	return r;
}

int vhd_open(struct guest_src *src, struct vhd **out, uint64_t *media,
	     char *why, size_t whysz)
{
	uint8_t f[FOOTER];
	struct vhd *v;
	int r;

	if (src->size < FOOTER)
		return fail(why, whysz, "file is shorter than a footer");
	/* a dynamic disk has a copy of its footer at the head: the one at
	 * the end is the one to lose when a file is cut short */
	r = read_exact(src, f, sizeof(f), 0, "footer", why, whysz);
	if (!r && memcmp(f, "conectix", 8))
		r = read_exact(src, f, sizeof(f), src->size - FOOTER,
			       "footer", why, whysz);
	if (r)
		return r;
	if (memcmp(f, "conectix", 8) || be32(f + 64) != checksum(f, FOOTER, 64))
		return fail(why, whysz, "footer is damaged (cookie or "
			    "checksum)");
	if (be32(f + 12) >> 16 != 1)
		return fail(why, whysz, "version %#x is unknown",
			    be32(f + 12));
	uint32_t type = be32(f + 60);
	uint64_t m = be64(f + 48);
	if (type != TYPE_FIXED && type != TYPE_DYNAMIC &&
	    type != TYPE_DIFFERENCING)
		return fail(why, whysz, "disk type %u is unknown", type);
	if (type == TYPE_FIXED && m > src->size - FOOTER)
		return fail(why, whysz, "fixed disk of %llu bytes is larger "
			    "than its file", (unsigned long long)m);
	if (m > INT64_MAX)
		return fail(why, whysz, "disk size %llu is beyond any disk",
			    (unsigned long long)m);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->src = src;
	v->media = m;
	r = type == TYPE_FIXED ? 0 : open_dynamic(v, f, why, whysz);
	if (r) {
		vhd_close(v);
		return r;
	}
	*media = m;
	*out = v;
	return 0;
}

static int bit_set(const uint8_t *bitmap, uint32_t sector)
{
	return bitmap[sector / 8] >> (7 - sector % 8) & 1;
}

/* Bytes from in (an offset in block blk, at most want of them) that one
 * read can serve: zeros (*data 0) or data stored in the block (*data 1,
 * at *at in the file). */
static ssize_t block_run(struct vhd *v, uint32_t blk, uint32_t in,
			 uint32_t want, int *data, uint64_t *at, char *why,
			 size_t whysz)
{
	uint32_t sec = v->bat[blk];

	*data = 0;
	if (sec == UNUSED)
		return want;
	uint64_t start = (uint64_t)sec * SECTOR;
	uint64_t used = v->media - (uint64_t)blk * v->block_size;
	if (used > v->block_size)
		used = v->block_size;
	if (start > v->src->size ||
	    v->src->size - start < v->bitmap_size + used)
		return fail(why, whysz, "block %u lies beyond the end of the "
			    "file", blk);
	if (v->cached != blk) {
		v->cached = UNUSED;
		if (read_exact(v->src, v->bitmap, v->bitmap_size, start,
			       "sector bitmap", why, whysz))
			return -1;
		v->cached = blk;
	}
	/* sectors whose bits agree with the first one's */
	uint32_t s = in / SECTOR, end = in + want;
	*data = bit_set(v->bitmap, s);
	uint32_t run = (s + 1) * SECTOR;
	while (run < end && bit_set(v->bitmap, run / SECTOR) == *data)
		run += SECTOR;
	*at = start + v->bitmap_size + in;
	return (run < end ? run : end) - in;
}

ssize_t vhd_read(struct vhd *v, uint64_t off, void *buf, size_t len,
		 char *why, size_t whysz)
{
	size_t done = 0;

	if (off >= v->media)
		return 0;
	if (len > v->media - off)
		len = (size_t)(v->media - off);
	if (!v->dynamic)
		return src_pread(v->src, buf, len, off, why, whysz);
	while (done < len) {
		uint64_t at = off + done;
		uint32_t blk = (uint32_t)(at / v->block_size);
		uint32_t in = (uint32_t)(at % v->block_size);
		uint32_t want = v->block_size - in;
		int data;

		if (want > len - done)
			want = (uint32_t)(len - done);
		ssize_t n = block_run(v, blk, in, want, &data, &at, why, whysz);
		if (n < 0)
			return -1;
		if (!data)
			memset((char *)buf + done, 0, (size_t)n);
		else if (read_exact(v->src, (char *)buf + done, (size_t)n, at,
				    "block data", why, whysz))
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void vhd_close(struct vhd *v)
{
	if (!v)
		return;
	free(v->bat);
	free(v->bitmap);
	free(v);
}
