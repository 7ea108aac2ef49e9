/* Safe access to an image tree: resolution confined to the root, no symlink ever followed out. */
#include "safefs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

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
	return 0;
}

void safefs_done(struct safefs *fs)
{
	if (fs->root_fd >= 0)
		close(fs->root_fd);
	fs->root_fd = -1;
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
	struct stat tmp;
	int fd = safefs_open(fs, path, O_RDONLY);

	if (fd < 0)
		return fd;
	if (!st)
		st = &tmp;
	if (fstat(fd, st) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -SAFEFS_ENOTREG;
	}
	return fd;
}

int safefs_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len)
{
	struct stat st;
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
	return dfd;
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

/* The temp name for NAME, with whatever a killed run left there removed. */
static int stale_tmp(int dfd, const char *name, char **tmp)
{
	*tmp = tmp_name(name);
	return unlinkat(dfd, *tmp, 0) < 0 && errno != ENOENT ? -errno : 0;
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

	if (dfd < 0)
		return dfd;
	if ((r = may_replace(dfd, name, expect, true)) < 0 || (r = stale_tmp(dfd, name, &tmp)) < 0)
		return r;
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
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && !named)
		r = link_tmpfile(fd, dfd, tmp);
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
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
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return -SAFEFS_ENOTREG;
	if (st.st_nlink > 1)
		return -SAFEFS_ENLINK;
	return ftruncate(fd, 0) < 0 ? -errno : 0;
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
	return unlinkat(dfd, name, 0) < 0 ? -errno : 0;
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
	char *name; /* this directory's name in its parent */
	dev_t dev;
	ino_t ino;
};

/* Empty the directory CUR (consumed) depth first, holding two descriptors at most: go down by
 * name, come back up through ".." checked against the remembered inode. */
static int tree_empty(int cur, dev_t top_dev, unsigned long long *files, unsigned long long *bytes)
{
	struct level *stack = NULL;
	size_t depth = 0;
	struct stuck stuck = {0};
	int first_err = 0;
	DIR *d = NULL;

	for (;;) {
		struct dirent *de;
		struct stat cst;
		char *down = NULL;

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
				if (cst.st_dev != top_dev) { /* a mount point: never cross */
					stuck_add(&stuck, &cst);
					first_err = first_err ? first_err : -EXDEV;
					continue;
				}
				down = xstrdup(de->d_name);
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
		if (down) {
			int nfd = openat(dirfd(d), down, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			struct stat nst;
			if (nfd < 0 || fstat(nfd, &nst) < 0 || nst.st_ino != cst.st_ino || nst.st_dev != cst.st_dev) {
				if (nfd >= 0)
					close(nfd);
				first_err = first_err ? first_err : -SAFEFS_EMOVED;
				stuck_add(&stuck, &cst);
				free(down);
				cur = dup(dirfd(d));
				closedir(d);
				d = NULL;
				if (cur < 0)
					break;
				continue;
			}
			stack = xreallocarray(stack, depth + 1, sizeof *stack);
			stack[depth++] = (struct level){.name = down, .dev = nst.st_dev, .ino = nst.st_ino};
			closedir(d);
			d = NULL;
			cur = nfd;
			continue;
		}
		if (depth == 0) {
			closedir(d);
			d = NULL;
			break;
		}
		/* this level is as empty as it gets: go up and remove it */
		int up = openat(dirfd(d), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct level lv = stack[--depth];
		struct stat ust, me;
		fstat(dirfd(d), &me);
		closedir(d);
		d = NULL;
		if (up < 0 || fstat(up, &ust) < 0 ||
		    (depth > 0 && (ust.st_dev != stack[depth - 1].dev || ust.st_ino != stack[depth - 1].ino))) {
			first_err = first_err ? first_err : -SAFEFS_EMOVED;
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
	while (depth > 0)
		free(stack[--depth].name);
	free(stack);
	free(stuck.v);
	return first_err;
}

int safefs_remove_tree(const struct safefs *fs, const char *path, const struct stat *expect, bool keep_top,
		       unsigned long long *files, unsigned long long *bytes)
{
	const char *name;
	_cleanup_close_ int dfd = parent_for_write(fs, path, &name);
	struct stat st, st2;
	int fd, r;

	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if ((r = same_entry(&st, expect)) < 0)
		return r;
	if (!S_ISDIR(st.st_mode)) {
		if (keep_top)
			return -ENOTDIR;
		if (unlinkat(dfd, name, 0) < 0)
			return -errno;
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
	r = tree_empty(fd, st.st_dev, files, bytes);
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
	_cleanup_free_ char *p = xstrdup(path);

	if (!path || path[0] != '/')
		return -EINVAL;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (s > p + 1 && s[-1] != '/') {
			const char *name;
			_cleanup_close_ int dfd = parent_for_write(fs, p, &name);
			struct stat st;
			if (dfd < 0)
				return dfd;
			if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
				return -errno;
			if (fstatat(dfd, name, &st, 0) < 0)
				return -errno;
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
		}
		if (saved == '\0')
			break;
		*s = saved;
	}
	return 0;
}

int safefs_sha256_fd(int fd, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[65536], dig[32];
	unsigned dlen = 0;
	off_t off = 0;
	int r = 0;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(md, buf, (size_t)n);
		off += n;
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
