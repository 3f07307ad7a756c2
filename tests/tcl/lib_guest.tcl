# Disk images for the guest tests (guest.test, guest_mount.test), built with
# Debian's tools: the guest tree they are made from, and partitioned disks
# made of file system images.

namespace eval fim::guest {}

# The guest tree every image is made from, at dir.
proc fim::guest::build_tree {dir} {
	fim::make_tree $dir {
		etc/passwd "root:x:0:0:root:/root:/bin/bash\n"
		empty ""
		home/u/notes "owned by 1234:2345, mode 0600\n"
		-symlink {bin/link ../etc/passwd}
		-mode {home/u/notes 0600}
		-mode {home/u 0750}
		-mtime {etc/passwd 1000000000}
	}
	# several 1 MiB reads, not a multiple of any
	fim::ok sh -c {head -c $((3 * 1048576 + 17)) /dev/urandom >"$1"} sh \
		$dir/bin/tool
	file attributes $dir/bin/tool -permissions 0755
	fim::ok chown -R 1234:2345 $dir/home/u
}

# A disk image img of size with the partition table given to sfdisk, and
# each file system image of parts (a list of image, start sector) copied
# into place.
proc fim::guest::make_disk {img size table parts} {
	fim::make_sparse $img $size
	fim::ok -input $table sfdisk -q $img
	foreach {part start} $parts {
		fim::ok dd if=$part of=$img bs=512 seek=$start conv=notrunc \
			status=none
	}
}
