/* SPDX-License-Identifier: Apache-2.0 */
/* svc.*: packages, units enabled at boot (masked and allow-listed ones not), MTA interfaces. */
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "var/lib/dpkg/status", "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2\n", 0644);
	tu_write(root, "usr/lib/systemd/system/cups.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=multi-user.target\n", 0644);
	tu_write(root, "usr/lib/systemd/system/cups.socket", "[Socket]\nListenStream=631\n[Install]\nWantedBy=sockets.target\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(daemons)
{
	HS_STATUS(root, "svc.unneeded-daemons", NULL, CG_PASS);
	tu_symlink(root, "etc/systemd/system/sockets.target.wants/cups.socket", "/usr/lib/systemd/system/cups.socket");
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "svc.unneeded-daemons", NULL);
	ck_assert(hs_has_rule(r, "cups.socket") && !hs_has_rule(r, "cups.service"));
	tu_scan_free(&t);
	HS_STATUS(root, "svc.unneeded-daemons", "{\"hardening\": {\"allow_services\": [\"cups.*\"]}}", CG_PASS);
	tu_symlink(root, "etc/systemd/system/cups.socket", "/dev/null"); /* masked wins over the link */
	HS_STATUS(root, "svc.unneeded-daemons", NULL, CG_PASS);
}
END_TEST

START_TEST(packages_and_mta)
{
	HS_STATUS(root, "svc.legacy-remote-access", NULL, CG_PASS);
	tu_write(root, "var/lib/dpkg/status", "Package: tftpd-hpa\nStatus: install ok installed\nVersion: 5.2\n\n"
		 "Package: telnet\nStatus: deinstall ok config-files\nVersion: 1\n\n"
		 "Package: exim4-daemon-light\nStatus: install ok installed\nVersion: 4.96\n", 0644);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "svc.legacy-remote-access", NULL);
	ck_assert(hs_has_rule(r, "tftpd-hpa") && !hs_has_rule(r, "telnet")); /* rc is not installed */
	tu_scan_free(&t);
	/* exim: Debian's default is loopback */
	tu_write(root, "etc/exim4/update-exim4.conf.conf", "dc_eximconfig_configtype='local'\ndc_local_interfaces='127.0.0.1 ; ::1'\n", 0644);
	HS_STATUS(root, "svc.mta-local-only", NULL, CG_PASS);
	tu_write(root, "etc/exim4/update-exim4.conf.conf", "dc_eximconfig_configtype='internet'\ndc_local_interfaces=''\n", 0644);
	HS_STATUS(root, "svc.mta-local-only", NULL, CG_FAIL);
}
END_TEST

START_TEST(time_and_media)
{
	HS_STATUS(root, "svc.time-sync", NULL, CG_FAIL);
	tu_write(root, "usr/lib/systemd/system/chrony.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=multi-user.target\n"
		 "Alias=chronyd.service\n", 0644);
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/chrony.service", "/usr/lib/systemd/system/chrony.service");
	HS_STATUS(root, "svc.time-sync", NULL, CG_PASS);
	tu_write(root, "lib/modules/6.1.0-1-amd64/modules.dep", "kernel/drivers/usb/storage/usb-storage.ko.xz:\n", 0644);
	HS_STATUS(root, "svc.removable-media", NULL, CG_FAIL);
	tu_write(root, "etc/modprobe.d/usb.conf", "install usb_storage /bin/false\n", 0644);
	HS_STATUS(root, "svc.removable-media", NULL, CG_PASS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("svc");
	TCase *tc = tcase_create("svc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, daemons);
	tcase_add_test(tc, packages_and_mta);
	tcase_add_test(tc, time_and_media);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
