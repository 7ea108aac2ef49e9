/* SPDX-License-Identifier: Apache-2.0 */
/* One daemon run per image root on this host, across daemon restarts: an flock on a file in the
 * runtime directory named by the root's st_dev and st_ino (the same tree under two paths is one
 * lock). The holder's pid is written into the file so a refusal can name it. A run that fixes also
 * takes the fix lock (agent/core/rootlock.h) like any `capgate fix`, so a daemon run and a fix at
 * the shell never act on one root at once. */
#pragma once
#include <sys/types.h>

/* Take the lock for ROOT in DIR without waiting. Returns the lock's fd (close it, or
 * runlock_release, to let go; it is inherited by children that keep it open), -EBUSY with
 * *HOLDER set (0 when unknown) when another process holds it, or -errno. If the environment names
 * an inherited lock on the same file (CAPGATE_ROOTLOCK_FD, set by the daemon for its runs), that
 * fd is returned: the parent already holds the lock for us. */
int runlock_acquire(const char *dir, const char *root, pid_t *holder);
void runlock_release(int fd);
/* The lock file's path for ROOT in DIR (malloc'd), or NULL when ROOT cannot be stat'ed. */
char *runlock_path(const char *dir, const char *root);
