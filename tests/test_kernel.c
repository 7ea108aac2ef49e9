/* SPDX-License-Identifier: Apache-2.0 */
/* kernel.* and net.*: effective sysctl values with kernel defaults, the live runtime half (this
 * machine's /proc/sys, read-only), core limits, modules (never udf or vfat). */
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(sysctl_offline)
{
	HS_STATUS(root, "kernel.aslr", NULL, CG_PASS);        /* default 2 */
	HS_STATUS(root, "net.ip-forwarding", NULL, CG_PASS);  /* default 0 */
	HS_STATUS(root, "net.redirects", NULL, CG_FAIL);      /* defaults 1 */
	tu_write(root, "usr/lib/sysctl.d/50-x.conf", "net.ipv4.ip_forward = 1\nkernel.randomize_va_space=1\n", 0644);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "net.ip-forwarding", NULL);
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/usr/lib/sysctl.d/50-x.conf");
	ck_assert_uint_eq(r->findings[0].line, 1);
	tu_scan_free(&t);
	HS_STATUS(root, "net.ip-forwarding", "{\"hardening\": {\"allow_ip_forwarding\": true}}", CG_SKIP);
	tu_write(root, "etc/sysctl.d/99-fix.conf", "net.ipv4.ip_forward = 0\nkernel.randomize_va_space = 2\n", 0644);
	HS_STATUS(root, "net.ip-forwarding", NULL, CG_PASS);
	HS_STATUS(root, "kernel.aslr", NULL, CG_PASS);
	tu_write(root, "etc/sysctl.d/10-redirects.conf", "net.ipv4.conf.*.accept_redirects = 0\nnet.ipv4.conf.all.secure_redirects=0\n"
		 "net.ipv4.conf.default.secure_redirects=0\nnet.ipv4.conf.all.send_redirects=0\nnet.ipv4.conf.default.send_redirects=0\n"
		 "net.ipv6.conf.all.accept_redirects=0\nnet.ipv6.conf.default.accept_redirects=0\n", 0644);
	HS_STATUS(root, "net.redirects", NULL, CG_PASS);
	HS_STATUS(root, "kernel.sysctl-syntax", NULL, CG_PASS);
	tu_write(root, "etc/sysctl.d/20-typo.conf", "net.ipv4.ip_forward 0\n", 0644);
	const struct cg_result *r2 = hs_scan(&t, root, "kernel.sysctl-syntax", NULL);
	ck_assert_str_eq(r2->findings[0].path, "/etc/sysctl.d/20-typo.conf");
	ck_assert_uint_eq(r2->findings[0].line, 1);
	tu_scan_free(&t);
}
END_TEST

START_TEST(sysctl_live)
{
	/* live means the root is this machine: the check also reads /proc/sys, and says so */
	FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "re");
	char buf[8] = "";
	if (!f)
		return;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, "/", "net.ip-forwarding", NULL);
	ck_assert_str_eq(t.rep.mode, "live");
	bool runtime = false;
	for (size_t i = 0; i < r->nfindings; i++)
		runtime |= streq(r->findings[i].path, "/proc/sys/net/ipv4/ip_forward");
	ck_assert_msg(runtime == (buf[0] != '0'), "ip_forward is %s here", buf);
	ck_assert_int_ne(r->status, CG_ERROR);
	tu_scan_free(&t);
}
END_TEST

START_TEST(core_limits)
{
	HS_STATUS(root, "kernel.core-limits", NULL, CG_FAIL);
	tu_write(root, "etc/security/limits.d/10-core.conf", "*   hard   core   0\n", 0644);
	HS_STATUS(root, "kernel.core-limits", NULL, CG_PASS);
	tu_write(root, "var/lib/dpkg/status", "Package: systemd-coredump\nStatus: install ok installed\nVersion: 252\n", 0644);
	HS_STATUS(root, "kernel.core-limits", NULL, CG_FAIL);
	tu_write(root, "etc/systemd/coredump.conf.d/none.conf", "[Coredump]\nStorage=none\n", 0644);
	HS_STATUS(root, "kernel.core-limits", NULL, CG_PASS);
}
END_TEST

START_TEST(modules)
{
	HS_STATUS(root, "kernel.unused-modules", NULL, CG_SKIP); /* no kernel */
	tu_write(root, "lib/modules/6.1.0-1-amd64/modules.dep",
		 "kernel/fs/cramfs/cramfs.ko.xz:\nkernel/net/sctp/sctp.ko.xz: kernel/lib/libcrc32c.ko.xz\n"
		 "kernel/fs/udf/udf.ko.xz:\nkernel/fs/fat/vfat.ko.xz:\nkernel/fs/squashfs/squashfs.ko.xz:\n", 0644);
	tu_write(root, "etc/modprobe.d/cis.conf", "install cramfs /bin/false\nblacklist sctp\n", 0644);
	struct tu_scan t;
	const char *cfg = "{\"hardening\": {\"disable_modules\": [\"udf\", \"vfat\", \"squashfs\"]}}";
	const struct cg_result *r = hs_scan(&t, root, "kernel.unused-modules", cfg);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(hs_has_rule(r, "sctp") && hs_has_rule(r, "squashfs"));
	ck_assert(!hs_has_rule(r, "udf") && !hs_has_rule(r, "vfat") && !hs_has_rule(r, "cramfs"));
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("kernel");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sysctl_offline);
	tcase_add_test(tc, sysctl_live);
	tcase_add_test(tc, core_limits);
	tcase_add_test(tc, modules);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
