/* token.c: mode 0600 files, strict reading, runtime dir rules. (Fresh tokens: scenario daemon_api.) */
#include <sys/stat.h>

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

int main(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	tcase_add_test(tc, token_file_round_trip);
	tcase_add_test(tc, runtime_dir_rules);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
