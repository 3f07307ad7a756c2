/* The Sleuth Kit over the image's bytes (see guest_image.h). Every byte TSK
 * sees comes through fd_read(), from the image through its container (raw,
 * VMDK, VHD, EWF), so the sandbox can forbid open() and everything that
 * names a path. TSK's made-up entries (orphan
 * directories, FAT's $MBR/$FAT1) and deleted names are hidden here, at the
 * source, so that no later layer can mistake them for guest files. */
#include "guest_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tsk/libtsk.h>

#include "guest_dirs.h"
#include "guest_ewf.h"
#include "guest_magic.h"
#include "guest_vhd.h"
#include "guest_vmdk.h"

/* The container between the file and the disk TSK reads. */
enum container { CT_RAW, CT_VMDK, CT_VHD, CT_EWF };

struct fd_img {
	TSK_IMG_INFO info; /* first: TSK casts between the two */
	struct guest_src *src;
	enum container kind;
	struct vmdk *vmdk;
	struct vhd *vhd;
	struct ewf *ewf;
};

struct guest_part {
	uint16_t number;
	uint64_t offset, length;
	TSK_FS_INFO *fs; /* NULL: unreadable, note says why */
	char fstype[32];
	char note[256];
};

struct guest_image {
	TSK_IMG_INFO *img;
	TSK_VS_INFO *vs;
	size_t nparts;
	struct guest_part parts[FIM_GP_PARTS_MAX];
	char none[256];
	char err[256];
	/* the file of the last READ: sequential reads reuse it */
	TSK_FS_FILE *rfile;
	uint16_t rpart;
	struct guest_dirs dirs; /* the directories listed so far */
};

/* Up to len bytes of the disk at off; -1 with the reason in why. */
static ssize_t disk_read(struct fd_img *f, uint64_t off, void *buf,
			 size_t len, char *why, size_t whysz)
{
	switch (f->kind) {
	case CT_VMDK:
		return vmdk_read(f->vmdk, off, buf, len, why, whysz);
	case CT_VHD:
		return vhd_read(f->vhd, off, buf, len, why, whysz);
	case CT_EWF:
		return ewf_read(f->ewf, off, buf, len, why, whysz);
	default:
		return src_pread(f->src, buf, len, off, why, whysz);
	}
}

static ssize_t fd_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf,
		       size_t len)
{
	char why[256];
	ssize_t n = disk_read((struct fd_img *)img, (uint64_t)off, buf, len,
			      why, sizeof(why));

	if (n < 0) {
		tsk_error_reset();
		tsk_error_set_errno(TSK_ERR_IMG_READ);
		tsk_error_set_errstr("%s", why);
	}
	return n;
}

static void fd_close(TSK_IMG_INFO *img)
{
	struct fd_img *f = (struct fd_img *)img;

	vmdk_close(f->vmdk);
	vhd_close(f->vhd);
	ewf_close(f->ewf);
	free(f);
}

static void fd_imgstat(TSK_IMG_INFO *img, FILE *out)
{
	(void)img;
	(void)out;
}

/* TSK's message for the last failure, on one line. */
static void tsk_reason(char *buf, size_t size, const char *fallback)
{
	const char *e = tsk_error_get();

	snprintf(buf, size, "%s", e && *e ? e : fallback);
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	tsk_error_reset();
}

static void add_fs(struct guest_image *gi, uint16_t number, uint64_t off,
		   uint64_t len, TSK_FS_INFO *fs, const char *note)
{
	struct guest_part *p = &gi->parts[gi->nparts++];

	p->number = number;
	p->offset = off;
	p->length = len;
	p->fs = fs;
	snprintf(p->fstype, sizeof(p->fstype), "%s",
		 fs ? tsk_fs_type_toname(fs->ftype) : "");
	if (fs)
		snprintf(p->note, sizeof(p->note), "%s", note);
	else
		tsk_reason(p->note, sizeof(p->note), "unknown file system");
}

/* The file systems TSK's own detection (TSK_FS_TYPE_DETECT) tries first,
 * in its order: all but YAFFS2, a format of raw NAND dumps that no disk
 * holds, whose probe alone took 6-8 ms of every image's opening on the
 * benchmark's 400 MiB ext4 image, more than all the others together. */
static const struct {
	const char *name;
	TSK_FS_TYPE_ENUM type;
} fs_kinds[] = {
	{ "NTFS", TSK_FS_TYPE_NTFS_DETECT },
	{ "FAT", TSK_FS_TYPE_FAT_DETECT },
	{ "EXT2/3/4", TSK_FS_TYPE_EXT_DETECT },
	{ "UFS", TSK_FS_TYPE_FFS_DETECT },
	{ "HFS", TSK_FS_TYPE_HFS_DETECT },
	{ "ISO9660", TSK_FS_TYPE_ISO9660_DETECT },
	{ "APFS", TSK_FS_TYPE_APFS_DETECT },
};

