/* SPDX-License-Identifier: Apache-2.0 */
/* Safe access to an image tree: resolution confined to the root, no symlink ever followed out. */
#include "safefs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <openssl/evp.h>

#define MAX_SYMLINKS 40
/* Directory streams the walker keeps open at once; deeper levels are closed and reopened. */
#define WALK_FD_BUDGET 64

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif
#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif
#ifndef FUSECTL_SUPER_MAGIC
#define FUSECTL_SUPER_MAGIC 0x65735543
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC 0x42494e4d
#endif

/* Top-level directories of an image that hold no image content. */
static const char *const pseudo_dirs[] = {"proc", "sys", "dev", "run"};

const char *safefs_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ELOOP: return "is a symbolic link (not followed)";
	case SAFEFS_ENOTREG: return "not a regular file";
	case SAFEFS_EMOVED: return "changed while being read";
	case SAFEFS_EPSEUDO: return "on a pseudo file system";
	case EFBIG: return "larger than the size limit";
	case SAFEFS_ENLINK: return "has more than one hard link (not truncated or rewritten)";
	case SAFEFS_EMOUNT: return "on a mount that is not the image (a bind mount, tmpfs or host directory; "
				   "--cross-mounts allows it)";
	case SAFEFS_EIMMUTABLE: return "immutable or append-only (chattr +i/+a): 'chattr -i -a' it first";
	case SAFEFS_ETMPDIR: return "a directory sits at the temp name (.NAME.capgate-tmp) beside the file: remove it first";
	case SAFEFS_EXATTR: return "an extended attribute (SELinux label, ACL, capability) could not be kept on the "
				   "new file: not rewritten";
	default: return strerror(err);
	}
}

int safefs_init(struct safefs *fs, const char *root)
{
	struct stat st;
	const char *env = getenv("CAPGATE_NO_OPENAT2");

	*fs = (struct safefs){.root_fd = -1};
	fs->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->root_fd < 0)
		return -errno;
	if (fstat(fs->root_fd, &st) < 0) {
		int r = -errno;
		safefs_done(fs);
		return r;
	}
	fs->root_dev = st.st_dev;
	fs->root_ino = st.st_ino;
	fs->use_openat2 = !(env && *env && !streq(env, "0"));
	if (fs->use_openat2) {
		/* probe: ENOSYS on old kernels, EPERM under some seccomp filters */
		struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
		int fd = (int)syscall(SYS_openat2, fs->root_fd, ".", &how, sizeof how);
		if (fd < 0)
			fs->use_openat2 = false;
		else
			close(fd);
	}
	/* without a readable mount table only the root's own mount is the image */
	if (imgmount_load(&fs->mounts, fs->root_fd, root) < 0) {
		imgmount_free(&fs->mounts);
		fs->mounts.have_root_id = imgmount_fd_id(fs->root_fd, &fs->mounts.root_id) == 0;
	}
	return 0;
}

void safefs_done(struct safefs *fs)
{
	if (fs->root_fd >= 0)
		close(fs->root_fd);
	fs->root_fd = -1;
	imgmount_free(&fs->mounts);
}

int safefs_check_mount(const struct safefs *fs, int fd)
{
	const struct img_mount *m;
	uint64_t id;

	if (fs->cross_mounts)
		return 0;
	if (!fs->mounts.have_root_id || imgmount_fd_id(fd, &id) < 0) {
		struct stat st; /* no mount ids (kernel < 5.8): file systems told apart by device */
		return fstat(fd, &st) == 0 && st.st_dev == fs->root_dev ? 0 : -SAFEFS_EMOUNT;
	}
	if (id == fs->mounts.root_id)
		return 0;
	m = imgmount_find(&fs->mounts, id);
	return m && m->image ? 0 : -SAFEFS_EMOUNT;
}

int safefs_check_mount_path(const struct safefs *fs, const char *path)
{
	const char *name;
	_cleanup_close_ int dfd = -1, fd = -1;
	int r;

	if (fs->cross_mounts)
		return 0;
	if (path && streq(path, "/"))
		return 0;
	dfd = safefs_open_parent(fs, path, &name);
	if (dfd < 0)
		return 0;
	if ((r = safefs_check_mount(fs, dfd)) < 0)
		return r;
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? 0 : safefs_check_mount(fs, fd);
}

void safefs_note_mounts(const struct safefs *fs, const char *verb, FILE *out)
{
	for (size_t i = 0; i < fs->mounts.n; i++) {
		const struct img_mount *m = &fs->mounts.v[i];
		if (m->image)
			continue;
		fprintf(out, "capgate %s: note: ", verb);
		util_fput_escaped(out, m->path);
		fprintf(out, " is not the image (%s: %s from ", m->why, m->fstype);
		util_fput_escaped(out, m->source);
		fprintf(out, "); %s\n", fs->cross_mounts ? "--cross-mounts: fixes act across it"
							   : "nothing is written, removed or chmodded across it (--cross-mounts)");
	}
}

