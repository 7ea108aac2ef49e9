/* SPDX-License-Identifier: Apache-2.0 */
/* acct.* on fixture trees: each check's pass and fail sides, config allow-list, skips. */
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
		 "sync:x:4:65534:sync:/bin:/bin/sync\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n", 0644);
	tu_write(root, "etc/shadow", "root:*:20785:0:99999:7:::\ndaemon:*:20785:0:99999:7:::\n"
				     "sync:*:20785:0:99999:7:::\nnobody:*:20785:0:99999:7:::\n", 0640);
	tu_write(root, "etc/group", "root:x:0:\ndaemon:x:1:\nsudo:x:27:\nnogroup:x:65534:\n", 0644);
	tu_write(root, "etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\nENCRYPT_METHOD YESCRYPT\n", 0644);
	tu_mkdir(root, "root", 0700);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

/* Scan with the "full" profile (baseline leaves the CIS-only checks out) and an optional
 * configuration document. */
static void scan_full(struct tu_scan *t, const char *json, const char *only)
{
	tu_scan_with(t, root, "full", json, only);
}

static const struct cg_result *one(struct tu_scan *t, const char *id)
{
	scan_full(t, NULL, id);
	const struct cg_result *r = tu_result(&t->rep, id);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(clean_accounts_pass)
{
	static const char *const ids[] = {"acct.empty-password", "acct.root-password-locked", "acct.uid0-only-root",
					  "acct.unique-ids", "acct.leftover-users", "acct.system-accounts-nologin",
					  "acct.password-hashing", "acct.home-dirs", "acct.trust-files", "acct.root-path"};
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		struct tu_scan t;
		const struct cg_result *r = one(&t, ids[i]);
		ck_assert_msg(r->status == CG_PASS, "%s: %s (%s)", ids[i], result_status_name(r->status),
			      r->nfindings ? r->findings[0].message : "");
		tu_scan_free(&t);
	}
}
END_TEST

START_TEST(passwd_field_hash_and_empty)
{
	struct tu_scan t;
	/* a hash or nothing in passwd's own field bypasses shadow */
	tu_write(root, "etc/passwd", "root:abcdefghijklm:0:0::/root:/bin/bash\nguest::1001:1001::/home/guest:/bin/sh\n", 0644);
	const struct cg_result *r = one(&t, "acct.empty-password");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/etc/passwd");
	ck_assert_uint_eq(r->findings[0].line, 2);
	tu_scan_free(&t);
	r = one(&t, "acct.root-password-locked");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(strstr(r->findings[0].evidence, "abcdefghijklm") == NULL);
	tu_scan_free(&t);
}
END_TEST

START_TEST(leftover_users_and_allowlist)
{
	struct tu_scan t;

	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\nazureuser:x:1000:1000::/home/a:/bin/bash\n"
				     "packer:x:1001:1001::/home/p:/bin/bash\nalice:x:1002:1002::/home/al:/bin/bash\n", 0644);
	scan_full(&t, "{\"accounts\": {\"allowed_users\": [\"azureuser\"]}}", "acct.leftover-users");
	const struct cg_result *r = tu_result(&t.rep, "acct.leftover-users");
	ck_assert_uint_eq(r->nfindings, 2);
	/* packer is a build user (the default list): the deprovision step's, and said so */
	ck_assert_str_eq(r->findings[0].rule, "build-user");
	ck_assert_str_eq(r->findings[0].evidence, "packer");
	ck_assert_ptr_nonnull(strstr(r->findings[0].message, "deprovision step"));
	ck_assert_str_eq(r->findings[1].rule, "alice");
	tu_scan_free(&t);
	/* the config's build-user list replaces the default: now alice is one and packer is not */
	scan_full(&t, "{\"accounts\": {\"allowed_users\": [\"azureuser\"]}, \"remediate\": {\"build_users\": [\"alice\"]}}",
		  "acct.leftover-users");
	r = tu_result(&t.rep, "acct.leftover-users");
	ck_assert_str_eq(r->findings[0].rule, "packer");
	ck_assert_str_eq(r->findings[1].rule, "build-user");
	tu_scan_free(&t);
}
END_TEST

