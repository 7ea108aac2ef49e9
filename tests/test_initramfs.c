/* SPDX-License-Identifier: Apache-2.0 */
/* checks/parse/initramfs.c: modules found across concatenated and compressed cpio archives. */
#include <fcntl.h>
#include <unistd.h>

#include "azure_fixture.h"
#include "initramfs.h"

static const char *const hv[] = {"hv/hv_vmbus", "scsi/hv_storvsc", "net/hyperv/hv_netvsc", "nvme/host/nvme-core", NULL};

static void check_image(enum az_filter filter, bool microcode, const char *want_filter)
{
	struct strbuf b = {0};
	struct initramfs ir;

	az_initramfs(&b, "6.1.0-9-amd64", hv, filter, microcode);
	ck_assert_int_eq(initramfs_read_mem(b.buf, b.len, &ir), 0);
	ck_assert_msg(ir.error == NULL, "%s", ir.error);
	ck_assert_uint_eq(ir.segments, microcode ? 2 : 1);
	ck_assert_str_eq(ir.filters.v[ir.filters.n - 1], want_filter);
	ck_assert(initramfs_has_module(&ir, "hv_vmbus"));
	ck_assert(initramfs_has_module(&ir, "hv_storvsc"));
	ck_assert(initramfs_has_module(&ir, "hv-netvsc")); /* '-' and '_' are one name to kmod */
	ck_assert(initramfs_has_module(&ir, "nvme_core"));
	ck_assert(!initramfs_has_module(&ir, "nvme"));
	ck_assert(!initramfs_has_module(&ir, "busybox"));
	ck_assert_uint_eq(ir.files, (microcode ? 1 : 0) + 2 + 4);
	initramfs_free(&ir);
	strbuf_free(&b);
}

START_TEST(plain_cpio) { check_image(AZ_NONE, false, "none"); }
END_TEST
START_TEST(gzip) { check_image(AZ_GZIP, false, "gzip"); }
END_TEST
START_TEST(xz) { check_image(AZ_XZ, false, "xz"); }
END_TEST
START_TEST(zstd) { check_image(AZ_ZSTD, false, "zstd"); }
END_TEST
START_TEST(lz4) { check_image(AZ_LZ4, false, "lz4"); }
END_TEST
/* mkinitramfs and dracut on x86: an uncompressed microcode cpio, NUL padding, the compressed main one */
START_TEST(microcode_then_gzip) { check_image(AZ_GZIP, true, "gzip"); }
END_TEST
START_TEST(microcode_then_zstd) { check_image(AZ_ZSTD, true, "zstd"); }
END_TEST
START_TEST(microcode_then_xz) { check_image(AZ_XZ, true, "xz"); }
END_TEST

/* the descriptor reader (what the check uses) agrees with the buffer reader */
START_TEST(from_fd)
{
	_cleanup_free_ char *root = tu_scratch();
	_cleanup_free_ char *p = tu_path(root, "initrd.img");
	struct initramfs ir;

	az_write_initramfs(root, "initrd.img", "6.1", hv, AZ_ZSTD, true);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(initramfs_read_fd(fd, &ir), 0);
	ck_assert_uint_eq(ir.segments, 2);
	ck_assert(initramfs_has_module(&ir, "hv_storvsc"));
	initramfs_free(&ir);
	close(fd);
	tu_rm_rf(root);
}
END_TEST

/* an archive made by another tool: bsdcpio -o -H newc | gzip, after a microcode cpio */
START_TEST(bsdcpio_archive)
{
	_cleanup_free_ char *root = tu_scratch();
	struct initramfs ir;
	int fd;

	if (access("/usr/bin/bsdcpio", X_OK) != 0) {
		tu_rm_rf(root);
		return; /* libarchive-tools is in scripts/test-packages.txt; without it the writer tests stand */
	}
	tu_write(root, "w/usr/lib/modules/6.1/kernel/drivers/hv/hv_vmbus.ko.zst", "x", 0644);
	tu_write(root, "u/kernel/x86/microcode/AuthenticAMD.bin", "x", 0644);
	_cleanup_free_ char *cmd = xasprintf("cd %s/u && find . | bsdcpio -o -H newc --quiet > ../img && "
					     "cd %s/w && find . | bsdcpio -o -H newc --quiet | gzip -9 >> ../img", root, root);
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	ck_assert_int_eq(tu_run(argv, NULL, NULL), 0);
	_cleanup_free_ char *p = tu_path(root, "img");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(initramfs_read_fd(fd, &ir), 0);
	ck_assert_uint_eq(ir.segments, 2);
	ck_assert(initramfs_has_module(&ir, "hv_vmbus"));
	ck_assert(!initramfs_has_module(&ir, "hv_storvsc"));
	initramfs_free(&ir);
	close(fd);
	tu_rm_rf(root);
}
END_TEST

START_TEST(garbage_and_truncation)
{
	struct strbuf b = {0};
	struct initramfs ir;

	ck_assert_int_lt(initramfs_read_mem("not an archive at all", 21, &ir), 0);
	initramfs_free(&ir);
	az_initramfs(&b, "6.1", hv, AZ_GZIP, true);
	/* every cut of the compressed half: never a crash, never a module that was cut away
	 * reported as present without the damage being said */
	for (size_t keep = 600; keep < b.len; keep += 7) {
		ck_assert_int_eq(initramfs_read_mem(b.buf, keep, &ir), 0);
		ck_assert_uint_ge(ir.segments + (ir.error ? 1 : 0), 1);
		if (!ir.error && ir.segments == 2)
			ck_assert(initramfs_has_module(&ir, "hv_vmbus"));
		initramfs_free(&ir);
	}
	strbuf_free(&b);
}
END_TEST

/* modules.builtin inside the image counts as present */
START_TEST(builtin_list)
{
	struct strbuf b = {0};
	struct initramfs ir;
	const char *const names[] = {"usr/lib/modules/6.1/modules.builtin", NULL};

	az_cpio(&b, names, AZ_GZIP);
	ck_assert_int_eq(initramfs_read_mem(b.buf, b.len, &ir), 0);
	/* the body the fixture writes is "module body", not a module path: nothing is built in */
	ck_assert(!initramfs_has_module(&ir, "hv_vmbus"));
	initramfs_free(&ir);
	strbuf_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("initramfs");
	TCase *t = tcase_create("core");
	tcase_add_test(t, plain_cpio);
	tcase_add_test(t, gzip);
	tcase_add_test(t, xz);
	tcase_add_test(t, zstd);
	tcase_add_test(t, lz4);
	tcase_add_test(t, microcode_then_gzip);
	tcase_add_test(t, microcode_then_zstd);
	tcase_add_test(t, microcode_then_xz);
	tcase_add_test(t, from_fd);
	tcase_add_test(t, bsdcpio_archive);
	tcase_add_test(t, garbage_and_truncation);
	tcase_add_test(t, builtin_list);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
