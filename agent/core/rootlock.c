/* SPDX-License-Identifier: Apache-2.0 */
/* The per-root lock of fix and run; the daemon takes the same one (DESIGN.md). */
#include "rootlock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

const char *rootlock_runtime_dir(const char *runtime)
{
	const char *env = getenv("CAPGATE_RUNTIME_DIR");

	if (runtime && *runtime)
		return runtime;
	return env && *env ? env : "/run/capgate";
}

int rootlock_acquire(struct rootlock *l, int root_fd, const char *runtime, long timeout_ms,
		     void (*waiting)(pid_t holder, void *userdata), void *userdata, pid_t *holder)
{
	const char *dir = rootlock_runtime_dir(runtime);
	unsigned long long deadline = timeout_ms > 0 ? util_now_ms() + (unsigned long long)timeout_ms : 0;
	struct stat st;
	bool told = false;
	int fd;

	*l = (struct rootlock){.fd = -1};
	if (fstat(root_fd, &st) < 0)
		return -errno;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	l->path = xasprintf("%s/fix-%llx-%llx.lock", dir, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	for (;;) {
		struct stat pst;
		fd = open(l->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			int r = fd < 0 ? -errno : -EINVAL;
			if (fd >= 0)
				close(fd);
			free(l->path);
			l->path = NULL;
			return r;
		}
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			pid_t h;
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				int r = -errno;
				close(fd);
				free(l->path);
				l->path = NULL;
				return r;
			}
			h = util_lockfile_holder(fd);
			if (holder)
				*holder = h;
			if (timeout_ms == 0 || (deadline && util_now_ms() >= deadline)) {
				close(fd);
				free(l->path);
				l->path = NULL;
				return -EWOULDBLOCK;
			}
			if (!told && waiting)
				waiting(h, userdata);
			told = true;
			nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
		}
		/* the holder before us removes the file when it is done: a lock on a removed file is
		 * no lock, so take the one at the path again */
		if (stat(l->path, &pst) == 0 && pst.st_dev == st.st_dev && pst.st_ino == st.st_ino)
			break;
		close(fd);
	}
	util_lockfile_mark(fd);
	l->fd = fd;
	return 0;
}

void rootlock_release(struct rootlock *l)
{
	if (l->fd >= 0) {
		/* removed while still held, so no runtime file outlives its fix; a waiter holding the
		 * old file sees it is gone and takes the path again */
		unlink(l->path);
		close(l->fd);
	}
	free(l->path);
	*l = (struct rootlock){.fd = -1};
}
