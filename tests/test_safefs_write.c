/* SPDX-License-Identifier: Apache-2.0 */
/* safefs write primitives on hostile trees: atomic writes, truncation, unlink, tree removal. */
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "fixture.h"
#include "safefs.h"

static struct fixture fx;
static struct safefs fs;
static struct strv outside_before;

static void setup(void)
{
	fixture_init(&fx);
	/* a canary outside the root that every test checks at the end */
	_cleanup_free_ char *canary = xasprintf("%s/canary", fx.outside);
	FILE *f = fopen(canary, "w");
	fputs("do not touch\n", f);
	fclose(f);
	fx_digest(fx.outside, &outside_before);
	ck_assert_int_eq(safefs_init(&fs, fx.root), 0);
}

static void teardown(void)
{
	struct strv after = {0};
	_cleanup_free_ char *diff = NULL;

	fx_digest(fx.outside, &after);
	ck_assert_msg(fx_diff(&outside_before, &after, &diff) == 0, "changed outside the root: %s", diff);
	strv_free(&after);
	strv_free(&outside_before);
	safefs_done(&fs);
	fixture_done(&fx);
}

static struct stat hstat(const char *path)
{
	_cleanup_free_ char *p = fx_path(&fx, path);
	struct stat st = {0};
	lstat(p, &st);
	return st;
}

START_TEST(write_atomic_replaces_and_keeps_owner)
{
	fx_put(&fx, "/etc/shadow", "root:$6$x:1::::::\n", 0640);
	struct stat before = hstat("/etc/shadow");
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "root:*:1::::::\n", 15, 0640, 0, 42, &before), 0);
	_cleanup_free_ char *p = fx_path(&fx, "/etc/shadow");
	_cleanup_free_ char *c = fx_read(p);
	ck_assert_str_eq(c, "root:*:1::::::\n");
	struct stat after = hstat("/etc/shadow");
	ck_assert_uint_eq(after.st_mode & 07777, 0640);
	ck_assert_uint_eq(after.st_gid, 42);
	ck_assert_uint_ne(after.st_ino, before.st_ino);
	/* a second call with the old expectation is refused: the inode changed */
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "x", 1, 0640, 0, 0, &before), -SAFEFS_EMOVED);
	/* a temp left by a killed run is replaced, not a problem */
	fx_put(&fx, "/etc/.shadow.capgate-tmp", "half", 0600);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "y\n", 2, 0640, 0, 0, NULL), 0);
	_cleanup_free_ char *tmp = fx_path(&fx, "/etc/.shadow.capgate-tmp");
	ck_assert_int_ne(access(tmp, F_OK), 0);
}
END_TEST

START_TEST(write_refuses_links_fifos_symlinks)
{
	fx_put(&fx, "/etc/shadow", "secret\n", 0640);
	_cleanup_free_ char *shadow = fx_path(&fx, "/etc/shadow");
	_cleanup_free_ char *hl = fx_path(&fx, "/home/u/.bash_history");
	fx_mkdir(&fx, "/home/u");
	ck_assert_int_eq(link(shadow, hl), 0);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "", 0, 0640, 0, 0, NULL), -SAFEFS_ENLINK);
	ck_assert_int_eq(safefs_truncate(&fs, "/home/u/.bash_history", NULL), -SAFEFS_ENLINK);
	_cleanup_free_ char *fifo = fx_path(&fx, "/var/log/fifo.log");
	fx_mkdir(&fx, "/var/log");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(safefs_truncate(&fs, "/var/log/fifo.log", NULL), -SAFEFS_ENOTREG);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/var/log/fifo.log", "x", 1, 0600, 0, 0, NULL), -SAFEFS_ENOTREG);
	_cleanup_free_ char *out = xasprintf("%s/canary", fx.outside);
	fx_symlink(&fx, out, "/var/log/link.log");
	ck_assert_int_eq(safefs_truncate(&fs, "/var/log/link.log", NULL), -ELOOP);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/var/log/link.log", "x", 1, 0600, 0, 0, NULL), -SAFEFS_ENOTREG);
	_cleanup_free_ char *c = fx_read(shadow);
	ck_assert_str_eq(c, "secret\n");
}
END_TEST

