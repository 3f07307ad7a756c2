/* Decoding the bodies of fimfs-guest's replies (see guest.h). The child may
 * be under an attacker's control, so a directory page is checked whole
 * before the caller sees its first entry: a reply is believed entirely or
 * not at all. */
#include "guest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void copy_str(char *dst, size_t size, struct fim_gp_str s)
{
	size_t n = s.len < size - 1 ? s.len : size - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

int fim_guest_decode_parts(const uint8_t *p, size_t len,
			   struct fim_guest_part **out, size_t *n)
{
	struct fim_gp_cur c;
	struct fim_guest_part *parts;
	uint16_t count;

	fim_gp_cur_init(&c, p, len);
	count = fim_gp_get_u16(&c);
	if (c.bad || !count || count > FIM_GP_PARTS_MAX)
		return -EPROTO;
	parts = calloc(count, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		struct fim_gp_part w;

		fim_gp_get_part(&c, &w);
		if (c.bad)
			break;
		parts[i].number = w.number;
		parts[i].offset = w.offset;
		parts[i].length = w.length;
		parts[i].readable = w.readable;
		copy_str(parts[i].fstype, sizeof(parts[i].fstype), w.fstype);
		copy_str(parts[i].note, sizeof(parts[i].note), w.note);
		/* numbers are names (p1, fs): two alike would be one dir */
		for (size_t j = 0; j < i; j++)
			if (parts[j].number == w.number)
				c.bad = 1;
		if (w.number == 0 && count != 1)
			c.bad = 1;
	}
	if (fim_gp_cur_end(&c)) {
		free(parts);
		return -EPROTO;
	}
	*out = parts;
	*n = count;
	return 0;
}

int fim_guest_decode_attr(const uint8_t *p, size_t len,
			  struct fim_gp_attr *a)
{
	struct fim_gp_cur c;

	fim_gp_cur_init(&c, p, len);
	fim_gp_get_attr(&c, a);
	return fim_gp_cur_end(&c);
}

/* One pass over a page; calls fn only when given. */
static int walk_page(const uint8_t *p, size_t len, fim_guest_dirent_fn fn,
		     void *arg, uint32_t *next, uint32_t *skipped, int *stop)
{
	struct fim_gp_cur c;
	char name[FIM_GP_NAME_MAX + 1];

	fim_gp_cur_init(&c, p, len);
	*next = fim_gp_get_u32(&c);
	*skipped = fim_gp_get_u32(&c);
	uint32_t count = fim_gp_get_u32(&c);
	for (uint32_t i = 0; i < count && !c.bad; i++) {
		struct fim_gp_attr a;
		struct fim_gp_str s = fim_gp_get_name(&c);

		fim_gp_get_attr(&c, &a);
		if (c.bad || !fn || *stop)
			continue;
		copy_str(name, sizeof(name), s);
		*stop = fn(arg, name, &a);
	}
	return fim_gp_cur_end(&c);
}

int fim_guest_decode_page(const uint8_t *p, size_t len,
			  fim_guest_dirent_fn fn, void *arg, uint32_t *next,
			  uint32_t *skipped, int *stop)
{
	*stop = 0;
	if (walk_page(p, len, NULL, NULL, next, skipped, stop))
		return -EPROTO;
	return walk_page(p, len, fn, arg, next, skipped, stop);
}

int fim_guest_decode_ahead(const uint8_t *p, size_t len, uint16_t *part,
			   char *path, size_t *body)
{
	struct fim_gp_cur c;
	struct fim_gp_str s;
	uint32_t next, skipped;
	int stop;

	fim_gp_cur_init(&c, p, len);
	*part = fim_gp_get_u16(&c);
	s = fim_gp_get_str(&c, FIM_GP_PATH_MAX);
	if (c.bad)
		return -EPROTO;
	copy_str(path, FIM_GP_PATH_MAX + 1, s);
	*body = len - c.left;
	stop = 0;
	if (walk_page(p + *body, c.left, NULL, NULL, &next, &skipped, &stop) ||
	    next)
		return -EPROTO;
	return 0;
}

int fim_guest_walk_checked(const uint8_t *p, size_t len,
			   fim_guest_dirent_fn fn, void *arg)
{
	uint32_t next, skipped;
	int stop = 0;

	walk_page(p, len, fn, arg, &next, &skipped, &stop);
	return stop;
}

int fim_guest_decode_link(const uint8_t *p, size_t len, char *buf,
			  size_t size)
{
	struct fim_gp_cur c;
	struct fim_gp_str s;

	fim_gp_cur_init(&c, p, len);
	s = fim_gp_get_str(&c, FIM_GP_PATH_MAX);
	if (fim_gp_cur_end(&c) || !s.len)
		return -EPROTO;
	copy_str(buf, size, s);
	return s.len;
}

int fim_guest_decode_reason(const uint8_t *p, size_t len, char *buf,
			    size_t size)
{
	struct fim_gp_cur c;
	struct fim_gp_str s;

	fim_gp_cur_init(&c, p, len);
	s = fim_gp_get_str(&c, 512);
	if (fim_gp_cur_end(&c))
		return -EPROTO;
	copy_str(buf, size, s);
	return 0;
}
