/* SPDX-License-Identifier: Apache-2.0 */
/* checks/parse/bootcfg.c: GRUB defaults as the shell sources them, grub.cfg kernel lines, BLS
 * entries, grubenv, and kernel command line words. */
#include "bootcfg.h"
#include "testutil.h"

START_TEST(cmdline_words)
{
	struct strv w = {0};

	bootcfg_cmdline_split("  root=UUID=1 ro console=tty1 console=ttyS0,115200n8 dyndbg=\"file a.c +p\" quiet", &w);
	ck_assert_uint_eq(w.n, 6);
	ck_assert_str_eq(w.v[4], "dyndbg=file a.c +p");
	ck_assert(bootcfg_cmdline_has(&w, "console", "ttyS0"));
	ck_assert(bootcfg_cmdline_has(&w, "quiet", NULL));
	ck_assert(!bootcfg_cmdline_has(&w, "quie", NULL));
	ck_assert(!bootcfg_cmdline_has(&w, "console", "ttyS1"));
	ck_assert(!bootcfg_cmdline_has(&w, "root", "UUID=2"));
	strv_free(&w);
}
END_TEST

/* what grub-mkconfig sees: the last assignment, $VAR expanded from earlier ones, quotes removed */
START_TEST(defaults_shell)
{
	struct bootcfg_defaults d = {0};

	bootcfg_defaults_parse(&d, "/etc/default/grub",
			       "# comment GRUB_CMDLINE_LINUX=\"no\"\n"
			       "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
			       "GRUB_CMDLINE_LINUX=''\n"
			       "export GRUB_TERMINAL=serial\n"
			       "if true; then :; fi\n"
			       "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n");
	bootcfg_defaults_parse(&d, "/etc/default/grub.d/50-cloud.cfg",
			       "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX console=ttyS0 \\$literal\"\n"
			       "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash\"\n"
			       "GRUB_SERIAL_COMMAND=\"serial --speed=115200\n  --unit=0\"\nGRUB_TIMEOUT=5\n");
	const struct bootcfg_var *v = bootcfg_defaults_get(&d, "GRUB_CMDLINE_LINUX");
	ck_assert_str_eq(v->value, " console=ttyS0 $literal");
	ck_assert_str_eq(v->path, "/etc/default/grub.d/50-cloud.cfg");
	ck_assert_uint_eq(v->line, 1);
	ck_assert_str_eq(bootcfg_defaults_get(&d, "GRUB_CMDLINE_LINUX_DEFAULT")->value, "quiet splash");
	ck_assert_str_eq(bootcfg_defaults_get(&d, "GRUB_TERMINAL")->value, "serial");
	ck_assert_str_eq(bootcfg_defaults_get(&d, "GRUB_SERIAL_COMMAND")->value, "serial --speed=115200\n  --unit=0");
	/* the line count survives a quoted newline */
	ck_assert_uint_eq(bootcfg_defaults_get(&d, "GRUB_TIMEOUT")->line, 5);
	bootcfg_defaults_free(&d);
}
END_TEST

START_TEST(grubcfg_entries)
{
	struct bootcfg_grubcfg g = {0};

	bootcfg_grubcfg_parse(&g, "serial --speed=115200\nterminal_input serial console\nterminal_output serial console\n"
				  "menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple' {\n"
				  "\tlinux\t/boot/vmlinuz-6.1 root=UUID=1 ro console=ttyS0\n}\n"
				  "submenu 'Advanced' {\n  menuentry \"Debian, 6.1 (recovery)\" {\n"
				  "    linuxefi /vmlinuz-6.1 root=UUID=1 ro single\n  }\n}\n");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.v[0].title, "Debian GNU/Linux");
	ck_assert_str_eq(g.v[0].kernel, "/boot/vmlinuz-6.1");
	ck_assert_str_eq(g.v[0].args, "root=UUID=1 ro console=ttyS0");
	ck_assert_uint_eq(g.v[0].line, 5);
	ck_assert_str_eq(g.v[1].title, "Debian, 6.1 (recovery)");
	/* 10_linux's recovery entries: Debian's "single", Ubuntu's "recovery nomodeset" */
	ck_assert(!g.v[0].recovery);
	ck_assert(g.v[1].recovery);
	ck_assert(g.serial_terminal);
	ck_assert(!g.blscfg);
	bootcfg_grubcfg_free(&g);
	bootcfg_grubcfg_parse(&g, "menuentry 'Ubuntu, with Linux 6.8 (recovery mode)' {\n"
				  "\tlinux /boot/vmlinuz-6.8 root=PARTUUID=1 ro recovery nomodeset dis_ucode_ldr \n}\n"
				  "menuentry 'x' {\n\tlinux /boot/vmlinuz-6.8 root=PARTUUID=1 ro single-user=no\n}\n");
	ck_assert_uint_eq(g.n, 2);
	ck_assert(g.v[0].recovery);
	ck_assert(!g.v[1].recovery);
	bootcfg_grubcfg_free(&g);
	bootcfg_grubcfg_parse(&g, "insmod blscfg\nblscfg\n");
	ck_assert(g.blscfg);
	ck_assert_uint_eq(g.n, 0);
	bootcfg_grubcfg_free(&g);
}
END_TEST

static const char *env_lookup(const char *name, void *ud)
{
	return streq(name, "kernelopts") ? "root=/dev/x ro" : NULL;
}

START_TEST(bls_and_grubenv)
{
	struct bootcfg_bls e = {0};

	bootcfg_bls_parse(&e, "title RHEL (5.14)\nversion 5.14.0\nlinux /vmlinuz-5.14.0\ninitrd /initramfs-5.14.0.img\n"
			      "# c\noptions $kernelopts  \noptions console=ttyS0\n");
	ck_assert_str_eq(e.version, "5.14.0");
	ck_assert_str_eq(e.kernel, "/vmlinuz-5.14.0");
	ck_assert_str_eq(e.options, "$kernelopts console=ttyS0");
	ck_assert_uint_eq(e.options_line, 6);
	_cleanup_free_ char *x = bootcfg_expand(e.options, env_lookup, NULL);
	ck_assert_str_eq(x, "root=/dev/x ro console=ttyS0");
	_cleanup_free_ char *y = bootcfg_expand("$tuned_params ${kernelopts}$ $", env_lookup, NULL);
	ck_assert_str_eq(y, " root=/dev/x ro$ $");
	bootcfg_bls_free(&e);
	_cleanup_free_ char *k = bootcfg_grubenv_get("# GRUB Environment Block\nsaved_entry=x\nkernelopts=root=UUID=1 ro\n####", "kernelopts");
	ck_assert_str_eq(k, "root=UUID=1 ro");
	ck_assert_ptr_null(bootcfg_grubenv_get("kernelopts\n", "kernelopts"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bootcfg");
	TCase *t = tcase_create("core");
	tcase_add_test(t, cmdline_words);
	tcase_add_test(t, defaults_shell);
	tcase_add_test(t, grubcfg_entries);
	tcase_add_test(t, bls_and_grubenv);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
