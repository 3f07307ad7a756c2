#include <string.h>

#include "mountinfo.h"
#include "tap.h"

static void test_fuse_line(void)
{
	char line[] = "612 29 0:95 / /tmp/run/m\\040a\\134b\\012c rw,nosuid "
		      "shared:1 master:2 - fuse.fimfs fimfs:/srv/c_d "
		      "rw,user_id=0\n";
	struct fim_mount m;

	is_int(fim_mountinfo_parse(line, &m), 0, "a line with optional fields");
	is_int((int)m.major, 0, "major");
	is_int((int)m.minor, 95, "minor");
	is_str(m.point, "/tmp/run/m a\\b\nc",
	       "space, backslash and newline decoded");
	is_str(m.fstype, "fuse.fimfs", "type after the separator");
}

static void test_no_optional_fields(void)
{
	char line[] = "25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";
	struct fim_mount m;

	is_int(fim_mountinfo_parse(line, &m), 0, "a line without optional fields");
	is_str(m.point, "/", "root mount point");
	is_str(m.fstype, "ext4", "its type");
}

static void test_mount_point_named_dash(void)
{
	char line[] = "30 25 0:40 / /- rw - tmpfs none rw\n";
	struct fim_mount m;

	is_int(fim_mountinfo_parse(line, &m), 0, "a mount point named -");
	is_str(m.point, "/-", "is not the separator");
	is_str(m.fstype, "tmpfs", "the separator comes after the options");
}

static void test_malformed(void)
{
	char no_dash[] = "25 1 8:1 / / rw,relatime ext4\n";
	char short_line[] = "25 1 8:1\n";
	char bad_dev[] = "25 1 sda / / rw - ext4 /dev/sda1 rw\n";
	char empty[] = "";
	struct fim_mount m;

	is_int(fim_mountinfo_parse(no_dash, &m), -1, "no separator");
	is_int(fim_mountinfo_parse(short_line, &m), -1, "too few fields");
	is_int(fim_mountinfo_parse(bad_dev, &m), -1, "device not MAJ:MIN");
	is_int(fim_mountinfo_parse(empty, &m), -1, "empty line");
}

int main(void)
{
	test_fuse_line();
	test_no_optional_fields();
	test_mount_point_named_dash();
	test_malformed();
	return tap_done();
}
