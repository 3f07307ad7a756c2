/* Drives the core's guest-image client for tests/tcl/guest.test and the
 * throughput figures: everything goes through fim_guest and a real
 * fimfs-guest child, as the daemon's will.
 *   guest_probe [-x HELPER] [-t MS] [-r RESTARTS] [-m MIB] [-R|-W]
 *               IMAGE CMD [ARG]
 *     -R                  the child gets no descriptor: it asks for the
 *                         image's bytes, which the client preads
 *                         (fim_guest_new_reader, as for an image on NFS)
 *     -W                  the child gets a descriptor open for writing,
 *                         which it must refuse
 *     magic               what the image's bytes claim to be
 *     parts               one line per partition: NAME FSTYPE OFFSET LENGTH
 *                         NOTE, or NAME ERROR NOTE
 *     stat PART PATH      T MODE UID GID SIZE MTIME INO
 *     ls PART PATH        T MODE UID GID SIZE MTIME NAME, one per entry
 *     cat PART PATH       the file's content on stdout
 *     walk PART           the whole tree: T PATH MODE UID GID SIZE WHAT,
 *                         WHAT being a file's sha256, a link's target or -;
 *                         "E PATH REASON" for what cannot be read
 *     list PART           the same without reading files (WHAT is -)
 *     test open|spin|garble|alloc|greedy|ahead   a test request
 *                         (fimfs-guest-test)
 * PART is p1, p2... or fs. More commands may follow, each after "::", all
 * through the same client (to see a child restarted, or given up on).
 * Prints "ERROR REASON" for a failed command; exits 1 if any failed. A
 * trailing "BROKEN REASON" line when the client gave up on the child.
 * Not installed. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "guest.h"
#include "guest_magic.h"

#define WALK_DEPTH_MAX 64

static struct fim_guest *guest;
static int walk_reads; /* walk hashes files; list does not */

static int fail(int err)
{
	char why[700];

	fim_guest_reason(guest, why, sizeof(why));
	printf("ERROR %s%s%s\n", strerrorname_np(-err) ?: "?", *why ? ": " : "",
	       why);
	return 1;
}

static char type_char(uint8_t t)
{
	return t == FIM_GP_REG ? 'f' : t == FIM_GP_DIR ? 'd'
				     : t == FIM_GP_LNK ? 'l' : 'o';
}

static void print_attr(const struct fim_gp_attr *a)
{
	printf("%c %04o %" PRIu32 " %" PRIu32 " %" PRIu64 " %" PRId64,
	       type_char(a->type), a->mode, a->uid, a->gid, a->size,
	       a->mtime);
}

static int part_number(const char *name, unsigned *n)
{
	char *end;

	if (!strcmp(name, "fs")) {
		*n = 0;
		return 0;
	}
	if (name[0] != 'p')
		return -EINVAL;
	*n = (unsigned)strtoul(name + 1, &end, 10);
	return *end || !*n ? -EINVAL : 0;
}

static int cmd_magic(int fd)
{
	static unsigned char head[FIM_GUEST_HEAD], tail[FIM_GUEST_TAIL];
	struct stat st;

	if (fstat(fd, &st))
		return fail(-errno);
	ssize_t h = pread(fd, head, sizeof(head), 0);
	off_t at = st.st_size > (off_t)sizeof(tail) ? st.st_size - (off_t)sizeof(tail) : 0;
	ssize_t t = pread(fd, tail, sizeof(tail), at);
	if (h < 0 || t < 0)
		return fail(-errno);
	puts(fim_guest_format_name(fim_guest_recognize(
		head, (size_t)h, tail, (size_t)t, (uint64_t)st.st_size)));
	return 0;
}

static int cmd_parts(void)
{
	struct fim_guest_part *p;
	size_t n;
	int r = fim_guest_parts(guest, &p, &n);

	if (r)
		return fail(r);
	for (size_t i = 0; i < n; i++) {
		char name[16];
		if (p[i].number)
			snprintf(name, sizeof(name), "p%u", p[i].number);
		else
			snprintf(name, sizeof(name), "fs");
		if (p[i].readable)
			printf("%s %s %" PRIu64 " %" PRIu64 " %s\n", name,
			       p[i].fstype, p[i].offset, p[i].length,
			       p[i].note);
		else
			printf("%s ERROR %s\n", name, p[i].note);
	}
	free(p);
	return 0;
}

static int cmd_stat(unsigned part, const char *path)
{
	struct fim_gp_attr a;
	int r = fim_guest_stat(guest, part, path, &a);

	if (r)
		return fail(r);
	print_attr(&a);
	printf(" %" PRIu64 "\n", a.ino);
	return 0;
}

