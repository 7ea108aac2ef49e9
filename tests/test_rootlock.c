/* SPDX-License-Identifier: Apache-2.0 */
/* rootlock: one fix per root; a second taker waits or is told the holder's pid. */
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fixture.h"
#include "rootlock.h"

static struct fixture fx;
static char *run;
static int root_fd = -1;

static void setup(void)
{
	fixture_init(&fx);
	run = xasprintf("%s/run", fx.outside);
	root_fd = open(fx.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
}

static void teardown(void)
{
	close(root_fd);
	free(run);
	fixture_done(&fx);
}

/* in a child (flock locks belong to the open file, so a second open in this process would do,
 * but a child is what a second fix is): 0 taken, 1 refused and the holder named, 2 other */
static int child_try(long timeout_ms, pid_t want_holder)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct rootlock l;
		pid_t holder = 0;
		int r = rootlock_acquire(&l, root_fd, run, timeout_ms, NULL, NULL, &holder);
		if (r == 0) {
			rootlock_release(&l);
			_exit(0);
		}
		_exit(r == -EWOULDBLOCK && holder == want_holder ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

START_TEST(second_taker_is_told_the_holder)
{
	struct rootlock l;
	ck_assert_int_eq(rootlock_acquire(&l, root_fd, run, 0, NULL, NULL, NULL), 0);
	/* the file is named after the root's device and inode, in the runtime directory */
	struct stat st;
	ck_assert_int_eq(fstat(root_fd, &st), 0);
	_cleanup_free_ char *want = xasprintf("%s/fix-%llx-%llx.lock", run, (unsigned long long)st.st_dev,
					      (unsigned long long)st.st_ino);
	ck_assert_str_eq(l.path, want);
	ck_assert_int_eq(child_try(0, getpid()), 1);
	ck_assert_int_eq(child_try(100, getpid()), 1); /* a timeout, then the same answer */
	rootlock_release(&l);
	ck_assert_int_eq(child_try(0, 0), 0);
	/* released and taken again */
	ck_assert_int_eq(rootlock_acquire(&l, root_fd, run, 0, NULL, NULL, NULL), 0);
	rootlock_release(&l);
	/* no lock file outlives its fix */
	ck_assert_int_eq(access(want, F_OK), -1);
}
END_TEST

START_TEST(a_symlink_at_the_lock_path_is_not_followed)
{
	struct stat st;
	ck_assert_int_eq(fstat(root_fd, &st), 0);
	ck_assert_int_eq(mkdir(run, 0755), 0);
	_cleanup_free_ char *lock = xasprintf("%s/fix-%llx-%llx.lock", run, (unsigned long long)st.st_dev,
					      (unsigned long long)st.st_ino);
	_cleanup_free_ char *target = xasprintf("%s/target", fx.outside);
	ck_assert_int_eq(symlink(target, lock), 0);
	struct rootlock l;
	ck_assert_int_eq(rootlock_acquire(&l, root_fd, run, 0, NULL, NULL, NULL), -ELOOP);
	ck_assert_int_eq(access(target, F_OK), -1);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {second_taker_is_told_the_holder, a_symlink_at_the_lock_path_is_not_followed};

	return fx_run("rootlock", setup, teardown, tests, ELEMENTSOF(tests));
}
