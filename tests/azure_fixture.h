/* SPDX-License-Identifier: Apache-2.0 */
/* Initramfs archives assembled by the tests (libarchive's writer): newc cpio, optionally behind a
 * compression filter, optionally after an uncompressed early-microcode archive, as
 * mkinitramfs and dracut lay them out. */
#pragma once
#include <archive.h>
#include <archive_entry.h>

#include "testutil.h"

enum az_filter { AZ_NONE, AZ_GZIP, AZ_XZ, AZ_ZSTD, AZ_LZ4 };

/* One newc archive holding the regular files NAMES (NULL-terminated) appended to OUT. */
static inline void az_cpio(struct strbuf *out, const char *const *names, enum az_filter filter)
{
	struct archive *a = archive_write_new();
	size_t cap = 1 << 20, used = 0;
	char *buf = xmalloc(cap);

	ck_assert_int_eq(archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	switch (filter) {
	case AZ_NONE: break;
	case AZ_GZIP: ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK); break;
	case AZ_XZ: ck_assert_int_eq(archive_write_add_filter_xz(a), ARCHIVE_OK); break;
	case AZ_ZSTD: ck_assert_int_eq(archive_write_add_filter_zstd(a), ARCHIVE_OK); break;
	case AZ_LZ4:
		/* libarchive writes lz4's frame format; the kernel's initramfs wants the legacy frame
		 * (`lz4 -l`), which libarchive reads too: the frame format tests the reader's filter */
		ck_assert_int_eq(archive_write_add_filter_lz4(a), ARCHIVE_OK);
		break;
	}
	archive_write_set_bytes_in_last_block(a, 1);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; names[i]; i++) {
		struct archive_entry *e = archive_entry_new();
		const char body[] = "module body\n";
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, sizeof body - 1);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, body, sizeof body - 1), (la_ssize_t)(sizeof body - 1));
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	strbuf_append(out, buf, used);
	free(buf);
}

/* Where an initramfs keeps its modules: the directory above <version>/kernel/drivers and the
 * compression suffix after .ko (NULL: alternately none and .xz). */
struct az_modlayout {
	const char *dir, *suffix;
};

/* An initramfs with the kernel modules MODS (names, no suffix; NULL-terminated) of VERSION laid
 * out as LAYOUT, compressed with FILTER, after an early-microcode archive when MICROCODE. */
static inline void az_initramfs_at(struct strbuf *out, const char *version, const char *const *mods,
				   enum az_filter filter, bool microcode, struct az_modlayout layout)
{
	struct strv names = {0};

	if (microcode) {
		const char *const ucode[] = {"kernel/x86/microcode/GenuineIntel.bin", NULL};
		az_cpio(out, ucode, AZ_NONE);
		/* mkinitramfs pads between the archives; the kernel skips NULs */
		strbuf_append(out, "\0\0\0\0\0\0\0\0", 8);
	}
	strv_push(&names, "init");
	strv_push(&names, "usr/bin/busybox");
	for (size_t i = 0; mods[i]; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s/kernel/drivers/%s.ko%s", layout.dir, version, mods[i],
						   layout.suffix ? layout.suffix : i % 2 ? ".xz" : "");
		strv_push(&names, p);
	}
	az_cpio(out, (const char *const *)names.v, filter);
	strv_free(&names);
}

static inline void az_initramfs(struct strbuf *out, const char *version, const char *const *mods, enum az_filter filter,
				bool microcode)
{
	az_initramfs_at(out, version, mods, filter, microcode, (struct az_modlayout){"usr/lib/modules", NULL});
}

static inline void az_write_initramfs_at(const char *root, const char *rel, const char *version,
					 const char *const *mods, enum az_filter filter, bool microcode,
					 struct az_modlayout layout)
{
	struct strbuf b = {0};
	az_initramfs_at(&b, version, mods, filter, microcode, layout);
	_cleanup_free_ char *p = tu_path(root, rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b.buf, 1, b.len, f), b.len);
	fclose(f);
	strbuf_free(&b);
}

static inline void az_write_initramfs(const char *root, const char *rel, const char *version, const char *const *mods,
				      enum az_filter filter, bool microcode)
{
	az_write_initramfs_at(root, rel, version, mods, filter, microcode, (struct az_modlayout){"usr/lib/modules", NULL});
}
