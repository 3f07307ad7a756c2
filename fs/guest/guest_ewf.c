/* EWF images (see guest_ewf.h), after Joachim Metz's "Expert Witness
 * Compression Format" notes (libewf): little-endian fields; a section
 * descriptor is 76 bytes, its last 4 the Adler-32 of the first 72, and its
 * size counts the descriptor; a table lists each chunk's offset (from the
 * table's base) with the top bit set for a compressed one, and a chunk ends
 * where the next begins, the last one where its sectors section ends. */
#include "guest_ewf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define FILE_HEADER 13u
#define DESCRIPTOR 76u
#define VOLUME 1052u     /* EnCase's volume and disk sections */
#define TABLE_HEADER 24u
#define COMPRESSED 0x80000000u
/* A chunk is 64 sectors in every writer known; a larger one still fits
 * these bounds, which keep the process's memory small. */
#define CHUNK_MAX (16u << 20)
/* 12 bytes each in memory: 2^25 chunks of 32 KiB are a 1 TiB disk. */
#define CHUNKS_MAX (1u << 25)
#define NONE UINT32_MAX

struct ewf {
	struct guest_src *src;
	uint64_t media;
	uint32_t chunk_size;
	uint32_t nchunks;  /* as the volume says */
	uint32_t listed;   /* found in the tables so far */
	uint64_t *start;   /* each chunk's first byte in the file */
	uint32_t *stored;  /* its size there, COMPRESSED if it is */
	uint8_t *raw;      /* a chunk as stored */
	uint8_t *data;     /* the chunk in cached, decoded */
	uint32_t cached;
	z_stream z;
	int z_ready;
};

/* A section of the walk: where its data lies. */
struct section {
	char type[17];
	uint64_t at, next, size; /* size: the data's, after the descriptor */
};

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b)
{
	return le32(b) | (uint64_t)le32(b + 4) << 32;
}

#define fail(why, whysz, ...) src_fail(why, whysz, "EWF", __VA_ARGS__)
/* what is a part of the container: "header" */
#define read_exact(src, buf, len, off, what, why, whysz)                     \
	src_read_exact(src, buf, len, off, "EWF " what, why, whysz)

static uint32_t adler(const uint8_t *p, size_t len)
{
	return (uint32_t)adler32(adler32(0, NULL, 0), p, (uInt)len);
}

static int check_header(struct guest_src *src, char *why, size_t whysz)
{
	uint8_t h[FILE_HEADER];
	int r = read_exact(src, h, sizeof(h), 0, "file header", why, whysz);

	if (r)
		return r;
	if (!memcmp(h, "EVF2", 4))
		return fail(why, whysz, "version 2 (Ex01) images are not read");
	if (memcmp(h, "EVF\x09\x0d\x0a\xff\x00", 8) || h[8] != 1)
		return fail(why, whysz, "file header is not EWF's");
	unsigned seg = (unsigned)h[9] | (unsigned)h[10] << 8;
	if (seg != 1)
		return fail(why, whysz, "segment %u of a split image (.E01, "
			    ".E02...): the reader reads a whole image in one "
			    "file only", seg);
	return 0;
}

/* The descriptor at at: checked, and its data's extent. */
static int read_section(struct guest_src *src, uint64_t at, struct section *s,
			char *why, size_t whysz)
{
	uint8_t d[DESCRIPTOR];
	int r = read_exact(src, d, sizeof(d), at, "section descriptor", why,
			   whysz);

	if (r)
		return r;
	if (le32(d + 72) != adler(d, 72))
		return fail(why, whysz, "section descriptor at %llu is "
			    "damaged (checksum)", (unsigned long long)at);
	memcpy(s->type, d, 16);
	s->type[16] = '\0';
	s->at = at;
	s->next = le64(d + 16);
	uint64_t size = le64(d + 24);
	/* done and next may count their descriptor or not */
	if (size < DESCRIPTOR)
		size = DESCRIPTOR;
	if (at > src->size || size > src->size - at)
		return fail(why, whysz, "section %s at %llu ends beyond the "
			    "file", s->type, (unsigned long long)at);
	s->size = size - DESCRIPTOR;
	return 0;
}

