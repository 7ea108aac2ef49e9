/* SPDX-License-Identifier: Apache-2.0 */
/* The system crypto policy: environment files as systemd reads them, RHEL 8's command-line
 * back-end and its /etc/sysconfig/sshd override, RHEL 9's included back-end; what ssh.weak-crypto
 * and its fix make of each. */
#include "testutil.h"

#include "cryptopol.h"
#include "sshcfg.h"

/* RHEL 8.9's DEFAULT policy, opensshserver.config as update-crypto-policies writes it */
#define RHEL8_BACKEND                                                                                      \
	"CRYPTO_POLICY='-oCiphers=aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes256-cbc," \
	"aes128-gcm@openssh.com,aes128-ctr,aes128-cbc -oMACs=hmac-sha2-256-etm@openssh.com,"                  \
	"hmac-sha1-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"      \
	"hmac-sha1,umac-128@openssh.com,hmac-sha2-512 -oGSSAPIKexAlgorithms=gss-curve25519-sha256-,"           \
	"gss-nistp256-sha256-,gss-group14-sha256-,gss-group16-sha512-,gss-gex-sha1-,gss-group14-sha1- "        \
	"-oKexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384," \
	"ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,"               \
	"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"      \
	"diffie-hellman-group14-sha1 -oHostKeyAlgorithms=ecdsa-sha2-nistp256,rsa-sha2-256,rsa-sha2-512 "       \
	"-oPubkeyAcceptedKeyTypes=ecdsa-sha2-nistp256,rsa-sha2-256,rsa-sha2-512'\n"
#define RHEL8_UNIT "[Service]\nEnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config\n" \
		   "EnvironmentFile=-/etc/sysconfig/sshd\nExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY\n"