static int print_entry(void *arg, const char *name,
		       const struct fim_gp_attr *a)
{
	(void)arg;
	print_attr(a);
	printf(" %s\n", name);
	return 0;
}

static int cmd_ls(unsigned part, const char *path)
{
	unsigned skipped;
	int r = fim_guest_readdir(guest, part, path, print_entry, NULL,
				  &skipped);

	if (r)
		return fail(r);
	if (skipped)
		printf("skipped %u\n", skipped);
	return 0;
}

/* Feeds the content of regular file ino to out (a FILE) or md (a digest). */
static int copy_file(unsigned part, uint64_t ino, FILE *out, EVP_MD_CTX *md)
{
	static char buf[FIM_GP_READ_MAX];
	uint64_t off = 0;

	for (;;) {
		ssize_t n = fim_guest_read(guest, part, ino, off, buf,
					   sizeof(buf));
		if (n < 0)
			return (int)n;
		if (!n)
			return 0;
		if (out && fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return -EIO;
		if (md && !EVP_DigestUpdate(md, buf, (size_t)n))
			return -ENOMEM;
		off += (uint64_t)n;
	}
}

static int cmd_cat(unsigned part, const char *path)
{
	struct fim_gp_attr a;
	int r = fim_guest_stat(guest, part, path, &a);

	if (!r)
		r = copy_file(part, a.ino, stdout, NULL);
	if (r)
		return fail(r);
	return fflush(stdout) ? fail(-errno) : 0;
}

/* --- walk --- */
struct node {
	char *name;
	struct fim_gp_attr a;
};

struct list {
	struct node *v;
	size_t n, cap;
};

static int collect(void *arg, const char *name, const struct fim_gp_attr *a)
{
	struct list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct node *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].name)
		return -ENOMEM;
	l->v[l->n++].a = *a;
	return 0;
}

static void print_error(const char *path, int err)
{
	char why[700];

	fim_guest_reason(guest, why, sizeof(why));
	printf("E %s %s%s%s\n", path, strerrorname_np(-err) ?: "?",
	       *why ? ": " : "", why);
}

static void walk_file(unsigned part, const char *path,
		      const struct fim_gp_attr *a)
{
	unsigned char md[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int r = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) ? 0 : -ENOMEM;

	r = r ? r : copy_file(part, a->ino, NULL, c);
	if (!r && !EVP_DigestFinal_ex(c, md, NULL))
		r = -ENOMEM;
	EVP_MD_CTX_free(c);
	if (r)
		return print_error(path, r);
	printf("f %s %04o %" PRIu32 " %" PRIu32 " %" PRIu64 " ", path, a->mode,
	       a->uid, a->gid, a->size);
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	putchar('\n');
}

static void walk_dir(unsigned part, const char *path, uint64_t *inos,
		     int depth)
{
	struct list l = {0};
	unsigned skipped;
	int r = fim_guest_readdir(guest, part, path, collect, &l, &skipped);

	if (r)
		print_error(*path ? path : ".", r);
	for (size_t i = 0; !r && i < l.n; i++) {
		const struct fim_gp_attr *a = &l.v[i].a;
		char child[FIM_GP_PATH_MAX + 1], target[FIM_GP_PATH_MAX + 1];
		int loop = 0;

		if (snprintf(child, sizeof(child), "%s%s%s", path,
			     *path ? "/" : "", l.v[i].name) >=
		    (int)sizeof(child)) {
			print_error(l.v[i].name, -ENAMETOOLONG);
			continue;
		}
		if (a->type == FIM_GP_REG && walk_reads) {
			walk_file(part, child, a);
		} else if (a->type == FIM_GP_REG) {
			printf("f %s %04o %" PRIu32 " %" PRIu32 " %" PRIu64
			       " -\n", child, a->mode, a->uid, a->gid, a->size);
		} else if (a->type == FIM_GP_LNK) {
			ssize_t n = fim_guest_readlink(guest, part, child,
						       target, sizeof(target));
			if (n < 0) {
				print_error(child, (int)n);
				continue;
			}
			printf("l %s %04o %" PRIu32 " %" PRIu32 " %" PRIu64
			       " %s\n", child, a->mode, a->uid, a->gid,
			       a->size, target);
		} else if (a->type == FIM_GP_DIR) {
			for (int d = 0; d <= depth; d++)
				loop |= inos[d] == a->ino;
			if (loop || depth + 1 >= WALK_DEPTH_MAX) {
				printf("E %s directory loop\n", child);
				continue;
			}
			printf("d %s %04o %" PRIu32 " %" PRIu32 " - -\n", child,
			       a->mode, a->uid, a->gid);
			inos[depth + 1] = a->ino;
			walk_dir(part, child, inos, depth + 1);
		} else {
			printf("o %s %04o %" PRIu32 " %" PRIu32 " - -\n", child,
			       a->mode, a->uid, a->gid);
		}
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
}

static int cmd_walk(unsigned part)
{
	struct fim_gp_attr root;
	uint64_t inos[WALK_DEPTH_MAX];
	int r = fim_guest_stat(guest, part, "", &root);

	if (r)
		return fail(r);
	inos[0] = root.ino;
	walk_dir(part, "", inos, 0);
	return 0;
}

static int cmd_test(const char *what)
{
	static const struct {
		const char *name;
		uint8_t op;
	} ops[] = {
		{"open", FIM_GP_TEST_OPEN},
		{"spin", FIM_GP_TEST_SPIN},
		{"garble", FIM_GP_TEST_GARBLE},
		{"alloc", FIM_GP_TEST_ALLOC},
		{"greedy", FIM_GP_TEST_GREEDY},
		{"ahead", FIM_GP_TEST_AHEAD},
	};
	struct fim_gp_attr a;

	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		if (strcmp(what, ops[i].name))
			continue;
		int r = fim_guest_test_op(guest, ops[i].op, &a);
		return r ? fail(r) : 0;
	}
	return fail(-EINVAL);
}

