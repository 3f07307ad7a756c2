/* Listings handed over by a reader (see guest_kept.h). A walk takes them in
 * about the order they came, so a short array searched from the oldest is
 * enough: at most KEPT_MAX of them. */
#include "guest_kept.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A reader hands over up to 256 listings at a time (fs/guest/guest_ahead.c);
 * the bytes bound what a daemon holds per image reader. */
#define KEPT_MAX 256
#define KEPT_BYTES (4u << 20)

struct listing {
	uint16_t part;
	char *path;
	uint8_t *body;
	size_t len;
};

struct fim_guest_kept {
	struct listing l[KEPT_MAX];
	size_t n, bytes;
};

int fim_guest_kept_new(struct fim_guest_kept **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void forget(struct fim_guest_kept *k, size_t i)
{
	k->bytes -= k->l[i].len;
	free(k->l[i].path);
	free(k->l[i].body);
	memmove(&k->l[i], &k->l[i + 1], (k->n - i - 1) * sizeof(k->l[i]));
	k->n--;
}

static size_t find(const struct fim_guest_kept *k, uint16_t part,
		   const char *path)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->l[i].part == part && !strcmp(k->l[i].path, path))
			break;
	return i;
}

void fim_guest_kept_clear(struct fim_guest_kept *k)
{
	while (k->n)
		forget(k, k->n - 1);
}

void fim_guest_kept_free(struct fim_guest_kept *k)
{
	if (!k)
		return;
	fim_guest_kept_clear(k);
	free(k);
}

bool fim_guest_kept_put(struct fim_guest_kept *k, uint16_t part,
			const char *path, const uint8_t *body, size_t len)
{
	struct listing l = {.part = part, .len = len};
	size_t i = find(k, part, path);

	if (i < k->n)
		forget(k, i);
	if (k->n == KEPT_MAX || len > KEPT_BYTES - k->bytes)
		return false;
	l.path = strdup(path);
	l.body = malloc(len ? len : 1);
	if (!l.path || !l.body) {
		free(l.path);
		free(l.body);
		return false;
	}
	memcpy(l.body, body, len);
	k->l[k->n++] = l;
	k->bytes += len;
	return true;
}

bool fim_guest_kept_take(struct fim_guest_kept *k, uint16_t part,
			 const char *path, uint8_t **body, size_t *len)
{
	size_t i = find(k, part, path);

	if (i == k->n)
		return false;
	*body = k->l[i].body;
	*len = k->l[i].len;
	k->l[i].body = NULL; /* the caller's now */
	forget(k, i);
	return true;
}