static int parse_volume(struct ewf *e, const struct section *s, char *why,
			size_t whysz)
{
	uint8_t v[VOLUME];

	if (s->size < VOLUME)
		return fail(why, whysz, "%s section of %llu bytes is not "
			    "EnCase's", s->type, (unsigned long long)s->size);
	int r = read_exact(e->src, v, sizeof(v), s->at + DESCRIPTOR,
			   "volume section", why, whysz);
	if (r)
		return r;
	if (le32(v + 1048) != adler(v, 1048))
		return fail(why, whysz, "volume section is damaged "
			    "(checksum)");
	uint32_t chunks = le32(v + 4), spc = le32(v + 8), bps = le32(v + 12);
	uint64_t sectors = le64(v + 16), media;
	if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096)
		return fail(why, whysz, "sector size %u is not one of 512, "
			    "1024, 2048, 4096", bps);
	if (!spc || spc > CHUNK_MAX / bps)
		return fail(why, whysz, "%u sectors per chunk are more than "
			    "16 MiB or none", spc);
	if (__builtin_mul_overflow(sectors, bps, &media) || media > INT64_MAX)
		return fail(why, whysz, "%llu sectors are beyond any disk",
			    (unsigned long long)sectors);
	uint32_t size = spc * bps;
	if (media / size + (media % size != 0) != chunks)
		return fail(why, whysz, "%u chunks of %u bytes cannot hold "
			    "%llu bytes", chunks, size,
			    (unsigned long long)media);
	if (chunks > CHUNKS_MAX)
		return fail(why, whysz, "disk of %u chunks is too large",
			    chunks);
	if (e->start && (chunks != e->nchunks || size != e->chunk_size ||
			 media != e->media))
		return fail(why, whysz, "two volume sections disagree");
	if (e->start)
		return 0;
	e->media = media;
	e->chunk_size = size;
	e->nchunks = chunks;
	e->start = malloc(chunks ? chunks * sizeof(*e->start) : 1);
	e->stored = malloc(chunks ? chunks * sizeof(*e->stored) : 1);
	/* zlib's output bound for incompressible data is a few bytes per
	 * 16 KiB: a stored chunk longer than this is not one */
	e->raw = malloc(size + size / 8 + 64);
	e->data = malloc(size);
	return e->start && e->stored && e->raw && e->data ? 0 : -ENOMEM;
}

/* The chunks a table lists, each within sectors (the data of the sectors
 * section before it). */
static int parse_table(struct ewf *e, const struct section *s,
		       const struct section *sectors, char *why, size_t whysz)
{
	uint8_t h[TABLE_HEADER];

	if (!e->start)
		return fail(why, whysz, "%s section before the volume section",
			    s->type);
	if (!sectors)
		return fail(why, whysz, "%s section without a sectors section "
			    "before it", s->type);
	if (s->size < TABLE_HEADER)
		return fail(why, whysz, "%s section is too short", s->type);
	int r = read_exact(e->src, h, sizeof(h), s->at + DESCRIPTOR,
			   "table header", why, whysz);
	if (r)
		return r;
	if (le32(h + 20) != adler(h, 20))
		return fail(why, whysz, "%s header is damaged (checksum)",
			    s->type);
	uint32_t n = le32(h);
	uint64_t base = le64(h + 8);
	if (!n || n > e->nchunks - e->listed ||
	    (uint64_t)n * 4 > s->size - TABLE_HEADER)
		return fail(why, whysz, "%s of %u entries does not fit (%u of "
			    "%u chunks listed before it)", s->type, n,
			    e->listed, e->nchunks);
	uint8_t *ent = malloc((size_t)n * 4 + 4);
	if (!ent)
		return -ENOMEM;
	/* the entries' own checksum follows them when there is room */
	int sealed = s->size - TABLE_HEADER >= (uint64_t)n * 4 + 4;
	size_t len = (size_t)n * 4 + (sealed ? 4 : 0);
	r = read_exact(e->src, ent, len, s->at + DESCRIPTOR + TABLE_HEADER,
		       "table entries", why, whysz);
	if (!r && sealed &&
	    le32(ent + (size_t)n * 4) != adler(ent, (size_t)n * 4))
		r = fail(why, whysz, "%s entries are damaged (checksum)",
			 s->type);
	uint64_t lo = sectors->at + DESCRIPTOR, hi = lo + sectors->size;
	for (uint32_t i = 0; !r && i < n; i++) {
		uint32_t v = le32(ent + 4 * i);
		uint64_t at = base + (v & ~COMPRESSED);
		uint64_t end = i + 1 < n ? base + (le32(ent + 4 * i + 4) &
						   ~COMPRESSED)
					 : hi;
		uint64_t c = e->listed + (uint64_t)i;
		uint64_t want = e->media - c * e->chunk_size;
		if (want > e->chunk_size)
			want = e->chunk_size;
		if (base > INT64_MAX || at < lo || end > hi || end <= at ||
		    end - at > e->chunk_size + e->chunk_size / 8 + 64 ||
		    (!(v & COMPRESSED) && end - at != want + 4))
			r = fail(why, whysz, "chunk %llu lies outside its "
				 "sectors section or has a size it cannot "
				 "have", (unsigned long long)c);
		else {
			e->start[c] = at;
			e->stored[c] = (uint32_t)(end - at) | (v & COMPRESSED);
		}
	}
	free(ent);
	if (!r)
		e->listed += n;
	return r;
}

/* Walks the sections from the file header to done. A table that does not
 * check out has a second chance: the table2 after it, its copy. */