/* The file system at off, or NULL with TSK's error saying why. As in
 * TSK's detection, one that opens as two kinds is none: a hostile image
 * could show each tool another tree. */
static TSK_FS_INFO *open_fs(TSK_IMG_INFO *img, TSK_OFF_T off)
{
	TSK_FS_INFO *found = NULL;
	const char *found_name = "";

	for (size_t i = 0; i < sizeof(fs_kinds) / sizeof(fs_kinds[0]); i++) {
		tsk_error_reset();
		TSK_FS_INFO *fs = tsk_fs_open_img(img, off, fs_kinds[i].type);
		if (!fs)
			continue;
		if (found) {
			tsk_fs_close(found);
			tsk_fs_close(fs);
			tsk_error_reset();
			tsk_error_set_errno(TSK_ERR_FS_UNKTYPE);
			tsk_error_set_errstr("%s or %s", fs_kinds[i].name,
					     found_name);
			return NULL;
		}
		found = fs;
		found_name = fs_kinds[i].name;
	}
	tsk_error_reset();
	if (found)
		return found;
	/* None of them: TSK's whole detection, for YAFFS2 and for its
	 * reason, which names an encryption it recognises (LUKS, BitLocker)
	 * or bytes too random to be anything but encrypted. */
	return tsk_fs_open_img(img, off, TSK_FS_TYPE_DETECT);
}

static long part_fs_index(const struct guest_image *gi, uint16_t number)
{
	for (size_t i = 0; i < gi->nparts; i++)
		if (gi->parts[i].number == number)
			return (long)i;
	return -1;
}

/* Linux's numbering: primary MBR slots and GPT entries 1.., logical
 * partitions of an extended one from 5 on in table order. */
static uint16_t part_number(const TSK_VS_INFO *vs, const TSK_VS_PART_INFO *p,
			    unsigned *logical)
{
	if (vs->vstype == TSK_VS_TYPE_DOS && p->table_num > 0)
		return (uint16_t)(5 + (*logical)++);
	return (uint16_t)(p->slot_num + 1);
}

static void open_parts(struct guest_image *gi)
{
	unsigned logical = 0;

	for (TSK_PNUM_T i = 0; i < gi->vs->part_count; i++) {
		const TSK_VS_PART_INFO *p = tsk_vs_part_get(gi->vs, i);

		if (!p || !(p->flags & TSK_VS_PART_FLAG_ALLOC))
			continue;
		if (gi->nparts == FIM_GP_PARTS_MAX)
			break;
		uint16_t n = part_number(gi->vs, p, &logical);
		uint64_t off, len;
		if (!n || n > 999 || part_fs_index(gi, n) >= 0)
			continue; /* TSK numbers slots 0..127: cannot be */
		if (__builtin_mul_overflow(p->start, gi->vs->block_size, &off) ||
		    __builtin_mul_overflow(p->len, gi->vs->block_size, &len) ||
		    off > INT64_MAX || len > INT64_MAX - off) {
			struct guest_part *g = &gi->parts[gi->nparts++];
			g->number = n;
			snprintf(g->note, sizeof(g->note),
				 "the table puts it beyond any disk");
			continue;
		}
		TSK_FS_INFO *fs = open_fs(gi->img, (TSK_OFF_T)off);
		add_fs(gi, n, off, len, fs, p->desc ? p->desc : "");
	}
	if (!gi->nparts)
		snprintf(gi->none, sizeof(gi->none),
			 "the partition table lists no partition");
}

/* Opens the container the image's bytes claim (a footer at the end alone
 * makes a fixed VHD only if it checks out: otherwise the disk is raw, as
 * its head says); *size becomes the disk's. 0, -ENOMEM, or -EIO with the
 * reason in why. */
static int open_container(struct fd_img *f, enum fim_guest_format fmt,
			  const unsigned char *tail, size_t tail_len,
			  uint64_t *size, char *why, size_t whysz)
{
	int r;

	switch (fmt) {
	case FIM_GUEST_VMDK:
		f->kind = CT_VMDK;
		return vmdk_open(f->src, &f->vmdk, size, why, whysz);
	case FIM_GUEST_EWF:
		f->kind = CT_EWF;
		return ewf_open(f->src, &f->ewf, size, why, whysz);
	default:
		if (fmt != FIM_GUEST_VHD &&
		    (tail_len < 512 || memcmp(tail, "conectix", 8)))
			return 0;
		f->kind = CT_VHD;
		r = vhd_open(f->src, &f->vhd, size, why, whysz);
		if (r == -EIO && fmt != FIM_GUEST_VHD) {
			f->kind = CT_RAW;
			why[0] = '\0';
			return 0;
		}
		return r;
	}
}

