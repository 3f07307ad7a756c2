/* The EWF reader (fs/guest/guest_ewf.c) over E01 images built here section
 * by section: a disk of three chunks (one zlib-compressed, one plain with
 * its Adler-32, a short last one), and each way a hostile file could bend
 * the sections, the volume, the tables or a chunk, which must end in an
 * error naming it, never in a read outside the file or of memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "guest_ewf.h"
#include "tap.h"

#define SPC 8u                 /* sectors per chunk */
#define CHUNK (SPC * 512u)
#define SECTORS (2 * SPC + 3)  /* the last chunk holds 3 sectors */
#define MEDIA (SECTORS * 512u)

static uint8_t img[65536];
static size_t len;
static uint8_t disk[MEDIA];

/* How each test bends the image as it is built. */
static struct {
	int segment, volume_chunks, table_crc, table2_crc, chunk_crc;
	int entry_past, next_back, split, no_done;
} bend;

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t adler(const uint8_t *p, size_t n)
{
	return (uint32_t)adler32(adler32(0, NULL, 0), p, (uInt)n);
}

/* A section descriptor at len for data of n bytes that follow it. */
static size_t section(const char *type, size_t n)
{
	size_t at = len;
	uint8_t *d = img + at;

	memset(d, 0, 76);
	memcpy(d, type, strlen(type));
	put_le64(d + 16, at + 76 + n);
	put_le64(d + 24, 76 + n);
	put_le32(d + 72, adler(d, 72));
	len += 76;
	return at;
}

static void reseal(size_t at, uint64_t next)
{
	put_le64(img + at + 16, next);
	put_le32(img + at + 72, adler(img + at, 72));
}

static void volume(void)
{
	uint8_t *v = img + len;

	section("volume", 1052);
	memset(v + 76, 0, 1052);
	v += 76;
	v[0] = 1;
	put_le32(v + 4, bend.volume_chunks ? 4 : 3);
	put_le32(v + 8, SPC);
	put_le32(v + 12, 512);
	put_le64(v + 16, SECTORS);
	put_le32(v + 1048, adler(v, 1048));
	len += 1052;
}

/* The chunks, and a table of them (type table or table2). */
static size_t sectors(uint32_t *entries)
{
	size_t at = section("sectors", 0), base = at;
	uLongf n = sizeof(img) - len;

	/* chunk 0 compressed */
	entries[0] = (uint32_t)(len - base) | 0x80000000u;
	if (compress(img + len, &n, disk, CHUNK) != Z_OK)
		abort();
	len += n;
	/* chunks 1 and 2 plain, each with its Adler-32 */
	for (uint32_t c = 1; c < 3; c++) {
		uint32_t want = c < 2 ? CHUNK : MEDIA - 2 * CHUNK;
		entries[c] = (uint32_t)(len - base);
		memcpy(img + len, disk + c * CHUNK, want);
		put_le32(img + len + want, adler(img + len, want) ^
						   (c == 1 && bend.chunk_crc));
		len += want + 4;
	}
	reseal(at, len);
	put_le64(img + at + 24, len - at);
	put_le32(img + at + 72, adler(img + at, 72));
	return base;
}

static void table(const char *type, const uint32_t *entries, size_t base,
		  int bad)
{
	uint8_t *t = img + len + 76;

	section(type, 24 + 12 + 4);
	memset(t, 0, 24);
	put_le32(t, 3);
	put_le64(t + 8, base + (bend.entry_past ? 1u << 20 : 0));
	put_le32(t + 20, adler(t, 20));
	for (int i = 0; i < 3; i++)
		put_le32(t + 24 + 4 * i, entries[i]);
	put_le32(t + 36, adler(t + 24, 12) ^ (uint32_t)bad);
	len += 40;
}

static void build(void)
{
	uint32_t entries[3];

	for (size_t i = 0; i < MEDIA; i++)
		disk[i] = (uint8_t)(i % 251 < 100 ? 0 : i * 7);
	memset(img, 0, sizeof(img));
	memcpy(img, "EVF\x09\x0d\x0a\xff\x00\x01", 9);
	img[9] = (uint8_t)(bend.segment ? 2 : 1);
	len = 13;
	volume();
	size_t base = sectors(entries);
	table("table", entries, base, bend.table_crc);
	size_t t2 = len;
	table("table2", entries, base, bend.table2_crc);
	if (bend.next_back)
		reseal(t2, 13);
	if (!bend.no_done) {
		size_t at = section(bend.split ? "next" : "done", 0);
		reseal(at, at);
	}
}

