/* SPDX-License-Identifier: Apache-2.0 */
/* Mounts below an image root, sorted into the image's own and the rest (DESIGN.md, "Mounts"). */
#include "imgmount.h"

#include <fcntl.h>
#include <libmount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util.h"

int imgmount_fd_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*id = stx.stx_mnt_id;
	return 0;
}

/* PATH below ROOT ("/mnt/img" and "/mnt/img/home" -> "/home"), or NULL. */
static const char *below(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (streq(root, "/"))
		return streq(path, "/") ? NULL : path;
	if (strncmp(root, path, n) != 0 || path[n] != '/')
		return NULL;
	return path + n;
}

static bool is_block_source(struct libmnt_fs *fs)
{
	const char *src = mnt_fs_get_srcpath(fs);
	struct stat st;

	return src && src[0] == '/' && stat(src, &st) == 0 && S_ISBLK(st.st_mode);
}

int imgmount_load(struct img_mounts *m, int root_fd, const char *root_path)
{
	struct libmnt_table *tb;
	struct libmnt_iter *itr;
	struct libmnt_fs *fs;
	_cleanup_free_ char *root = NULL;
	int r;

	*m = (struct img_mounts){0};
	r = imgmount_fd_id(root_fd, &m->root_id);
	m->have_root_id = r == 0;
	root = realpath(root_path, NULL);
	if (!root)
		return -errno;
	tb = mnt_new_table();
	if (!tb)
		return -ENOMEM;
	r = mnt_table_parse_file(tb, "/proc/self/mountinfo");
	if (r < 0) {
		mnt_unref_table(tb);
		return r;
	}
	itr = mnt_new_iter(MNT_ITER_FORWARD);
	while (itr && mnt_table_next_fs(tb, itr, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs), *in;
		struct img_mount *e;

		if (!target || !(in = below(root, target)) || (uint64_t)mnt_fs_get_id(fs) == m->root_id)
			continue;
		m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
		e = &m->v[m->n++];
		*e = (struct img_mount){
			.id = (uint64_t)mnt_fs_get_id(fs), .path = xstrdup(in),
			.fstype = xstrdup(mnt_fs_get_fstype(fs) ? mnt_fs_get_fstype(fs) : "?"),
			.source = xstrdup(mnt_fs_get_source(fs) ? mnt_fs_get_source(fs) : "?"),
		};
		const char *fsroot = mnt_fs_get_root(fs);
		if (mnt_fs_is_pseudofs(fs))
			e->why = "a pseudo or memory file system";
		else if (mnt_fs_is_netfs(fs))
			e->why = "a network file system";
		else if (!is_block_source(fs))
			e->why = "not a block device (tmpfs, overlay, FUSE ...)";
		else if (!fsroot || !streq(fsroot, "/"))
			e->why = "a bind mount of a directory";
		else
			e->image = true;
	}
	/* a partition that is also mounted outside the root (or bound twice) is shared with the host */
	struct libmnt_iter *it2 = mnt_new_iter(MNT_ITER_FORWARD);
	while (it2 && mnt_table_next_fs(tb, it2, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		if (!target || below(root, target))
			continue;
		for (size_t i = 0; i < m->n; i++) {
			const char *src = mnt_fs_get_srcpath(fs);
			if (m->v[i].image && src && streq(src, m->v[i].source)) {
				m->v[i].image = false;
				m->v[i].why = "a file system also mounted outside the root";
			}
		}
	}
	mnt_free_iter(it2);
	mnt_free_iter(itr);
	mnt_unref_table(tb);
	/* the same file system twice under the root: the second one is a bind of the first */
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = 0; j < i; j++)
			if (m->v[i].image && m->v[j].image && streq(m->v[i].source, m->v[j].source)) {
				m->v[i].image = false;
				m->v[i].why = "a second mount of a file system already mounted in the image";
			}
	return 0;
}

void imgmount_free(struct img_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].fstype);
		free(m->v[i].source);
	}
	free(m->v);
	*m = (struct img_mounts){0};
}

const struct img_mount *imgmount_find(const struct img_mounts *m, uint64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].id == id)
			return &m->v[i];
	return NULL;
}
