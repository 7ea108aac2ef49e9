/* SPDX-License-Identifier: Apache-2.0 */
/* token.c: mode 0600 files, strict reading, runtime dir rules. (Fresh tokens: scenario daemon_api.) */
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"
#include "token.h"

START_TEST(token_file_round_trip)
{
	_cleanup_free_ char *dir = tu_scratch();
	_cleanup_free_ char *path = tu_path(dir, "token");
	char t[TOKEN_HEX + 1], back[TOKEN_HEX + 1];
	struct stat st;

	ck_assert_int_eq(token_read(dir, back), -ENOENT);
	memset(t, 'a', TOKEN_HEX);
	t[TOKEN_HEX] = '\0';
	t[5] = '7';
	ck_assert_int_eq(token_write_file(dir, "token", t), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(token_read(dir, back), 0);
	ck_assert_str_eq(back, t);
	/* a trailing newline (an admin's editor) is fine; anything else is not a token */
	_cleanup_free_ char *nl = xasprintf("%s\n", t);
	tu_write(dir, "token", nl, 0600);
	ck_assert_int_eq(token_read(dir, back), 0);
	tu_write(dir, "token", "short", 0600);
	ck_assert_int_eq(token_read(dir, back), -EBADMSG);
	_cleanup_free_ char *upper = xstrdup(t);
	upper[3] = 'G';
	tu_write(dir, "token", upper, 0600);
	ck_assert_int_eq(token_read(dir, back), -EBADMSG);
	/* a symlink in its place is not followed */
	unlink(path);
	tu_symlink(dir, "token", "/etc/hostname");
	ck_assert_int_eq(token_read(dir, back), -ELOOP);
	tu_rm_rf(dir);
}
END_TEST

START_TEST(runtime_dir_rules)
{
	_cleanup_free_ char *dir = tu_scratch();
	_cleanup_free_ char *sub = tu_path(dir, "rt");
	struct stat st;

	ck_assert_int_eq(token_prepare_dir(sub), 0);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	chmod(sub, 0777);
	ck_assert_int_eq(token_prepare_dir(sub), -EPERM);

	unsetenv("CAPGATE_RUNTIME_DIR");
	unsetenv("RUNTIME_DIRECTORY");
	ck_assert_str_eq(token_runtime_dir(NULL, NULL), TOKEN_DEFAULT_RUNTIME_DIR);
	ck_assert_str_eq(token_runtime_dir(NULL, "/cfg"), "/cfg");
	setenv("RUNTIME_DIRECTORY", "/run/sd", 1);
	ck_assert_str_eq(token_runtime_dir(NULL, NULL), "/run/sd");
	setenv("CAPGATE_RUNTIME_DIR", "/env", 1);
	ck_assert_str_eq(token_runtime_dir(NULL, "/cfg"), "/env");
	ck_assert_str_eq(token_runtime_dir("/flag", "/cfg"), "/flag");
	unsetenv("CAPGATE_RUNTIME_DIR");
	unsetenv("RUNTIME_DIRECTORY");
	tu_rm_rf(dir);
}
END_TEST

/* The one trust rule, as `capgate wait` applies it: dir 0700 ours or root's, files 0600 of the
 * dir's owner, a living pid with its start time; anything else gives no token. */
START_TEST(trust_rule)
{
	_cleanup_free_ char *dir = tu_scratch();
	_cleanup_free_ char *rt = tu_path(dir, "rt");
	_cleanup_free_ char *tokpath = tu_path(rt, "token");
	char url[256], tok[TOKEN_HEX + 1], *why = NULL;
	uid_t owner;
	pid_t pid;

	ck_assert_int_eq(token_prepare_dir(rt), 0);
	ck_assert_int_eq(token_check_dir(rt, &owner), 0);
	ck_assert_uint_eq(owner, geteuid());
	/* no pid file: not trusted, nothing read */
	ck_assert_int_eq(token_trust_runtime(rt, url, sizeof url, tok, &why), -ENOENT);
	ck_assert(strstr(why, "pid") != NULL);
	free(why);
	why = NULL;
	ck_assert_int_eq(token_write_pid(rt, getpid()), 0);
	ck_assert_int_eq(token_check_pid(rt, owner, &pid), 0);
	ck_assert_int_eq(pid, getpid());
	ck_assert_int_eq(token_write_file(rt, "url", "http://127.0.0.1:7463\n"), 0);
	_cleanup_free_ char *t = xasprintf("%064d", 3);
	ck_assert_int_eq(token_write_file(rt, "token", t), 0);
	ck_assert_int_eq(token_trust_runtime(rt, url, sizeof url, tok, &why), 0);
	ck_assert_str_eq(url, "http://127.0.0.1:7463");
	ck_assert_str_eq(tok, t);

	/* a token readable by others is not believed (by the daemon either: token_read) */
	chmod(tokpath, 0644);
	ck_assert_int_eq(token_read(rt, tok), -EPERM);
	ck_assert_int_eq(token_trust_runtime(rt, url, sizeof url, tok, &why), -EPERM);
	free(why);
	why = NULL;
	chmod(tokpath, 0600);
	/* a file of another owner */
	ck_assert_int_eq(chown(tokpath, 65534, 65534), 0);
	ck_assert_int_eq(token_read(rt, tok), -EPERM);
	ck_assert_int_eq(chown(tokpath, 0, 0), 0);
	/* a dir others can enter, or another user's */
	chmod(rt, 0711);
	ck_assert_int_eq(token_check_dir(rt, NULL), -EPERM);
	ck_assert_int_eq(token_read(rt, tok), -EPERM);
	chmod(rt, 0700);
	ck_assert_int_eq(chown(rt, 65534, 65534), 0);
	ck_assert_int_eq(token_check_dir(rt, NULL), -EPERM);
	ck_assert_int_eq(token_trust_runtime(rt, url, sizeof url, tok, &why), -EPERM);
	free(why);
	why = NULL;
	ck_assert_int_eq(chown(rt, 0, 0), 0);
	/* a stale pid: a process that is gone, or our pid with another start time (recycled) */
	{
		pid_t child = fork();
		if (child == 0) {
			/* exec rather than _exit: under valgrind a bare child would leak-check our heap */
			execl("/bin/true", "true", (char *)NULL);
			_exit(0);
		}
		ck_assert_int_gt(child, 0);
		ck_assert_int_eq(waitpid(child, NULL, 0), child);
		_cleanup_free_ char *dead = xasprintf("%d 1\n", (int)child);
		ck_assert_int_eq(token_write_file(rt, "pid", dead), 0);
		ck_assert_int_eq(token_check_pid(rt, owner, NULL), -ESRCH);
		ck_assert_int_eq(token_trust_runtime(rt, url, sizeof url, tok, &why), -ESRCH);
		ck_assert(strstr(why, "gone") != NULL);
		free(why);
		why = NULL;
		_cleanup_free_ char *recycled = xasprintf("%d 1\n", (int)getpid());
		ck_assert_int_eq(token_write_file(rt, "pid", recycled), 0);
		ck_assert_int_eq(token_check_pid(rt, owner, NULL), -ESRCH);
	}
	token_remove_files(rt);
	ck_assert_int_eq(access(tokpath, F_OK), -1);
	tu_rm_rf(dir);
}
END_TEST

START_TEST(local_urls)
{
	static const char *const local[] = {"unix:/run/capgate/api.sock", "http://127.0.0.1:7463", "http://127.9.9.9:1/x",
					    "http://[::1]:7463", "http://localhost:7463", "https://LOCALHOST/"};
	static const char *const remote[] = {"http://192.0.2.1:7463", "http://127.0.0.1@192.0.2.1:7463",
					     "http://[2001:db8::1]:80", "http://127.0.0.1.example.com/", "ftp://127.0.0.1/",
					     "http://0.0.0.0:7463", "http://:7463"};
	for (size_t i = 0; i < ELEMENTSOF(local); i++)
		ck_assert_msg(util_url_is_local(local[i]), "%s", local[i]);
	for (size_t i = 0; i < ELEMENTSOF(remote); i++)
		ck_assert_msg(!util_url_is_local(remote[i]), "%s", remote[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	tcase_add_test(tc, token_file_round_trip);
	tcase_add_test(tc, runtime_dir_rules);
	tcase_add_test(tc, trust_rule);
	tcase_add_test(tc, local_urls);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
