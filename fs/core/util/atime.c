/* Whether reading a file can change its access time (atime.h). */
#include "atime.h"

#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

bool fim_atime_fixed(int fd)
{
	struct btrfs_ioctl_get_subvol_info_args info;
	struct statvfs sv;
	struct statfs sf;

	if (fstatvfs(fd, &sv) || fstatfs(fd, &sf))
		return false;
	if ((sv.f_flag & (ST_RDONLY | ST_NOATIME)) ||
	    sf.f_type == NFS_SUPER_MAGIC)
		return true;
	/* any inode answers for the subvolume it lies in */
	return sf.f_type == BTRFS_SUPER_MAGIC &&
	       ioctl(fd, BTRFS_IOC_GET_SUBVOL_INFO, &info) >= 0 &&
	       (info.flags & BTRFS_ROOT_SUBVOL_RDONLY);
}