int gi_open(struct guest_src *src, struct guest_image **out)
{
	struct guest_image *gi = calloc(1, sizeof(*gi));
	static unsigned char head[FIM_GUEST_HEAD], tail[FIM_GUEST_TAIL];
	uint64_t size = src->size;
	struct fd_img *f;
	ssize_t n, t = 0;

	if (!gi)
		return -ENOMEM;
	*out = gi;
	f = calloc(1, sizeof(*f)); /* TSK's own allocator is internal */
	if (!f)
		return -ENOMEM;
	f->info.tag = TSK_IMG_INFO_TAG;
	f->src = src;
	n = src_pread(src, head, sizeof(head), 0, gi->none, sizeof(gi->none));
	if (n >= 0 && size >= sizeof(tail))
		t = src_pread(src, tail, sizeof(tail), size - sizeof(tail),
			      gi->none, sizeof(gi->none));
	if (n < 0 || t < 0) {
		fd_close(&f->info);
		return 0;
	}
	enum fim_guest_format fmt = fim_guest_recognize(
		head, (size_t)n, tail, (size_t)t, size);
	int r = open_container(f, fmt, tail, (size_t)t, &size, gi->none,
			       sizeof(gi->none));
	if (r) {
		fd_close(&f->info);
		return r == -ENOMEM ? r : 0;
	}
	if (f->kind != CT_RAW) {
		/* the disk inside decides from here on */
		n = disk_read(f, 0, head, sizeof(head), gi->none,
			      sizeof(gi->none));
		fmt = n < 0 ? FIM_GUEST_NONE
			    : fim_guest_recognize(head, (size_t)n, NULL, 0,
						  size);
		gi->none[0] = '\0';
	}
	tsk_error_reset();
	gi->img = tsk_img_open_external(f, (TSK_OFF_T)size, 512, fd_read,
					fd_close, fd_imgstat);
	if (!gi->img) {
		tsk_reason(gi->none, sizeof(gi->none), "cannot open image");
		fd_close(&f->info);
		return 0;
	}
	/* a GPT disk also has a (protective) MBR: name the table, or TSK's
	 * detection reads both and keeps the DOS one it drops */
	gi->vs = tsk_vs_open(gi->img, 0, fmt == FIM_GUEST_GPT ?
					   TSK_VS_TYPE_GPT : TSK_VS_TYPE_DETECT);
	if (gi->vs) {
		open_parts(gi);
		return 0;
	}
	TSK_FS_INFO *fs = open_fs(gi->img, 0);
	if (fs) {
		add_fs(gi, 0, 0, size, fs, "");
	} else {
		char why[200];
		tsk_reason(why, sizeof(why), "unknown");
		snprintf(gi->none, sizeof(gi->none),
			 "no partition table, and no file system: %s", why);
	}
	return 0;
}

void gi_close(struct guest_image *gi)
{
	if (!gi)
		return;
	if (gi->rfile)
		tsk_fs_file_close(gi->rfile);
	gdirs_free(&gi->dirs);
	for (size_t i = 0; i < gi->nparts; i++)
		if (gi->parts[i].fs)
			tsk_fs_close(gi->parts[i].fs);
	if (gi->vs)
		tsk_vs_close(gi->vs);
	if (gi->img)
		tsk_img_close(gi->img);
	free(gi);
}

const char *gi_none(const struct guest_image *gi)
{
	return gi->none;
}

size_t gi_nparts(const struct guest_image *gi)
{
	return gi->nparts;
}

void gi_part(const struct guest_image *gi, size_t i, struct fim_gp_part *p)
{
	const struct guest_part *g = &gi->parts[i];

	p->number = g->number;
	p->offset = g->offset;
	p->length = g->length;
	p->readable = g->fs != NULL;
	p->fstype.p = g->fstype;
	p->fstype.len = (uint16_t)strlen(g->fstype);
	p->note.p = g->note;
	p->note.len = (uint16_t)strlen(g->note);
}

const char *gi_err(const struct guest_image *gi)
{
	return gi->err;
}

static int fail_io(struct guest_image *gi, const char *fallback)
{
	tsk_reason(gi->err, sizeof(gi->err), fallback);
	return -EIO;
}

