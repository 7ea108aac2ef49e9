/* Bearer token files: stored 0600, read strictly, compared in constant time. (The token itself
 * is made by `capgate daemon` with OpenSSL's RNG; this file stays free of OpenSSL so the small
 * capgate-daemon server does not load it.) */
#include "token.h"

#include <fcntl.h>
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

int token_prepare_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* someone else able to write here could swap the token file */
	if (st.st_mode & 022 || st.st_uid != geteuid())
		return -EPERM;
	return 0;
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
	_cleanup_free_ char *path = xasprintf("%s/token", dir);
	char buf[TOKEN_HEX + 2];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return -errno;
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
