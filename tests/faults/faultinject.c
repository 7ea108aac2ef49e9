/* SPDX-License-Identifier: Apache-2.0 */
/* LD_PRELOAD fault injection: make chosen file system calls fail (or read short) on the Nth call
 * or for paths matching a glob, so tests can prove every error is reported and nothing is left
 * half-written. Calls made inside glibc (stdio's own writes) are not seen: use a small file
 * system for those.
 *
 * CAPGATE_FAULTS="RULE[;RULE...]", RULE = OP:ERR[:KEY=VAL...]
 *   OP   open read write fsync rename unlink stat readdir mkdir link chmod chown truncate xattr, or *
 *   ERR  an errno name (EIO, ENOSPC, EROFS, EACCES, EINTR, ...), "short" (reads return 1 byte)
 *        or "trace" (nothing fails: the call is only logged, to list what a run touches)
 *   nth=N    only the Nth matching call        from=N  the Nth and every later one
 *   every=K  every Kth matching call           path=GLOB  the path (fd calls: /proc/self/fd)
 * CAPGATE_FAULTS_LOG=FILE appends one line per injected fault: "OP ERR PATH".
 * CAPGATE_FAULTS_BT=1 prints the caller's stack to stderr at each fault (to find who ignores it). */
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_RULES 16
#define TRACE (-2)

struct rule {
	char op[16];
	int err;    /* 0: short read, TRACE: log only */
	unsigned long nth, from, every;
	char path[PATH_MAX];
	atomic_ulong calls;
};

static struct rule rules[MAX_RULES];
static int nrules = -1;
static __thread int in_shim;

static const struct {
	const char *name;
	int value;
} errnames[] = {
	{"EIO", EIO}, {"ENOSPC", ENOSPC}, {"EROFS", EROFS}, {"EACCES", EACCES}, {"EPERM", EPERM},
	{"EINTR", EINTR}, {"ENOMEM", ENOMEM}, {"EMFILE", EMFILE}, {"ENOENT", ENOENT}, {"EDQUOT", EDQUOT},
	{"EBUSY", EBUSY}, {"ESTALE", ESTALE}, {"EAGAIN", EAGAIN}, {"ENAMETOOLONG", ENAMETOOLONG},
	{"EOPNOTSUPP", EOPNOTSUPP},
};

static const char *errname(int e)
{
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].value == e)
			return errnames[i].name;
	return e == TRACE ? "trace" : e ? "E?" : "short";
}

static void parse_rules(void)
{
	const char *env = getenv("CAPGATE_FAULTS");
	char buf[4096];
	char *save = NULL;

	nrules = 0;
	if (!env || strlen(env) >= sizeof buf)
		return;
	snprintf(buf, sizeof buf, "%s", env);
	for (char *r = strtok_r(buf, ";", &save); r && nrules < MAX_RULES; r = strtok_r(NULL, ";", &save)) {
		struct rule *x = &rules[nrules];
		char *s2 = NULL;
		char *op = strtok_r(r, ":", &s2), *err = strtok_r(NULL, ":", &s2);
		if (!op || !err || strlen(op) >= sizeof x->op)
			continue;
		memset(x, 0, sizeof *x);
		snprintf(x->op, sizeof x->op, "%s", op);
		x->err = -1;
		for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
			if (strcmp(err, errnames[i].name) == 0)
				x->err = errnames[i].value;
		if (strcmp(err, "short") == 0)
			x->err = 0;
		if (strcmp(err, "trace") == 0)
			x->err = TRACE;
		if (x->err == -1) {
			fprintf(stderr, "faultinject: unknown error '%s'\n", err);
			continue;
		}
		for (char *kv = strtok_r(NULL, ":", &s2); kv; kv = strtok_r(NULL, ":", &s2)) {
			if (strncmp(kv, "nth=", 4) == 0)
				x->nth = strtoul(kv + 4, NULL, 10);
			else if (strncmp(kv, "from=", 5) == 0)
				x->from = strtoul(kv + 5, NULL, 10);
			else if (strncmp(kv, "every=", 6) == 0)
				x->every = strtoul(kv + 6, NULL, 10);
			else if (strncmp(kv, "path=", 5) == 0 && strlen(kv + 5) < sizeof x->path)
				snprintf(x->path, sizeof x->path, "%s", kv + 5);
		}
		nrules++;
	}
}

/* The path a call is about: PATH joined to DIRFD's, or FD's own when PATH is NULL. */
static void call_path(int dirfd, const char *path, char *out, size_t size)
{
	char link[64];
	ssize_t n = 0;

	out[0] = '\0';
	if (path && path[0] == '/') {
		snprintf(out, size, "%s", path);
		return;
	}
	if (dirfd == AT_FDCWD) {
		if (!getcwd(out, size))
			out[0] = '\0';
		n = (ssize_t)strlen(out);
	} else if (dirfd >= 0) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
		n = readlink(link, out, size - 1);
		if (n < 0)
			n = 0;
		out[n] = '\0';
	}
	if (path && *path)
		snprintf(out + n, size - (size_t)n, "/%s", path);
}