START_TEST(truncate_keeps_owner_and_mode)
{
	fx_put(&fx, "/var/log/syslog", "lots of log\n", 0640);
	_cleanup_free_ char *p = fx_path(&fx, "/var/log/syslog");
	ck_assert_int_eq(chown(p, 0, 4), 0);
	struct stat before = hstat("/var/log/syslog");
	ck_assert_int_eq(safefs_truncate(&fs, "/var/log/syslog", &before), 0);
	struct stat after = hstat("/var/log/syslog");
	ck_assert_int_eq(after.st_size, 0);
	ck_assert_uint_eq(after.st_ino, before.st_ino);
	ck_assert_uint_eq(after.st_mode, before.st_mode);
	ck_assert_uint_eq(after.st_gid, 4);
}
END_TEST

START_TEST(unlink_removes_the_link_not_the_target)
{
	_cleanup_free_ char *out = xasprintf("%s/canary", fx.outside);
	fx_symlink(&fx, out, "/root/.bash_history");
	ck_assert_int_eq(safefs_unlink(&fs, "/root/.bash_history", NULL), 0);
	struct stat st;
	_cleanup_free_ char *p = fx_path(&fx, "/root/.bash_history");
	ck_assert_int_ne(lstat(p, &st), 0);
	/* an intermediate symlink out of the root resolves inside it: nothing outside is reached */
	_cleanup_free_ char *oc = xasprintf("%s/victim", fx.outside);
	FILE *f = fopen(oc, "w");
	fclose(f);
	fx_symlink(&fx, fx.outside, "/var/escape");
	ck_assert_int_eq(safefs_unlink(&fs, "/var/escape/victim", NULL), -ENOENT);
	ck_assert_int_eq(access(oc, F_OK), 0);
	unlink(oc);
}
END_TEST

