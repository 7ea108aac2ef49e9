/* SPDX-License-Identifier: Apache-2.0 */
/* glob(3)-like expansion inside the image, for sshd's Include and other drop-in patterns. */
#pragma once
#include "safefs.h"
#include "util.h"

/* Expand PATTERN (absolute, glob characters in any component) as glob(3) without GLOB_PERIOD
 * would: a leading '.' is matched only explicitly, results sorted bytewise per directory level
 * (as glob sorts them in the C locale). A component without glob characters is kept when it
 * exists. Missing directories yield nothing. -EINVAL for a relative pattern. When a directory
 * cannot be listed or an entry stat'ed, the expansion goes on and the first error is returned
 * with *ERR_PATH (malloc'd, if ERR_PATH is not NULL) naming where. */
int imgdir_glob(const struct safefs *fs, const char *pattern, struct strv *paths, char **err_path);
