/* SPDX-License-Identifier: Apache-2.0 */
/* Bearer token files: stored 0600, read strictly, compared in constant time. (The token itself
 * is made by `capgate daemon` with OpenSSL's RNG; this file stays free of OpenSSL so the small
 * capgate-daemon server does not load it.) */
#include "token.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util.h"

const char *token_runtime_dir(const char *flag, const char *configured)
{
	const char *env = getenv("CAPGATE_RUNTIME_DIR");
	const char *sd = getenv("RUNTIME_DIRECTORY");

	if (flag && *flag)
		return flag;
	if (env && *env)
		return env;
	if (configured && *configured)
		return configured;
	/* systemd may list several directories separated by ':'; ours is the first */
	if (sd && *sd && !strchr(sd, ':'))
		return sd;
	return TOKEN_DEFAULT_RUNTIME_DIR;
}

static bool trusted_owner(uid_t uid)
{
	return uid == geteuid() || uid == 0;
}

int token_check_dir(const char *dir, uid_t *owner)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return S_ISLNK(st.st_mode) ? -EPERM : -ENOTDIR;
	/* someone else able to write here could swap the files; able to read, take the token */
	if (st.st_mode & 077 || !trusted_owner(st.st_uid))
		return -EPERM;
	if (owner)
		*owner = st.st_uid;
	return 0;
}

int token_prepare_dir(const char *dir)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return token_check_dir(dir, NULL);
}

ssize_t token_read_checked(const char *dir, const char *name, uid_t owner, char *buf, size_t size)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t off = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_uid != owner || st.st_mode & 077)
		return -EPERM;
	while (off + 1 < size) {
		ssize_t n = read(fd, buf + off, size - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	if (off + 1 >= size) {
		char extra;
		if (read(fd, &extra, 1) > 0)
			return -EFBIG;
	}
	return (ssize_t)off;
}

/* Field 22 of /proc/PID/stat (start time) and the owner of /proc/PID; -ESRCH when it is gone. */
static int proc_start(pid_t pid, unsigned long long *start, uid_t *uid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", (int)pid);
	char buf[1024];
	const char *p;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold spaces and parentheses; it ends at the last ')' */
	if (!p)
		return -EBADMSG;
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EBADMSG;
	*start = strtoull(p + 1, NULL, 10);
	*uid = st.st_uid;
	return 0;
}

int token_write_pid(const char *dir, pid_t pid)
{
	unsigned long long start;
	uid_t uid;
	_cleanup_free_ char *text = NULL;
	int r = proc_start(pid, &start, &uid);

	if (r < 0)
		return r;
	text = xasprintf("%d %llu\n", (int)pid, start);
	return token_write_file(dir, "pid", text);
}

int token_check_pid(const char *dir, uid_t owner, pid_t *pid)
{
	char buf[64] = "", *end;
	unsigned long long want, start = 0;
	long v;
	uid_t uid = 0;
	ssize_t n = token_read_checked(dir, "pid", owner, buf, sizeof buf);
	int r;

	if (n < 0)
		return (int)n;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end != ' ' || v <= 0 || v > INT32_MAX)
		return -EBADMSG;
	want = strtoull(end + 1, &end, 10);
	if (*end != '\n' && *end)
		return -EBADMSG;
	r = proc_start((pid_t)v, &start, &uid);
	if (r < 0)
		return r;
	/* the pid was recycled, or the process is not the directory owner's: not our daemon */
	if (start != want || uid != owner)
		return -ESRCH;
	if (pid)
		*pid = (pid_t)v;
	return 0;
}