static TSK_FS_INFO *part_fs(struct guest_image *gi, uint16_t number)
{
	long i = part_fs_index(gi, number);

	return i < 0 ? NULL : gi->parts[i].fs;
}

/* Whether TSK made the entry up or it is deleted: not a guest file. */
static int hidden_meta(const TSK_FS_META *m)
{
	return !m || m->type == TSK_FS_META_TYPE_VIRT ||
	       m->type == TSK_FS_META_TYPE_VIRT_DIR ||
	       (m->flags & TSK_FS_META_FLAG_UNALLOC);
}

static uint32_t clamp_ns(uint32_t ns)
{
	return ns < 1000000000u ? ns : 0;
}

static int meta_attr(const TSK_FS_META *m, struct fim_gp_attr *a)
{
	if (m->size < 0)
		return -EIO;
	memset(a, 0, sizeof(*a));
	switch (m->type) {
	case TSK_FS_META_TYPE_REG:
		a->type = FIM_GP_REG;
		break;
	case TSK_FS_META_TYPE_DIR:
		a->type = FIM_GP_DIR;
		break;
	case TSK_FS_META_TYPE_LNK:
		a->type = FIM_GP_LNK;
		break;
	default:
		a->type = FIM_GP_OTHER;
		break;
	}
	a->mode = (uint32_t)m->mode & 07777;
	a->uid = (uint32_t)m->uid;
	a->gid = (uint32_t)m->gid;
	a->nlink = m->nlink > 0 ? (uint32_t)m->nlink : 0;
	a->size = (uint64_t)m->size;
	a->ino = m->addr;
	a->atime = m->atime;
	a->atime_ns = clamp_ns(m->atime_nano);
	a->mtime = m->mtime;
	a->mtime_ns = clamp_ns(m->mtime_nano);
	a->ctime = m->ctime;
	a->ctime_ns = clamp_ns(m->ctime_nano);
	return 0;
}

/* Open guest path in partition part; -ENOENT for a name that is not a
 * guest file. */
static int open_path(struct guest_image *gi, uint16_t part, const char *path,
		     TSK_FS_FILE **out)
{
	char tpath[FIM_GP_PATH_MAX + 2];
	TSK_FS_INFO *fs = part_fs(gi, part);
	TSK_FS_FILE *f;

	if (!fs)
		return -ENOENT;
	TSK_INUM_T inum = fs->root_inum;
	uint64_t listed;
	if (*path && gdirs_find(&gi->dirs, part, path, &listed)) {
		inum = (TSK_INUM_T)listed;
	} else if (*path) {
		/* the core sends clean paths; refuse what TSK would resolve
		 * differently than fimfs shows it */
		if (path[0] == '/' || strstr(path, "//") ||
		    path[strlen(path) - 1] == '/')
			return -EINVAL;
		for (const char *c = path; c; c = strchr(c, '/')) {
			c += *c == '/';
			if ((c[0] == '.' && (c[1] == '/' || !c[1])) ||
			    (c[0] == '.' && c[1] == '.' &&
			     (c[2] == '/' || !c[2])))
				return -EINVAL;
		}
		snprintf(tpath, sizeof(tpath), "/%s", path);
		tsk_error_reset();
		int r = tsk_fs_path2inum(fs, tpath, &inum, NULL);
		if (r < 0)
			return fail_io(gi, "path lookup failed");
		if (r > 0)
			return -ENOENT;
	}
	tsk_error_reset();
	f = tsk_fs_file_open_meta(fs, NULL, inum);
	if (!f)
		return fail_io(gi, "cannot read the inode");
	if (hidden_meta(f->meta)) {
		tsk_fs_file_close(f);
		return -ENOENT;
	}
	*out = f;
	return 0;
}

int gi_stat(struct guest_image *gi, uint16_t part, const char *path,
	    struct fim_gp_attr *a)
{
	TSK_FS_FILE *f;
	int r = open_path(gi, part, path, &f);

	if (r)
		return r;
	r = meta_attr(f->meta, a);
	if (r)
		snprintf(gi->err, sizeof(gi->err), "negative file size");
	tsk_fs_file_close(f);
	return r;
}

/* Whether a name can be shown as one path component. */
static int plain_name(const char *n, size_t len)
{
	return len > 0 && len <= FIM_GP_NAME_MAX && !memchr(n, '/', len);
}

static int dot_name(const char *n)
{
	return !strcmp(n, ".") || !strcmp(n, "..");
}

