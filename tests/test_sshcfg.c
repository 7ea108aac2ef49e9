/* SPDX-License-Identifier: Apache-2.0 */
/* sshd effective configuration: defaults per version, first value wins, Include globs, Match. */
#include "testutil.h"

#include "sshcfg.h"

static char *root;
static struct safefs fs;

static void setup(void)
{
	root = tu_scratch();
	fs = (struct safefs){.root_fd = -1};
}

static void teardown(void)
{
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}

static void load(struct sshcfg *c)
{
	if (fs.root_fd < 0)
		ck_assert_int_eq(safefs_init(&fs, root), 0);
	*c = (struct sshcfg){0};
	ck_assert_int_eq(sshcfg_load(&fs, c), 0);
}

static const char dpkg_status[] =
	"Package: openssh-client\nStatus: install ok installed\nVersion: 1:9.2p1-2+deb12u10\n\n"
	"Package: openssh-server\nStatus: install ok installed\nPriority: optional\nVersion: 1:9.2p1-2+deb12u10\n\n";

START_TEST(versions)
{
	unsigned v = 0;
	ck_assert_int_eq(sshcfg_parse_version("1:9.2p1-2+deb12u10", &v), 0);
	ck_assert_uint_eq(v, 902);
	ck_assert_int_eq(sshcfg_parse_version("OpenSSH_8.4p1 Debian-5", &v), 0);
	ck_assert_uint_eq(v, 804);
	ck_assert_int_eq(sshcfg_parse_version("7.9p1", &v), 0);
	ck_assert_uint_eq(v, 709);
	ck_assert_int_eq(sshcfg_parse_version("garbage", &v), -EINVAL);
	ck_assert_int_eq(sshcfg_parse_version("1:", &v), -EINVAL);
}
END_TEST

START_TEST(version_from_dpkg_then_binary)
{
	unsigned v = 0;
	_cleanup_free_ char *src = NULL;
	const char *err_path = NULL;

	/* a removed (not installed) stanza must not count */
	tu_write(root, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: deinstall ok config-files\nVersion: 1:8.4p1-5\n\n", 0644);
	tu_write(root, "usr/sbin/sshd", "\x7f" "ELF....OpenSSH_9.6p1 Ubuntu\0rest", 0755);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sshcfg_detect_version(&fs, &v, &src, &err_path), 0);
	ck_assert_uint_eq(v, 906);
	ck_assert_ptr_nonnull(strstr(src, "/usr/sbin/sshd"));
	free(src);
	src = NULL;
	tu_write(root, "var/lib/dpkg/status", dpkg_status, 0644);
	ck_assert_int_eq(sshcfg_detect_version(&fs, &v, &src, &err_path), 0);
	ck_assert_uint_eq(v, 902);
	ck_assert_ptr_nonnull(strstr(src, "openssh-server 1:9.2p1-2+deb12u10"));
}
END_TEST