int token_trust_runtime(const char *dir, char *url, size_t url_size, char token[TOKEN_HEX + 1], char **why)
{
	uid_t owner = 0; /* set by token_check_dir; gcc -O3 cannot see it */
	pid_t pid;
	ssize_t n;
	int r;

	r = token_check_dir(dir, &owner);
	if (r < 0) {
		*why = xasprintf("runtime directory '%s': %s", dir,
				 r == -EPERM ? "not ours: it must be a directory of mode 0700 owned by us or root" : strerror(-r));
		return r;
	}
	r = token_check_pid(dir, owner, &pid);
	if (r < 0) {
		*why = r == -ESRCH ? xasprintf("'%s/pid': the daemon that wrote it is gone (stale files)", dir)
		     : r == -EPERM ? xasprintf("'%s/pid': not owned by the directory's owner or not mode 0600", dir)
				   : xasprintf("'%s/pid': %s", dir, r == -EBADMSG ? "not a pid file" : strerror(-r));
		return r;
	}
	if (url) {
		n = token_read_checked(dir, "url", owner, url, url_size);
		if (n <= 0) {
			r = n < 0 ? (int)n : -EBADMSG;
			*why = xasprintf("'%s/url': %s", dir, r == -EPERM ? "not owned by the directory's owner or not mode 0600"
							     : r == -EBADMSG ? "empty" : strerror(-r));
			return r;
		}
		url[strcspn(url, "\n")] = '\0';
	}
	r = token_read(dir, token);
	if (r < 0) {
		*why = xasprintf("'%s/token': %s", dir, r == -EPERM ? "not owned by the directory's owner or not mode 0600"
						       : r == -EBADMSG ? "not a capgate token" : strerror(-r));
		return r;
	}
	/* the daemon may have stopped while we read: the pid file must still name it */
	if (token_check_pid(dir, owner, NULL) < 0) {
		token_wipe(token, TOKEN_HEX + 1);
		*why = xasprintf("'%s': the daemon (pid %d) stopped while its files were read", dir, (int)pid);
		return -ESRCH;
	}
	return 0;
}

void token_remove_files(const char *dir)
{
	static const char *const names[] = {"token", "url", "pid"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
	}
}

int token_write_file(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	size_t len = strlen(text), off = 0;
	int fd, r = 0;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0)
		r = -errno;
	while (r == 0 && off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			r = w < 0 ? -errno : -EIO;
		else
			off += (size_t)w;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int token_read(const char *dir, char out[TOKEN_HEX + 1])
{
	char buf[TOKEN_HEX + 3] = "";
	uid_t owner = 0; /* set by token_check_dir; gcc -O3 cannot see it */
	ssize_t n;
	int r;

	/* the same rule for the daemon and for `capgate wait`: our (or root's) 0700 dir, 0600 file */
	r = token_check_dir(dir, &owner);
	if (r < 0)
		return r;
	n = token_read_checked(dir, "token", owner, buf, sizeof buf);
	if (n == -EFBIG)
		n = TOKEN_HEX + 2;
	if (n < 0)
		return (int)n;
	/* exactly 64 hex digits, optionally followed by a newline */
	if (n < TOKEN_HEX || (n == TOKEN_HEX + 1 && buf[TOKEN_HEX] != '\n') || n > TOKEN_HEX + 1) {
		token_wipe(buf, sizeof buf);
		return -EBADMSG;
	}
	for (int i = 0; i < TOKEN_HEX; i++)
		if (!strchr("0123456789abcdef", buf[i]) || !buf[i]) {
			token_wipe(buf, sizeof buf);
			return -EBADMSG;
		}
	memcpy(out, buf, TOKEN_HEX);
	out[TOKEN_HEX] = '\0';
	token_wipe(buf, sizeof buf);
	return 0;
}

bool token_check_header(const char *token, const char *authorization)
{
	const char *given;

	if (!token || !authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
		return false;
	given = authorization + 7;
	while (*given == ' ')
		given++;
	/* the length is not secret (always 64); the content is compared without early exit */
	if (strlen(given) != TOKEN_HEX || strlen(token) != TOKEN_HEX)
		return false;
	volatile unsigned char diff = 0;
	for (size_t i = 0; i < TOKEN_HEX; i++)
		diff |= (unsigned char)(given[i] ^ token[i]);
	return diff == 0;
}

void token_wipe(char *token, size_t len)
{
	explicit_bzero(token, len);
}