START_TEST(sudoers_rules)
{
	struct tu_scan t;
	tu_write(root, "etc/sudoers", "root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n#0 ALL=(ALL) ALL\n"
				      "User_Alias OPS = %sudo\nOPS ALL = /usr/bin/systemctl\n@includedir /etc/sudoers.d\n", 0440);
	const struct cg_result *r = one(&t, "acct.sudoers-nopasswd");
	ck_assert_msg(r->status == CG_PASS, "%s", r->nfindings ? r->findings[0].message : "");
	tu_scan_free(&t);
	tu_write(root, "etc/sudoers.d/waagent", "azureuser ALL=(ALL) ALL\n%wheel ALL=(ALL) ALL\n", 0440);
	tu_write(root, "etc/sudoers.d/deploy", "Defaults:root !authenticate\n"
					       "daemon ALL=(root) NOPASSWD: /usr/bin/apt-get\n", 0440);
	/* the build user's grant is gen.build-user-access's (removed last); shared with another
	 * user, it is this check's too. root exists, packer is a build user by default */
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
				     "packer:x:1000:1000::/home/packer:/bin/bash\n", 0644);
	tu_write(root, "etc/sudoers.d/90-cloud-init-users", "packer ALL=(ALL) NOPASSWD:ALL\n", 0440);
	tu_write(root, "etc/sudoers.d/builders", "packer, daemon ALL=(ALL) NOPASSWD:ALL\n", 0440);
	r = one(&t, "acct.sudoers-nopasswd");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_eq(r->nfindings, 5);
	ck_assert_str_eq(r->findings[0].path, "/etc/sudoers.d/builders");
	ck_assert_str_eq(r->findings[0].rule, "nopasswd-all");
	ck_assert_str_eq(r->findings[1].rule, "no-authenticate");
	ck_assert_str_eq(r->findings[2].rule, "nopasswd"); /* specific command, not ALL */
	ck_assert_str_eq(r->findings[3].rule, "missing-user");
	ck_assert_str_eq(r->findings[3].evidence, "azureuser");
	ck_assert_str_eq(r->findings[4].evidence, "%wheel");
	tu_scan_free(&t);
	tu_rm_rf(root);
	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\n", 0644);
	r = one(&t, "acct.sudoers-nopasswd");
	ck_assert_int_eq(r->status, CG_SKIP);
	tu_scan_free(&t);
}
END_TEST

START_TEST(system_accounts_and_hashes)
{
	struct tu_scan t;
	tu_write(root, "etc/shadow", "root:*:20785:0:99999:7:::\ndaemon:$6$s$h:20785:0:99999:7:::\n"
				     "sync:$5$s$h:20785:0:99999:7:::\nnobody:*:20785:0:99999:7:::\n", 0640);
	const struct cg_result *r = one(&t, "acct.system-accounts-nologin");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "password");
	tu_scan_free(&t);
	r = one(&t, "acct.password-hashing");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].evidence, "$5$");
	tu_scan_free(&t);
}
END_TEST

START_TEST(login_defs_and_pam)
{
	struct tu_scan t;
	tu_write(root, "etc/login.defs", "PASS_MAX_DAYS 365\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 14\nUMASK 027\n"
					 "ENCRYPT_METHOD SHA512\n", 0644);
	tu_write(root, "etc/default/useradd", "SHELL=/bin/sh\nINACTIVE=30\n", 0644);
	tu_write(root, "etc/profile", "if true; then\n  umask 022\nfi\n", 0644);
	tu_write(root, "etc/pam.d/common-password",
		 "password requisite pam_pwquality.so retry=3\npassword required pam_pwhistory.so remember=5 use_authtok\n"
		 "password [success=1 default=ignore] pam_unix.so obscure use_authtok yescrypt\n", 0644);
	tu_write(root, "etc/security/pwquality.conf", "# minlen = 9\nminlen = 14\n", 0644);
	tu_write(root, "etc/pam.d/common-auth", "auth required pam_faillock.so preauth\nauth required pam_unix.so\n", 0644);
	tu_write(root, "etc/pam.d/su", "auth sufficient pam_rootok.so\nauth required pam_wheel.so use_uid\n", 0644);
	static const char *const pass[] = {"acct.password-aging", "acct.pam-pwquality", "acct.pam-lockout-reuse",
					   "acct.su-restricted"};
	for (size_t i = 0; i < ELEMENTSOF(pass); i++) {
		const struct cg_result *r = one(&t, pass[i]);
		ck_assert_msg(r->status == CG_PASS, "%s: %s", pass[i], r->nfindings ? r->findings[0].message : "");
		tu_scan_free(&t);
	}
	const struct cg_result *r = one(&t, "acct.default-umask");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/profile");
	ck_assert_uint_eq(r->findings[0].line, 2);
	tu_scan_free(&t);
	tu_write(root, "etc/security/pwquality.conf.d/90-weak.conf", "minlen=8\n", 0644);
	r = one(&t, "acct.pam-pwquality");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, "/etc/security/pwquality.conf.d/90-weak.conf");
	tu_scan_free(&t);
}
END_TEST

