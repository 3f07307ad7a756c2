/* The VHD reader (fs/guest/guest_vhd.c) over images built here byte by
 * byte: a dynamic disk of 4 KiB blocks whose sector bitmaps say which
 * sectors hold data (the others read as zeros), a fixed disk, and each way
 * a hostile file could bend the footer, the header or the allocation
 * table, which must end in an error naming it, never in a read outside
 * the file or of memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_vhd.h"
#include "tap.h"

#define BS 4096u
#define MEDIA (3 * BS)
/* footer copy, header, table, then block 0 (bitmap sector + data) */
#define HDR_AT 512u
#define BAT_AT 1536u
#define BLK0_AT 2048u
#define IMG_SIZE (BLK0_AT + 512 + BS + 512)

static uint8_t img[IMG_SIZE];

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void seal(uint8_t *p, size_t len, size_t at)
{
	uint32_t sum = 0;

	memset(p + at, 0, 4);
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	put_be32(p + at, ~sum);
}

static void footer(uint8_t *f, uint32_t type, uint64_t media,
		   uint64_t hdr_at)
{
	memset(f, 0, 512);
	memcpy(f, "conectix", 8);
	put_be32(f + 12, 0x00010000);
	put_be64(f + 16, hdr_at);
	put_be64(f + 40, media);
	put_be64(f + 48, media);
	put_be32(f + 60, type);
	seal(f, 512, 64);
}

/* A dynamic disk of 3 blocks: block 0 stored with sectors 0 and 2 marked
 * (filled with 'A' + sector), blocks 1 and 2 never written. */
static void dynamic(void)
{
	uint8_t *h = img + HDR_AT;

	memset(img, 0, sizeof(img));
	footer(img, 3, MEDIA, HDR_AT);
	memcpy(img + IMG_SIZE - 512, img, 512);
	memcpy(h, "cxsparse", 8);
	put_be64(h + 8, ~0ull);
	put_be64(h + 16, BAT_AT);
	put_be32(h + 24, 0x00010000);
	put_be32(h + 28, 3);
	put_be32(h + 32, BS);
	static const char parent[] = "base.vhd";
	for (size_t i = 0; i < sizeof(parent) - 1; i++)
		h[64 + 2 * i + 1] = (uint8_t)parent[i];
	seal(h, 1024, 36);
	put_be32(img + BAT_AT, BLK0_AT / 512);
	put_be32(img + BAT_AT + 4, 0xffffffffu);
	put_be32(img + BAT_AT + 8, 0xffffffffu);
	img[BLK0_AT] = 0xa0; /* sectors 0 and 2 */
	for (unsigned s = 0; s < BS / 512; s++)
		memset(img + BLK0_AT + 512 + s * 512, 'A' + s, 512);
}

static struct guest_src src;

/* Opens img (size bytes) as a VHD: 0 or the error, the reason in why. */
static int open_img(size_t size, struct vhd **v, uint64_t *media, char *why)
{
	static int fd = -1;

	if (fd >= 0)
		close(fd);
	fd = memfd_create("vhd", MFD_CLOEXEC);
	if (fd < 0 || write(fd, img, size) != (ssize_t)size)
		abort();
	src = (struct guest_src){.fd = fd, .sock = -1, .size = size};
	why[0] = '\0';
	return vhd_open(&src, v, media, why, 256);
}

static int has(const char *why, const char *part)
{
	if (strstr(why, part))
		return 1;
	printf("#   reason: %s\n", why);
	return 0;
}

static void test_dynamic(void)
{
	static uint8_t buf[MEDIA + 100];
	struct vhd *v;
	uint64_t media = 0;
	char why[256];
	int good = 1;

	dynamic();
	is_int(open_img(IMG_SIZE, &v, &media, why), 0, "a dynamic VHD opens");
	is_int(media, MEDIA, "its size is the footer's current size");
	is_int(vhd_read(v, 0, buf, sizeof(buf), why, sizeof(why)), MEDIA,
	       "a read stops at the end of the disk");
	for (unsigned s = 0; s < MEDIA / 512; s++)
		for (unsigned i = 0; i < 512; i++)
			good &= buf[s * 512 + i] ==
				(s == 0 || s == 2 ? 'A' + s : 0);
	ok(good, "marked sectors read their data; unmarked sectors and "
		 "unwritten blocks read as zeros");
	is_int(vhd_read(v, 500, buf, 1100, why, sizeof(why)), 1100,
	       "a read across sectors of both kinds");
	ok(buf[0] == 'A' && buf[12] == 0 && buf[524] == 'C' && buf[1099] == 0,
	   "... has each byte from its own sector");
	is_int(vhd_read(v, BS - 10, buf, 20, why, sizeof(why)), 20,
	       "a read across two blocks");
	is_int(vhd_read(v, MEDIA, buf, 1, why, sizeof(why)), 0,
	       "a read at the end gives nothing");
	vhd_close(v);
}

