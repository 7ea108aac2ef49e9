/* SPDX-License-Identifier: Apache-2.0 */
/* sysctl.d: systemd-sysctl's file order (checked against `systemd-analyze cat-config --root`),
 * last assignment wins, explicit keys beat globs, /etc/sysctl.conf handling, key normalisation. */
#include <sys/stat.h>

#include "imgfile.h"
#include "sysctl.h"
#include "testutil.h"

static char *root;
static struct safefs fs;

static void setup(void)
{
	root = tu_scratch();
}

static void teardown(void)
{
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}

static void load(struct sysctl_conf *c)
{
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sysctl_load(&fs, c, NULL), 0);
}

static const char *val(const struct sysctl_conf *c, const char *key)
{
	const struct sysctl_entry *e = sysctl_lookup(c, key);
	return e ? e->value : NULL;
}

START_TEST(order_matches_systemd)
{
	struct sysctl_conf c;
	_cleanup_free_ char *out = NULL;
	struct strbuf want = {0};

	tu_write(root, "usr/lib/sysctl.d/10-x.conf", "net.ipv4.ip_forward = 0\n", 0644);
	tu_write(root, "etc/sysctl.d/10-x.conf", "net.ipv4.ip_forward=1\n", 0644);   /* same name: /etc wins */
	tu_write(root, "usr/lib/sysctl.d/90-z.conf", "kernel.kptr_restrict = 2\n", 0644); /* later name wins over /etc */
	tu_write(root, "etc/sysctl.d/20-a.conf", "kernel.kptr_restrict=0\nkernel.dmesg_restrict=1\n", 0644);
	tu_write(root, "usr/lib/sysctl.d/50-m.conf", "fs.suid_dumpable=2\n", 0644);
	tu_symlink(root, "etc/sysctl.d/50-m.conf", "/dev/null"); /* masked */
	tu_write(root, "usr/local/lib/sysctl.d/30-l.conf", "kernel.dmesg_restrict = 0\n", 0644);
	tu_write(root, "etc/sysctl.d/README", "not a .conf file = 1\n", 0644);
	load(&c);
	ck_assert_str_eq(val(&c, "net.ipv4.ip_forward"), "1");
	ck_assert_str_eq(sysctl_lookup(&c, "net.ipv4.ip_forward")->path, "/etc/sysctl.d/10-x.conf");
	ck_assert_str_eq(val(&c, "kernel.kptr_restrict"), "2");
	ck_assert_str_eq(val(&c, "kernel.dmesg_restrict"), "0");
	ck_assert_ptr_null(val(&c, "fs.suid_dumpable"));

	/* the real program's order: every file systemd-analyze lists with content, in order */
	const char *argv[] = {"systemd-analyze", "cat-config", "sysctl.d", NULL, NULL};
	_cleanup_free_ char *rootarg = xasprintf("--root=%s", root);
	argv[3] = rootarg;
	if (tu_run(argv, &out, NULL) != 0) {
		sysctl_free(&c);
		return; /* no systemd-analyze here: the assertions above still hold */
	}
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (startswith(l, "# ") && strstr(l, root) && !strstr(l, "50-m.conf"))
			strbuf_printf(&want, "%s\n", l + 2 + strlen(root));
	struct strbuf got = {0};
	for (size_t i = 0; i < c.files.n; i++)
		strbuf_printf(&got, "%s\n", c.files.v[i]);
	ck_assert_str_eq(got.buf, want.buf);
	strbuf_free(&got);
	strbuf_free(&want);
	sysctl_free(&c);
}
END_TEST

START_TEST(sysctl_conf_position)
{
	struct sysctl_conf c;

	/* not linked: read after every drop-in (procps `sysctl --system`) */
	tu_write(root, "etc/sysctl.conf", "net.ipv4.ip_forward=1\n", 0644);
	tu_write(root, "etc/sysctl.d/99-zz.conf", "net.ipv4.ip_forward=0\n", 0644);
	load(&c);
	ck_assert_str_eq(val(&c, "net.ipv4.ip_forward"), "1");
	ck_assert_str_eq(c.files.v[c.files.n - 1], "/etc/sysctl.conf");
	sysctl_free(&c);
	safefs_done(&fs);

	/* Debian's link: read at its place in name order, once */
	tu_symlink(root, "etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
	load(&c);
	ck_assert_str_eq(val(&c, "net.ipv4.ip_forward"), "0");
	ck_assert_uint_eq(c.files.n, 2);
	sysctl_free(&c);
}
END_TEST

START_TEST(globs_and_syntax)
{
	struct sysctl_conf c = {0};
	char text[] = "# comment\n; also a comment\n"
		      "net.ipv4.conf.all.rp_filter = 1\n"
		      "net.ipv4.conf.*.rp_filter = 2\n"
		      "-net.ipv4.conf.lo.rp_filter\n"
		      "net/ipv4/conf/eth0.100/log_martians = 1\n"
		      "-kernel.unknown_key = 5\n"
		      "kernel.core_pattern =  |/usr/bin/x   %p  \n"
		      "this line is garbage\n";

	sysctl_parse(&c, "/etc/sysctl.d/x.conf", text);
	ck_assert_str_eq(val(&c, "net.ipv4.conf.all.rp_filter"), "1"); /* explicit beats a later glob */
	ck_assert_str_eq(val(&c, "net.ipv4.conf.eth1.rp_filter"), "2");
	ck_assert_ptr_null(val(&c, "net.ipv4.conf.lo.rp_filter"));     /* "-key" exempts it */
	ck_assert_str_eq(val(&c, "net.ipv4.conf.eth0/100.log_martians"), "1");
	ck_assert(sysctl_lookup(&c, "kernel.unknown_key")->ignore_failure);
	ck_assert_str_eq(val(&c, "kernel.core_pattern"), "|/usr/bin/x %p");
	ck_assert_uint_eq(c.nproblems, 1);
	ck_assert_uint_eq(c.problems[0].line, 9);
	sysctl_free(&c);
}
END_TEST

START_TEST(dangling_and_missing)
{
	struct sysctl_conf c;

	tu_symlink(root, "etc/sysctl.d/10-gone.conf", "/nonexistent.conf");
	load(&c);
	ck_assert_uint_eq(c.files.n, 0);
	ck_assert_uint_eq(c.n, 0);
	sysctl_free(&c);
}
END_TEST

/* A drop-in that cannot be read is an error naming it: its settings are not "unset". */
START_TEST(unreadable_is_an_error)
{
	struct sysctl_conf c;
	char *where = NULL;

	tu_write(root, "etc/sysctl.d/10-fine.conf", "kernel.randomize_va_space = 2\n", 0644);
	tu_symlink(root, "etc/sysctl.d/50-loop.conf", "50-loop.conf");
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sysctl_load(&fs, &c, &where), -ELOOP);
	ck_assert_str_eq(where, "/etc/sysctl.d/50-loop.conf");
	ck_assert_uint_eq(c.n, 0); /* nothing half-loaded */
	free(where);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysctl");
	TCase *tc = tcase_create("sysctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, order_matches_systemd);
	tcase_add_test(tc, sysctl_conf_position);
	tcase_add_test(tc, globs_and_syntax);
	tcase_add_test(tc, dangling_and_missing);
	tcase_add_test(tc, unreadable_is_an_error);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
