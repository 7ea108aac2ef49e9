/* SPDX-License-Identifier: Apache-2.0 */
/* The per-root lock: flock on DIR/root-DEV-INO.lock. */
#include "runlock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "util.h"

char *runlock_path(const char *dir, const char *root)
{
	struct stat st;

	if (stat(root, &st) < 0)
		return NULL;
	return xasprintf("%s/root-%llx-%llx.lock", dir, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

/* An fd we inherited that is already this lock (same file), or -1. */
static int inherited(const char *path)
{
	const char *env = getenv("CAPGATE_ROOTLOCK_FD");
	struct stat a, b;
	char *end;
	long fd;

	if (!env || !*env)
		return -1;
	errno = 0;
	fd = strtol(env, &end, 10);
	if (errno || *end || fd < 3 || fd > 65535)
		return -1;
	if (fstat((int)fd, &a) < 0 || stat(path, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return -1;
	return (int)fd;
}

int runlock_acquire(const char *dir, const char *root, pid_t *holder)
{
	_cleanup_free_ char *path = runlock_path(dir, root);
	struct stat st;
	int fd, r;

	if (holder)
		*holder = 0;
	if (!path)
		return -errno;
	if ((fd = inherited(path)) >= 0)
		return fd;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (r == -EBUSY && holder)
			*holder = util_lockfile_holder(fd);
		close(fd);
		return r;
	}
	util_lockfile_mark(fd);
	return fd;
}

void runlock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
