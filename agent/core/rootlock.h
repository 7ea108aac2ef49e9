/* SPDX-License-Identifier: Apache-2.0 */
/* One fix per root (DESIGN.md, "One fix at a time per root"): an flock(2) on a file in the runtime
 * directory named after the root's device and inode, holding the holder's pid; removed by the holder
 * on release, so no file outlives its fix. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

struct rootlock {
	int fd;     /* -1: not held */
	char *path; /* RUNTIME/fix-DEV-INO.lock */
};

/* The runtime directory: RUNTIME if given, else $CAPGATE_RUNTIME_DIR, else /run/capgate. */
const char *rootlock_runtime_dir(const char *runtime);
/* Take the lock for the root directory ROOT_FD. TIMEOUT_MS: 0 try once, < 0 wait as long as it
 * takes. WAITING (may be NULL) is called once with the holder's pid (0: unknown) before waiting.
 * 0, or -EWOULDBLOCK on timeout with *HOLDER set (may be NULL), or -errno. */
int rootlock_acquire(struct rootlock *l, int root_fd, const char *runtime, long timeout_ms,
		     void (*waiting)(pid_t holder, void *userdata), void *userdata, pid_t *holder);
void rootlock_release(struct rootlock *l);