static int open_flags(int flags, bool follow_last)
{
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_CLOEXEC;
	else
		flags |= O_NOCTTY | O_NONBLOCK;
	flags |= O_CLOEXEC;
	if (!follow_last)
		flags |= O_NOFOLLOW;
	return flags;
}

static int resolve_openat2(const struct safefs *fs, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	for (int tries = 0; tries < 16; tries++) {
		int fd = (int)syscall(SYS_openat2, fs->root_fd, path, &how, sizeof how);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

static bool fd_is_root(const struct safefs *fs, int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_dev == fs->root_dev && st.st_ino == fs->root_ino;
}

/* The fallback: walk component by component, resolving symlinks by hand, clamping ".." at the
 * root, the way RESOLVE_IN_ROOT does. */
static int resolve_walk(const struct safefs *fs, const char *path, int flags, bool follow_last)
{
	_cleanup_free_ char *todo = xstrdup(path);
	_cleanup_close_ int cur = openat(fs->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int links = 0;
	char *p = todo;

	if (cur < 0)
		return -errno;
	for (;;) {
		char *comp, *rest;
		bool last, trailing;
		struct stat st;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p) {
			nfd = openat(cur, ".", flags & ~O_NOFOLLOW);
			return nfd < 0 ? -errno : nfd;
		}
		comp = p;
		rest = strchr(p, '/');
		trailing = rest != NULL;
		if (rest)
			*rest++ = '\0';
		else
			rest = p + strlen(p);
		p = rest;
		while (*rest == '/')
			rest++;
		last = !*rest;
		/* "dir/" names a directory: like the kernel, follow a last symlink and insist on a dir */
		trailing = trailing && last;

		if (streq(comp, ".")) {
			if (last)
				p = rest;
			continue;
		}
		if (streq(comp, "..")) {
			if (fd_is_root(fs, cur))
				continue;
			nfd = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (nfd < 0)
				return -errno;
			close(cur);
			cur = nfd;
			continue;
		}
		if (last && !follow_last && !trailing) {
			nfd = openat(cur, comp, flags | O_NOFOLLOW);
			return nfd < 0 ? -errno : nfd;
		}
		nfd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			return -errno;
		if (fstat(nfd, &st) < 0) {
			int r = -errno;
			close(nfd);
			return r;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(nfd, "", target, sizeof target - 1);
			close(nfd);
			if (n < 0)
				return -errno;
			if (++links > MAX_SYMLINKS)
				return -ELOOP;
			target[n] = '\0';
			char *next = xasprintf("%s/%s", target, p);
			free(todo);
			todo = next;
			p = todo;
			if (target[0] == '/') {
				nfd = openat(fs->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (nfd < 0)
					return -errno;
				close(cur);
				cur = nfd;
			}
			continue;
		}
		if (last) {
			close(nfd);
			nfd = openat(cur, comp, flags | O_NOFOLLOW | (trailing ? O_DIRECTORY : 0));
			return nfd < 0 ? -errno : nfd;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(nfd);
			return -ENOTDIR;
		}
		close(cur);
		cur = nfd;
	}
}

static int resolve(const struct safefs *fs, const char *path, int flags, bool follow_last)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	flags = open_flags(flags, follow_last);
	if (fs->use_openat2)
		return resolve_openat2(fs, path, flags);
	return resolve_walk(fs, path, flags, follow_last);
}

int safefs_open(const struct safefs *fs, const char *path, int flags)
{
	return resolve(fs, path, flags, false);
}

int safefs_open_dir(const struct safefs *fs, const char *path)
{
	return resolve(fs, path, O_RDONLY | O_DIRECTORY, true);
}

int safefs_open_parent(const struct safefs *fs, const char *path, const char **name)
{
	const char *slash;
	_cleanup_free_ char *dir = NULL;

	if (!path || path[0] != '/')
		return -EINVAL;
	slash = strrchr(path, '/');
	*name = slash + 1;
	if (!**name || streq(*name, ".") || streq(*name, ".."))
		return -EINVAL;
	dir = xstrndup(path, (size_t)(slash - path) + 1);
	return resolve(fs, dir, O_PATH | O_DIRECTORY, true);
}

int safefs_lstat(const struct safefs *fs, const char *path, struct stat *st)
{
	const char *name;
	_cleanup_close_ int dfd = -1;

	if (path && streq(path, "/"))
		return fstat(fs->root_fd, st) < 0 ? -errno : 0;
	dfd = safefs_open_parent(fs, path, &name);
	if (dfd < 0)
		return dfd;
	return fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

int safefs_readlink(const struct safefs *fs, const char *path, char **target)
{
	const char *name;
	_cleanup_close_ int dfd = safefs_open_parent(fs, path, &name);
	char buf[4096];
	ssize_t n;

	if (dfd < 0)
		return dfd;
	n = readlinkat(dfd, name, buf, sizeof buf - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*target = xstrdup(buf);
	return 0;
}

int safefs_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	struct strbuf sb = {0};
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int r = -errno;
			strbuf_free(&sb);
			return r;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			strbuf_free(&sb);
			return -EFBIG;
		}
		strbuf_append(&sb, chunk, (size_t)n);
	}
	if (!sb.buf)
		strbuf_append(&sb, "", 0);
	*buf = sb.buf;
	if (len)
		*len = sb.len;
	return 0;
}

int safefs_open_regular(const struct safefs *fs, const char *path, struct stat *st)
{
	struct stat tmp, pre;
	const char *name;
	_cleanup_close_ int dfd = safefs_open_parent(fs, path, &name);
	int fd;

	if (dfd < 0)
		return dfd;
	if (!st)
		st = &tmp;
	/* the type first: opening a device can do something (a tape rewinds, a watchdog arms) */
	if (fstatat(dfd, name, &pre, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(pre.st_mode))
		return -ELOOP;
	if (!S_ISREG(pre.st_mode))
		return -SAFEFS_ENOTREG;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st->st_mode) || st->st_dev != pre.st_dev || st->st_ino != pre.st_ino) {
		close(fd);
		return -SAFEFS_EMOVED;
	}
	return fd;
}