static int run(int fd, char **argv, int argc)
{
	const char *cmd = argv[0];
	unsigned part = 0;

	if (!strcmp(cmd, "magic"))
		return cmd_magic(fd);
	if (!strcmp(cmd, "parts"))
		return cmd_parts();
	if (!strcmp(cmd, "test") && argc == 2)
		return cmd_test(argv[1]);
	if (argc < 2 || part_number(argv[1], &part))
		return fail(-EINVAL);
	if (!strcmp(cmd, "walk") || !strcmp(cmd, "list")) {
		walk_reads = !strcmp(cmd, "walk");
		return cmd_walk(part);
	}
	if (argc != 3)
		return fail(-EINVAL);
	if (!strcmp(cmd, "stat"))
		return cmd_stat(part, argv[2]);
	if (!strcmp(cmd, "ls"))
		return cmd_ls(part, argv[2]);
	if (!strcmp(cmd, "cat"))
		return cmd_cat(part, argv[2]);
	return fail(-EINVAL);
}

static ssize_t pread_image(void *arg, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(*(int *)arg, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

int main(int argc, char **argv)
{
	struct fim_guest_opts o;
	char broken[700];
	int opt, fd, ret, reader = 0, mode = O_RDONLY;
	struct stat st;

	fim_guest_opts_init(&o);
	while ((opt = getopt(argc, argv, "x:t:r:m:RW")) != -1) {
		unsigned v = optarg ? (unsigned)strtoul(optarg, NULL, 10) : 0;
		switch (opt) {
		case 'x':
			o.helper = optarg;
			break;
		case 't':
			o.timeout_ms = v;
			break;
		case 'r':
			o.max_restarts = v;
			break;
		case 'm':
			o.mem_mib = v;
			break;
		case 'R':
			reader = 1;
			break;
		case 'W':
			mode = O_RDWR;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: guest_probe [-x HELPER] [-t MS] "
				"[-r RESTARTS] [-m MIB] [-R|-W] IMAGE CMD "
				"[ARG...]\n");
		return 2;
	}
	fd = open(argv[optind], mode | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "guest_probe: %s: %s\n", argv[optind],
			strerror(errno));
		return 2;
	}
	if (fstat(fd, &st)) {
		perror("guest_probe: fstat");
		return 2;
	}
	ret = reader ? fim_guest_new_reader(&o, pread_image, &fd,
					    (uint64_t)st.st_size, &guest)
		     : fim_guest_new(&o, fd, &guest);
	if (ret) {
		fprintf(stderr, "guest_probe: %s\n", strerror(-ret));
		return 2;
	}
	ret = 0;
	for (int i = optind + 1, end; i < argc; i = end + 1) {
		for (end = i; end < argc && strcmp(argv[end], "::"); end++)
			;
		if (end > i)
			ret |= run(fd, argv + i, end - i);
	}
	if (fim_guest_broken(guest, broken, sizeof(broken)))
		printf("BROKEN %s\n", broken);
	fim_guest_free(guest);
	close(fd);
	return ret;
}
