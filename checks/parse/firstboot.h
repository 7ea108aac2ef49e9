/* SPDX-License-Identifier: Apache-2.0 */
/* What the image does at its first boot (checks/parse/firstboot.c). */
#pragma once
#include "safefs.h"

/* What regenerates SSH host keys at first boot in this image: *REGEN (malloc'd), NULL when
 * nothing does. A file on the way that cannot be read (anything but absent) gives -errno,
 * *REGEN NULL and *ERR_PATH (malloc'd, when not NULL) naming it. */
int firstboot_hostkey_regenerator(struct safefs *fs, char **regen, char **err_path);
