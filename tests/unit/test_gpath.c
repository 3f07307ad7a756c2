/* The guest overlay's paths: where a path meets NAME.files/, partition
 * names, and inode numbers that carry the image's identity. */
#include <string.h>

#include "gpath.h"
#include "tap.h"

static void test_next(void)
{
	const char *p = "web01/web01-flat.vmdk.files/p1/etc/passwd";
	size_t name_len = 0, end;

	end = gpath_next(p, 0, &name_len);
	is_int(end, strlen("web01/web01-flat.vmdk.files"),
	       "NAME.files found past a plain directory");
	is_int(name_len, strlen("web01/web01-flat.vmdk"),
	       "the image's path ends before the suffix");
	is_int(gpath_next(p, end + 1, &name_len), 0,
	       "nothing further in the guest path");
	is_int(gpath_next("a.files", 0, &name_len), 7, "at the root");
	is_int(name_len, 1, "a one-letter image name");
	is_int(gpath_next(".files/x", 0, &name_len), 0,
	       "a bare suffix names no image");
	is_int(gpath_next("a/b.filesx/c", 0, &name_len), 0,
	       "the suffix must end the component");
	end = gpath_next("x.files.files/y.files", 0, &name_len);
	is_int(name_len, strlen("x.files"), "an image named x.files");
	end = gpath_next("x.files.files/y.files", end + 1, &name_len);
	is_int(end, strlen("x.files.files/y.files"),
	       "the next candidate after the first");
	is_int(name_len, strlen("x.files.files/y"), "its image path");
	is_int(gpath_next("", 0, &name_len), 0, "the root");
}

static void test_part(void)
{
	unsigned n = 99;
	char name[16];

	ok(gpath_part("fs", 2, &n) && n == 0, "fs is the bare file system");
	ok(gpath_part("p1", 2, &n) && n == 1, "p1");
	ok(gpath_part("p12/etc", 3, &n) && n == 12, "p12 by its length");
	ok(!gpath_part("p0", 2, &n), "p0 is no partition");
	ok(!gpath_part("p01", 3, &n), "no leading zeros: one name each");
	ok(!gpath_part("p", 1, &n), "p alone");
	ok(!gpath_part("p1x", 3, &n), "a trailing letter");
	ok(!gpath_part("q1", 2, &n), "another letter");
	ok(!gpath_part("p1234567", 8, &n), "too long");
	gpath_part_name(0, name);
	is_str(name, "fs", "name of 0");
	gpath_part_name(5, name);
	is_str(name, "p5", "name of 5");
}

static void test_ino(void)
{
	struct fim_stat a = { .dev = 1, .ino = 100, .size = 1 << 30,
			      .mtime_ns = 5, .ctime_ns = 6 };
	struct fim_stat b = a;
	uint64_t x = gpath_ino(&a, 1, 12);

	ok(x >> 63, "the top bit is set: never a real inode number");
	is_int(gpath_ino(&a, 1, 12) == x, 1, "stable");
	b.dev = 2;
	ok(gpath_ino(&b, 1, 12) == x,
	   "the device does not count: snapshots of an unchanged image share");
	b = a;
	b.mtime_ns++;
	ok(gpath_ino(&b, 1, 12) != x, "the image's mtime counts");
	b = a;
	b.ctime_ns++;
	ok(gpath_ino(&b, 1, 12) != x,
	   "the image's ctime counts (the guest cannot set it)");
	b = a;
	b.size++;
	ok(gpath_ino(&b, 1, 12) != x, "the image's size counts");
	b = a;
	b.ino++;
	ok(gpath_ino(&b, 1, 12) != x, "the image's inode counts");
	ok(gpath_ino(&a, 2, 12) != x, "the partition counts");
	ok(gpath_ino(&a, 1, 13) != x, "the guest inode counts");
	ok(gpath_ino(&a, FIM_GPATH_TOP, 0) != gpath_ino(&a, 0, 0),
	   "NAME.files itself is apart from the bare file system's root");
}

int main(void)
{
	test_next();
	test_part();
	test_ino();
	return tap_done();
}
