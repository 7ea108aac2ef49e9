/* Directory listings and glob(3)-like expansion inside the image, sorted as the programs do. */
#pragma once
#include "safefs.h"
#include "util.h"

/* Names in DIR (not "." or ".."), sorted by strcmp. -errno when DIR cannot be opened. */
int imgdir_list(const struct safefs *fs, const char *dir, struct strv *names);
/* Expand PATTERN (absolute, glob characters in any component) as glob(3) without GLOB_PERIOD
 * would: a leading '.' is matched only explicitly, results sorted. A pattern without glob
 * characters yields itself when it exists. Missing directories yield nothing. */
int imgdir_glob(const struct safefs *fs, const char *pattern, struct strv *paths);
/* Read a regular file as a program of the image would: a symlink in the last component is
 * followed, but only ever inside the image (each hop is resolved through safefs; 40 hops at
 * most). Other arguments as safefs_read_file(). */
int imgdir_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len);
