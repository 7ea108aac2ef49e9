/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/fstab through libmount (the parser mount(8) and findmnt --verify use), with the line of
 * each entry. Plain data out; knows no check. */
#pragma once
#include <stddef.h>

struct fstab_entry {
	char *source; /* as written: "UUID=…", "/dev/sda1", "LABEL=root", a file for swap */
	char *target, *fstype, *options;
	unsigned line;
};
struct fstab {
	struct fstab_entry *v;
	size_t n;
	unsigned *bad_lines; /* lines libmount could not parse */
	size_t nbad;
};

/* Parse TEXT (LEN bytes). 0, or -errno when libmount could not be set up. */
int fstab_parse(struct fstab *f, const char *text, size_t len);
void fstab_free(struct fstab *f);
/* The kind of a source: "persistent" for UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/disk/by-*,
 * /dev/mapper and LVM paths; "kernel-name" for /dev/sdX, /dev/hdX, /dev/vdX, /dev/xvdX,
 * /dev/nvmeXnY(pZ), /dev/mmcblkX; "other" for the rest (files, tmpfs, network). */
const char *fstab_source_kind(const char *source);
