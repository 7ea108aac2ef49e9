/* SPDX-License-Identifier: Apache-2.0 */
/* The mounts under an image root: which are the image (the root's own mount and its partitions)
 * and which are not (bind mounts, tmpfs, host directories, network and pseudo file systems).
 * Read with libmount from /proc/self/mountinfo; a descriptor's mount is its statx(STATX_MNT_ID). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct img_mount {
	uint64_t id;
	char *path;   /* as seen inside the image ("/home") */
	char *fstype; /* "tmpfs", "ext4", ... */
	char *source; /* what mountinfo names as the source */
	bool image;   /* one of the image's own partitions */
	const char *why; /* for a mount that is not the image: why not */
};

struct img_mounts {
	uint64_t root_id;     /* the mount the root directory is on */
	bool have_root_id;    /* statx gave a mount id (kernel >= 5.8) */
	struct img_mount *v;  /* every mount below the root, in mountinfo order */
	size_t n;
};

/* The mount id of FD (any kind of descriptor, O_PATH too). 0 or -errno. */
int imgmount_fd_id(int fd, uint64_t *id);
/* Read the mount table and sort the mounts below ROOT_FD (a directory of path ROOT_PATH). */
int imgmount_load(struct img_mounts *m, int root_fd, const char *root_path);
void imgmount_free(struct img_mounts *m);
/* The entry for mount ID below the root, or NULL (the root's own mount, or unknown). */
const struct img_mount *imgmount_find(const struct img_mounts *m, uint64_t id);
