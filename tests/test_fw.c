/* SPDX-License-Identifier: Apache-2.0 */
/* fw.*: nftables, iptables-persistent and ufw rule files, the units that load them, and the
 * Azure wireserver/IMDS reachability rule. */
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "usr/lib/systemd/system/nftables.service", "[Service]\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n"
		 "[Install]\nWantedBy=sysinit.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/netfilter-persistent.service", "[Service]\nExecStart=/x\n[Install]\n"
		 "WantedBy=multi-user.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/ufw.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=multi-user.target\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(nftables)
{
	/* Debian's stock nftables.conf: an input chain with no policy (accept) */
	tu_write(root, "etc/nftables.conf", "#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n"
		 "\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n"
		 "\tchain output {\n\t\ttype filter hook output priority filter;\n\t}\n}\n", 0755);
	HS_STATUS(root, "fw.present-enabled", NULL, CG_FAIL); /* installed but not enabled */
	tu_symlink(root, "etc/systemd/system/sysinit.target.wants/nftables.service", "/usr/lib/systemd/system/nftables.service");
	HS_STATUS(root, "fw.present-enabled", NULL, CG_PASS);
	HS_STATUS(root, "fw.default-deny", NULL, CG_FAIL);
	HS_STATUS(root, "fw.no-open-any-any", NULL, CG_PASS);
	HS_STATUS(root, "fw.azure-endpoints", NULL, CG_PASS); /* output accepts */
	tu_write(root, "etc/nftables.conf", "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n"
		 "\t\tct state established,related accept\n\t\ttcp dport 22 accept\n\t\taccept\n\t}\n"
		 "\tchain output {\n\t\ttype filter hook output priority 0; policy drop;\n\t\tip daddr 168.63.129.16 accept\n\t}\n}\n", 0644);
	HS_STATUS(root, "fw.default-deny", NULL, CG_PASS);
	HS_STATUS(root, "fw.no-open-any-any", NULL, CG_FAIL);  /* the bare "accept" */
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "fw.azure-endpoints", NULL);
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(hs_has_rule(r, "169.254.169.254") && !hs_has_rule(r, "168.63.129.16"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(iptables_and_ufw)
{
	tu_write(root, "etc/iptables/rules.v4", "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		 "-A INPUT -j ACCEPT\n-A OUTPUT -d 168.63.129.16/32 -j DROP\nCOMMIT\n", 0640);
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
		   "/usr/lib/systemd/system/netfilter-persistent.service");
	HS_STATUS(root, "fw.present-enabled", NULL, CG_PASS);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "fw.default-deny", NULL);
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/etc/iptables/rules.v4");
	ck_assert_uint_eq(r->findings[0].line, 2);
	tu_scan_free(&t);
	r = hs_scan(&t, root, "fw.no-open-any-any", NULL);
	ck_assert_uint_eq(r->findings[0].line, 5);
	tu_scan_free(&t);
	r = hs_scan(&t, root, "fw.azure-endpoints", NULL);
	ck_assert(hs_has_rule(r, "168.63.129.16")); /* dropped explicitly */
	tu_scan_free(&t);

	_cleanup_free_ char *ipt = tu_path(root, "etc/iptables");
	tu_rm_rf(ipt);
	tu_write(root, "etc/ufw/ufw.conf", "# ufw\nENABLED=yes\nLOGLEVEL=low\n", 0644);
	tu_write(root, "etc/default/ufw", "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n", 0644);
	tu_write(root, "etc/ufw/user.rules", "*filter\n### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in\n"
		 "-A ufw-user-input -j ACCEPT\nCOMMIT\n", 0640);
	HS_STATUS(root, "fw.present-enabled", NULL, CG_FAIL); /* ufw.service not enabled */
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/ufw.service", "/usr/lib/systemd/system/ufw.service");
	HS_STATUS(root, "fw.present-enabled", NULL, CG_PASS);
	HS_STATUS(root, "fw.default-deny", NULL, CG_PASS);
	HS_STATUS(root, "fw.no-open-any-any", NULL, CG_FAIL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fw");
	TCase *tc = tcase_create("fw");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nftables);
	tcase_add_test(tc, iptables_and_ufw);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