/* Debian 12's stock file: the values must be what `sshd -T` printed on the debootstrapped root. */
START_TEST(debian_stock_matches_sshd_T)
{
	struct sshcfg c;
	tu_write(root, "var/lib/dpkg/status", dpkg_status, 0644);
	tu_write(root, "etc/ssh/sshd_config",
		 "#\tPort 22\nInclude /etc/ssh/sshd_config.d/*.conf\n#PermitRootLogin prohibit-password\n"
		 "KbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\n"
		 "AcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n", 0644);
	tu_mkdir(root, "etc/ssh/sshd_config.d", 0755);
	load(&c);
	ck_assert_uint_eq(c.version, 902);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "prohibit-password");
	ck_assert_str_eq(sshcfg_get(&c, "passwordauthentication"), "yes");
	ck_assert_str_eq(sshcfg_get(&c, "kbdinteractiveauthentication"), "no");
	ck_assert_str_eq(sshcfg_get(&c, "x11forwarding"), "yes");
	ck_assert_str_eq(sshcfg_get(&c, "maxauthtries"), "6");
	ck_assert_str_eq(sshcfg_get(&c, "logingracetime"), "120");
	ck_assert_str_eq(sshcfg_get(&c, "loglevel"), "INFO");
	ck_assert_str_eq(sshcfg_get(&c, "permitemptypasswords"), "no");
	ck_assert_str_eq(sshcfg_get(&c, "ignorerhosts"), "yes");
	ck_assert_ptr_nonnull(strstr(sshcfg_get(&c, "kexalgorithms"), "sntrup761x25519-sha512@openssh.com"));
	ck_assert_ptr_null(sshcfg_find(&c, "permitrootlogin")->file); /* a default, not a file value */
	ck_assert_str_eq(sshcfg_find(&c, "x11forwarding")->file, "/etc/ssh/sshd_config");
	ck_assert_uint_eq(sshcfg_find(&c, "x11forwarding")->line, 6);
	ck_assert_uint_eq(c.ndiags, 0);
	sshcfg_free(&c);
}
END_TEST

START_TEST(first_value_wins_across_includes_in_lexical_order)
{
	struct sshcfg c;
	tu_write(root, "var/lib/dpkg/status", dpkg_status, 0644);
	/* the drop-ins come first in the main file, so they beat its own lines */
	tu_write(root, "etc/ssh/sshd_config",
		 "Include sshd_config.d/*.conf\nPermitRootLogin no\nMaxAuthTries 3\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/50-cloud.conf", "permitrootlogin=yes\nMAXAUTHTRIES 5\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/10-first.conf", "  PermitRootLogin   \"forced-commands-only\"\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/.hidden.conf", "PermitRootLogin yes\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/99-notconf.txt", "PermitRootLogin yes\n", 0644);
	load(&c);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "forced-commands-only");
	ck_assert_str_eq(sshcfg_find(&c, "permitrootlogin")->file, "/etc/ssh/sshd_config.d/10-first.conf");
	ck_assert_str_eq(sshcfg_get(&c, "maxauthtries"), "5");
	ck_assert_uint_eq(c.files.n, 3);
	ck_assert_str_eq(c.files.v[1], "/etc/ssh/sshd_config.d/10-first.conf");
	ck_assert_str_eq(c.files.v[2], "/etc/ssh/sshd_config.d/50-cloud.conf");
	sshcfg_free(&c);
}
END_TEST

START_TEST(match_blocks_are_kept_apart)
{
	struct sshcfg c;
	tu_write(root, "etc/ssh/sshd_config",
		 "Include /etc/ssh/inc.conf\n"
		 "Match User builder\n  PermitRootLogin yes\n  PasswordAuthentication yes\n"
		 "Match all\nPasswordAuthentication no\n", 0644);
	/* a Match inside an included file ends with that file */
	tu_write(root, "etc/ssh/inc.conf", "Match Address 10.0.0.0/8\nX11Forwarding yes\n", 0644);
	load(&c);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "prohibit-password");
	ck_assert_str_eq(sshcfg_get(&c, "passwordauthentication"), "no");
	ck_assert_str_eq(sshcfg_get(&c, "x11forwarding"), "no");
	ck_assert_uint_eq(c.nscoped, 3);
	ck_assert_str_eq(c.scoped[0].kw, "x11forwarding");
	ck_assert_ptr_nonnull(strstr(c.scoped[0].match, "Match Address 10.0.0.0/8"));
	ck_assert_str_eq(c.scoped[1].kw, "permitrootlogin");
	ck_assert_str_eq(c.scoped[1].value, "yes");
	ck_assert_uint_eq(c.scoped[1].line, 3);
	/* no version anywhere: said so, 9.2 assumed */
	ck_assert_uint_eq(c.version, 0);
	ck_assert_uint_eq(c.ndiags, 1);
	ck_assert(!c.diags[0].fatal);
	sshcfg_free(&c);
}
END_TEST