int safefs_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len)
{
	struct stat st = {0};
	_cleanup_close_ int fd = safefs_open_regular(fs, path, &st);

	if (fd < 0)
		return fd;
	if ((unsigned long long)st.st_size > max)
		return -EFBIG;
	return safefs_read_fd(fd, max, buf, len);
}

bool safefs_fd_is_pseudo(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return false;
	switch ((unsigned long)sfs.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEVPTS_SUPER_MAGIC:
	case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC: case SECURITYFS_MAGIC:
	case DEBUGFS_MAGIC: case TRACEFS_MAGIC: case BPF_FS_MAGIC: case PSTOREFS_MAGIC:
	case CONFIGFS_MAGIC: case FUSECTL_SUPER_MAGIC: case MQUEUE_MAGIC:
	case HUGETLBFS_MAGIC: case AUTOFS_SUPER_MAGIC: case BINFMTFS_MAGIC:
	case EFIVARFS_MAGIC: case SELINUX_MAGIC: case SMACK_MAGIC:
	case NSFS_MAGIC:
		return true;
	default:
		/* devtmpfs reports TMPFS_MAGIC; it is caught by the /dev rule of the walker */
		return false;
	}
}

/* ---- the walker ---- */

struct frame {
	DIR *dir;        /* NULL while suspended to save descriptors */
	size_t consumed; /* entries read, to resume a suspended stream */
	dev_t dev;
	ino_t ino;
	size_t path_len; /* length of this directory's path in the path buffer */
};

struct walk {
	const struct safefs_walk_ops *ops;
	void *userdata;
	struct frame *frames;
	size_t n, cap, open;
	struct strbuf path;
};

static void walk_error(struct walk *w, const char *path, int err)
{
	if (w->ops->error)
		w->ops->error(path, err < 0 ? err : -err, w->userdata);
}

static void walk_suspend_oldest(struct walk *w)
{
	for (size_t i = 0; i + 1 < w->n; i++) {
		if (w->frames[i].dir) {
			closedir(w->frames[i].dir);
			w->frames[i].dir = NULL;
			w->open--;
			return;
		}
	}
}

static int walk_push(struct walk *w, int fd, const struct stat *st)
{
	DIR *d;

	if (w->open >= WALK_FD_BUDGET)
		walk_suspend_oldest(w);
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->frames = xreallocarray(w->frames, w->cap, sizeof *w->frames);
	}
	w->frames[w->n++] = (struct frame){
		.dir = d, .dev = st->st_dev, .ino = st->st_ino, .path_len = w->path.len,
	};
	w->open++;
	return 0;
}

/* Pop the top frame; reopen its parent through ".." if the parent was suspended, checking that
 * ".." is still the directory we came from. */
