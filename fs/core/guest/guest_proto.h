/* The wire protocol between the core and fimfs-guest, the sandboxed reader
 * of guest disk images. Both ends compile guest_proto.c; nothing else in the
 * core sees these bytes.
 *
 * The child is hostile (it parses bytes a compromised VM chose), so the
 * decoders are strict: every length and count is checked against the frame,
 * every enum against its range, names must be plain (no '/', no NUL, not "."
 * or ".."), and a message must be consumed exactly. A decoder answers -EPROTO
 * for anything else, and the core kills the child.
 *
 * Framing: a u32 payload length (little-endian, at most FIM_GP_FRAME_MAX),
 * then the payload. The core's first frame hands over the image (a child
 * is started before there is one to read, and waits for it):
 *   START    u8 op, u64 size: 0 when the image's read-only descriptor comes
 *            with this frame (SCM_RIGHTS), else the size of an image the
 *            child asks the core for (IMAGE, below)
 * The child's first frame, once it is sandboxed, is the hello:
 *   "FIMG" u16 version
 * A request:  u8 op, u32 id, body
 * A reply:    u8 op, u32 id, u8 status, body (for status != OK: str reason)
 * str = u16 length + bytes; attr = u8 type, u32 mode, u32 uid, u32 gid,
 * u32 nlink, u64 size, u64 ino, then atime, mtime, ctime as s64 s + u32 ns.
 *
 *   PARTS    -                      u16 n, n x {u16 number, u64 offset,
 *                                   u64 length, u8 readable, str fstype,
 *                                   str note}
 *   STAT     u16 part, str path     attr
 *   READDIR  u16 part, str path,    u32 next (0: done), u32 skipped,
 *            u32 start              u32 n, n x {str name, attr}
 *   READLINK u16 part, str path     str target
 *   READ     u16 part, u64 ino,     u32 n, n bytes (n <= length)
 *            u64 offset, u32 length
 *
 * Paths are guest paths without a leading '/', "" for the root.
 *
 * Before its reply to a READDIR, a child that lists ahead (guest_ahead.h)
 * may hand over whole listings it made of other directories, each in a
 * frame of its own, which the core keeps until it would ask for them:
 *   AHEAD    (child) u8 op, u32 id of the request it precedes, u8 status
 *            (OK), u16 part, str path, then a READDIR reply's body whose
 *            next is 0
 *
 * A child started without the image's descriptor (fim_guest_new_reader)
 * asks the core for image bytes while it answers a request; the core
 * answers each such request and goes on waiting for the reply:
 *   IMAGE    (child) u8 op, u32 id of the request it answers, u64 offset,
 *            u32 length (1..FIM_GP_READ_MAX)
 *            (core)  u8 op, u32 id, u8 status, then u32 n, n bytes
 *            (n <= length, 0 at the end of the image), or str reason
 */
#ifndef FIM_GUEST_PROTO_H
#define FIM_GUEST_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define FIM_GP_MAGIC "FIMG"
#define FIM_GP_VERSION 2

/* Largest READ; a reply frame holds that plus its header. */
#define FIM_GP_READ_MAX (1u << 20)
#define FIM_GP_FRAME_MAX (FIM_GP_READ_MAX + 4096u)
#define FIM_GP_PATH_MAX 4096u
#define FIM_GP_NAME_MAX 1024u
#define FIM_GP_PARTS_MAX 128u
/* Bytes of a reply before its body: op, id, status. */
#define FIM_GP_REPLY_HDR 6u
/* An IMAGE request's payload: op, id, offset, length. */
#define FIM_GP_IMAGE_REQ_LEN 17u
/* START's payload: op, size. */
#define FIM_GP_START_LEN 9u

enum fim_gp_op {
	FIM_GP_PARTS = 1,
	FIM_GP_STAT = 2,
	FIM_GP_READDIR = 3,
	FIM_GP_READLINK = 4,
	FIM_GP_READ = 5,
	FIM_GP_IMAGE = 6, /* the child asks the core (see above) */
	FIM_GP_START = 7, /* the core's first frame (see above) */
	FIM_GP_AHEAD = 8, /* a listing handed over (see above) */
	/* Only the test build of the child answers these (FIM_GUEST_TEST_OPS):
	 * they prove the sandbox, the timeouts and the strict decoder. */
	FIM_GP_TEST_OPEN = 0x71,   /* open("/etc/passwd"): must die, SIGSYS */
	FIM_GP_TEST_SPIN = 0x72,   /* loop forever */
	FIM_GP_TEST_GARBLE = 0x73, /* answer a STAT with a bad attr */
	FIM_GP_TEST_ALLOC = 0x74,  /* allocate without end */
	FIM_GP_TEST_GREEDY = 0x75, /* ask for more image bytes than allowed */
	FIM_GP_TEST_AHEAD = 0x76,  /* hand over a listing that does not parse */
};

enum fim_gp_status {
	FIM_GP_OK = 0,
	FIM_GP_ENOENT = 1,  /* no such guest path, inode or partition */
	FIM_GP_ENOTDIR = 2, /* a component, or READDIR's path, is not a dir */
	FIM_GP_EINVAL = 3,  /* the request makes no sense (READLINK of a file) */
	FIM_GP_EIO = 4,     /* the guest file system is damaged or unreadable */
	FIM_GP_ENOMEM = 5,
	FIM_GP_STATUS_END
};

