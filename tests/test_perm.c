/* SPDX-License-Identifier: Apache-2.0 */
/* perm.* on fixture trees: groups that are allowed, links and sticky directories, walks. */
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\nshadow:x:42:\nutmp:x:43:\n", 0644);
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

START_TEST(shadow_modes_and_groups)
{
	struct tu_scan t;
	_cleanup_free_ char *p = tu_path(root, "etc/shadow");
	tu_write(root, "etc/shadow", "root:*:1:0:99999:7:::\n", 0640);
	ck_assert_int_eq(chown(p, 0, 42), 0);
	tu_write(root, "etc/gshadow", "root:*::\n", 0400);
	const struct cg_result *r = one(&t, "perm.shadow-files");
	ck_assert_int_eq(r->status, CG_PASS);
	tu_scan_free(&t);
	ck_assert_int_eq(chown(p, 0, 43), 0); /* utmp is not an allowed group */
	tu_symlink(root, "etc/gshadow-", "/etc/gshadow");
	r = one(&t, "perm.shadow-files");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].path, "/etc/shadow");
	ck_assert_str_eq(r->findings[0].evidence, "0640 0:43");
	ck_assert_str_eq(r->findings[1].rule, "type");
	tu_scan_free(&t);
}
END_TEST

START_TEST(world_writable_walk)
{
	struct tu_scan t;
	tu_mkdir(root, "tmp", 01777);
	tu_write(root, "tmp/anything", "x", 0666);      /* gen.tmp-files' business */
	tu_mkdir(root, "var/tmp", 0777);                /* not sticky: a finding */
	tu_mkdir(root, "srv/drop", 01777);              /* sticky: fine */
	tu_write(root, "srv/drop/file", "x", 0666);     /* world-writable file: a finding */
	tu_symlink(root, "etc/link", "/tmp/anything");  /* links are 0777 by nature */
	tu_mkdir(root, "proc", 0555);
	const struct cg_result *r = one(&t, "perm.world-writable");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(tu_has_finding(r, "/var/tmp"));
	ck_assert(tu_has_finding(r, "/srv/drop/file"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(unowned_and_suid)
{
	struct tu_scan t;
	tu_write(root, "opt/a", "x", 0644);
	_cleanup_free_ char *a = tu_path(root, "opt/a");
	ck_assert_int_eq(chown(a, 0, 777), 0);
	const struct cg_result *r = one(&t, "perm.unowned-files");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].rule, "gid");
	tu_scan_free(&t);

	/* no dpkg database: only the denylist judges */
	tu_write(root, "usr/bin/helper", "x", 04755);
	tu_write(root, "usr/bin/vim", "x", 04755);
	r = one(&t, "perm.suid-sgid-inventory");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/usr/bin/vim");
	tu_scan_free(&t);
	/* with dpkg: /bin/helper listed, found at /usr/bin/helper (merged /usr) */
	tu_write(root, "var/lib/dpkg/info/helper.list", "/.\n/bin\n/bin/helper\n", 0644);
	tu_write(root, "usr/sbin/stray", "x", 02755);
	tu_write(root, "snap/core22/100/usr/bin/su", "x", 04755); /* a snap's own, not dpkg's */
	r = one(&t, "perm.suid-sgid-inventory");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(tu_has_finding(r, "/usr/sbin/stray"));
	ck_assert(!tu_has_finding(r, "/usr/bin/helper"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(banners_boot_logs_cron)
{
	struct tu_scan t;
	tu_write(root, "etc/os-release", "NAME=\"Debian GNU/Linux\"\nID=debian\n", 0644);
	tu_write(root, "etc/issue", "Authorized uses only. \\n \\l\n", 0644);
	tu_write(root, "etc/issue.net", "Kernel \\r on \\m\n", 0644);
	const struct cg_result *r = one(&t, "perm.banner-files");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/issue.net");
	tu_scan_free(&t);

	r = one(&t, "perm.bootloader-cfg");
	ck_assert_int_eq(r->status, CG_PASS);
	tu_scan_free(&t);
	tu_write(root, "boot/efi/EFI/debian/grub.cfg", "x", 0700);
	r = one(&t, "perm.bootloader-cfg");
	ck_assert(tu_has_finding(r, "/boot/efi/EFI/debian/grub.cfg"));
	tu_scan_free(&t);

	tu_write(root, "var/log/wtmp", "", 0664);
	tu_write(root, "var/log/syslog", "", 0640);
	tu_write(root, "var/log/apt/history.log", "", 0644);
	tu_write(root, "etc/rsyslog.conf", "", 0666);
	r = one(&t, "perm.log-files");
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(tu_has_finding(r, "/var/log/apt/history.log"));
	ck_assert(tu_has_finding(r, "/etc/rsyslog.conf"));
	tu_scan_free(&t);

	r = one(&t, "perm.cron-at");
	ck_assert_int_eq(r->status, CG_SKIP);
	tu_scan_free(&t);
	tu_write(root, "etc/crontab", "", 0600);
	tu_mkdir(root, "etc/cron.d", 0700);
	tu_write(root, "etc/cron.allow", "root\n", 0640);
	r = one(&t, "perm.cron-at");
	ck_assert_int_eq(r->status, CG_PASS);
	tu_scan_free(&t);
	tu_write(root, "etc/cron.deny", "", 0640);
	r = one(&t, "perm.cron-at");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].rule, "deny");
	tu_scan_free(&t);
}
END_TEST

/* The three image-wide checks share one walk in a scan: each still sees exactly its own tree
 * (world-writable and unowned-files leave /tmp's contents to gen.tmp-files, suid-sgid-inventory
 * leaves /snap alone) and its own configuration (checks.<id>.exclude). */
static void three_views(const char *only)
{
	struct tu_scan t;
	struct cg_selection sel = {.fail_on = -1, .profile = "full"};
	const char *json = "{\"checks\": {\"perm.world-writable\": {\"exclude\": [\"/srv/skipme/*\"]}}}";
	char *err = NULL;

	config_init(&t.cfg);
	ck_assert_int_eq(config_load_text(&t.cfg, "test.json", json, strlen(json), &err), 0);
	ck_assert_int_eq(config_settle(&t.cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&t.ctx, root, &t.cfg), 0);
	strv_split_commas(&sel.only, only);
	ck_assert_int_eq(scan_run(&t.ctx, &sel, &t.rep), 0);
	strv_free(&sel.only);

	const struct cg_result *ww = tu_result(&t.rep, "perm.world-writable");
	const struct cg_result *un = tu_result(&t.rep, "perm.unowned-files");
	const struct cg_result *su = tu_result(&t.rep, "perm.suid-sgid-inventory");
	ck_assert_uint_eq(ww->nfindings, 2);
	ck_assert(tu_has_finding(ww, "/snap/core/1/bash"));
	ck_assert(tu_has_finding(ww, "/srv/ww"));
	ck_assert_uint_eq(un->nfindings, 1);
	ck_assert(tu_has_finding(un, "/snap/core/1/bash"));
	ck_assert_uint_eq(su->nfindings, 2); /* no dpkg database: the denylist judges */
	ck_assert(tu_has_finding(su, "/usr/bin/vim"));
	ck_assert(tu_has_finding(su, "/tmp/bash"));
	tu_scan_free(&t);
}

START_TEST(one_walk_three_views)
{
	_cleanup_free_ char *tf = tu_path(root, "tmp/bash"), *sf = tu_path(root, "snap/core/1/bash");
	tu_mkdir(root, "tmp", 01777);
	tu_write(root, "tmp/bash", "x", 04777);              /* suid sees it; ww and unowned do not */
	ck_assert_int_eq(chown(tf, 0, 777), 0);
	ck_assert_int_eq(chmod(tf, 04777), 0);               /* chown cleared the set-uid bit */
	tu_write(root, "snap/core/1/bash", "x", 04777);      /* ww and unowned see it; suid does not */
	ck_assert_int_eq(chown(sf, 0, 777), 0);
	ck_assert_int_eq(chmod(sf, 04777), 0);
	tu_write(root, "srv/skipme/ww", "x", 0666);          /* excluded for ww by its config */
	tu_write(root, "srv/ww", "x", 0666);
	tu_write(root, "usr/bin/vim", "x", 04755);

	/* perm's own walk; then the secrets content scan's walk feeding perm (perm.h) */
	three_views("perm.world-writable,perm.unowned-files,perm.suid-sgid-inventory");
	three_views("secrets.private-keys,perm.world-writable,perm.unowned-files,perm.suid-sgid-inventory");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perm");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shadow_modes_and_groups);
	tcase_add_test(tc, world_writable_walk);
	tcase_add_test(tc, unowned_and_suid);
	tcase_add_test(tc, banners_boot_logs_cron);
	tcase_add_test(tc, one_walk_three_views);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