static int walk_pop(struct walk *w)
{
	struct frame *top = &w->frames[w->n - 1];
	struct frame *parent = w->n > 1 ? &w->frames[w->n - 2] : NULL;
	int r = 0;

	if (parent && !parent->dir) {
		struct stat st;
		int fd = openat(dirfd(top->dir), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			r = -errno;
		else if (fstat(fd, &st) < 0 || st.st_dev != parent->dev || st.st_ino != parent->ino) {
			close(fd);
			r = -SAFEFS_EMOVED;
		} else if (!(parent->dir = fdopendir(fd))) {
			r = -errno;
			close(fd);
		} else {
			w->open++;
			for (size_t i = 0; i < parent->consumed; i++)
				if (!readdir(parent->dir))
					break;
		}
	}
	/* the analyzer loses track of w->n > 0 across strbuf calls on w->path */
	closedir(top->dir); // NOLINT(clang-analyzer-core.NullDereference)
	w->open--;
	w->n--;
	return r;
}

static bool is_pseudo_top(const struct walk *w, const char *name)
{
	/* only directly under the image root */
	if (w->n != 1 || w->frames[0].path_len != 1)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(pseudo_dirs); i++)
		if (streq(name, pseudo_dirs[i]))
			return true;
	return false;
}

int safefs_walk(const struct safefs *fs, const char *start, const struct safefs_walk_ops *ops, void *userdata)
{
	struct walk w = {.ops = ops, .userdata = userdata};
	struct stat st;
	int fd, r = 0;

	fd = safefs_open_dir(fs, start);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || safefs_fd_is_pseudo(fd)) {
		r = errno ? -errno : -SAFEFS_EPSEUDO;
		close(fd);
		return r;
	}
	strbuf_puts(&w.path, start);
	while (w.path.len > 1 && w.path.buf[w.path.len - 1] == '/')
		strbuf_truncate(&w.path, w.path.len - 1);
	r = walk_push(&w, fd, &st);
	if (r < 0)
		goto out;

	while (w.n > 0) {
		struct frame *top = &w.frames[w.n - 1];
		struct dirent *de;
		struct safefs_entry e;
		unsigned depth = (unsigned)w.n - 1;
		int v;

		strbuf_truncate(&w.path, top->path_len);
		errno = 0;
		de = readdir(top->dir);
		if (!de) {
			if (errno)
				walk_error(&w, w.path.buf, -errno);
			int pr = walk_pop(&w);
			if (pr < 0) {
				/* the tree changed under us: stop rather than guess where we are */
				strbuf_truncate(&w.path, w.frames[w.n - 1].path_len);
				walk_error(&w, w.path.buf, pr);
				r = pr;
				goto out;
			}
			continue;
		}
		top->consumed++;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (w.path.len > 1)
			strbuf_puts(&w.path, "/");
		strbuf_puts(&w.path, de->d_name);

		if (is_pseudo_top(&w, de->d_name))
			continue;
		if (ops->exclude && strv_match_glob(ops->exclude, w.path.buf))
			continue;
		if (fstatat(dirfd(top->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			walk_error(&w, w.path.buf, -errno);
			continue;
		}
		e = (struct safefs_entry){
			.dirfd = dirfd(top->dir), .name = de->d_name, .path = w.path.buf, .st = &st, .depth = depth,
		};
		v = ops->visit ? ops->visit(&e, userdata) : SAFEFS_WALK_CONTINUE;
		if (v < 0) {
			r = v;
			goto out;
		}
		if (!S_ISDIR(st.st_mode) || v == SAFEFS_WALK_SKIP)
			continue;
		if (ops->max_depth && depth + 1 >= ops->max_depth)
			continue;
		if (st.st_dev != top->dev && ops->one_file_system)
			continue;

		fd = openat(dirfd(top->dir), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			walk_error(&w, w.path.buf, -errno);
			continue;
		}
		struct stat st2;
		if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
			close(fd);
			walk_error(&w, w.path.buf, -SAFEFS_EMOVED);
			continue;
		}
		if (st2.st_dev != top->dev && safefs_fd_is_pseudo(fd)) {
			close(fd);
			continue;
		}
		int pr = walk_push(&w, fd, &st2);
		if (pr < 0)
			walk_error(&w, w.path.buf, pr);
	}
out:
	while (w.n > 0) {
		if (w.frames[w.n - 1].dir)
			closedir(w.frames[w.n - 1].dir);
		w.n--;
	}
	free(w.frames);
	strbuf_free(&w.path);
	return r;
}

int safefs_open_entry(const struct safefs_entry *e)
{
	struct stat st;
	int fd;

	if (!S_ISREG(e->st->st_mode))
		return -SAFEFS_ENOTREG;
	fd = openat(e->dirfd, e->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != e->st->st_dev || st.st_ino != e->st->st_ino ||
	    !S_ISREG(st.st_mode)) {
		close(fd);
		return -SAFEFS_EMOVED;
	}
	return fd;
}

/* ---- writes ---- */

