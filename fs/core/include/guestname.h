/* The name of the directory that shows the file systems inside a disk
 * image: NAME.files beside the image NAME. One definition for the guest
 * overlay and for fimfsctl, which finds where a path inside one begins. */
#ifndef FIM_GUESTNAME_H
#define FIM_GUESTNAME_H

#define FIM_GUEST_SUFFIX ".files"

#endif