START_TEST(remove_tree_stays_inside)
{
	fx_put(&fx, "/tmp/build/a/b/c.txt", "x", 0644);
	fx_put(&fx, "/tmp/build/d.txt", "yy", 0644);
	fx_symlink(&fx, fx.outside, "/tmp/build/a/out");     /* a link to a directory outside */
	fx_symlink(&fx, "/etc", "/tmp/build/etc-link");       /* and one inside */
	fx_put(&fx, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
	/* a deep chain: the removal holds two descriptors, not one per level */
	_cleanup_free_ char *deep = fx_path(&fx, "/tmp/build/deep");
	mkdir(deep, 0755);
	int fd = open(deep, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 3000; i++) {
		mkdirat(fd, "d", 0755);
		int n = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = n;
	}
	close(fd);
	unsigned long long files = 0, bytes = 0;
	ck_assert_int_eq(safefs_remove_tree(&fs, "/tmp/build", NULL, false, &files, &bytes), 0);
	ck_assert_uint_eq(files, 4);
	ck_assert_uint_eq(bytes, 3);
	_cleanup_free_ char *b = fx_path(&fx, "/tmp/build");
	_cleanup_free_ char *pw = fx_path(&fx, "/etc/passwd");
	ck_assert_int_ne(access(b, F_OK), 0);
	ck_assert_int_eq(access(pw, F_OK), 0);
	/* keep_top empties and keeps */
	fx_put(&fx, "/var/lib/waagent/ovf-env.xml", "x", 0600);
	ck_assert_int_eq(safefs_remove_tree(&fs, "/var/lib/waagent", NULL, true, NULL, NULL), 0);
	_cleanup_free_ char *w = fx_path(&fx, "/var/lib/waagent");
	_cleanup_free_ char *o = fx_path(&fx, "/var/lib/waagent/ovf-env.xml");
	ck_assert_int_eq(access(w, F_OK), 0);
	ck_assert_int_ne(access(o, F_OK), 0);
}
END_TEST

START_TEST(remove_tree_of_a_symlinked_dir_removes_only_the_link)
{
	_cleanup_free_ char *victim = xasprintf("%s/lease", fx.outside);
	FILE *f = fopen(victim, "w");
	fputs("keep\n", f);
	fclose(f);
	fx_symlink(&fx, fx.outside, "/var/lib/dhcp");
	ck_assert_int_eq(safefs_remove_tree(&fs, "/var/lib/dhcp", NULL, true, NULL, NULL), -ENOTDIR);
	ck_assert_int_eq(safefs_remove_tree(&fs, "/var/lib/dhcp", NULL, false, NULL, NULL), 0);
	ck_assert_int_eq(access(victim, F_OK), 0);
	unlink(victim);
}
END_TEST

START_TEST(never_writes_under_pseudo_dirs)
{
	fx_put(&fx, "/proc/sys/kernel/x", "1", 0644);
	fx_put(&fx, "/run/foo", "1", 0644);
	ck_assert_int_eq(safefs_unlink(&fs, "/proc/sys/kernel/x", NULL), -SAFEFS_EPSEUDO);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/run/foo", "2", 1, 0644, 0, 0, NULL), -SAFEFS_EPSEUDO);
	/* reached through a link: still refused */
	fx_symlink(&fx, "/run", "/var/run");
	ck_assert_int_eq(safefs_truncate(&fs, "/var/run/foo", NULL), -SAFEFS_EPSEUDO);
}
END_TEST

START_TEST(symlink_atomic_and_mkdir)
{
	fx_put(&fx, "/var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n", 0644);
	ck_assert_int_eq(safefs_symlink_atomic(&fs, "/etc/machine-id", "/var/lib/dbus/machine-id", NULL), 0);
	char *t = NULL;
	ck_assert_int_eq(safefs_readlink(&fs, "/var/lib/dbus/machine-id", &t), 0);
	ck_assert_str_eq(t, "/etc/machine-id");
	free(t);
	ck_assert_int_eq(safefs_mkdir_p(&fs, "/etc/systemd/system/multi-user.target.wants", 0755), 0);
	struct stat st = hstat("/etc/systemd/system/multi-user.target.wants");
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

/* sshd_config.d as a symlink to a directory inside the image: mkdir -p and the write go there,
 * resolved in the image, never against the host's / (issue 15, 10); both resolvers */
START_TEST(mkdir_p_through_an_in_image_symlink)
{
	fx_mkdir(&fx, "/etc/ssh/dropins");
	fx_symlink(&fx, "/etc/ssh/dropins", "/etc/ssh/sshd_config.d");
	for (int mode = 0; mode < 2; mode++) {
		fs.use_openat2 = mode == 0 && fs.use_openat2;
		ck_assert_int_eq(safefs_mkdir_p(&fs, "/etc/ssh/sshd_config.d", 0755), 0);
		ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/ssh/sshd_config.d/00-capgate.conf", "X 1\n", 4, 0600, 0, 0, NULL), 0);
		struct stat st = hstat("/etc/ssh/dropins/00-capgate.conf");
		ck_assert(S_ISREG(st.st_mode));
		_cleanup_free_ char *p = fx_path(&fx, "/etc/ssh/dropins/00-capgate.conf");
		unlink(p);
	}
	/* a symlink to a file is not a directory */
	fx_put(&fx, "/etc/file", "x", 0644);
	fx_symlink(&fx, "/etc/file", "/etc/notadir");
	ck_assert_int_eq(safefs_mkdir_p(&fs, "/etc/notadir", 0755), -ENOTDIR);
}
END_TEST

/* every extended attribute of the replaced file is on the new one (issue 15, 5) */
START_TEST(write_atomic_keeps_xattrs)
{
	fx_put(&fx, "/etc/shadow", "root:$6$x:1::::::\n", 0640);
	_cleanup_free_ char *p = fx_path(&fx, "/etc/shadow");
	if (setxattr(p, "user.origin", "build-42", 8, 0) < 0) {
		ck_assert_int_eq(errno, ENOTSUP); /* a file system without user.*: nothing to keep */
		return;
	}
	ck_assert_int_eq(setxattr(p, "user.second", "", 0, 0), 0);
	struct stat before = hstat("/etc/shadow");
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "root:*:1::::::\n", 15, 0640, 0, 0, &before), 0);
	char v[32] = {0};
	ck_assert_int_eq(getxattr(p, "user.origin", v, sizeof v), 8);
	ck_assert_str_eq(v, "build-42");
	ck_assert_int_eq(getxattr(p, "user.second", v, sizeof v), 0);
	ck_assert_uint_ne(hstat("/etc/shadow").st_ino, before.st_ino);
}
END_TEST

