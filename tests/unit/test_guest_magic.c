/* Recognition of disk images by their bytes: each signature where the
 * formats put it, and the near misses (a sector ending in 0x55AA without a
 * plausible table, a file too small) that must not make a file an image. */
#include <string.h>

#include "guest_magic.h"
#include "tap.h"

static unsigned char head[FIM_GUEST_HEAD], tail[FIM_GUEST_TAIL];

static enum fim_guest_format sniff(size_t size)
{
	return fim_guest_recognize(head, sizeof(head), tail, sizeof(tail),
				   size);
}

static void le32(unsigned char *p, unsigned v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void boot_sig(void)
{
	head[510] = 0x55;
	head[511] = 0xAA;
}

static void mbr_entry(int i, unsigned char status, unsigned char type,
		      unsigned start, unsigned count)
{
	unsigned char *e = head + 446 + 16 * i;

	e[0] = status;
	e[4] = type;
	le32(e + 8, start);
	le32(e + 12, count);
}

static void reset(void)
{
	memset(head, 0, sizeof(head));
	memset(tail, 0, sizeof(tail));
}

static void is_fmt(enum fim_guest_format want, const char *what)
{
	is_str(fim_guest_format_name(sniff(64 << 20)),
	       fim_guest_format_name(want), what);
}

int main(void)
{
	reset();
	is_fmt(FIM_GUEST_NONE, "zeros are no image");
	boot_sig();
	is_fmt(FIM_GUEST_NONE, "0x55AA without a table is no image");
	mbr_entry(0, 0x80, 0x83, 2048, 40960);
	is_fmt(FIM_GUEST_MBR, "an MBR with one Linux partition");
	mbr_entry(1, 0x12, 0x83, 43008, 100);
	is_fmt(FIM_GUEST_NONE, "a boot flag other than 0 or 0x80 is no table");
	mbr_entry(1, 0, 0x0c, 0, 100);
	is_fmt(FIM_GUEST_NONE, "a partition starting at sector 0 is no table");
	is_str(fim_guest_format_name(fim_guest_recognize(head, sizeof(head),
							 NULL, 0, 511)),
	       "none", "a file smaller than a sector is no image");

	reset();
	boot_sig();
	mbr_entry(0, 0, 0xee, 1, 0xffffffff);
	memcpy(head + 512, "EFI PART", 8);
	is_fmt(FIM_GUEST_GPT, "a protective MBR and a GPT header");

	reset();
	boot_sig();
	head[0] = 0xEB;
	memcpy(head + 3, "NTFS    ", 8);
	is_fmt(FIM_GUEST_NTFS, "an NTFS boot sector");
	memcpy(head + 3, "EXFAT   ", 8);
	is_fmt(FIM_GUEST_EXFAT, "an exFAT boot sector");
	memcpy(head + 3, "mkfs.fat", 8);
	head[11] = 0x00, head[12] = 0x02; /* 512 bytes a sector */
	head[13] = 4, head[14] = 1, head[16] = 2;
	memcpy(head + 54, "FAT16   ", 8);
	is_fmt(FIM_GUEST_FAT, "a FAT boot sector, not an MBR");
	head[13] = 3;
	is_fmt(FIM_GUEST_NONE, "FAT with 3 sectors a cluster is neither");

	reset();
	le32(head + 1024, 8192);  /* inodes */
	le32(head + 1028, 32768); /* blocks */
	le32(head + 1048, 2);     /* log block size: 4 KiB */
	head[1080] = 0x53, head[1081] = 0xEF;
	is_fmt(FIM_GUEST_EXT, "an ext superblock");
	le32(head + 1048, 40);
	is_fmt(FIM_GUEST_NONE, "an ext magic with an absurd block size");

	reset();
	memcpy(head + 1024, "H+\x00\x04", 4);
	is_fmt(FIM_GUEST_HFSPLUS, "an HFS+ volume header");
	reset();
	memcpy(head + 32768, "\x01" "CD001", 6);
	is_fmt(FIM_GUEST_ISO9660, "an ISO 9660 primary volume descriptor");

	reset();
	memcpy(head, "KDMV", 4);
	is_fmt(FIM_GUEST_VMDK, "a sparse VMDK header");
	reset();
	memcpy(head, "EVF\x09\x0d\x0a\xff\x00", 8);
	is_fmt(FIM_GUEST_EWF, "an EWF segment");
	reset();
	memcpy(head, "conectix", 8);
	is_fmt(FIM_GUEST_VHD, "a dynamic VHD (footer copy at the start)");
	reset();
	memcpy(tail, "conectix", 8);
	is_fmt(FIM_GUEST_VHD, "a VHD footer at the end");
	boot_sig();
	mbr_entry(0, 0, 0x83, 2048, 4096);
	is_fmt(FIM_GUEST_MBR, "a fixed VHD is its raw disk, read as such");
	return tap_done();
}