static struct guest_src src;

static int open_img(struct ewf **e, uint64_t *media, char *why)
{
	static int fd = -1;

	build();
	if (fd >= 0)
		close(fd);
	fd = memfd_create("e01", MFD_CLOEXEC);
	if (fd < 0 || write(fd, img, len) != (ssize_t)len)
		abort();
	src = (struct guest_src){.fd = fd, .sock = -1, .size = len};
	why[0] = '\0';
	return ewf_open(&src, e, media, why, 256);
}

static int has(const char *why, const char *part)
{
	if (strstr(why, part))
		return 1;
	printf("#   reason: %s\n", why);
	return 0;
}

static void test_reads(void)
{
	static uint8_t buf[MEDIA + 100];
	struct ewf *e;
	uint64_t media = 0;
	char why[256];

	memset(&bend, 0, sizeof(bend));
	is_int(open_img(&e, &media, why), 0, "an E01 opens");
	is_int(media, MEDIA, "its disk is the volume's sectors");
	is_int(ewf_read(e, 0, buf, sizeof(buf), why, sizeof(why)), MEDIA,
	       "a read stops at the end of the disk");
	ok(!memcmp(buf, disk, MEDIA), "compressed, plain and short chunks "
				      "read back the disk");
	is_int(ewf_read(e, CHUNK - 5, buf, 10, why, sizeof(why)), 10,
	       "a read across two chunks");
	ok(!memcmp(buf, disk + CHUNK - 5, 10), "... reads both");
	ewf_close(e);

	bend.table_crc = 1;
	is_int(open_img(&e, &media, why), 0,
	       "a damaged table is replaced by its table2");
	is_int(ewf_read(e, 0, buf, MEDIA, why, sizeof(why)), MEDIA,
	       "... and the disk reads");
	ewf_close(e);
}

static void test_bad_chunk(void)
{
	static uint8_t buf[CHUNK];
	struct ewf *e;
	uint64_t media;
	char why[256];

	memset(&bend, 0, sizeof(bend));
	bend.chunk_crc = 1;
	is_int(open_img(&e, &media, why), 0, "chunks are checked when read");
	is_int(ewf_read(e, CHUNK, buf, 1, why, sizeof(why)), -1,
	       "a plain chunk whose Adler-32 is wrong is an error");
	ok(has(why, "chunk 1 is damaged"), "... naming the chunk");
	is_int(ewf_read(e, 0, buf, CHUNK, why, sizeof(why)), CHUNK,
	       "the other chunks still read");
	ewf_close(e);
}

static void refused(const char *what, const char *name)
{
	struct ewf *e = NULL;
	uint64_t media;
	char why[256];
	int r = open_img(&e, &media, why);

	if (!r)
		ewf_close(e);
	ok(r == -EIO && has(why, what), name);
	memset(&bend, 0, sizeof(bend));
}

static void test_refused(void)
{
	memset(&bend, 0, sizeof(bend));
	bend.segment = 1;
	refused("segment 2 of a split image", "a later segment");
	bend.split = 1;
	refused("continues in another segment", "a first segment of several");
	bend.volume_chunks = 1;
	refused("4 chunks of 4096 bytes cannot hold", "a volume whose chunk "
		"count does not fit its size");
	bend.table_crc = 1;
	bend.table2_crc = 1;
	refused("entries are damaged", "a table and its table2 both damaged");
	bend.entry_past = 1;
	refused("chunk 0 lies outside its sectors section", "a table whose "
		"base puts its chunks past their sectors section");
	bend.next_back = 1;
	refused("points backwards", "a section pointing back (a loop)");
	bend.no_done = 1;
	refused("lies beyond the end of the file", "an image without its "
		"done section (cut short)");
}

int main(void)
{
	test_reads();
	test_bad_chunk();
	test_refused();
	return tap_done();
}