static void log_fault(const char *op, int err, const char *path)
{
	const char *file = getenv("CAPGATE_FAULTS_LOG");
	char line[PATH_MAX + 64];
	int fd, len;

	if (getenv("CAPGATE_FAULTS_BT")) {
		void *frames[32];
		backtrace_symbols_fd(frames, backtrace(frames, 32), STDERR_FILENO);
	}
	if (!file)
		return;
	len = snprintf(line, sizeof line, "%s %s %s\n", op, errname(err), path);
	fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (syscall(SYS_write, fd, line, (size_t)len) < 0) {
			/* the log is best effort */
		}
		syscall(SYS_close, fd);
	}
}

/* Which error to inject for this call: -1 none, 0 short read, else an errno. */
static int fault_for(const char *op, int dirfd, const char *path)
{
	char full[PATH_MAX + 256];
	bool have_path = false;

	if (in_shim)
		return -1;
	in_shim = 1;
	if (nrules < 0)
		parse_rules();
	for (int i = 0; i < nrules; i++) {
		struct rule *x = &rules[i];
		unsigned long n;
		if (strcmp(x->op, "*") != 0 && strcmp(x->op, op) != 0)
			continue;
		if (x->path[0]) {
			if (!have_path) {
				call_path(dirfd, path, full, sizeof full);
				have_path = true;
			}
			if (fnmatch(x->path, full, 0) != 0)
				continue;
		}
		n = atomic_fetch_add(&x->calls, 1) + 1;
		if ((x->nth && n != x->nth) || (x->from && n < x->from) || (x->every && n % x->every != 0))
			continue;
		if (!have_path) {
			call_path(dirfd, path, full, sizeof full);
			have_path = true;
		}
		log_fault(op, x->err, full);
		if (x->err == TRACE)
			continue;
		in_shim = 0;
		return x->err;
	}
	in_shim = 0;
	return -1;
}

#define REAL(ret, name, ...)                                              \
	static ret (*real_##name)(__VA_ARGS__);                           \
	if (!real_##name)                                                 \
		real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

#define FAIL_IF(op, dirfd, path, failval)        \
	do {                                     \
		int e_ = fault_for(op, dirfd, path); \
		if (e_ > 0) {                    \
			errno = e_;              \
			return failval;          \
		}                                \
	} while (0)

/* ---- open ---- */
#define OPEN_MODE(flags) \
	mode_t mode = 0; \
	if ((flags) & (O_CREAT | __O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }

int open(const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	REAL(int, open, const char *, int, ...);
	FAIL_IF("open", AT_FDCWD, path, -1);
	return real_open(path, flags, mode);
}
int open64(const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	REAL(int, open64, const char *, int, ...);
	FAIL_IF("open", AT_FDCWD, path, -1);
	return real_open64(path, flags, mode);
}
int openat(int dirfd, const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	REAL(int, openat, int, const char *, int, ...);
	FAIL_IF("open", dirfd, path, -1);
	return real_openat(dirfd, path, flags, mode);
}
int openat64(int dirfd, const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	REAL(int, openat64, int, const char *, int, ...);
	FAIL_IF("open", dirfd, path, -1);
	return real_openat64(dirfd, path, flags, mode);
}

/* openat2 has no glibc wrapper: capgate calls syscall(SYS_openat2, ...) */
long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	REAL(long, syscall, long, ...);
	if (nr == SYS_openat2) {
		/* openat2(int dirfd, const char *path, ...): read them again as the caller passed them */
		va_start(ap, nr);
		int dfd = va_arg(ap, int);
		const char *path = va_arg(ap, const char *);
		va_end(ap);
		FAIL_IF("open", dfd, path, -1);
	}
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ---- data ---- */
ssize_t read(int fd, void *buf, size_t n)
{
	REAL(ssize_t, read, int, void *, size_t);
	int e = fault_for("read", fd, NULL);
	if (e > 0) {
		errno = e;
		return -1;
	}
	if (e == 0 && n > 1)
		n = 1;
	return real_read(fd, buf, n);
}
ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	REAL(ssize_t, pread, int, void *, size_t, off_t);
	int e = fault_for("read", fd, NULL);
	if (e > 0) {
		errno = e;
		return -1;
	}
	if (e == 0 && n > 1)
		n = 1;
	return real_pread(fd, buf, n, off);
}
ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, int, const void *, size_t);
	FAIL_IF("write", fd, NULL, -1);
	return real_write(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(ssize_t, pwrite, int, const void *, size_t, off_t);
	FAIL_IF("write", fd, NULL, -1);
	return real_pwrite(fd, buf, n, off);
}
int fsync(int fd)
{
	REAL(int, fsync, int);
	FAIL_IF("fsync", fd, NULL, -1);
	return real_fsync(fd);
}
int fdatasync(int fd)
{
	REAL(int, fdatasync, int);
	FAIL_IF("fsync", fd, NULL, -1);
	return real_fdatasync(fd);
}
int ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, int, off_t);
	FAIL_IF("truncate", fd, NULL, -1);
	return real_ftruncate(fd, len);
}

