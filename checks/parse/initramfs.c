/* SPDX-License-Identifier: Apache-2.0 */
/* Initramfs contents through libarchive (see initramfs.h). Segments: the kernel unpacks cpio
 * archives one after another, skipping NUL padding between them; libarchive stops at the first
 * TRAILER!!!, so each further segment is opened at the offset where the previous one ended. */
#include "initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define INITRAMFS_MAX_SEGMENTS 16
#define INITRAMFS_MAX_FILES 200000
#define INITRAMFS_MAX_BUILTIN (1 << 20) /* modules.builtin is ~20 KiB on Debian's 6.1 */

/* The module name of a path ".../kernel/drivers/hv/hv_vmbus.ko.xz", or NULL. */
static char *module_name(const char *path)
{
	static const char *const sfx[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz", ".ko.bz2", ".ko.lz4"};
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < ELEMENTSOF(sfx); i++) {
		size_t bl = strlen(base), sl = strlen(sfx[i]);
		if (bl > sl && streq(base + bl - sl, sfx[i])) {
			char *m = xstrndup(base, bl - sl);
			for (char *c = m; *c; c++)
				if (*c == '-')
					*c = '_';
			return m;
		}
	}
	return NULL;
}

static void builtin_add(struct initramfs *out, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *l = xstrndup(p, n);
		_cleanup_free_ char *m = module_name(l);
		if (m)
			strv_push(&out->builtin, m);
		p += n + (p[n] ? 1 : 0);
	}
}

static struct archive *reader_new(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_cpio(a);
	return a;
}

/* One segment: every entry until the trailer. *CONSUMED: raw bytes the segment took. */
static int read_segment(struct archive *a, struct initramfs *out, long long *consumed)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *path = archive_entry_pathname(e);
		if (++out->files > INITRAMFS_MAX_FILES) {
			out->error = xstrdup("more entries than an initramfs holds");
			return -E2BIG;
		}
		if (!path)
			continue;
		_cleanup_free_ char *m = module_name(path);
		if (m && archive_entry_filetype(e) == AE_IFREG)
			strv_push(&out->modules, m);
		const char *b = strrchr(path, '/');
		if (b && streq(b, "/modules.builtin") && archive_entry_filetype(e) == AE_IFREG &&
		    archive_entry_size(e) < INITRAMFS_MAX_BUILTIN) {
			size_t sz = (size_t)archive_entry_size(e);
			_cleanup_free_ char *buf = xmalloc(sz + 1);
			la_ssize_t got = archive_read_data(a, buf, sz);
			if (got >= 0) {
				buf[got] = '\0';
				builtin_add(out, buf);
			}
		}
	}
	if (r != ARCHIVE_EOF) {
		const char *msg = archive_error_string(a);
		out->error = xstrdup(msg ? msg : "damaged archive");
		return -EBADMSG;
	}
	strv_push(&out->filters, archive_filter_count(a) > 1 ? archive_filter_name(a, 0) : "none");
	/* an uncompressed segment ends where the format stopped reading; a compressed one at the
	 * end of its stream, which the raw byte count tells */
	*consumed = archive_filter_count(a) > 1 ? archive_filter_bytes(a, -1) : archive_filter_bytes(a, 0);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void finish(struct initramfs *out)
{
	if (out->modules.n)
		qsort(out->modules.v, out->modules.n, sizeof *out->modules.v, cmp_str);
}

int initramfs_read_mem(const void *data, size_t len, struct initramfs *out)
{
	const unsigned char *p = data;
	size_t off = 0;

	*out = (struct initramfs){0};
	if (len == 0)
		return -ENODATA; /* an empty file is no initramfs */
	while (off < len && out->segments < INITRAMFS_MAX_SEGMENTS) {
		struct archive *a = reader_new();
		long long used = 0;
		int r;

		if (!a)
			return -ENOMEM;
		r = archive_read_open_memory(a, p + off, len - off);
		if (r == ARCHIVE_OK)
			r = read_segment(a, out, &used);
		else
			r = -EBADMSG;
		archive_read_free(a);
		if (r < 0 || used <= 0) {
			if (out->segments == 0) {
				finish(out);
				return r < 0 ? r : -EBADMSG;
			}
			break;
		}
		out->segments++;
		off += (size_t)used < len - off ? (size_t)used : len - off;
		while (off < len && p[off] == 0)
			off++;
	}
	finish(out);
	return 0;
}

int initramfs_read_fd(int fd, struct initramfs *out)
{
	off_t off = lseek(fd, 0, SEEK_CUR), end = lseek(fd, 0, SEEK_END);

	*out = (struct initramfs){0};
	if (off < 0 || end < 0)
		return -errno;
	if (off >= end)
		return -ENODATA;
	while (off < end && out->segments < INITRAMFS_MAX_SEGMENTS) {
		struct archive *a;
		long long used = 0;
		unsigned char zero[4096];
		int r;

		if (lseek(fd, off, SEEK_SET) < 0)
			return -errno;
		a = reader_new();
		if (!a)
			return -ENOMEM;
		r = archive_read_open_fd(a, fd, 64 * 1024);
		if (r == ARCHIVE_OK)
			r = read_segment(a, out, &used);
		else
			r = -EBADMSG;
		archive_read_free(a);
		if (r < 0 || used <= 0) {
			if (out->segments == 0) {
				finish(out);
				return r < 0 ? r : -EBADMSG;
			}
			break;
		}
		out->segments++;
		off += used;
		/* skip the NUL padding between segments */
		for (;;) {
			ssize_t n = pread(fd, zero, sizeof zero, off);
			ssize_t i = 0;
			if (n <= 0)
				break;
			while (i < n && zero[i] == 0)
				i++;
			off += i;
			if (i < n)
				break;
		}
	}
	finish(out);
	return 0;
}

bool initramfs_has_module(const struct initramfs *i, const char *module)
{
	_cleanup_free_ char *m = xstrdup(module);

	for (char *c = m; *c; c++)
		if (*c == '-')
			*c = '_';
	if (i->modules.n && bsearch(&m, i->modules.v, i->modules.n, sizeof *i->modules.v, cmp_str))
		return true;
	for (size_t k = 0; k < i->builtin.n; k++)
		if (streq(i->builtin.v[k], m))
			return true;
	return false;
}

void initramfs_free(struct initramfs *i)
{
	strv_free(&i->modules);
	strv_free(&i->builtin);
	strv_free(&i->filters);
	free(i->error);
	*i = (struct initramfs){0};
}
