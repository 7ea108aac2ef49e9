/* SPDX-License-Identifier: Apache-2.0 */
/* fstab via libmount (see fstab.h). libmount gives entries in file order and reports lines it
 * cannot parse to a callback; the line of each entry is found by walking the same text. */
#include "fstab.h"

#include <ctype.h>
#include <errno.h>
#include <libmount.h>
#include <stdio.h>

#include "util.h"

#define FSTAB_MAX_ENTRIES 100000

static int on_parse_error(struct libmnt_table *tb, const char *filename, int line)
{
	struct fstab *f = mnt_table_get_userdata(tb);

	f->bad_lines = xreallocarray(f->bad_lines, f->nbad + 1, sizeof *f->bad_lines);
	f->bad_lines[f->nbad++] = (unsigned)line;
	return 1; /* skip the line, go on */
}

static bool line_is_bad(const struct fstab *f, unsigned line)
{
	for (size_t i = 0; i < f->nbad; i++)
		if (f->bad_lines[i] == line)
			return true;
	return false;
}

int fstab_parse(struct fstab *f, const char *text, size_t len)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	_cleanup_free_ char *copy = NULL; /* fmemopen takes a writable buffer; it outlives IN */
	FILE *in;
	int r;

	*f = (struct fstab){0};
	if (len == 0)
		return 0;
	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_FORWARD);
	copy = xmalloc(len);
	memcpy(copy, text, len);
	in = fmemopen(copy, len, "r");
	if (!tb || !it || !in) {
		r = -ENOMEM;
		goto out;
	}
	mnt_table_set_userdata(tb, f);
	mnt_table_set_parser_errcb(tb, on_parse_error);
	r = mnt_table_parse_stream(tb, in, "fstab");
	if (r < 0 && r != -EINVAL)
		goto out;
	r = 0;
	/* the Nth entry is the Nth line that is neither blank, a comment, nor rejected */
	const char *p = text, *end = text + len;
	unsigned line = 0;
	while (mnt_table_next_fs(tb, it, &fs) == 0 && f->n < FSTAB_MAX_ENTRIES) {
		unsigned at = 0;
		while (p < end && !at) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end, *s = p;
			line++;
			while (s < le && isspace((unsigned char)*s))
				s++;
			if (s < le && *s != '#' && !line_is_bad(f, line))
				at = line;
			p = nl ? nl + 1 : end;
		}
		f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
		f->v[f->n++] = (struct fstab_entry){
			.source = xstrdup(mnt_fs_get_source(fs) ? mnt_fs_get_source(fs) : ""),
			.target = xstrdup(mnt_fs_get_target(fs) ? mnt_fs_get_target(fs) : ""),
			.fstype = xstrdup(mnt_fs_get_fstype(fs) ? mnt_fs_get_fstype(fs) : ""),
			.options = xstrdup(mnt_fs_get_options(fs) ? mnt_fs_get_options(fs) : ""),
			.line = at,
		};
	}
out:
	if (in)
		fclose(in);
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

void fstab_free(struct fstab *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].source);
		free(f->v[i].target);
		free(f->v[i].fstype);
		free(f->v[i].options);
	}
	free(f->v);
	free(f->bad_lines);
	*f = (struct fstab){0};
}

/* "/dev/sd" + letters + optional digits, and the like */
static bool kernel_name(const char *s)
{
	static const char *const disks[] = {"/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd"};
	for (size_t i = 0; i < ELEMENTSOF(disks); i++)
		if (startswith(s, disks[i]) && islower((unsigned char)s[strlen(disks[i])]))
			return true;
	return startswith(s, "/dev/nvme") || startswith(s, "/dev/mmcblk");
}

const char *fstab_source_kind(const char *source)
{
	static const char *const tags[] = {"UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=", "/dev/disk/by-",
					   "/dev/mapper/"};
	for (size_t i = 0; i < ELEMENTSOF(tags); i++)
		if (startswith(source, tags[i]))
			return "persistent";
	if (kernel_name(source))
		return "kernel-name";
	if (startswith(source, "/dev/") && strchr(source + 5, '/'))
		return "persistent"; /* /dev/<vg>/<lv> */
	return "other";
}