/* Whether DFD is one of the image's /proc, /sys, /dev, /run or below one: walk up through "..". */
static bool under_pseudo_top(const struct safefs *fs, int dfd)
{
	struct stat tops[ELEMENTSOF(pseudo_dirs)], st;
	bool have[ELEMENTSOF(pseudo_dirs)];
	int cur = dup(dfd);
	bool hit = false;

	if (cur < 0)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(pseudo_dirs); i++)
		have[i] = fstatat(fs->root_fd, pseudo_dirs[i], &tops[i], AT_SYMLINK_NOFOLLOW) == 0 &&
			  S_ISDIR(tops[i].st_mode);
	for (int depth = 0; depth < 4096 && !hit; depth++) {
		if (fstat(cur, &st) < 0 || (st.st_dev == fs->root_dev && st.st_ino == fs->root_ino))
			break;
		for (size_t i = 0; i < ELEMENTSOF(pseudo_dirs); i++)
			if (have[i] && st.st_dev == tops[i].st_dev && st.st_ino == tops[i].st_ino)
				hit = true;
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = up;
		if (cur < 0)
			return true; /* cannot tell: refuse */
	}
	close(cur);
	return hit;
}

/* Open the parent of PATH for changing it: a real directory fd inside the image, not on or
 * under a pseudo file system. */
static int parent_for_write(const struct safefs *fs, const char *path, const char **name)
{
	_cleanup_close_ int pfd = safefs_open_parent(fs, path, name);
	int dfd;

	if (pfd < 0)
		return pfd;
	dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (safefs_fd_is_pseudo(dfd) || under_pseudo_top(fs, dfd)) {
		close(dfd);
		return -SAFEFS_EPSEUDO;
	}
	int r = safefs_check_mount(fs, dfd);
	if (r < 0) {
		close(dfd);
		return r;
	}
	return dfd;
}

/* ERR for a change to NAME in DFD, made precise: EPERM from an immutable or append-only file or
 * directory says so (chattr), instead of a bare "Operation not permitted". */
static int fail_why(int dfd, const char *name, int err)
{
	struct statx stx;
	const unsigned long long attrs = STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND;

	if (err != -EPERM && err != -EACCES)
		return err;
	if ((name && statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == 0 && (stx.stx_attributes & attrs)) ||
	    (statx(dfd, "", AT_EMPTY_PATH, STATX_TYPE, &stx) == 0 && (stx.stx_attributes & attrs)))
		return -SAFEFS_EIMMUTABLE;
	return err;
}

static int same_entry(const struct stat *st, const struct stat *expect)
{
	if (!expect)
		return 0;
	if (st->st_dev != expect->st_dev || st->st_ino != expect->st_ino ||
	    (st->st_mode & S_IFMT) != (expect->st_mode & S_IFMT))
		return -SAFEFS_EMOVED;
	return 0;
}

static char *tmp_name(const char *name)
{
	/* one fixed name per target: a temp left by a killed run is found and replaced next time */
	return xasprintf(".%s.capgate-tmp", name);
}

/* Whether NAME in DFD may be replaced: absent (unless a planned entry is expected), or the
 * expected entry; FILE_ONLY demands a regular file with one link. */
static int may_replace(int dfd, const char *name, const struct stat *expect, bool file_only)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno != ENOENT ? -errno : expect ? -SAFEFS_EMOVED : 0;
	if (file_only && !S_ISREG(st.st_mode))
		return -SAFEFS_ENOTREG;
	if (file_only && st.st_nlink > 1)
		return -SAFEFS_ENLINK;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return same_entry(&st, expect);
}

/* The temp name for NAME, with whatever a killed run left there removed (a directory there is
 * named as the obstacle, never removed). */
static int stale_tmp(int dfd, const char *name, char **tmp)
{
	*tmp = tmp_name(name);
	if (unlinkat(dfd, *tmp, 0) == 0 || errno == ENOENT)
		return 0;
	return errno == EISDIR ? -SAFEFS_ETMPDIR : fail_why(dfd, NULL, -errno);
}

/* Copy every extended attribute of FROM onto TO: security.selinux, security.capability,
 * system.posix_acl_*, trusted.*, user.*. One that cannot be set fails the copy: a rewritten
 * /etc/shadow without its SELinux label locks everyone out of an enforcing machine. */
