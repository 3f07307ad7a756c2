/* Disk images by their signatures (see guest_magic.h). Containers (VMDK,
 * EWF, a dynamic VHD) are checked first, then what a sector-0 boot record
 * claims, since FAT and NTFS boot sectors end in 0x55AA like an MBR; a
 * table is believed only when its entries are plausible, so that a random
 * file ending a sector in 0x55AA is not an image. A fixed VHD is raw bytes
 * with a footer: its head decides (the reader leaves the footer out). */
#include "guest_magic.h"

#include <string.h>

static int has(const unsigned char *b, size_t len, size_t at, const void *sig,
	       size_t n)
{
	return at + n <= len && !memcmp(b + at, sig, n);
}

static unsigned le16(const unsigned char *b, size_t at)
{
	return (unsigned)b[at] | (unsigned)b[at + 1] << 8;
}

static uint32_t le32(const unsigned char *b, size_t at)
{
	return (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 |
	       (uint32_t)b[at + 2] << 16 | (uint32_t)b[at + 3] << 24;
}

static int boot_signature(const unsigned char *b, size_t len)
{
	return len >= 512 && b[510] == 0x55 && b[511] == 0xAA;
}

static int is_fat(const unsigned char *b, size_t len)
{
	if (!boot_signature(b, len) || (b[0] != 0xEB && b[0] != 0xE9))
		return 0;
	unsigned bps = le16(b, 11), spc = b[13];
	if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096)
		return 0;
	if (!spc || (spc & (spc - 1)) || !le16(b, 14) || !b[16] || b[16] > 2)
		return 0;
	return has(b, len, 54, "FAT", 3) || has(b, len, 82, "FAT", 3);
}

/* Four entries, each empty or with a boot flag of 0 or 0x80, a type, and a
 * non-empty extent starting after sector 0; at least one in use. */
static int is_mbr(const unsigned char *b, size_t len)
{
	int used = 0;

	if (!boot_signature(b, len))
		return 0;
	for (size_t e = 446; e < 510; e += 16) {
		if (b[e] != 0 && b[e] != 0x80)
			return 0;
		if (!b[e + 4])
			continue;
		if (!le32(b, e + 8) || !le32(b, e + 12))
			return 0;
		used++;
	}
	return used > 0;
}

static int is_ext(const unsigned char *b, size_t len)
{
	return len >= 2048 && b[1080] == 0x53 && b[1081] == 0xEF &&
	       le32(b, 1024) && le32(b, 1028) && le32(b, 1048) <= 6;
}

static int is_hfsplus(const unsigned char *b, size_t len)
{
	if (!has(b, len, 1024, "H+", 2) && !has(b, len, 1024, "HX", 2))
		return 0;
	unsigned version = (unsigned)b[1026] << 8 | b[1027];
	return version == 4 || version == 5;
}

enum fim_guest_format fim_guest_recognize(const unsigned char *head,
					  size_t head_len,
					  const unsigned char *tail,
					  size_t tail_len, uint64_t size)
{
	if (size < 512 || head_len < 512)
		return FIM_GUEST_NONE;
	if (has(head, head_len, 0, "KDMV", 4) ||
	    has(head, head_len, 0, "COWD", 4))
		return FIM_GUEST_VMDK;
	if (has(head, head_len, 0, "EVF\x09\x0d\x0a\xff\x00", 8) ||
	    has(head, head_len, 0, "EVF2\x0d\x0a\x81\x00", 8))
		return FIM_GUEST_EWF;
	if (has(head, head_len, 0, "conectix", 8))
		return FIM_GUEST_VHD;
	if (has(head, head_len, 512, "EFI PART", 8) ||
	    has(head, head_len, 4096, "EFI PART", 8))
		return FIM_GUEST_GPT;
	if (boot_signature(head, head_len) && has(head, head_len, 3, "NTFS    ", 8))
		return FIM_GUEST_NTFS;
	if (boot_signature(head, head_len) && has(head, head_len, 3, "EXFAT   ", 8))
		return FIM_GUEST_EXFAT;
	if (is_fat(head, head_len))
		return FIM_GUEST_FAT;
	if (is_mbr(head, head_len))
		return FIM_GUEST_MBR;
	if (is_ext(head, head_len))
		return FIM_GUEST_EXT;
	if (is_hfsplus(head, head_len))
		return FIM_GUEST_HFSPLUS;
	if (has(head, head_len, 32768, "\x01" "CD001", 6))
		return FIM_GUEST_ISO9660;
	if (tail && tail_len >= 512 && has(tail, tail_len, tail_len - 512,
					   "conectix", 8))
		return FIM_GUEST_VHD;
	return FIM_GUEST_NONE;
}

const char *fim_guest_format_name(enum fim_guest_format f)
{
	static const char *const names[FIM_GUEST_FORMAT_END] = {
		[FIM_GUEST_NONE] = "none",
		[FIM_GUEST_MBR] = "MBR",
		[FIM_GUEST_GPT] = "GPT",
		[FIM_GUEST_EXT] = "ext2/3/4",
		[FIM_GUEST_NTFS] = "NTFS",
		[FIM_GUEST_FAT] = "FAT",
		[FIM_GUEST_EXFAT] = "exFAT",
		[FIM_GUEST_HFSPLUS] = "HFS+",
		[FIM_GUEST_ISO9660] = "ISO 9660",
		[FIM_GUEST_VMDK] = "sparse VMDK",
		[FIM_GUEST_VHD] = "VHD",
		[FIM_GUEST_EWF] = "EWF",
	};

	return (unsigned)f < FIM_GUEST_FORMAT_END ? names[f] : "none";
}
