/* SPDX-License-Identifier: Apache-2.0 */
/* checks/parse/fstab.c: libmount's reading of fstab, with the line of each entry. */
#include "fstab.h"
#include "testutil.h"

START_TEST(entries_and_lines)
{
	struct fstab f;
	const char *t = "# /etc/fstab\n\nUUID=0b9a / ext4 defaults 0 1\n  /dev/sda15  /boot/efi vfat umask=0077 0 0\n"
			"# swap was on /dev/sda2\nLABEL=swap none swap sw 0 0\n/srv/My\\040Files /mnt/x none bind\n";

	ck_assert_int_eq(fstab_parse(&f, t, strlen(t)), 0);
	ck_assert_uint_eq(f.n, 4);
	ck_assert_str_eq(f.v[0].source, "UUID=0b9a");
	ck_assert_uint_eq(f.v[0].line, 3);
	ck_assert_str_eq(f.v[1].source, "/dev/sda15");
	ck_assert_str_eq(f.v[1].target, "/boot/efi");
	ck_assert_uint_eq(f.v[1].line, 4);
	ck_assert_str_eq(f.v[2].fstype, "swap");
	ck_assert_uint_eq(f.v[2].line, 6);
	ck_assert_str_eq(f.v[3].source, "/srv/My Files"); /* \040 decoded as mount(8) does */
	ck_assert_uint_eq(f.v[3].line, 7);
	fstab_free(&f);
}
END_TEST

START_TEST(source_kinds)
{
	ck_assert_str_eq(fstab_source_kind("UUID=1"), "persistent");
	ck_assert_str_eq(fstab_source_kind("PARTUUID=1"), "persistent");
	ck_assert_str_eq(fstab_source_kind("LABEL=root"), "persistent");
	ck_assert_str_eq(fstab_source_kind("/dev/disk/by-uuid/1"), "persistent");
	ck_assert_str_eq(fstab_source_kind("/dev/mapper/vg-root"), "persistent");
	ck_assert_str_eq(fstab_source_kind("/dev/rootvg/rootlv"), "persistent");
	ck_assert_str_eq(fstab_source_kind("/dev/sda1"), "kernel-name");
	ck_assert_str_eq(fstab_source_kind("/dev/sdb"), "kernel-name");
	ck_assert_str_eq(fstab_source_kind("/dev/nvme0n1p2"), "kernel-name");
	ck_assert_str_eq(fstab_source_kind("/dev/xvda1"), "kernel-name");
	ck_assert_str_eq(fstab_source_kind("/dev/shm"), "other");
	ck_assert_str_eq(fstab_source_kind("tmpfs"), "other");
	ck_assert_str_eq(fstab_source_kind("/swapfile"), "other");
}
END_TEST

START_TEST(empty_and_odd)
{
	struct fstab f;

	ck_assert_int_eq(fstab_parse(&f, "", 0), 0);
	ck_assert_uint_eq(f.n, 0);
	fstab_free(&f);
	ck_assert_int_eq(fstab_parse(&f, "UUID=1 /\n\n", 10), 0);
	ck_assert_uint_le(f.n, 1);
	fstab_free(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fstab");
	TCase *t = tcase_create("core");
	tcase_add_test(t, entries_and_lines);
	tcase_add_test(t, source_kinds);
	tcase_add_test(t, empty_and_odd);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
