/* SPDX-License-Identifier: Apache-2.0 */
/* LD_PRELOAD for the removal-race scenario: on the Nth unlinkat() the process makes, first rename
 * CAPGATE_RACE_FROM to CAPGATE_RACE_TO (once), so the rename lands at an exact point of a tree
 * removal, the same point every run. With CAPGATE_RACE_UID the rename is made by a child that
 * drops to that uid and gid (the unprivileged racer). CAPGATE_RACE_LOG gets "renamed" or the error. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void race_log(const char *what)
{
	const char *log = getenv("CAPGATE_RACE_LOG");
	FILE *f = log ? fopen(log, "a") : NULL;

	if (f) {
		fprintf(f, "%s\n", what);
		fclose(f);
	}
}

static void race_rename(void)
{
	const char *from = getenv("CAPGATE_RACE_FROM"), *to = getenv("CAPGATE_RACE_TO");
	const char *uid = getenv("CAPGATE_RACE_UID");
	int rc;

	if (!from || !to)
		return;
	if (!uid) {
		rc = rename(from, to) == 0 ? 0 : errno;
	} else {
		pid_t pid = fork();
		int status = 0;
		if (pid == 0) {
			gid_t g = (gid_t)strtoul(uid, NULL, 10);
			if (setgroups(0, NULL) < 0 || setresgid(g, g, g) < 0 || setresuid((uid_t)g, (uid_t)g, (uid_t)g) < 0)
				_exit(126);
			_exit(rename(from, to) == 0 ? 0 : errno);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			rc = EAGAIN;
		else
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
	}
	race_log(rc == 0 ? "renamed" : rc == 126 ? "cannot drop privileges" : strerror(rc));
}

int unlinkat(int dfd, const char *name, int flags)
{
	static int (*real)(int, const char *, int);
	static long count, nth = -1;

	if (!real)
		real = (int (*)(int, const char *, int))dlsym(RTLD_NEXT, "unlinkat");
	if (nth < 0) {
		const char *n = getenv("CAPGATE_RACE_NTH");
		nth = n ? strtol(n, NULL, 10) : 0;
	}
	if (++count == nth)
		race_rename();
	return real(dfd, name, flags);
}
