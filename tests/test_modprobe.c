/* SPDX-License-Identifier: Apache-2.0 */
/* modprobe.d: first install line wins, names with '-' and '_' are one, same-name masking,
 * continuation lines, and which modules a kernel of the image ships. */
#include "modprobe.h"
#include "testutil.h"

static char *root;
static struct safefs fs;

static void setup(void)
{
	root = tu_scratch();
}

static void teardown(void)
{
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}

START_TEST(install_first_wins)
{
	struct modprobe_conf c;

	tu_write(root, "etc/modprobe.d/10-cis.conf", "install cramfs /bin/false\nblacklist hfs\n", 0644);
	tu_write(root, "etc/modprobe.d/20-late.conf", "install cramfs /sbin/modprobe --ignore-install cramfs\n"
						    "install usb-storage \\\n  /bin/true\n# install sctp /bin/false\n", 0644);
	tu_write(root, "lib/modprobe.d/10-cis.conf", "install hfs /bin/false\n", 0644); /* masked by /etc */
	tu_write(root, "lib/modprobe.d/30-vendor.conf", "install dccp /usr/bin/logger dccp\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(modprobe_load(&fs, &c, NULL), 0);
	const struct modprobe_rule *r = modprobe_install(&c, "cramfs");
	ck_assert_str_eq(r->path, "/etc/modprobe.d/10-cis.conf");
	ck_assert(modprobe_command_disables(r->command));
	ck_assert(modprobe_command_disables(modprobe_install(&c, "usb_storage")->command));
	ck_assert_uint_eq(modprobe_install(&c, "usb_storage")->line, 2);
	ck_assert_ptr_null(modprobe_install(&c, "hfs"));
	ck_assert_ptr_nonnull(modprobe_blacklisted(&c, "hfs"));
	ck_assert_ptr_null(modprobe_install(&c, "sctp"));
	ck_assert(!modprobe_command_disables(modprobe_install(&c, "dccp")->command));
	ck_assert(!modprobe_command_disables("/bin/falsehood"));
	modprobe_free(&c);
}
END_TEST

START_TEST(kernel_modules)
{
	struct modprobe_modules m;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(modprobe_modules_load(&fs, &m, NULL), 0);
	ck_assert_uint_eq(m.nkernels, 0);
	modprobe_modules_free(&m);
	tu_write(root, "lib/modules/6.1.0-28-cloud-amd64/modules.dep",
		 "kernel/fs/cramfs/cramfs.ko.xz:\nkernel/drivers/usb/storage/usb-storage.ko.xz: kernel/x.ko\n", 0644);
	tu_write(root, "lib/modules/6.1.0-28-cloud-amd64/modules.builtin", "kernel/fs/udf/udf.ko\n", 0644);
	ck_assert_int_eq(modprobe_modules_load(&fs, &m, NULL), 0);
	ck_assert_uint_eq(m.nkernels, 1);
	ck_assert(modprobe_modules_has(&m, "cramfs"));
	ck_assert(modprobe_modules_has(&m, "usb-storage"));
	ck_assert(modprobe_modules_has(&m, "udf"));
	ck_assert(!modprobe_modules_has(&m, "sctp"));
	modprobe_modules_free(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("modprobe");
	TCase *tc = tcase_create("modprobe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, install_first_wins);
	tcase_add_test(tc, kernel_modules);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