/* a directory at the temp name is named as the obstacle and left alone (issue 15, 10) */
START_TEST(directory_at_the_temp_name)
{
	fx_put(&fx, "/etc/shadow", "root:x:1::::::\n", 0640);
	fx_mkdir(&fx, "/etc/.shadow.capgate-tmp");
	fx_put(&fx, "/etc/.shadow.capgate-tmp/keep", "k", 0644);
	ck_assert_int_eq(safefs_write_atomic(&fs, "/etc/shadow", "x", 1, 0640, 0, 0, NULL), -SAFEFS_ETMPDIR);
	ck_assert(S_ISREG(hstat("/etc/.shadow.capgate-tmp/keep").st_mode));
	ck_assert(strstr(safefs_strerror(-SAFEFS_ETMPDIR), ".capgate-tmp") != NULL);
}
END_TEST

/* the manifest's hash of a sparse file reads its data extents, not its holes */
START_TEST(sha256_sparse_reads_only_data)
{
	fx_put(&fx, "/var/log/big.log", "", 0644);
	_cleanup_free_ char *p = fx_path(&fx, "/var/log/big.log");
	int fd = open(p, O_RDWR | O_CLOEXEC);
	const off_t far = (off_t)1 << 30;
	char a[65], b[65];
	unsigned long long *ext = NULL, total = 0;
	size_t n = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "first\n", 6, 0), 6);
	ck_assert_int_eq(pwrite(fd, "last\n", 5, far), 5);
	ck_assert_int_eq(safefs_sha256_sparse(fd, a, &ext, &n), 0);
	if (!ext) { /* this file system allocated the hole: the plain hash */
		ck_assert_int_eq(safefs_sha256_fd(fd, b), 0);
		ck_assert_str_eq(a, b);
		close(fd);
		return;
	}
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ext[0], 0);
	ck_assert(ext[2] <= (unsigned long long)far && (unsigned long long)far + 5 <= ext[2] + ext[3]);
	/* the hash is that of the extents' bytes, in order: copy them into a plain file and compare */
	fx_put(&fx, "/var/log/data", "", 0644);
	_cleanup_free_ char *q = fx_path(&fx, "/var/log/data");
	int out = open(q, O_WRONLY | O_CLOEXEC);
	for (size_t i = 0; i < n; i++) {
		char *buf = xmalloc(ext[2 * i + 1]);
		ck_assert_int_eq(pread(fd, buf, ext[2 * i + 1], (off_t)ext[2 * i]), (ssize_t)ext[2 * i + 1]);
		ck_assert_int_eq(write(out, buf, ext[2 * i + 1]), (ssize_t)ext[2 * i + 1]);
		total += ext[2 * i + 1];
		free(buf);
	}
	close(out);
	ck_assert(total < 1 << 20);
	out = open(q, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(safefs_sha256_fd(out, b), 0);
	ck_assert_str_eq(a, b);
	close(out);
	free(ext);
	/* a file without holes: the plain hash, no extent map */
	ext = NULL;
	ck_assert_int_eq(safefs_sha256_sparse(out = open(q, O_RDONLY | O_CLOEXEC), a, &ext, &n), 0);
	ck_assert_ptr_null(ext);
	ck_assert_str_eq(a, b);
	close(out);
	close(fd);
}
END_TEST

/* a FIFO or a device where a regular file is wanted: refused by type, before any open */
START_TEST(open_regular_refuses_special_files)
{
	fx_mkdir(&fx, "/etc");
	_cleanup_free_ char *p = fx_path(&fx, "/etc/os-release");
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	ck_assert_int_eq(safefs_open_regular(&fs, "/etc/os-release", NULL), -SAFEFS_ENOTREG);
	fx_symlink(&fx, "/etc/passwd", "/etc/link");
	ck_assert_int_eq(safefs_open_regular(&fs, "/etc/link", NULL), -ELOOP);
	fx_put(&fx, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
	int fd = safefs_open_regular(&fs, "/etc/passwd", NULL);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		write_atomic_replaces_and_keeps_owner,
		write_refuses_links_fifos_symlinks,
		truncate_keeps_owner_and_mode,
		unlink_removes_the_link_not_the_target,
		remove_tree_stays_inside,
		remove_tree_of_a_symlinked_dir_removes_only_the_link,
		never_writes_under_pseudo_dirs,
		symlink_atomic_and_mkdir,
		mkdir_p_through_an_in_image_symlink,
		write_atomic_keeps_xattrs,
		directory_at_the_temp_name,
		sha256_sparse_reads_only_data,
		open_regular_refuses_special_files,
	};

	return fx_run("safefs_write", setup, teardown, tests, ELEMENTSOF(tests));
}