static void test_fixed(void)
{
	static uint8_t buf[8192];
	struct vhd *v;
	uint64_t media = 0;
	char why[256];

	memset(img, 'x', 4096);
	footer(img + 4096, 2, 4096, ~0ull);
	is_int(open_img(4096 + 512, &v, &media, why), 0, "a fixed VHD opens");
	ok(media == 4096 &&
		   vhd_read(v, 0, buf, sizeof(buf), why, sizeof(why)) == 4096 &&
		   buf[4095] == 'x',
	   "its disk is the bytes before the footer");
	vhd_close(v);
	footer(img + 4096, 2, 4097, ~0ull);
	is_int(open_img(4096 + 512, &v, &media, why), -EIO,
	       "a fixed disk larger than its file is refused");
	ok(has(why, "larger than its file"), "... saying so");
}

/* dynamic(), bent by fn, must fail to open with a reason holding what. */
static void refused(void (*bend)(void), const char *what, const char *name)
{
	struct vhd *v = NULL;
	uint64_t media;
	char why[256];

	dynamic();
	bend();
	int r = open_img(IMG_SIZE, &v, &media, why);
	if (!r)
		vhd_close(v);
	ok(r == -EIO && has(why, what), name);
}

static void bad_checksum(void)
{
	img[40] ^= 1;
}

static void differencing(void)
{
	put_be32(img + 60, 4);
	seal(img, 512, 64);
}

static void odd_block_size(void)
{
	put_be32(img + HDR_AT + 32, 3000);
	seal(img + HDR_AT, 1024, 36);
}

static void short_table(void)
{
	put_be32(img + HDR_AT + 28, 2);
	seal(img + HDR_AT, 1024, 36);
}

static void table_outside(void)
{
	put_be64(img + HDR_AT + 16, IMG_SIZE - 8);
	seal(img + HDR_AT, 1024, 36);
}

static void header_outside(void)
{
	put_be64(img + 16, IMG_SIZE);
	seal(img, 512, 64);
}

static void huge_disk(void)
{
	put_be64(img + 48, 1ull << 40); /* 2^28 blocks */
	seal(img, 512, 64);
	put_be32(img + HDR_AT + 28, 0xffffffffu);
	seal(img + HDR_AT, 1024, 36);
}

static void test_refused(void)
{
	refused(bad_checksum, "footer is damaged", "a bad footer checksum");
	refused(differencing, "parent \"base.vhd\", another file",
		"a differencing disk names its parent");
	refused(odd_block_size, "block size 3000",
		"a block size not a power of two");
	refused(short_table, "smaller than the disk",
		"a table with fewer blocks than the disk");
	refused(table_outside, "allocation table lies beyond",
		"a table past the end of the file");
	refused(header_outside, "header offset",
		"a header past the end of the file");
	refused(huge_disk, "too large", "a disk of more blocks than a table "
					 "in memory may hold");
}

static void test_block_outside(void)
{
	static uint8_t buf[BS];
	struct vhd *v;
	uint64_t media;
	char why[256];

	dynamic();
	put_be32(img + BAT_AT + 4, (IMG_SIZE - 512) / 512);
	is_int(open_img(IMG_SIZE, &v, &media, why), 0,
	       "a table entry is checked when its block is read");
	is_int(vhd_read(v, BS, buf, sizeof(buf), why, sizeof(why)), -1,
	       "a block past the end of the file is an error");
	ok(has(why, "block 1 lies beyond the end"), "... naming the block");
	is_int(vhd_read(v, 0, buf, 512, why, sizeof(why)), 512,
	       "the other blocks still read");
	vhd_close(v);
}

int main(void)
{
	test_dynamic();
	test_fixed();
	test_refused();
	test_block_outside();
	return tap_done();
}
