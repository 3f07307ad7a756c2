/* Recognition of disk images by content, without The Sleuth Kit: a few
 * signatures at fixed offsets, cheap enough for the daemon to decide whether
 * NAME.files/ exists from the first FIM_GUEST_HEAD bytes and the last 512,
 * without starting a sandboxed reader. It only says what the bytes claim to
 * be; whether the claim holds is the reader's business.
 */
#ifndef FIM_GUEST_MAGIC_H
#define FIM_GUEST_MAGIC_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the head that recognition looks at (ISO 9660's volume
 * descriptor sits at 32 KiB). */
#define FIM_GUEST_HEAD 34816u
#define FIM_GUEST_TAIL 512u

enum fim_guest_format {
	FIM_GUEST_NONE = 0, /* not a disk image fimfs looks into */
	FIM_GUEST_MBR,      /* an MBR partition table */
	FIM_GUEST_GPT,      /* a GUID partition table */
	FIM_GUEST_EXT,      /* a bare ext2/3/4 file system */
	FIM_GUEST_NTFS,
	FIM_GUEST_FAT,
	FIM_GUEST_EXFAT,
	FIM_GUEST_HFSPLUS,
	FIM_GUEST_ISO9660,
	FIM_GUEST_VMDK, /* VMware sparse extent ("KDMV", "COWD") */
	FIM_GUEST_VHD,  /* Virtual PC/Hyper-V ("conectix") */
	FIM_GUEST_EWF,  /* Expert Witness (E01) */
	FIM_GUEST_FORMAT_END
};

/* What head (the first head_len bytes) and tail (the last tail_len bytes,
 * or NULL) of an image of size bytes claim it is. */
enum fim_guest_format fim_guest_recognize(const unsigned char *head,
					  size_t head_len,
					  const unsigned char *tail,
					  size_t tail_len, uint64_t size);

/* A short name of the format ("MBR", "sparse VMDK"...). */
const char *fim_guest_format_name(enum fim_guest_format f);

#endif