/* RHEL's authselect layout: system-auth and password-auth (sshd's) each need pam_faillock; deny
 * from the module line, else faillock.conf, else 3; pam_pwhistory keeps 10 unless told otherwise. */
START_TEST(rhel_authselect_stacks)
{
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(root, "etc/authselect/authselect.conf", "sssd\nwith-faillock\n", 0644);
	tu_write(root, "etc/authselect/system-auth",
		 "auth required pam_faillock.so preauth silent\nauth sufficient pam_unix.so\n"
		 "auth [default=die] pam_faillock.so authfail\n"
		 "password requisite pam_pwquality.so\npassword requisite pam_pwhistory.so use_authtok\n"
		 "password sufficient pam_unix.so sha512 use_authtok\n", 0644);
	tu_symlink(root, "etc/pam.d/system-auth", "/etc/authselect/system-auth");
	tu_write(root, "etc/pam.d/password-auth", "auth sufficient pam_unix.so\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/pam.d/password-auth");
	ck_assert_str_eq(r->findings[0].rule, "faillock");
	ck_assert_msg(strstr(r->findings[0].message, "authselect enable-feature with-faillock"), "%s",
		      r->findings[0].message);
	tu_scan_free(&t);

	/* both stacks lock; faillock.conf says never (deny = 0); pwhistory.conf keeps 3 */
	tu_write(root, "etc/pam.d/password-auth", "auth required pam_faillock.so preauth deny=4\n", 0644);
	tu_write(root, "etc/security/faillock.conf", "# deny = 3\n deny = 0\nunlock_time = 600\n", 0644);
	tu_write(root, "etc/security/pwhistory.conf", "remember = 3\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "faillock-deny");
	ck_assert_str_eq(r->findings[0].path, "/etc/security/faillock.conf");
	ck_assert_uint_eq(r->findings[0].line, 2);
	ck_assert_str_eq(r->findings[0].evidence, "deny=0");
	ck_assert_str_eq(r->findings[1].rule, "pwhistory");
	ck_assert_str_eq(r->findings[1].path, "/etc/security/pwhistory.conf");
	ck_assert_str_eq(r->findings[1].evidence, "remember=3");
	tu_scan_free(&t);

	/* deny on the module line wins over faillock.conf; too many tries is a finding there */
	tu_write(root, "etc/security/faillock.conf", "deny = 3\n", 0644);
	tu_write(root, "etc/pam.d/password-auth", "auth required pam_faillock.so preauth deny=10\n", 0644);
	_cleanup_free_ char *hist = tu_path(root, "etc/security/pwhistory.conf");
	ck_assert_int_eq(unlink(hist), 0);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/pam.d/password-auth");
	ck_assert_str_eq(r->findings[0].evidence, "deny=10");
	tu_scan_free(&t);
	/* 4 tries, history kept at pam_pwhistory's default of 10: nothing to say */
	tu_write(root, "etc/pam.d/password-auth", "auth required pam_faillock.so preauth deny=4\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_msg(r->status == CG_PASS, "%s", r->nfindings ? r->findings[0].message : "");
	tu_scan_free(&t);
}
END_TEST

/* The vendor layout of libpam built with --enable-vendordir (openSUSE Tumbleweed, SLE 16): a
 * service /etc/pam.d does not have, its includes, and faillock.conf come from /usr/lib/pam.d and
 * /usr/etc/security; an /etc file of the same name replaces the vendor one. */
START_TEST(pam_vendor_directory)
{
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(root, "usr/lib/pam.d/common-password",
		 "password requisite pam_pwquality.so\npassword required pam_pwhistory.so remember=5\n"
		 "password required pam_unix.so use_authtok\n", 0644);
	tu_write(root, "usr/lib/pam.d/common-auth", "auth required pam_env.so\nauth include common-auth-pc\n", 0644);
	tu_write(root, "usr/lib/pam.d/common-auth-pc", "auth required pam_faillock.so preauth\nauth required pam_unix.so\n", 0644);
	tu_write(root, "usr/etc/security/faillock.conf", "deny = 0\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].rule, "faillock-deny");
	ck_assert_str_eq(r->findings[0].path, "/usr/etc/security/faillock.conf");
	tu_scan_free(&t);
	r = one(&t, "acct.pam-pwquality");
	ck_assert_int_eq(r->status, CG_FAIL); /* libpwquality's minlen 8 */
	tu_scan_free(&t);
	/* the admin's /etc/security/faillock.conf and /etc/pam.d/common-auth replace the vendor files */
	tu_write(root, "etc/security/faillock.conf", "deny = 5\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_msg(r->status == CG_PASS, "%s", r->nfindings ? r->findings[0].message : "");
	tu_scan_free(&t);
	tu_write(root, "etc/pam.d/common-auth", "auth required pam_unix.so\n", 0644);
	r = one(&t, "acct.pam-lockout-reuse");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/pam.d/common-auth");
	ck_assert_str_eq(r->findings[0].rule, "faillock");
	tu_scan_free(&t);
	/* shadow's vendor login.defs where /etc has none: its values and its lines */
	_cleanup_free_ char *etc_defs = tu_path(root, "etc/login.defs");
	ck_assert_int_eq(unlink(etc_defs), 0);
	tu_write(root, "usr/etc/login.defs", "UID_MIN 1000\nENCRYPT_METHOD MD5\n", 0644);
	r = one(&t, "acct.password-hashing");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/usr/etc/login.defs");
	ck_assert_uint_eq(r->findings[0].line, 2);
	tu_scan_free(&t);
	tu_write(root, "etc/login.defs", "ENCRYPT_METHOD YESCRYPT\n", 0644);
	r = one(&t, "acct.password-hashing");
	ck_assert_msg(r->status == CG_PASS, "%s", r->nfindings ? r->findings[0].message : "");
	tu_scan_free(&t);
	/* no stack anywhere: skipped, as before */
	_cleanup_free_ char *vendor = tu_path(root, "usr/lib/pam.d/common-password");
	ck_assert_int_eq(unlink(vendor), 0);
	r = one(&t, "acct.pam-pwquality");
	ck_assert_int_eq(r->status, CG_SKIP);
	tu_scan_free(&t);
}
END_TEST

START_TEST(homes_paths_trust)
{
	struct tu_scan t;
	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\nann:x:1000:1000::/home/ann:/bin/bash\n"
				     "bob:x:1001:1001::/home/bob:/bin/bash\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\nann:x:1000:\nbob:x:1001:\n", 0644);
	_cleanup_free_ char *ann = tu_path(root, "home/ann");
	tu_mkdir(root, "home/ann", 0755);
	ck_assert_int_eq(chown(ann, 1000, 1000), 0);
	tu_write(root, "home/ann/.netrc", "machine x login y password z\n", 0600);
	tu_write(root, "root/.bashrc", "export PATH=\"/usr/sbin:/usr/bin::/opt/tools\"\n", 0644);
	tu_mkdir(root, "opt/tools", 0777);
	const struct cg_result *r = one(&t, "acct.home-dirs");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "mode");   /* ann: 0755 */
	ck_assert_str_eq(r->findings[1].rule, "missing"); /* bob */
	tu_scan_free(&t);
	r = one(&t, "acct.trust-files");
	ck_assert(tu_has_finding(r, "/home/ann/.netrc"));
	tu_scan_free(&t);
	r = one(&t, "acct.root-path");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "relative");
	ck_assert_str_eq(r->findings[1].evidence, "/opt/tools");
	tu_scan_free(&t);
}
END_TEST

START_TEST(unique_ids_and_bad_lines)
{
	struct tu_scan t;
	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\nroot:x:0:0::/root:/bin/bash\n"
				     "a:x:1000:1000::/h:/bin/sh\nb:x:1000:4242::/h:/bin/sh\n+::::::\nbroken\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\nsame:x:1000:\nsame:x:1001:\n", 0644);
	const struct cg_result *r = one(&t, "acct.unique-ids");
	static const char *const rules[] = {"duplicate-name", "duplicate-uid", "missing-group", "duplicate-group",
					    "legacy-plus", "malformed"};
	ck_assert_uint_eq(r->nfindings, ELEMENTSOF(rules));
	for (size_t i = 0; i < ELEMENTSOF(rules); i++)
		ck_assert_str_eq(r->findings[i].rule, rules[i]);
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acct");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, clean_accounts_pass);
	tcase_add_test(tc, passwd_field_hash_and_empty);
	tcase_add_test(tc, leftover_users_and_allowlist);
	tcase_add_test(tc, sudoers_rules);
	tcase_add_test(tc, system_accounts_and_hashes);
	tcase_add_test(tc, login_defs_and_pam);
	tcase_add_test(tc, rhel_authselect_stacks);
	tcase_add_test(tc, pam_vendor_directory);
	tcase_add_test(tc, homes_paths_trust);
	tcase_add_test(tc, unique_ids_and_bad_lines);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
