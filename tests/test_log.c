/* SPDX-License-Identifier: Apache-2.0 */
/* log.*, audit.*, agent.*: journald Storage= in drop-in order, rsyslog listeners, auditd and its
 * rules, the Azure agent, Defender onboarding, AppArmor. */
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\nVersion: 12\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(journald)
{
	HS_STATUS(root, "log.journald-persistent", NULL, CG_FAIL); /* auto, no /var/log/journal */
	tu_mkdir(root, "var/log/journal", 02755);
	HS_STATUS(root, "log.journald-persistent", NULL, CG_PASS);
	tu_write(root, "usr/lib/systemd/journald.conf.d/10-vendor.conf", "[Journal]\nStorage=volatile\n", 0644);
	HS_STATUS(root, "log.journald-persistent", NULL, CG_FAIL);
	HS_STATUS(root, "log.syslog", NULL, CG_FAIL);
	tu_write(root, "etc/systemd/journald.conf.d/10-vendor.conf", "[Journal]\nStorage=persistent\n", 0644); /* masks it */
	HS_STATUS(root, "log.journald-persistent", NULL, CG_PASS);
	HS_STATUS(root, "log.syslog", NULL, CG_PASS);
}
END_TEST

START_TEST(rsyslog_and_audit)
{
	tu_write(root, "etc/rsyslog.conf", "#module(load=\"imtcp\")\nmodule(load=\"imuxsock\")\n", 0644);
	HS_STATUS(root, "log.no-remote-listen", NULL, CG_PASS);
	tu_write(root, "etc/rsyslog.d/50-net.conf", "$ModLoad imudp\n$UDPServerRun 514\n", 0644);
	HS_STATUS(root, "log.no-remote-listen", NULL, CG_FAIL);

	HS_STATUS(root, "audit.auditd", NULL, CG_FAIL);
	tu_write(root, "var/lib/dpkg/status", "Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9\n", 0644);
	tu_write(root, "usr/lib/systemd/system/auditd.service", "[Service]\nExecStart=/sbin/auditd\n[Install]\nWantedBy=multi-user.target\n", 0644);
	HS_STATUS(root, "audit.auditd", NULL, CG_FAIL); /* not enabled */
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/auditd.service", "/usr/lib/systemd/system/auditd.service");
	HS_STATUS(root, "audit.auditd", NULL, CG_PASS);
	tu_write(root, "etc/audit/rules.d/cis.rules", "-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n"
		 "-w /etc/sudoers -p wa -k scope\n-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time\n"
		 "#-a always,exit -S init_module\n", 0644);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "audit.rules", NULL);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert(hs_has_rule(r, "init_module"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(agents)
{
	HS_STATUS(root, "agent.provisioning", NULL, CG_FAIL);
	tu_write(root, "var/lib/dpkg/status", "Package: cloud-init\nStatus: install ok installed\nVersion: 22.4\n\n"
		 "Package: apparmor\nStatus: install ok installed\nVersion: 3.0.8\n", 0644);
	tu_write(root, "usr/lib/systemd/system/cloud-init.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=cloud-init.target\n", 0644);
	tu_symlink(root, "etc/systemd/system/cloud-init.target.wants/cloud-init.service", "/usr/lib/systemd/system/cloud-init.service");
	tu_write(root, "etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ NoCloud, None ]\n", 0644);
	HS_STATUS(root, "agent.provisioning", NULL, CG_FAIL); /* Azure left out of the list */
	tu_write(root, "etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ Azure ]\n", 0644);
	HS_STATUS(root, "agent.provisioning", NULL, CG_PASS);

	HS_STATUS(root, "agent.mac", NULL, CG_PASS);
	tu_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet apparmor=0\"\n", 0644);
	HS_STATUS(root, "agent.mac", NULL, CG_FAIL);

	HS_STATUS(root, "agent.mde", NULL, CG_PASS);
	tu_write(root, "etc/opt/microsoft/mdatp/mdatp_onboard.json", "{}", 0600);
	HS_STATUS(root, "agent.mde", NULL, CG_FAIL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, journald);
	tcase_add_test(tc, rsyslog_and_audit);
	tcase_add_test(tc, agents);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
