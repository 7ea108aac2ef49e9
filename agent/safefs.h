/* The one door to the image: every open, stat, read, write and unlink inside the image root. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util.h"

struct safefs {
	int root_fd;      /* O_PATH|O_DIRECTORY descriptor of the image root */
	dev_t root_dev;
	ino_t root_ino;
	bool use_openat2; /* false: resolve component by component (kernels < 5.6, seccomp) */
};

/* Error codes with a capgate-specific meaning; safefs_strerror() words them. */
#define SAFEFS_ENOTREG EMEDIUMTYPE /* not a regular file where one is required */
#define SAFEFS_EMOVED ESTALE       /* entry swapped or moved between stat and open */
#define SAFEFS_EPSEUDO EXDEV       /* a pseudo file system (proc, sysfs, ...) */

int safefs_init(struct safefs *fs, const char *root);
void safefs_done(struct safefs *fs);
const char *safefs_strerror(int err);

/* Open PATH (absolute, as seen inside the image). Intermediate symlinks are resolved inside the
 * image; the last component is never followed (ELOOP). FLAGS are open(2) flags; O_CLOEXEC,
 * O_NOFOLLOW, O_NOCTTY and O_NONBLOCK are always added. Returns fd or -errno. */
int safefs_open(const struct safefs *fs, const char *path, int flags);
/* Open PATH as a directory, following a symlink in the last component only inside the image. */
int safefs_open_dir(const struct safefs *fs, const char *path);
/* Open the parent directory of PATH and point *NAME at its last component. */
int safefs_open_parent(const struct safefs *fs, const char *path, const char **name);
/* lstat(2) inside the image. */
int safefs_lstat(const struct safefs *fs, const char *path, struct stat *st);
/* readlink(2) of the last component of PATH; *TARGET is malloc'd. */
int safefs_readlink(const struct safefs *fs, const char *path, char **target);

/* Read a whole regular file of at most MAX bytes (-EFBIG beyond). *BUF is NUL-terminated. */
int safefs_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len);
int safefs_read_fd(int fd, size_t max, char **buf, size_t *len);
/* Open a regular file for reading; -SAFEFS_ENOTREG for anything else. */
int safefs_open_regular(const struct safefs *fs, const char *path, struct stat *st);

/* True when FD lives on proc, sysfs, devtmpfs and the like. */
bool safefs_fd_is_pseudo(int fd);

/* The directory walker. It never follows a symlink, never enters /proc, /sys, /dev or /run of
 * the image nor any pseudo file system mounted inside it, and holds a bounded number of
 * descriptors however deep the tree is. */
struct safefs_entry {
	int dirfd;             /* the parent directory, open */
	const char *name;      /* last component */
	const char *path;      /* full path inside the image */
	const struct stat *st; /* lstat of the entry */
	unsigned depth;        /* 0 for the children of the start directory */
};

enum { SAFEFS_WALK_CONTINUE = 0, SAFEFS_WALK_SKIP = 1 };

struct safefs_walk_ops {
	/* Called for every entry, directories before their contents. Return SAFEFS_WALK_SKIP to not
	 * descend into a directory, a negative errno to stop the walk. */
	int (*visit)(const struct safefs_entry *e, void *userdata);
	/* Called for an entry that could not be read; the walk goes on. */
	void (*error)(const char *path, int err, void *userdata);
	const struct strv *exclude; /* globs on the path inside the image */
	bool one_file_system;
	unsigned max_depth; /* 0: unlimited */
};

int safefs_walk(const struct safefs *fs, const char *start, const struct safefs_walk_ops *ops, void *userdata);

/* Open a regular file the walker reported, checking it is still the entry that was stat'ed. */
int safefs_open_entry(const struct safefs_entry *e);
