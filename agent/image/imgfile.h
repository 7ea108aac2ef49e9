/* SPDX-License-Identifier: Apache-2.0 */
/* Image file helpers for the hardening parsers: read through in-image symlinks, list drop-in dirs. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

/* Follow PATH while its last component is a symlink, inside the image (safefs resolves the
 * directories on the way), and return the final path. -ELOOP after 40 links; the result is
 * malloc'd and absolute. A dangling link resolves to its target. */
int imgfile_resolve(const struct safefs *fs, const char *path, char **out);
/* Read a regular file of at most MAX bytes, following symlinks inside the image. */
int imgfile_read(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len);
/* 1 when PATH exists (lstat) inside the image, 0 when it does not, -errno when that cannot be told. */
int imgfile_exists(const struct safefs *fs, const char *path);
/* The /usr/etc layout (openSUSE Tumbleweed, SLE 16): a program reads ETC, or where ETC does not
 * exist, its vendor copy VENDOR. The one to read (ETC when neither exists); *ERR (when not NULL)
 * is 0, -ENOENT when neither exists, or the -errno of a look-up that failed. */
const char *imgfile_etc_or_vendor(const struct safefs *fs, const char *etc, const char *vendor, int *err);
/* imgfile_exists() that records an error on R (a struct cg_result *) and answers false then. */
#define imgfile_exists_or_error(fs, r, path) ({                                                   \
	int _e = imgfile_exists((fs), (path));                                                     \
	if (_e < 0)                                                                                \
		result_add_error((r), (path), _e, "cannot stat");                                  \
	_e > 0; })

/* Names in directory DIR (not "." or ".."), sorted bytewise; ENOENT/ENOTDIR give an empty list.
 * Any other error returns -errno with NAMES as it was before the call. */
int imgfile_list_dir(const struct safefs *fs, const char *dir, struct strv *names);

/* MAIN (when not NULL) then DIR's entries ending in SUFFIX, sorted: limits.conf + limits.d/\*.conf. */
int imgfile_conf_files(const struct safefs *fs, const char *main, const char *dir, const char *suffix, struct strv *out);

/* A drop-in set in the way systemd's conf_files_list() builds one: files ending in SUFFIX from
 * DIRS (highest priority first); a name in an earlier dir masks the same name in later ones;
 * a link to /dev/null or an empty file masks without content; the result is sorted by name.
 * A directory or entry that cannot be read (anything but absent) gives -errno, an empty OUT and
 * *ERR_PATH (malloc'd, when not NULL) naming it. */
struct dropin {
	char *name;
	char *path;  /* path inside the image of the file that won */
	bool masked; /* /dev/null link: contributes nothing */
};
struct dropins {
	struct dropin *v;
	size_t n;
};
int imgfile_dropins(const struct safefs *fs, const char *const *dirs, size_t ndirs, const char *suffix,
		    struct dropins *out, char **err_path);
void imgfile_dropins_free(struct dropins *d);

/* Iterate the lines of a text buffer in place: returns the next line (NUL-terminated, without
 * its newline) and advances *CURSOR, or NULL at the end. */
char *imgfile_next_line(char **cursor);
/* Trim leading and trailing blanks in place. */
char *imgfile_strip(char *s);