static int walk(struct ewf *e, char *why, size_t whysz)
{
	struct section s, sectors = {.at = 0}; /* at 0: none yet */
	char damaged[256] = ""; /* why the last table failed, if it did */
	uint64_t at = FILE_HEADER;

	for (;;) {
		int r = read_section(e->src, at, &s, why, whysz);
		if (r)
			return r;
		int table = !strcmp(s.type, "table");
		int table2 = !strcmp(s.type, "table2");
		if (damaged[0] && !table2) {
			snprintf(why, whysz, "%s", damaged);
			return -EIO;
		}
		if (table || (table2 && damaged[0])) {
			r = parse_table(e, &s, sectors.at ? &sectors : NULL,
					why, whysz);
			if (r && table && r != -ENOMEM) {
				snprintf(damaged, sizeof(damaged), "%s", why);
				r = 0;
			} else {
				damaged[0] = '\0';
			}
		} else if (!strcmp(s.type, "volume") ||
			   !strcmp(s.type, "disk")) {
			r = parse_volume(e, &s, why, whysz);
		} else if (!strcmp(s.type, "sectors")) {
			sectors = s;
		} else if (!strcmp(s.type, "next")) {
			return fail(why, whysz, "image continues in another "
				    "segment (.E02...): the reader reads a "
				    "whole image in one file only");
		} else if (!strcmp(s.type, "done")) {
			return 0;
		}
		if (r)
			return r;
		/* onwards, past its own descriptor at least: the walk ends */
		if (s.next < at + DESCRIPTOR || s.next > e->src->size)
			return fail(why, whysz, "section %s at %llu points %s",
				    s.type, (unsigned long long)at,
				    s.next > at + DESCRIPTOR ? "past the file"
							     : "backwards");
		at = s.next;
	}
}

int ewf_open(struct guest_src *src, struct ewf **out, uint64_t *media,
	     char *why, size_t whysz)
{
	struct ewf *e;
	int r = check_header(src, why, whysz);

	if (r)
		return r;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->src = src;
	e->cached = NONE;
	r = walk(e, why, whysz);
	if (!r && !e->start)
		r = fail(why, whysz, "image has no volume section");
	if (!r && e->listed != e->nchunks)
		r = fail(why, whysz, "tables list %u of the %u chunks",
			 e->listed, e->nchunks);
	if (!r && inflateInit(&e->z) != Z_OK)
		r = -ENOMEM;
	e->z_ready = !r;
	if (r) {
		ewf_close(e);
		return r;
	}
	*media = e->media;
	*out = e;
	return 0;
}

/* Chunk c, decoded into e->data (want bytes). */
static int load(struct ewf *e, uint32_t c, uint32_t want, char *why,
		size_t whysz)
{
	uint32_t len = e->stored[c] & ~COMPRESSED;
	int r = read_exact(e->src, e->raw, len, e->start[c], "chunk", why,
			   whysz);

	e->cached = NONE;
	if (r)
		return r;
	if (!(e->stored[c] & COMPRESSED)) {
		if (le32(e->raw + want) != adler(e->raw, want))
			return fail(why, whysz, "chunk %u is damaged "
				    "(checksum)", c);
		memcpy(e->data, e->raw, want);
	} else {
		inflateReset(&e->z);
		e->z.next_in = e->raw;
		e->z.avail_in = len;
		e->z.next_out = e->data;
		e->z.avail_out = e->chunk_size;
		int z = inflate(&e->z, Z_FINISH);
		if (z != Z_STREAM_END || e->z.total_out != want)
			return fail(why, whysz, "chunk %u does not decompress "
				    "to its %u bytes (%s)", c, want,
				    e->z.msg ? e->z.msg : "wrong size");
	}
	e->cached = c;
	return 0;
}

ssize_t ewf_read(struct ewf *e, uint64_t off, void *buf, size_t len,
		 char *why, size_t whysz)
{
	size_t done = 0;

	if (off >= e->media)
		return 0;
	if (len > e->media - off)
		len = (size_t)(e->media - off);
	while (done < len) {
		uint64_t at = off + done;
		uint32_t c = (uint32_t)(at / e->chunk_size);
		uint32_t in = (uint32_t)(at % e->chunk_size);
		uint64_t want = e->media - (uint64_t)c * e->chunk_size;
		if (want > e->chunk_size)
			want = e->chunk_size;
		if (e->cached != c && load(e, c, (uint32_t)want, why, whysz))
			return -1;
		size_t n = (size_t)want - in;
		if (n > len - done)
			n = len - done;
		memcpy((char *)buf + done, e->data + in, n);
		done += n;
	}
	return (ssize_t)done;
}

void ewf_close(struct ewf *e)
{
	if (!e)
		return;
	if (e->z_ready)
		inflateEnd(&e->z);
	free(e->start);
	free(e->stored);
	free(e->raw);
	free(e->data);
	free(e);
}