START_TEST(aliases_algorithms_and_diagnostics)
{
	struct sshcfg c;
	tu_write(root, "var/lib/dpkg/status", dpkg_status, 0644);
	tu_write(root, "etc/ssh/sshd_config",
		 "ChallengeResponseAuthentication yes\nKbdInteractiveAuthentication no\n"
		 "PermitRootLogin without-password\n"
		 "Ciphers +aes128-cbc,3des-cbc\nMACs -hmac-sha1*,umac-64*\nKexAlgorithms ^diffie-hellman-group1-sha1\n"
		 "Protocol 2\nBogusOption yes\nBanner\nHostKey /etc/ssh/a\nHostKey /etc/ssh/b # comment\n"
		 "AcceptEnv \"LANG LC\" 'X Y'\n", 0644);
	load(&c);
	ck_assert_str_eq(sshcfg_get(&c, "kbdinteractiveauthentication"), "yes");
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "prohibit-password");
	ck_assert_ptr_nonnull(strstr(sshcfg_get(&c, "ciphers"), "chacha20-poly1305@openssh.com,"));
	ck_assert_ptr_nonnull(strstr(sshcfg_get(&c, "ciphers"), ",aes128-cbc,3des-cbc"));
	ck_assert_str_eq(sshcfg_get(&c, "macs"), "umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
						  "hmac-sha2-512-etm@openssh.com,umac-128@openssh.com,"
						  "hmac-sha2-256,hmac-sha2-512");
	ck_assert(startswith(sshcfg_get(&c, "kexalgorithms"), "diffie-hellman-group1-sha1,sntrup761x25519-sha512,"));
	/* HostKey accumulates; its default list is not added when the file names keys */
	size_t nkeys = 0;
	for (size_t i = 0; i < c.nopts; i++)
		if (streq(c.opts[i].kw, "hostkey"))
			nkeys++;
	ck_assert_uint_eq(nkeys, 2);
	const struct sshcfg_opt *ae = sshcfg_find(&c, "acceptenv");
	ck_assert_str_eq(ae->value, "LANG LC X Y");
	ck_assert_uint_eq(c.ndiags, 3);
	ck_assert_uint_eq(c.diags[0].line, 7);
	ck_assert(!c.diags[0].fatal); /* Protocol: deprecated, ignored */
	ck_assert_uint_eq(c.diags[1].line, 8);
	ck_assert(c.diags[1].fatal);
	ck_assert_ptr_nonnull(strstr(c.diags[1].msg, "BogusOption"));
	ck_assert_uint_eq(c.diags[2].line, 9);
	sshcfg_free(&c);
}
END_TEST

START_TEST(older_version_defaults)
{
	struct sshcfg c;
	tu_write(root, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: install ok installed\nVersion: 1:6.7p1-5\n\n", 0644);
	tu_write(root, "etc/ssh/sshd_config", "\n", 0644);
	load(&c);
	ck_assert_uint_eq(c.version, 607);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "yes");
	ck_assert_ptr_null(strstr(sshcfg_get(&c, "kexalgorithms"), "sntrup"));
	sshcfg_free(&c);
}
END_TEST

START_TEST(no_config_and_unreadable_include)
{
	struct sshcfg c = {0};
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sshcfg_load(&fs, &c), -ENOENT);
	sshcfg_free(&c);
	/* a linked drop-in is followed inside the image (as sshd would); one whose target climbs
	 * out stays inside the image root and is missing there */
	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/linked.conf /etc/ssh/evil.conf\n", 0644);
	tu_write(root, "usr/share/ssh/real.conf", "PermitRootLogin no\n", 0644);
	tu_symlink(root, "etc/ssh/linked.conf", "../../usr/share/ssh/real.conf");
	tu_symlink(root, "etc/ssh/evil.conf", "../../../../../../../../tmp/capgate-nonexistent.conf");
	load(&c);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "no");
	ck_assert_str_eq(sshcfg_find(&c, "permitrootlogin")->file, "/etc/ssh/linked.conf");
	ck_assert_uint_ge(c.ndiags, 1);
	ck_assert_str_eq(c.diags[c.ndiags - 1].file, "/etc/ssh/evil.conf");
	ck_assert(c.diags[c.ndiags - 1].fatal);
	sshcfg_free(&c);
}
END_TEST

