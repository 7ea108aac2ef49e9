/* SPDX-License-Identifier: Apache-2.0 */
/* ssh.* on fixture trees: skips without sshd, Match blocks, policy from config, older defaults. */
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2+deb12u10\n\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

/* Scan with the "full" profile and a configuration document (NULL: empty). */
static void scan_cfg(struct tu_scan *t, const char *json, const char *only)
{
	tu_scan_with(t, root, "full", json, only);
}

START_TEST(skips_without_sshd)
{
	struct tu_scan t;
	scan_cfg(&t, NULL, "ssh.*");
	ck_assert_uint_eq(t.rep.n, 14);
	for (size_t i = 0; i < t.rep.n; i++)
		ck_assert_msg(t.rep.results[i].status == CG_SKIP, "%s", t.rep.results[i].check->id);
	tu_scan_free(&t);
}
END_TEST

START_TEST(match_block_fails_and_names_the_block)
{
	struct tu_scan t;
	tu_write(root, "etc/ssh/sshd_config",
		 "PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login");
	const struct cg_result *r = tu_result(&t.rep, "ssh.permit-root-login");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_uint_eq(r->findings[0].line, 3);
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "Match Address 10.0.0.0/8"));
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "safe value: 'no'"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(policy_allows_prohibit_password)
{
	struct tu_scan t;
	tu_write(root, "etc/ssh/sshd_config", "#PermitRootLogin prohibit-password\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login");
	ck_assert_int_eq(tu_result(&t.rep, "ssh.permit-root-login")->status, CG_FAIL);
	ck_assert_ptr_nonnull(strstr(tu_result(&t.rep, "ssh.permit-root-login")->findings[0].message,
				     "compiled-in default of OpenSSH 9.2"));
	tu_scan_free(&t);
	scan_cfg(&t, "{\"ssh\": {\"permit_root_login\": [\"no\", \"prohibit-password\"]}}", "ssh.permit-root-login");
	ck_assert_int_eq(tu_result(&t.rep, "ssh.permit-root-login")->status, CG_PASS);
	tu_scan_free(&t);
}
END_TEST

START_TEST(old_openssh_defaults_judged)
{
	struct tu_scan t;
	/* OpenSSH before 7.0 let root log in with a password by default */
	tu_write(root, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: install ok installed\nVersion: 1:6.7p1-5+deb8u8\n\n", 0644);
	tu_write(root, "etc/ssh/sshd_config", "UsePAM yes\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login");
	const struct cg_result *r = tu_result(&t.rep, "ssh.permit-root-login");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].evidence, "yes");
	tu_scan_free(&t);
}
END_TEST

START_TEST(weak_crypto_and_timeouts)
{
	struct tu_scan t;
	tu_write(root, "etc/ssh/sshd_config",
		 "Ciphers aes256-ctr,aes128-cbc\nMACs hmac-sha2-256-etm@openssh.com,hmac-md5\n"
		 "KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1\n"
		 "ClientAliveInterval 5m\nClientAliveCountMax 0\nLoginGraceTime 1m\n", 0644);
	scan_cfg(&t, NULL, "ssh.weak-crypto,ssh.idle-timeouts");
	const struct cg_result *r = tu_result(&t.rep, "ssh.weak-crypto");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_eq(r->nfindings, 3);
	ck_assert_str_eq(r->findings[0].evidence, "aes128-cbc");
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "safe value: 'Ciphers aes256-ctr'"));
	ck_assert_str_eq(r->findings[1].evidence, "hmac-md5");
	ck_assert_str_eq(r->findings[2].evidence, "diffie-hellman-group14-sha1");
	r = tu_result(&t.rep, "ssh.idle-timeouts");
	ck_assert_uint_eq(r->nfindings, 1); /* only ClientAliveCountMax 0 */
	ck_assert_str_eq(r->findings[0].rule, "clientalivecountmax");
	tu_scan_free(&t);
}
END_TEST

