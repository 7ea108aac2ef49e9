/* Safe access to an image tree: resolution confined to the root, no symlink ever followed out. */
#include "safefs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

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