enum fim_gp_type {
	FIM_GP_REG = 1,
	FIM_GP_DIR = 2,
	FIM_GP_LNK = 3,
	FIM_GP_OTHER = 4, /* devices, FIFOs, sockets, what TSK cannot type */
	FIM_GP_TYPE_END
};

/* Exit statuses of the child once it is sandboxed (it can say nothing). */
enum fim_guest_exit {
	FIM_GUEST_EXIT_SOCKET = 3,  /* the socket failed */
	FIM_GUEST_EXIT_REQUEST = 4, /* a request it could not parse */
	FIM_GUEST_EXIT_MEMORY = 5,  /* out of memory */
};

struct fim_gp_attr {
	uint8_t type;
	uint32_t mode; /* permission bits only (07777) */
	uint32_t uid, gid, nlink;
	uint64_t size, ino;
	int64_t atime, mtime, ctime;
	uint32_t atime_ns, mtime_ns, ctime_ns;
};

/* A string inside a decoded message: points into the frame, not
 * NUL-terminated. */
struct fim_gp_str {
	const char *p;
	uint16_t len;
};

struct fim_gp_part {
	uint16_t number; /* as in the partition table; 0: a bare file system */
	uint64_t offset, length;
	uint8_t readable;
	struct fim_gp_str fstype, note;
};

/* A request as the child decodes it. */
struct fim_gp_req {
	uint8_t op;
	uint32_t id;
	uint16_t part;
	struct fim_gp_str path;
	uint32_t start;
	uint64_t ino, offset;
	uint32_t length;
};

/* --- encoding: a bounded buffer; put_* fail (return -E2BIG) once full --- */
struct fim_gp_buf {
	uint8_t *p;
	size_t len, cap;
};

int fim_gp_put_u8(struct fim_gp_buf *b, uint8_t v);
int fim_gp_put_u16(struct fim_gp_buf *b, uint16_t v);
int fim_gp_put_u32(struct fim_gp_buf *b, uint32_t v);
int fim_gp_put_u64(struct fim_gp_buf *b, uint64_t v);
int fim_gp_put_str(struct fim_gp_buf *b, const char *s, size_t len);
int fim_gp_put_attr(struct fim_gp_buf *b, const struct fim_gp_attr *a);
int fim_gp_put_part(struct fim_gp_buf *b, const struct fim_gp_part *p);

/* Encode a request of the core (length prefix included) into b. */
int fim_gp_encode_req(struct fim_gp_buf *b, const struct fim_gp_req *r);

/* --- decoding: a cursor over one payload --- */
struct fim_gp_cur {
	const uint8_t *p;
	size_t left;
	int bad; /* sticky: once set, every get fails */
};

void fim_gp_cur_init(struct fim_gp_cur *c, const void *p, size_t len);
uint8_t fim_gp_get_u8(struct fim_gp_cur *c);
uint16_t fim_gp_get_u16(struct fim_gp_cur *c);
uint32_t fim_gp_get_u32(struct fim_gp_cur *c);
uint64_t fim_gp_get_u64(struct fim_gp_cur *c);
/* A string of at most max bytes without NUL. */
struct fim_gp_str fim_gp_get_str(struct fim_gp_cur *c, size_t max);
/* A directory entry name: also not empty, "." or "..", and without '/'. */
struct fim_gp_str fim_gp_get_name(struct fim_gp_cur *c);
void fim_gp_get_attr(struct fim_gp_cur *c, struct fim_gp_attr *a);
void fim_gp_get_part(struct fim_gp_cur *c, struct fim_gp_part *p);
/* 0 if the cursor is intact and consumed exactly, else -EPROTO. */
int fim_gp_cur_end(const struct fim_gp_cur *c);

/* The child's IMAGE request for length bytes at offset (length prefix
 * included), and the core's strict decoder of its payload: 0 or -EPROTO
 * (a length of 0 or above FIM_GP_READ_MAX, an offset past INT64_MAX). */
int fim_gp_encode_image_req(struct fim_gp_buf *b, uint32_t id,
			    uint64_t offset, uint32_t length);
int fim_gp_decode_image_req(const void *p, size_t len, uint32_t *id,
			    uint64_t *offset, uint32_t *length);

/* START (length prefix included) for an image of size bytes read through
 * the socket, or 0 for one whose descriptor goes with it; the child's
 * strict decoder of its payload: 0 or -EPROTO (a size past INT64_MAX). */
int fim_gp_encode_start(struct fim_gp_buf *b, uint64_t size);
int fim_gp_decode_start(const void *p, size_t len, uint64_t *size);

/* Decode the child's hello payload: 0 or -EPROTO. */
int fim_gp_decode_hello(const void *p, size_t len);
/* Decode a request payload (the child's side): 0 or -EPROTO. */
int fim_gp_decode_req(const void *p, size_t len, struct fim_gp_req *r);

/* errno of a status (ENOENT, ENOTDIR, EINVAL, EIO, ENOMEM). */
int fim_gp_status_errno(uint8_t status);

#endif