#define STRONG "Ciphers aes256-gcm@openssh.com,aes256-ctr\nMACs hmac-sha2-256-etm@openssh.com\n" \
	       "KexAlgorithms curve25519-sha256\n"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "usr/sbin/sshd", "OpenSSH_8.0p1\n", 0755);
	tu_write(root, "etc/crypto-policies/config", "# set by the installer\nDEFAULT\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(env_file_as_systemd_reads_it)
{
	char *v = NULL;
	unsigned line = 0;

	ck_assert_int_eq(cryptopol_env_get("# CRYPTO_POLICY=no\n; CRYPTO_POLICY=no\nOPTIONS=-u0\n"
					   "  CRYPTO_POLICY = '-oCiphers=a b'  \n", "CRYPTO_POLICY", &v, &line), 0);
	ck_assert_str_eq(v, "-oCiphers=a b");
	ck_assert_uint_eq(line, 4);
	free(v);
	/* the last assignment wins; double quotes take escapes; unquoted trailing blanks go */
	ck_assert_int_eq(cryptopol_env_get("K=1\nK=\"x\\\"y\" z \r\n", "K", &v, &line), 0);
	ck_assert_str_eq(v, "x\"y z");
	ck_assert_uint_eq(line, 2);
	free(v);
	/* an empty value is an assignment (it switches the policy off for sshd) */
	ck_assert_int_eq(cryptopol_env_get("CRYPTO_POLICY=\n", "CRYPTO_POLICY", &v, &line), 0);
	ck_assert_str_eq(v, "");
	free(v);
	/* not a prefix match, not a comment, not a line without '=' */
	ck_assert_int_eq(cryptopol_env_get("CRYPTO_POLICY_X=1\n#CRYPTO_POLICY=1\nCRYPTO_POLICY\n", "CRYPTO_POLICY",
					   &v, &line), -ENOENT);
	ck_assert_ptr_null(v);
}
END_TEST

START_TEST(split_opts_as_the_command_line)
{
	struct strv o = {0};

	cryptopol_split_opts("-oCiphers=a,b  -o MACs=c\t-oBogus -D -oKexAlgorithms=d", &o);
	ck_assert_uint_eq(o.n, 3);
	ck_assert_str_eq(o.v[0], "Ciphers=a,b");
	ck_assert_str_eq(o.v[1], "MACs=c");
	ck_assert_str_eq(o.v[2], "KexAlgorithms=d");
	strv_free(&o);
}
END_TEST

static void load(struct cryptopol *cp)
{
	struct safefs fs;
	const char *err = NULL;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(cryptopol_load(&fs, cp, &err), 0);
	safefs_done(&fs);
}

START_TEST(rhel8_backend_reaches_sshd_unless_overridden)
{
	struct cryptopol cp;

	/* the back-end through its symlink, as RHEL ships it */
	tu_write(root, "usr/share/crypto-policies/DEFAULT/opensshserver.txt", RHEL8_BACKEND, 0644);
	tu_symlink(root, "etc/crypto-policies/back-ends/opensshserver.config",
		   "/usr/share/crypto-policies/DEFAULT/opensshserver.txt");
	tu_write(root, "usr/lib/systemd/system/sshd.service", RHEL8_UNIT, 0644);
	load(&cp);
	ck_assert_str_eq(cp.policy, "DEFAULT");
	ck_assert_uint_eq(cp.sshd_opts.n, 6);
	ck_assert(startswith(cp.sshd_opts.v[0], "Ciphers=aes256-gcm@openssh.com,"));
	ck_assert_str_eq(cp.sshd_opts_file, CRYPTOPOL_SSHD_BACKEND);
	ck_assert_uint_eq(cp.sshd_opts_line, 1);
	ck_assert(!cp.overridden);
	cryptopol_free(&cp);

	/* CRYPTO_POLICY= in /etc/sysconfig/sshd: sshd gets no -o, sshd_config decides */
	tu_write(root, "etc/sysconfig/sshd", "SSH_USE_STRONG_RNG=0\nCRYPTO_POLICY=\n", 0644);
	load(&cp);
	ck_assert(cp.overridden);
	ck_assert_uint_eq(cp.sshd_opts.n, 0);
	ck_assert_str_eq(cp.sshd_opts_file, CRYPTOPOL_SSHD_SYSCONFIG);
	ck_assert_uint_eq(cp.sshd_opts_line, 2);
	cryptopol_free(&cp);

	/* a unit that does not pass $CRYPTO_POLICY: nothing reaches sshd either */
	tu_write(root, "etc/sysconfig/sshd", "# CRYPTO_POLICY=\n", 0644);
	tu_write(root, "etc/systemd/system/sshd.service", "[Service]\nExecStart=/usr/sbin/sshd -D $OPTIONS\n", 0644);
	load(&cp);
	ck_assert_uint_eq(cp.sshd_opts.n, 0);
	cryptopol_free(&cp);
}
END_TEST

START_TEST(no_policy_and_rhel9_form)
{
	struct cryptopol cp;
	struct safefs fs;
	const char *err = NULL;

	tu_write(root, "etc/crypto-policies/back-ends/opensshserver.config", STRONG, 0644);
	load(&cp);
	ck_assert_str_eq(cp.policy, "DEFAULT");
	ck_assert_uint_eq(cp.sshd_opts.n, 0); /* sshd_config text: read where sshd_config includes it */
	cryptopol_free(&cp);
	tu_write(root, "etc/crypto-policies/config", "LEGACY:AD-SUPPORT\n", 0644);
	load(&cp);
	ck_assert_str_eq(cp.policy, "LEGACY:AD-SUPPORT");
	cryptopol_free(&cp);
	_cleanup_free_ char *dir = tu_path(root, "etc/crypto-policies");
	tu_rm_rf(dir);
	load(&cp);
	ck_assert_ptr_null(cp.policy);
	cryptopol_free(&cp);
	/* there and unreadable (a directory where the file should be): an error naming it */
	tu_mkdir(root, "etc/crypto-policies/config", 0755);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_lt(cryptopol_load(&fs, &cp, &err), 0);
	ck_assert_str_eq(err, CRYPTOPOL_CONFIG);
	cryptopol_free(&cp);
	safefs_done(&fs);
}
END_TEST

/* RHEL 8: sshd_config's own lists lose to the command line; the finding names the policy and the
 * back-end line, and the sshd drop-in fix is refused (it could never win). */
START_TEST(rhel8_weak_crypto_judged_from_the_command_line)
{
	struct tu_scan t;

	tu_write(root, "etc/crypto-policies/back-ends/opensshserver.config", RHEL8_BACKEND, 0644);
	tu_write(root, "usr/lib/systemd/system/sshd.service", RHEL8_UNIT, 0644);
	tu_write(root, "etc/ssh/sshd_config", STRONG "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "ssh.weak-crypto");
	const struct cg_result *r = tu_result(&t.rep, "ssh.weak-crypto");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_ge(r->nfindings, 3);
	ck_assert_str_eq(r->findings[0].path, CRYPTOPOL_SSHD_BACKEND);
	ck_assert_uint_eq(r->findings[0].line, 1);
	ck_assert_str_eq(r->findings[0].evidence, "aes256-cbc,aes128-cbc");
	ck_assert_msg(strstr(r->findings[0].message, "command line from the system crypto policy DEFAULT"), "%s",
		      r->findings[0].message);
	tu_scan_free(&t);

	const char *argv[] = {tu_capgate(), "fix", "--root", root, "--only", "ssh.weak-crypto", "--dry-run", NULL};
	_cleanup_free_ char *out = NULL;
	tu_run(argv, &out, NULL);
	ck_assert_msg(strstr(out, "comes from the system crypto policy DEFAULT") &&
		      strstr(out, "update-crypto-policies --set DEFAULT:NO-SHA1"), "%s", out);
	_cleanup_free_ char *dropin = tu_path(root, "etc/ssh/sshd_config.d/00-capgate.conf");
	ck_assert_int_ne(access(dropin, F_OK), 0);

	/* CRYPTO_POLICY= in /etc/sysconfig/sshd: the strong sshd_config lists are what sshd uses */
	tu_write(root, "etc/sysconfig/sshd", "CRYPTO_POLICY=\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "ssh.weak-crypto");
	ck_assert_int_eq(tu_result(&t.rep, "ssh.weak-crypto")->status, CG_PASS);
	tu_scan_free(&t);
	/* an override with lists of its own: judged at the line that sets them, fix names that line */
	tu_write(root, "etc/sysconfig/sshd", "CRYPTO_POLICY=\"-oCiphers=aes256-ctr,3des-cbc\"\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "ssh.weak-crypto");
	r = tu_result(&t.rep, "ssh.weak-crypto");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, CRYPTOPOL_SSHD_SYSCONFIG);
	ck_assert_str_eq(r->findings[0].evidence, "3des-cbc");
	tu_scan_free(&t);
	free(out);
	out = NULL;
	tu_run(argv, &out, NULL);
	ck_assert_msg(strstr(out, "remove that line so sshd follows the system crypto policy"), "%s", out);
}
END_TEST

/* RHEL 9: the back-end is sshd_config text included from 50-redhat.conf; weak entries there are
 * the policy's, named so, and the fix says to change the policy; lists set before the include win. */
START_TEST(rhel9_included_backend)
{
	struct tu_scan t;

	tu_write(root, "usr/sbin/sshd", "OpenSSH_8.7p1\n", 0755);
	tu_write(root, "etc/crypto-policies/config", "LEGACY\n", 0644);
	tu_write(root, "etc/crypto-policies/back-ends/opensshserver.config",
		 "Ciphers aes256-gcm@openssh.com,aes256-ctr,aes128-cbc\nMACs hmac-sha2-256-etm@openssh.com\n"
		 "KexAlgorithms curve25519-sha256\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/50-redhat.conf",
		 "Include /etc/crypto-policies/back-ends/opensshserver.config\n", 0644);
	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "ssh.weak-crypto");
	const struct cg_result *r = tu_result(&t.rep, "ssh.weak-crypto");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].evidence, "aes128-cbc");
	ck_assert_msg(strstr(r->findings[0].message, "set by the system crypto policy LEGACY"), "%s",
		      r->findings[0].message);
	tu_scan_free(&t);
	const char *argv[] = {tu_capgate(), "fix", "--root", root, "--only", "ssh.weak-crypto", "--dry-run", NULL};
	_cleanup_free_ char *out = NULL;
	tu_run(argv, &out, NULL);
	ck_assert_msg(strstr(out, "update-crypto-policies --set LEGACY:NO-SHA1"), "%s", out);
	/* an admin's own list in an earlier drop-in wins over the policy: nothing weak */
	tu_write(root, "etc/ssh/sshd_config.d/40-hardening.conf", STRONG, 0644);
	tu_scan_with(&t, root, "full", NULL, "ssh.weak-crypto");
	ck_assert_int_eq(tu_result(&t.rep, "ssh.weak-crypto")->status, CG_PASS);
	tu_scan_free(&t);
}
END_TEST