/* The /usr/etc layout (openSUSE Tumbleweed, SLE 16): without /etc/ssh/sshd_config, sshd reads the
 * vendor file with its Includes; an admin's /etc file replaces it whole. */
START_TEST(vendor_config_when_etc_has_none)
{
	struct tu_scan t;
	tu_write(root, "usr/etc/ssh/sshd_config",
		 "Include /etc/ssh/sshd_config.d/*.conf\nInclude /usr/etc/ssh/sshd_config.d/*.conf\n"
		 "PermitRootLogin yes\nX11Forwarding yes\n", 0644);
	tu_write(root, "usr/etc/ssh/sshd_config.d/40-suse-crypto-policies.conf", "Ciphers aes256-ctr,3des-cbc\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login,ssh.weak-crypto");
	const struct cg_result *r = tu_result(&t.rep, "ssh.permit-root-login");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/usr/etc/ssh/sshd_config");
	ck_assert_uint_eq(r->findings[0].line, 3);
	r = tu_result(&t.rep, "ssh.weak-crypto");
	ck_assert_uint_ge(r->nfindings, 1); /* and the default MACs', named at the vendor file */
	ck_assert_str_eq(r->findings[0].path, "/usr/etc/ssh/sshd_config.d/40-suse-crypto-policies.conf");
	ck_assert_str_eq(r->findings[0].evidence, "3des-cbc");
	tu_scan_free(&t);
	/* the admin's drop-in is read first and wins */
	tu_write(root, "etc/ssh/sshd_config.d/50-admin.conf", "PermitRootLogin no\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login");
	ck_assert_int_eq(tu_result(&t.rep, "ssh.permit-root-login")->status, CG_PASS);
	tu_scan_free(&t);
	/* an /etc/ssh/sshd_config of its own: the vendor file is not read at all */
	tu_write(root, "etc/ssh/sshd_config", "PermitRootLogin prohibit-password\n", 0644);
	scan_cfg(&t, NULL, "ssh.permit-root-login,ssh.weak-crypto");
	r = tu_result(&t.rep, "ssh.permit-root-login");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/etc/ssh/sshd_config");
	r = tu_result(&t.rep, "ssh.weak-crypto");
	for (size_t i = 0; i < r->nfindings; i++)
		ck_assert_msg(!startswith(r->findings[i].path, "/usr/etc/"), "%s was read", r->findings[i].path);
	tu_scan_free(&t);
}
END_TEST

START_TEST(perms_and_syntax)
{
	struct tu_scan t;
	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/a.conf", "Frobnicate yes\nPermitRootLogin\n", 0664);
	tu_write(root, "etc/ssh/ssh_host_rsa_key", "k", 0640);
	tu_write(root, "etc/ssh/ssh_host_rsa_key.pub", "k", 0644);
	tu_write(root, "etc/ssh/ssh_host_ed25519_key", "k", 0600);
	scan_cfg(&t, NULL, "ssh.config-perms,ssh.host-key-perms,ssh.config-syntax");
	const struct cg_result *r = tu_result(&t.rep, "ssh.config-perms");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/ssh/sshd_config.d/a.conf");
	r = tu_result(&t.rep, "ssh.host-key-perms");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/ssh/ssh_host_rsa_key");
	r = tu_result(&t.rep, "ssh.config-syntax");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_uint_eq(r->findings[0].line, 1);
	ck_assert_uint_eq(r->findings[1].line, 2);
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ssh");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, skips_without_sshd);
	tcase_add_test(tc, match_block_fails_and_names_the_block);
	tcase_add_test(tc, policy_allows_prohibit_password);
	tcase_add_test(tc, old_openssh_defaults_judged);
	tcase_add_test(tc, weak_crypto_and_timeouts);
	tcase_add_test(tc, perms_and_syntax);
	tcase_add_test(tc, vendor_config_when_etc_has_none);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