/* ---- names ---- */
int rename(const char *a, const char *b)
{
	REAL(int, rename, const char *, const char *);
	FAIL_IF("rename", AT_FDCWD, b, -1);
	return real_rename(a, b);
}
int renameat(int da, const char *a, int db, const char *b)
{
	REAL(int, renameat, int, const char *, int, const char *);
	FAIL_IF("rename", db, b, -1);
	return real_renameat(da, a, db, b);
}
int renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
	REAL(int, renameat2, int, const char *, int, const char *, unsigned);
	FAIL_IF("rename", db, b, -1);
	return real_renameat2(da, a, db, b, flags);
}
int unlink(const char *p)
{
	REAL(int, unlink, const char *);
	FAIL_IF("unlink", AT_FDCWD, p, -1);
	return real_unlink(p);
}
int unlinkat(int d, const char *p, int flags)
{
	REAL(int, unlinkat, int, const char *, int);
	FAIL_IF("unlink", d, p, -1);
	return real_unlinkat(d, p, flags);
}
int mkdirat(int d, const char *p, mode_t m)
{
	REAL(int, mkdirat, int, const char *, mode_t);
	FAIL_IF("mkdir", d, p, -1);
	return real_mkdirat(d, p, m);
}
int linkat(int da, const char *a, int db, const char *b, int flags)
{
	REAL(int, linkat, int, const char *, int, const char *, int);
	FAIL_IF("link", db, b, -1);
	return real_linkat(da, a, db, b, flags);
}
int fchmod(int fd, mode_t m)
{
	REAL(int, fchmod, int, mode_t);
	FAIL_IF("chmod", fd, NULL, -1);
	return real_fchmod(fd, m);
}
int fchmodat(int d, const char *p, mode_t m, int flags)
{
	REAL(int, fchmodat, int, const char *, mode_t, int);
	FAIL_IF("chmod", d, p, -1);
	return real_fchmodat(d, p, m, flags);
}
int fsetxattr(int fd, const char *name, const void *v, size_t n, int flags)
{
	REAL(int, fsetxattr, int, const char *, const void *, size_t, int);
	FAIL_IF("xattr", fd, NULL, -1);
	return real_fsetxattr(fd, name, v, n, flags);
}
int fchown(int fd, uid_t u, gid_t g)
{
	REAL(int, fchown, int, uid_t, gid_t);
	FAIL_IF("chown", fd, NULL, -1);
	return real_fchown(fd, u, g);
}
int fchownat(int d, const char *p, uid_t u, gid_t g, int flags)
{
	REAL(int, fchownat, int, const char *, uid_t, gid_t, int);
	FAIL_IF("chown", d, p, -1);
	return real_fchownat(d, p, u, g, flags);
}

/* ---- metadata and directories ---- */
int fstatat(int d, const char *p, struct stat *st, int flags)
{
	REAL(int, fstatat, int, const char *, struct stat *, int);
	FAIL_IF("stat", d, p, -1);
	return real_fstatat(d, p, st, flags);
}
int fstatat64(int d, const char *p, struct stat64 *st, int flags)
{
	REAL(int, fstatat64, int, const char *, struct stat64 *, int);
	FAIL_IF("stat", d, p, -1);
	return real_fstatat64(d, p, st, flags);
}
int fstat(int fd, struct stat *st)
{
	REAL(int, fstat, int, struct stat *);
	FAIL_IF("stat", fd, NULL, -1);
	return real_fstat(fd, st);
}
int fstat64(int fd, struct stat64 *st)
{
	REAL(int, fstat64, int, struct stat64 *);
	FAIL_IF("stat", fd, NULL, -1);
	return real_fstat64(fd, st);
}
struct dirent *readdir(DIR *d)
{
	REAL(struct dirent *, readdir, DIR *);
	FAIL_IF("readdir", dirfd(d), NULL, NULL);
	return real_readdir(d);
}
struct dirent64 *readdir64(DIR *d)
{
	REAL(struct dirent64 *, readdir64, DIR *);
	FAIL_IF("readdir", dirfd(d), NULL, NULL);
	return real_readdir64(d);
}