/* A config that includes itself from every line, and a drop-in of a million bad lines' worth:
 * includes, bytes and diagnostics stay bounded, and the summary diagnostic stays fatal. */
START_TEST(hostile_include_fanout_is_bounded)
{
	struct sshcfg c = {0};
	struct strbuf self = {0}, bad = {0};
	for (int i = 0; i < 2000; i++)
		strbuf_puts(&self, "Include /etc/ssh/sshd_config\n");
	for (int i = 0; i < 5000; i++)
		strbuf_puts(&bad, "NoSuchOption yes\n");
	tu_write(root, "etc/ssh/sshd_config", self.buf, 0644);
	tu_write(root, "etc/ssh/sshd_config.d/bad.conf", bad.buf, 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	load(&c);
	ck_assert_uint_le(c.files.n, 257);
	ck_assert_uint_le(c.ndiags, SSHCFG_MAX_DIAGS);
	sshcfg_free(&c);

	c = (struct sshcfg){0};
	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n", 0644);
	load(&c);
	ck_assert_uint_eq(c.ndiags, SSHCFG_MAX_DIAGS);
	ck_assert_str_eq(c.diags[SSHCFG_MAX_DIAGS - 1].msg, "further diagnostics dropped");
	ck_assert(c.diags[SSHCFG_MAX_DIAGS - 1].fatal);
	ck_assert_str_eq(sshcfg_get(&c, "permitrootlogin"), "no");
	sshcfg_free(&c);
	strbuf_free(&self);
	strbuf_free(&bad);
}
END_TEST

START_TEST(time_and_dump)
{
	long s;
	struct sshcfg c = {0};
	ck_assert_int_eq(sshcfg_parse_time("90", &s), 0);
	ck_assert_int_eq(s, 90);
	ck_assert_int_eq(sshcfg_parse_time("1m30s", &s), 0);
	ck_assert_int_eq(s, 90);
	ck_assert_int_eq(sshcfg_parse_time("2h", &s), 0);
	ck_assert_int_eq(s, 7200);
	ck_assert_int_eq(sshcfg_parse_time("10x", &s), -EINVAL);
	ck_assert_int_eq(sshcfg_parse_time("", &s), -EINVAL);

	sshcfg_parse_text(&c, NULL, "/etc/ssh/sshd_config", "MaxAuthTries 3\n");
	c.version = 902;
	sshcfg_finish(&c);
	ck_assert_uint_eq(sshcfg_apply_dump(&c, "maxauthtries 4\npermitrootlogin without-password\nport 22\n"), 1);
	ck_assert_str_eq(sshcfg_get(&c, "maxauthtries"), "4");
	ck_assert(sshcfg_find(&c, "maxauthtries")->from_sshd_t);
	ck_assert(!sshcfg_find(&c, "permitrootlogin")->from_sshd_t);
	sshcfg_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sshcfg");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, versions);
	tcase_add_test(tc, version_from_dpkg_then_binary);
	tcase_add_test(tc, debian_stock_matches_sshd_T);
	tcase_add_test(tc, first_value_wins_across_includes_in_lexical_order);
	tcase_add_test(tc, match_blocks_are_kept_apart);
	tcase_add_test(tc, aliases_algorithms_and_diagnostics);
	tcase_add_test(tc, older_version_defaults);
	tcase_add_test(tc, no_config_and_unreadable_include);
	tcase_add_test(tc, hostile_include_fanout_is_bounded);
	tcase_add_test(tc, time_and_dump);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