static int copy_xattrs(int from, int to)
{
	_cleanup_free_ char *names = NULL, *val = NULL;
	ssize_t n = flistxattr(from, NULL, 0);
	size_t vcap = 0;

	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (n == 0)
		return 0;
	names = xmalloc((size_t)n + 1);
	n = flistxattr(from, names, (size_t)n);
	if (n < 0)
		return -errno;
	for (char *k = names; k < names + n; k += strlen(k) + 1) {
		ssize_t v = fgetxattr(from, k, NULL, 0);
		if (v < 0)
			return errno == ENODATA ? 0 : -SAFEFS_EXATTR;
		if ((size_t)v + 1 > vcap) {
			vcap = (size_t)v + 1;
			free(val);
			val = xmalloc(vcap);
		}
		v = fgetxattr(from, k, val, vcap);
		if (v < 0 || fsetxattr(to, k, val, (size_t)v, 0) < 0)
			return -SAFEFS_EXATTR;
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Give the unnamed file FD the name TMP in DFD. */
static int link_tmpfile(int fd, int dfd, const char *tmp)
{
	char proc[64];

	if (linkat(fd, "", dfd, tmp, AT_EMPTY_PATH) == 0)
		return 0;
	/* without CAP_DAC_READ_SEARCH: the documented /proc/self/fd route (our own descriptor) */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

int safefs_write_atomic(const struct safefs *fs, const char *path, const void *data, size_t len, mode_t mode,
			uid_t uid, gid_t gid, const struct stat *expect)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *tmp = NULL;
	bool named = false;
	int r;

	_cleanup_close_ int old = -1;
	if (dfd < 0)
		return dfd;
	if ((r = may_replace(dfd, name, expect, true)) < 0 || (r = stale_tmp(dfd, name, &tmp)) < 0)
		return r;
	/* the file being replaced, for its extended attributes: a regular file (may_replace said so),
	 * opened without following, checked to be the inode just judged */
	old = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (old < 0 && errno != ENOENT)
		return -errno;
	if (old >= 0) {
		struct stat ost;
		if (fstat(old, &ost) < 0 || !S_ISREG(ost.st_mode) || ost.st_nlink > 1 || same_entry(&ost, expect) < 0)
			return -SAFEFS_EMOVED;
	}
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
			return -errno;
		fd = openat(dfd, tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		named = true;
	}
	r = write_all(fd, data, len);
	if (r == 0 && fchown(fd, uid, gid) < 0)
		r = -errno;
	if (r == 0 && fchmod(fd, mode & 07777) < 0) /* after chown, which clears set-id bits */
		r = -errno;
	/* after chown and chmod too: chown drops security.capability, an ACL sets the group bits */
	if (r == 0 && old >= 0)
		r = copy_xattrs(old, fd);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && !named)
		r = link_tmpfile(fd, dfd, tmp);
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = fail_why(dfd, name, -errno);
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) < 0 ? -errno : 0;
}

int safefs_symlink_atomic(const struct safefs *fs, const char *target, const char *path, const struct stat *expect)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	_cleanup_free_ char *tmp = NULL;
	int r;

	if (dfd < 0)
		return dfd;
	if ((r = may_replace(dfd, name, expect, false)) < 0 || (r = stale_tmp(dfd, name, &tmp)) < 0)
		return r;
	if (symlinkat(target, dfd, tmp) < 0)
		return -errno;
	if (renameat(dfd, tmp, dfd, name) < 0) {
		r = -errno;
		unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) < 0 ? -errno : 0;
}

int safefs_truncate(const struct safefs *fs, const char *path, const struct stat *expect)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -SAFEFS_ENOTREG;
	/* O_NONBLOCK: a FIFO swapped in after the fstatat must not hang the open */
	fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail_why(dfd, name, -errno);
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return -SAFEFS_ENOTREG;
	if (st.st_nlink > 1)
		return -SAFEFS_ENLINK;
	if ((r = safefs_check_mount(fs, fd)) < 0) /* a file bind-mounted over a log */
		return r;
	return ftruncate(fd, 0) < 0 ? fail_why(dfd, name, -errno) : 0;
}

int safefs_unlink(const struct safefs *fs, const char *path, const struct stat *expect)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	struct stat st;
	int r;

	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	return unlinkat(dfd, name, 0) < 0 ? fail_why(dfd, name, -errno) : 0;
}

/* Entries the tree removal gave up on, so it does not find them again and again. */
struct stuck {
	struct { dev_t dev; ino_t ino; } *v;
	size_t n;
};

static bool stuck_has(const struct stuck *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
			return true;
	return false;
}

static void stuck_add(struct stuck *s, const struct stat *st)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n].dev = st->st_dev;
	s->v[s->n].ino = st->st_ino;
	s->n++;
}

struct level {
	char *name; /* this directory's name in its parent (NULL for the start and its parent) */
	dev_t dev;
	ino_t ino;
};

static bool is_level(const struct stat *st, const struct level *lv)
{
	return st->st_dev == lv->dev && st->st_ino == lv->ino;
}

/* Whether the directory D is still where the walk put it: its ".." is the level recorded above it. */
static bool still_below(int d, const struct level *parent)
{
	struct stat st;
	return fstatat(d, "..", &st, AT_SYMLINK_NOFOLLOW) == 0 && is_level(&st, parent);
}