int gi_readdir(struct guest_image *gi, uint16_t part, const char *path,
	       uint32_t start, gi_emit_fn emit, void *arg, uint32_t *next,
	       uint32_t *skipped)
{
	TSK_FS_FILE *df;
	TSK_FS_DIR *dir;
	int r;

	*next = 0;
	*skipped = 0;
	r = open_path(gi, part, path, &df);
	if (r)
		return r;
	TSK_FS_INFO *fs = df->fs_info;
	TSK_INUM_T inum = df->meta->addr;
	int isdir = df->meta->type == TSK_FS_META_TYPE_DIR;
	tsk_fs_file_close(df);
	if (!isdir)
		return -ENOTDIR;
	tsk_error_reset();
	dir = tsk_fs_dir_open_meta(fs, inum);
	if (!dir)
		return fail_io(gi, "cannot read the directory");
	size_t n = tsk_fs_dir_getsize(dir);
	for (size_t i = start; i < n; i++) {
		TSK_FS_FILE *f = tsk_fs_dir_get(dir, i);
		struct fim_gp_attr a;

		if (!f)
			continue;
		const TSK_FS_NAME *nm = f->name;
		int show = nm && nm->name && !dot_name(nm->name) &&
			   !(nm->flags & TSK_FS_NAME_FLAG_UNALLOC) &&
			   nm->type != TSK_FS_NAME_TYPE_VIRT &&
			   nm->type != TSK_FS_NAME_TYPE_VIRT_DIR &&
			   !hidden_meta(f->meta);
		if (show && (!plain_name(nm->name, strlen(nm->name)) ||
			     meta_attr(f->meta, &a))) {
			(*skipped)++;
			show = 0;
		}
		if (show && a.type == FIM_GP_DIR)
			gdirs_add(&gi->dirs, part, path, nm->name,
				  strlen(nm->name), a.ino);
		if (show && emit(arg, nm->name, strlen(nm->name), &a)) {
			tsk_fs_file_close(f);
			*next = (uint32_t)i;
			break;
		}
		tsk_fs_file_close(f);
	}
	tsk_fs_dir_close(dir);
	return 0;
}

int gi_readlink(struct guest_image *gi, uint16_t part, const char *path,
		char *buf, size_t size, size_t *len)
{
	TSK_FS_FILE *f;
	int r = open_path(gi, part, path, &f);

	if (r)
		return r;
	if (f->meta->type != TSK_FS_META_TYPE_LNK) {
		r = -EINVAL;
	} else if (f->meta->link) {
		*len = strnlen(f->meta->link, size - 1);
		memcpy(buf, f->meta->link, *len);
	} else {
		/* a target too long for the inode is the file's content */
		size_t want = f->meta->size < 0 ? 0 : (size_t)f->meta->size;
		if (want > size - 1)
			want = size - 1;
		tsk_error_reset();
		ssize_t n = want ? tsk_fs_file_read(f, 0, buf, want,
						    TSK_FS_FILE_READ_FLAG_NONE)
				 : 0;
		if (n < 0)
			r = fail_io(gi, "cannot read the link");
		else
			*len = strnlen(buf, (size_t)n);
	}
	if (!r && !*len) {
		snprintf(gi->err, sizeof(gi->err), "empty symlink target");
		r = -EIO;
	}
	if (!r)
		buf[*len] = '\0';
	tsk_fs_file_close(f);
	return r;
}

int gi_read(struct guest_image *gi, uint16_t part, uint64_t ino,
	    uint64_t offset, void *buf, size_t len, size_t *got)
{
	TSK_FS_INFO *fs = part_fs(gi, part);

	*got = 0;
	if (!fs)
		return -ENOENT;
	if (!gi->rfile || gi->rpart != part || gi->rfile->meta->addr != ino) {
		if (gi->rfile)
			tsk_fs_file_close(gi->rfile);
		tsk_error_reset();
		gi->rfile = tsk_fs_file_open_meta(fs, NULL, ino);
		gi->rpart = part;
		if (!gi->rfile)
			return fail_io(gi, "cannot read the inode");
	}
	const TSK_FS_META *m = gi->rfile->meta;
	if (hidden_meta(m))
		return -ENOENT;
	if (m->type != TSK_FS_META_TYPE_REG)
		return -EINVAL;
	if (m->size < 0 || offset >= (uint64_t)m->size || !len)
		return 0;
	if (len > (uint64_t)m->size - offset)
		len = (size_t)((uint64_t)m->size - offset);
	tsk_error_reset();
	ssize_t n = tsk_fs_file_read(gi->rfile, (TSK_OFF_T)offset, buf, len,
				     TSK_FS_FILE_READ_FLAG_NONE);
	if (n <= 0)
		return fail_io(gi, "cannot read the file");
	*got = (size_t)n;
	return 0;
}
