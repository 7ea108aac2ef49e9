/* SPDX-License-Identifier: Apache-2.0 */
/* daemon.c's listen addresses: loopback only, unix sockets, clear refusals. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "daemon.h"
#include "testutil.h"

START_TEST(loopback_addresses_parse)
{
	static const struct {
		const char *in, *host;
		unsigned port;
	} ok[] = {
		{"127.0.0.1:7463", "127.0.0.1", 7463}, {"127.1.2.3:1", "127.1.2.3", 1},
		{"localhost:80", "127.0.0.1", 80}, {"[::1]:8080", "::1", 8080}, {"127.0.0.1:0", "127.0.0.1", 0},
	};
	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		struct daemon_addr a;
		char *err = NULL;
		ck_assert_msg(daemon_parse_addr(ok[i].in, &a, &err) == 0, "%s: %s", ok[i].in, err);
		ck_assert(!a.is_unix);
		ck_assert_str_eq(a.host, ok[i].host);
		ck_assert_uint_eq(a.port, ok[i].port);
		daemon_addr_free(&a);
	}
	struct daemon_addr a;
	char *err = NULL;
	ck_assert_int_eq(daemon_parse_addr("unix:/run/capgate/api.sock", &a, &err), 0);
	ck_assert(a.is_unix);
	ck_assert_str_eq(a.path, "/run/capgate/api.sock");
	daemon_addr_free(&a);
}
END_TEST

START_TEST(everything_else_is_refused)
{
	static const struct {
		const char *in;
		int err;
		const char *says;
	} bad[] = {
		{"0.0.0.0:7463", -EADDRNOTAVAIL, "not a loopback"}, {"10.0.0.1:80", -EADDRNOTAVAIL, "not a loopback"},
		{"[::]:80", -EADDRNOTAVAIL, "not a loopback"}, {"[2001:db8::1]:80", -EADDRNOTAVAIL, "not a loopback"},
		{"example.org:80", -EINVAL, "numeric"}, {"127.0.0.1", -EINVAL, "expected"},
		{"127.0.0.1:70000", -EINVAL, "bad port"}, {"127.0.0.1:", -EINVAL, "bad port"},
		{"127.0.0.1:12x", -EINVAL, "bad port"}, {"unix:relative.sock", -EINVAL, "ABSOLUTE"},
		{"[::1]8080", -EINVAL, "expected"},
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct daemon_addr a;
		_cleanup_free_ char *err = NULL;
		ck_assert_msg(daemon_parse_addr(bad[i].in, &a, &err) == bad[i].err, "%s", bad[i].in);
		ck_assert_msg(err && strstr(err, bad[i].says) && strstr(err, bad[i].in), "%s: %s", bad[i].in, err);
	}
}
END_TEST

START_TEST(unix_socket_is_private_and_replaces_only_sockets)
{
	_cleanup_free_ char *dir = tu_scratch();
	_cleanup_free_ char *path = tu_path(dir, "api.sock");
	_cleanup_free_ char *spec = xasprintf("unix:%s", path);
	struct daemon_addr a;
	struct stat st;
	char *err = NULL;
	int fd;

	ck_assert_int_eq(daemon_parse_addr(spec, &a, &err), 0);
	fd = daemon_listen(&a);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	close(fd);
	/* a stale socket is replaced */
	fd = daemon_listen(&a);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* a regular file in its place is left alone */
	unlink(path);
	tu_write(dir, "api.sock", "keep me", 0644);
	ck_assert_int_eq(daemon_listen(&a), -EEXIST);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	daemon_addr_free(&a);
	tu_rm_rf(dir);
}
END_TEST

/* A socket systemd passes is judged like --listen: loopback and unix sockets only. */
START_TEST(passed_socket_must_be_local)
{
	struct daemon_addr a;
	char *err = NULL;
	int fd;

	ck_assert_int_eq(daemon_parse_addr("127.0.0.1:0", &a, &err), 0);
	fd = daemon_listen(&a);
	ck_assert_int_ge(fd, 0);
	ck_assert(daemon_fd_is_local(fd));
	close(fd);
	daemon_addr_free(&a);

	/* what a drop-in ListenStream=PORT gives: all addresses */
	struct sockaddr_in any = {.sin_family = AF_INET};
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&any, sizeof any), 0);
	ck_assert(!daemon_fd_is_local(fd));
	close(fd);
	struct sockaddr_in6 any6 = {.sin6_family = AF_INET6};
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (bind(fd, (struct sockaddr *)&any6, sizeof any6) == 0)
			ck_assert(!daemon_fd_is_local(fd));
		close(fd);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(daemon_fd_is_local(fd));
	close(fd);
	ck_assert(!daemon_fd_is_local(-1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("addr");
	tcase_add_test(tc, loopback_addresses_parse);
	tcase_add_test(tc, everything_else_is_refused);
	tcase_add_test(tc, unix_socket_is_private_and_replaces_only_sockets);
	tcase_add_test(tc, passed_socket_must_be_local);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