/* os.crypto-policy: LEGACY or a SHA1 subpolicy, and sshd not following the policy (RHEL 8's
 * override, RHEL 9 without the include); skipped where there is no policy. */
START_TEST(os_crypto_policy_check)
{
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(root, "etc/crypto-policies/back-ends/opensshserver.config", STRONG, 0644);
	tu_write(root, "etc/ssh/sshd_config.d/50-redhat.conf",
		 "Include /etc/crypto-policies/back-ends/opensshserver.config\n", 0644);
	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "os.crypto-policy");
	ck_assert_int_eq(tu_result(&t.rep, "os.crypto-policy")->status, CG_PASS);
	tu_scan_free(&t);

	tu_write(root, "etc/crypto-policies/config", "# comment\n\n  LEGACY:AD-SUPPORT \n", 0644);
	tu_write(root, "etc/ssh/sshd_config", "PermitRootLogin no\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "os.crypto-policy");
	r = tu_result(&t.rep, "os.crypto-policy");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].path, CRYPTOPOL_CONFIG);
	ck_assert_uint_eq(r->findings[0].line, 3);
	ck_assert_str_eq(r->findings[0].rule, "legacy");
	ck_assert_str_eq(r->findings[0].evidence, "LEGACY:AD-SUPPORT");
	ck_assert_str_eq(r->findings[1].path, "/etc/ssh/sshd_config");
	ck_assert_str_eq(r->findings[1].rule, "sshd-include");
	tu_scan_free(&t);

	/* RHEL 8: DEFAULT:SHA1, and CRYPTO_POLICY in /etc/sysconfig/sshd (even empty) */
	tu_write(root, "etc/crypto-policies/config", "DEFAULT:SHA1\n", 0644);
	tu_write(root, "etc/crypto-policies/back-ends/opensshserver.config", RHEL8_BACKEND, 0644);
	tu_write(root, "etc/sysconfig/sshd", "OPTIONS=\"-u0\"\nCRYPTO_POLICY=\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "os.crypto-policy");
	r = tu_result(&t.rep, "os.crypto-policy");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "sha1");
	ck_assert_str_eq(r->findings[1].rule, "sshd-override");
	ck_assert_str_eq(r->findings[1].path, CRYPTOPOL_SSHD_SYSCONFIG);
	ck_assert_uint_eq(r->findings[1].line, 2);
	tu_scan_free(&t);
	/* NO-SHA1 is not SHA1 */
	tu_write(root, "etc/crypto-policies/config", "DEFAULT:NO-SHA1\n", 0644);
	tu_write(root, "etc/sysconfig/sshd", "OPTIONS=\"-u0\"\n", 0644);
	tu_scan_with(&t, root, "full", NULL, "os.crypto-policy");
	ck_assert_int_eq(tu_result(&t.rep, "os.crypto-policy")->status, CG_PASS);
	tu_scan_free(&t);

	_cleanup_free_ char *dir = tu_path(root, "etc/crypto-policies");
	tu_rm_rf(dir);
	tu_scan_with(&t, root, "full", NULL, "os.crypto-policy");
	r = tu_result(&t.rep, "os.crypto-policy");
	ck_assert_int_eq(r->status, CG_SKIP);
	ck_assert(strstr(r->skip_reason, "does not apply to this family"));
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cryptopol");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, env_file_as_systemd_reads_it);
	tcase_add_test(tc, split_opts_as_the_command_line);
	tcase_add_test(tc, rhel8_backend_reaches_sshd_unless_overridden);
	tcase_add_test(tc, no_policy_and_rhel9_form);
	tcase_add_test(tc, rhel8_weak_crypto_judged_from_the_command_line);
	tcase_add_test(tc, rhel9_included_backend);
	tcase_add_test(tc, os_crypto_policy_check);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
