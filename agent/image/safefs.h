/* SPDX-License-Identifier: Apache-2.0 */
/* The one door to the image: every open, stat, read, write and unlink inside the image root. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "imgmount.h"
#include "util.h"

struct safefs {
	int root_fd;      /* O_PATH|O_DIRECTORY descriptor of the image root */
	dev_t root_dev;
	ino_t root_ino;
	bool use_openat2; /* false: resolve component by component (kernels < 5.6, seccomp) */
	bool cross_mounts; /* --cross-mounts: write across mounts that are not the image */
	struct img_mounts mounts; /* the mounts below the root (imgmount.h) */
};

/* Error codes with a capgate-specific meaning; safefs_strerror() words them. */
#define SAFEFS_ENOTREG EMEDIUMTYPE /* not a regular file where one is required */
#define SAFEFS_EMOVED ESTALE       /* entry swapped or moved between stat and open */
#define SAFEFS_EPSEUDO EXDEV       /* a pseudo file system (proc, sysfs, ...) */
#define SAFEFS_EMOUNT EREMOTE      /* a mount that is not the image (bind, tmpfs, host dir); --cross-mounts */
#define SAFEFS_EIMMUTABLE EBADSLT  /* immutable or append-only (chattr +i / +a) */
#define SAFEFS_ETMPDIR EBADRQC     /* a directory sits at the temp name .NAME.capgate-tmp */
#define SAFEFS_EXATTR EBADE        /* an extended attribute (SELinux label, ACL, capability) could not be kept */

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

/* Print the mounts below the root that are not the image, one note each, to OUT. */
void safefs_note_mounts(const struct safefs *fs, const char *verb, FILE *out);
/* 0 when FD is on the image (the root's mount or one of its own partitions) or --cross-mounts is
 * on; -SAFEFS_EMOUNT otherwise. */
int safefs_check_mount(const struct safefs *fs, int fd);
/* The same for PATH: its parent directory and the entry itself (a mount point) must be on the
 * image. 0 also when PATH cannot be resolved (the change itself says why later). */
int safefs_check_mount_path(const struct safefs *fs, const char *path);

/* Read a whole regular file of at most MAX bytes (-EFBIG beyond). *BUF is NUL-terminated. */
int safefs_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len);
int safefs_read_fd(int fd, size_t max, char **buf, size_t *len);
/* Open a regular file for reading; -SAFEFS_ENOTREG for anything else, which is never opened:
 * its type is read first (fstatat, no follow), then the open is checked to be that inode. */
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

/* ---- writes (remediation only) ----
 * Every write resolves its parent inside the image, acts on the last component through the parent
 * descriptor, refuses pseudo file systems, and when EXPECT is given refuses an entry that is no
 * longer the inode (dev, ino, type) seen when the change was planned (-SAFEFS_EMOVED). */
#define SAFEFS_ENLINK EMLINK /* a file with more than one hard link: truncating would change the others */

/* Replace PATH atomically with DATA: an unnamed temp file in the same directory, fsync, link,
 * renameat, fsync the directory. The new file gets MODE, UID, GID; an existing PATH must be a
 * regular file with one link. */
int safefs_write_atomic(const struct safefs *fs, const char *path, const void *data, size_t len, mode_t mode,
			uid_t uid, gid_t gid, const struct stat *expect);
/* Replace (or create) PATH with a symlink to TARGET, atomically. */
int safefs_symlink_atomic(const struct safefs *fs, const char *target, const char *path, const struct stat *expect);
/* Truncate, unlink and tree removal do not fsync each change: a kill cannot undo them, only a
 * machine crash can, and the rescan sees that; fsync per removal cost 5 ms each here, and a
 * syncfs flushes the whole host file system under --root. safefs_sync() is there for callers
 * that want a batch durable. */
int safefs_sync(const struct safefs *fs);
/* Truncate the regular file PATH to zero bytes, keeping owner and mode; one link only. */
int safefs_truncate(const struct safefs *fs, const char *path, const struct stat *expect);
/* unlink(2) the last component of PATH (never a directory); the target of a symlink is kept. */
int safefs_unlink(const struct safefs *fs, const char *path, const struct stat *expect);
/* Remove PATH and, for a directory, everything under it, never following a symlink nor leaving
 * the directory's file system. KEEP_TOP empties a directory but keeps it. *FILES and *BYTES (if
 * given) count what was removed. */
int safefs_remove_tree(const struct safefs *fs, const char *path, const struct stat *expect, bool keep_top,
		       unsigned long long *files, unsigned long long *bytes);
/* mkdir -p inside the image; existing directories are fine. */
int safefs_mkdir_p(const struct safefs *fs, const char *path, mode_t mode);
/* SHA-256 of a regular file opened by FD, as 64 hex digits into OUT[65]. */
int safefs_sha256_fd(int fd, char out[65]);
/* The same for the manifest, without reading holes: a file with none gets the SHA-256 of its
 * content (*NEXT = 0); a sparse one the SHA-256 of its data extents in order, and its data
 * extents as (offset, length) pairs in *EXT (*NEXT pairs, malloc'd; at most 4096 pairs, else
 * the whole content is hashed). Logical content = those bytes at those offsets, zeros elsewhere. */
int safefs_sha256_sparse(int fd, char out[65], unsigned long long **ext, size_t *next);
