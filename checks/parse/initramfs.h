/* SPDX-License-Identifier: Apache-2.0 */
/* What an initramfs holds: its kernel modules, read with libarchive across the concatenated
 * archives the kernel accepts (an uncompressed early-microcode cpio, then a gzip, xz, zstd, lz4,
 * bzip2 or lzma compressed cpio). Plain data out; the parser knows no check. */
#pragma once
#include <stddef.h>

#include "util.h"

struct initramfs {
	struct strv modules; /* module names, normalised ('-' -> '_', no .ko/.ko.xz/... suffix), sorted */
	struct strv builtin; /* names listed in a lib/modules/<ver>/modules.builtin inside the image */
	size_t files;        /* entries read, all segments */
	size_t segments;     /* archives found one after the other */
	struct strv filters; /* compression of each segment: "none", "gzip", "xz", "zstd", ... */
	char *error;         /* what stopped the read early, or NULL */
};

/* Read the archive on FD from its current offset to the end. Returns 0 (even when a later
 * segment is damaged: *ERROR says so) or -errno when the first segment is not an archive. */
int initramfs_read_fd(int fd, struct initramfs *out);
/* The same on a buffer (tests, fuzzing). */
int initramfs_read_mem(const void *data, size_t len, struct initramfs *out);
bool initramfs_has_module(const struct initramfs *i, const char *module);
void initramfs_free(struct initramfs *i);