/* Whether the walk may enter the directory FD: same mount as the start (a bind mount of the same
 * file system has the same st_dev but another mount id), or any non-pseudo one with --cross-mounts. */
static bool may_enter(const struct safefs *fs, int fd, uint64_t top_mnt, dev_t top_dev, const struct stat *st)
{
	uint64_t id;

	if (safefs_fd_is_pseudo(fd))
		return false;
	if (fs->cross_mounts)
		return true;
	if (imgmount_fd_id(fd, &id) < 0)
		return st->st_dev == top_dev;
	return id == top_mnt;
}

/* Empty the directory CUR (consumed) depth first, holding two descriptors at most: go down by
 * name, come back up through ".." checked against the identity recorded on the way down, at every
 * depth; before each removal the current directory's ".." is checked too, so a directory renamed
 * out of the tree while it is being emptied stops the removal (DESIGN.md, removal identity).
 * PARENT and TOP are the identities of the start's parent and of the start. */
static int tree_empty(const struct safefs *fs, int cur, const struct stat *parent, const struct stat *top,
		      unsigned long long *files, unsigned long long *bytes)
{
	struct level *stack = xcalloc(2, sizeof *stack);
	size_t n = 2; /* stack[n - 1] is CUR, stack[n - 2] its parent */
	struct stuck stuck = {0};
	uint64_t top_mnt = 0;
	int first_err = 0;
	DIR *d = NULL;

	stack[0] = (struct level){.dev = parent->st_dev, .ino = parent->st_ino};
	stack[1] = (struct level){.dev = top->st_dev, .ino = top->st_ino};
	if (imgmount_fd_id(cur, &top_mnt) < 0)
		top_mnt = 0;
	for (;;) {
		struct dirent *de;
		struct stat cst;
		char *down = NULL;
		bool moved = false;

		d = fdopendir(cur);
		if (!d) {
			first_err = first_err ? first_err : -errno;
			close(cur);
			break;
		}
		while ((de = readdir(d))) {
			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			if (fstatat(dirfd(d), de->d_name, &cst, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (stuck_has(&stuck, &cst))
				continue;
			if (S_ISDIR(cst.st_mode)) {
				down = xstrdup(de->d_name);
				break;
			}
			if (!still_below(dirfd(d), &stack[n - 2])) {
				moved = true;
				break;
			}
			if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
				first_err = first_err ? first_err : -errno;
				stuck_add(&stuck, &cst);
				continue;
			}
			if (files)
				(*files)++;
			if (bytes && S_ISREG(cst.st_mode))
				*bytes += (unsigned long long)cst.st_size;
		}
		if (moved) {
			first_err = -SAFEFS_EMOVED;
			closedir(d);
			d = NULL;
			break;
		}
		if (down) {
			int nfd = openat(dirfd(d), down, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			struct stat nst;
			bool same = nfd >= 0 && fstat(nfd, &nst) == 0 && nst.st_ino == cst.st_ino && nst.st_dev == cst.st_dev;
			if (!same || !may_enter(fs, nfd, top_mnt, top->st_dev, &nst)) {
				if (nfd >= 0)
					close(nfd);
				/* a mount point is never crossed; a swapped entry is left alone */
				first_err = first_err ? first_err : same ? -SAFEFS_EMOUNT : -SAFEFS_EMOVED;
				stuck_add(&stuck, &cst);
				free(down);
				cur = dup(dirfd(d));
				closedir(d);
				d = NULL;
				if (cur < 0)
					break;
				continue;
			}
			stack = xreallocarray(stack, n + 1, sizeof *stack);
			stack[n++] = (struct level){.name = down, .dev = nst.st_dev, .ino = nst.st_ino};
			closedir(d);
			d = NULL;
			cur = nfd;
			continue;
		}
		if (n == 2) {
			closedir(d);
			d = NULL;
			break;
		}
		/* this level is as empty as it gets: go up, checked, and remove it */
		int up = openat(dirfd(d), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct level lv = stack[--n];
		struct stat ust, me;
		fstat(dirfd(d), &me);
		closedir(d);
		d = NULL;
		if (up < 0 || fstat(up, &ust) < 0 || !is_level(&ust, &stack[n - 1]) || !still_below(up, &stack[n - 2])) {
			first_err = -SAFEFS_EMOVED;
			if (up >= 0)
				close(up);
			free(lv.name);
			break;
		}
		if (unlinkat(up, lv.name, AT_REMOVEDIR) < 0) {
			if (errno != ENOTEMPTY || !first_err)
				first_err = first_err ? first_err : -errno;
			stuck_add(&stuck, &me);
		}
		free(lv.name);
		cur = up;
	}
	while (n > 0)
		free(stack[--n].name);
	free(stack);
	free(stuck.v);
	return first_err;
}

int safefs_remove_tree(const struct safefs *fs, const char *path, const struct stat *expect, bool keep_top,
		       unsigned long long *files, unsigned long long *bytes)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	struct stat st, st2, pst;
	int fd, r;

	if (dfd < 0)
		return dfd;
	if (fstat(dfd, &pst) < 0 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	if (!S_ISDIR(st.st_mode)) {
		if (keep_top)
			return -ENOTDIR;
		if (unlinkat(dfd, name, 0) < 0)
			return fail_why(dfd, name, -errno);
		if (files)
			(*files)++;
		if (bytes && S_ISREG(st.st_mode))
			*bytes += (unsigned long long)st.st_size;
		return 0;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st2) < 0 || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
		close(fd);
		return -SAFEFS_EMOVED;
	}
	if (safefs_fd_is_pseudo(fd)) {
		close(fd);
		return -SAFEFS_EPSEUDO;
	}
	if ((r = safefs_check_mount(fs, fd)) < 0) {
		close(fd);
		return r;
	}
	r = tree_empty(fs, fd, &pst, &st, files, bytes);
	if (r < 0)
		return r;
	return !keep_top && unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

int safefs_sync(const struct safefs *fs)
{
	_cleanup_close_ int fd = openat(fs->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return syncfs(fd) < 0 ? -errno : 0;
}

int safefs_mkdir_p(const struct safefs *fs, const char *path, mode_t mode)
{
	_cleanup_free_ char *p = NULL;

	if (!path || path[0] != '/')
		return -EINVAL;
	p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (s > p + 1 && s[-1] != '/') {
			const char *name;
			_cleanup_close_ int dfd = parent_for_write(fs, p, &name);
			_cleanup_close_ int dir = -1;
			if (dfd < 0)
				return dfd;
			if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
				return fail_why(dfd, NULL, -errno);
			/* what is there now must be a directory, a symlink to one resolved inside the image
			 * (sshd_config.d -> /etc/ssh/dropins), never against the host's / */
			dir = safefs_open_dir(fs, p);
			if (dir < 0)
				return dir == -ENOTDIR || dir == -ELOOP ? -ENOTDIR : dir;
		}
		if (saved == '\0')
			break;
		*s = saved;
	}
	return 0;
}

/* SHA-256 of the bytes of FD in the ranges EXT (N pairs of offset, length), or of all of it (EXT NULL). */
static int sha256_ranges(int fd, const unsigned long long *ext, size_t n, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[65536], dig[32];
	unsigned dlen = 0;
	int r = 0;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && (ext ? i < n : i < 1); i++) {
		off_t off = ext ? (off_t)ext[2 * i] : 0;
		unsigned long long left = ext ? ext[2 * i + 1] : ~0ULL;
		while (left > 0) {
			ssize_t got = pread(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf, off);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				r = -errno;
				break;
			}
			if (got == 0)
				break;
			EVP_DigestUpdate(md, buf, (size_t)got);
			off += got;
			left -= (unsigned long long)got;
		}
	}
	if (r == 0 && !EVP_DigestFinal_ex(md, dig, &dlen))
		r = -EIO;
	EVP_MD_CTX_free(md);
	explicit_bzero(buf, sizeof buf);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < dlen; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
	return 0;
}

int safefs_sha256_fd(int fd, char out[65])
{
	return sha256_ranges(fd, NULL, 0, out);
}

#define SPARSE_MAX_EXTENTS 4096

int safefs_sha256_sparse(int fd, char out[65], unsigned long long **ext, size_t *next)
{
	struct stat st;
	unsigned long long *v = NULL;
	size_t n = 0, cap = 0;
	off_t off = 0, hole;
	int r;

	*ext = NULL;
	*next = 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* no hole before the end (or no SEEK_HOLE here): the plain hash of the content */
	hole = lseek(fd, 0, SEEK_HOLE);
	if (hole < 0 || hole >= st.st_size)
		return sha256_ranges(fd, NULL, 0, out);
	while (off < st.st_size) {
		off_t data = lseek(fd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO) /* only a hole up to the end */
				break;
			free(v);
			return sha256_ranges(fd, NULL, 0, out);
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || n == SPARSE_MAX_EXTENTS) {
			free(v);
			return sha256_ranges(fd, NULL, 0, out);
		}
		v = xgrowarray(v, &cap, 2 * n + 2, sizeof *v);
		v[2 * n] = (unsigned long long)data;
		v[2 * n + 1] = (unsigned long long)(hole - data);
		n++;
		off = hole;
	}
	r = sha256_ranges(fd, v, n, out);
	if (r < 0) {
		free(v);
		return r;
	}
	*ext = v ? v : xcalloc(1, sizeof *v);
	*next = n;
	return 0;
}
