/* SPDX-License-Identifier: Apache-2.0 */
/* safefs: resolution stays inside the root (openat2 and the fallback walk), the walker survives
 * hostile trees, and nothing outside the root is ever opened. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "safefs.h"
#include "testutil.h"

static char *sandbox; /* holds root/ and canary/ side by side */
static char *root;

/* Build a tree full of traps, with a canary directory outside the root. */
static void setup(void)
{
	sandbox = tu_scratch();
	root = tu_path(sandbox, "root");
	tu_mkdir(sandbox, "root", 0755);
	tu_write(sandbox, "canary/secret", "OUTSIDE\n", 0644);
	tu_write(sandbox, "canary/etc/passwd", "outside:x:0:0::/:/bin/sh\n", 0644);
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/hostname", "image\n", 0644);
	tu_write(root, "canary/secret", "INSIDE\n", 0644);
	/* absolute and relative symlinks aiming out of the root */
	_cleanup_free_ char *abs_canary = tu_path(sandbox, "canary");
	tu_symlink(root, "abs-out", abs_canary);
	tu_symlink(root, "etc-link", "/etc");
	tu_symlink(root, "up", "../../../../../..");
	tu_symlink(root, "dir/up2", "../../canary");
	tu_symlink(root, "loop-a", "loop-b");
	tu_symlink(root, "loop-b", "loop-a");
	tu_symlink(root, "self", "self");
	tu_symlink(root, "home/user/.bash_history", abs_canary);
	/* hard link, fifo, socket, device */
	_cleanup_free_ char *hl_src = tu_path(root, "etc/hostname");
	_cleanup_free_ char *hl_dst = tu_path(root, "var/hardlink");
	tu_mkdir(root, "var", 0755);
	ck_assert(link(hl_src, hl_dst) == 0);
	_cleanup_free_ char *fifo = tu_path(root, "var/fifo");
	ck_assert(mkfifo(fifo, 0644) == 0);
	_cleanup_free_ char *dev = tu_path(root, "var/null-dev");
	ck_assert(mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0);
	_cleanup_free_ char *sock = tu_path(root, "var/sock");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock) < sizeof sa.sun_path) {
		strcpy(sa.sun_path, sock);
		ck_assert(bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
	}
	close(s);
	/* names with a newline and invalid UTF-8 */
	tu_write(root, "tmp/new\nline", "x", 0644);
	tu_write(root, "tmp/bad-\xff\xfe-utf8", "x", 0644);
	/* pseudo directories that must not be entered */
	tu_write(root, "proc/1/environ", "SECRET=1", 0644);
	tu_write(root, "sys/kernel/x", "x", 0644);
	tu_write(root, "dev/shm/x", "x", 0644);
	tu_write(root, "run/x", "x", 0644);
	tu_age_atime(sandbox, "canary/secret");
	tu_age_atime(sandbox, "canary/etc/passwd");
	tu_age_atime(sandbox, "canary/etc");
	tu_age_atime(sandbox, "canary");
}

static void teardown(void)
{
	tu_rm_rf(sandbox);
	free(root);
	free(sandbox);
}

static void init_fs(struct safefs *fs, bool openat2)
{
	ck_assert_int_eq(safefs_init(fs, root), 0);
	if (!openat2)
		fs->use_openat2 = false;
}

static char *read_in(const struct safefs *fs, const char *path, int *rc)
{
	char *buf = NULL;
	*rc = safefs_read_file(fs, path, 1 << 20, &buf, NULL);
	return buf;
}

static void check_resolution(bool openat2)
{
	struct safefs fs;
	int rc;
	char *b;

	init_fs(&fs, openat2);
	/* plain read */
	b = read_in(&fs, "/etc/hostname", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b, "image\n");
	free(b);
	/* ".." clamps at the root */
	b = read_in(&fs, "/../../../etc/hostname", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b, "image\n");
	free(b);
	/* an absolute symlink in the middle resolves inside the image */
	b = read_in(&fs, "/etc-link/passwd", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b, "root:x:0:0:root:/root:/bin/bash\n");
	free(b);
	/* a symlink to a host path means that path inside the image */
	b = read_in(&fs, "/abs-out/secret", &rc);
	ck_assert_int_ne(rc, 0); /* no such path inside the image */
	ck_assert_ptr_null(b);
	/* relative climbing symlinks stop at the root */
	b = read_in(&fs, "/up/canary/secret", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b, "INSIDE\n");
	free(b);
	b = read_in(&fs, "/dir/up2/secret", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b, "INSIDE\n");
	free(b);
	/* the last component is never followed */
	b = read_in(&fs, "/home/user/.bash_history", &rc);
	ck_assert_int_eq(rc, -ELOOP);
	/* loops end */
	b = read_in(&fs, "/loop-a/x", &rc);
	ck_assert_int_eq(rc, -ELOOP);
	b = read_in(&fs, "/self/x", &rc);
	ck_assert_int_eq(rc, -ELOOP);
	/* fifo, device, socket: never read, never block */
	b = read_in(&fs, "/var/fifo", &rc);
	ck_assert_int_eq(rc, -SAFEFS_ENOTREG);
	b = read_in(&fs, "/var/null-dev", &rc);
	ck_assert_int_eq(rc, -SAFEFS_ENOTREG);
	b = read_in(&fs, "/var/sock", &rc);
	ck_assert(rc < 0);
	/* relative paths are refused */
	b = read_in(&fs, "etc/hostname", &rc);
	ck_assert_int_eq(rc, -EINVAL);
	/* lstat of a symlink describes the link */
	struct stat st;
	ck_assert_int_eq(safefs_lstat(&fs, "/abs-out", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	char *target = NULL;
	ck_assert_int_eq(safefs_readlink(&fs, "/etc-link", &target), 0);
	ck_assert_str_eq(target, "/etc");
	free(target);
	safefs_done(&fs);
}

START_TEST(resolution_openat2)
{
	check_resolution(true);
}
END_TEST

START_TEST(resolution_fallback)
{
	check_resolution(false);
}
END_TEST

START_TEST(size_limit)
{
	struct safefs fs;
	char *buf = NULL;
	init_fs(&fs, true);
	ck_assert_int_eq(safefs_read_file(&fs, "/etc/passwd", 4, &buf, NULL), -EFBIG);
	ck_assert_ptr_null(buf);
	safefs_done(&fs);
}
END_TEST

struct seen {
	struct strv paths;
	struct strv errors;
	int max_fds;
	unsigned max_depth;
};

static int record(const struct safefs_entry *e, void *ud)
{
	struct seen *s = ud;
	int n = tu_count_fds();
	strv_push(&s->paths, e->path);
	if (n > s->max_fds)
		s->max_fds = n;
	if (e->depth > s->max_depth)
		s->max_depth = e->depth;
	return SAFEFS_WALK_CONTINUE;
}

static void record_error(const char *path, int err, void *ud)
{
	struct seen *s = ud;
	_cleanup_free_ char *m = xasprintf("%s: %s", path, safefs_strerror(err));
	strv_push(&s->errors, m);
}

static bool seen_has(const struct seen *s, const char *p)
{
	for (size_t i = 0; i < s->paths.n; i++)
		if (streq(s->paths.v[i], p))
			return true;
	return false;
}

START_TEST(walk_hostile)
{
	struct safefs fs;
	struct seen s = {0};
	struct safefs_walk_ops ops = {.visit = record, .error = record_error};
	_cleanup_free_ char *before = tu_snapshot(root, 0);
	_cleanup_free_ char *canary_before = NULL, *canary_after = NULL;
	_cleanup_free_ char *canary = tu_path(sandbox, "canary");

	canary_before = tu_snapshot(canary, TU_SNAP_ATIME);
	init_fs(&fs, true);
	ck_assert_int_eq(safefs_walk(&fs, "/", &ops, &s), 0);
	/* every trap is visited as what it is, none is entered */
	ck_assert(seen_has(&s, "/abs-out"));
	ck_assert(seen_has(&s, "/up"));
	ck_assert(seen_has(&s, "/var/fifo"));
	ck_assert(seen_has(&s, "/var/null-dev"));
	ck_assert(seen_has(&s, "/tmp/new\nline"));
	ck_assert(seen_has(&s, "/tmp/bad-\xff\xfe-utf8"));
	ck_assert(!seen_has(&s, "/abs-out/secret"));
	ck_assert(!seen_has(&s, "/up/canary"));
	ck_assert(!seen_has(&s, "/proc/1/environ"));
	ck_assert(!seen_has(&s, "/proc"));
	ck_assert(!seen_has(&s, "/sys/kernel/x"));
	ck_assert(!seen_has(&s, "/dev/shm/x"));
	ck_assert(!seen_has(&s, "/run/x"));
	ck_assert_uint_eq(s.errors.n, 0);
	safefs_done(&fs);
	/* nothing outside the root was read (atime would have moved) or changed */
	canary_after = tu_snapshot(canary, TU_SNAP_ATIME);
	ck_assert_str_eq(canary_before, canary_after);
	_cleanup_free_ char *after = tu_snapshot(root, 0);
	ck_assert_str_eq(before, after);
	/* the detector itself works: reading the canary does move its atime */
	_cleanup_free_ char *cs = tu_path(sandbox, "canary/secret");
	int cfd = open(cs, O_RDONLY);
	char c;
	ck_assert_int_eq(read(cfd, &c, 1), 1);
	close(cfd);
	_cleanup_free_ char *canary_read = tu_snapshot(canary, TU_SNAP_ATIME);
	ck_assert_str_ne(canary_before, canary_read);
	strv_free(&s.paths);
	strv_free(&s.errors);
}
END_TEST

START_TEST(walk_deep_chain)
{
	/* 5,000 nested directories: deeper than PATH_MAX, more than the descriptor budget */
	struct safefs fs;
	struct seen s = {0};
	struct safefs_walk_ops ops = {.visit = record, .error = record_error};
	_cleanup_free_ char *top = tu_path(root, "deep");
	int fd, base = tu_count_fds();

	tu_mkdir(root, "deep", 0755);
	fd = open(top, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 5000; i++) {
		ck_assert(mkdirat(fd, "d", 0755) == 0);
		int nfd = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = nfd;
	}
	int f = openat(fd, "bottom", O_CREAT | O_WRONLY, 0644);
	close(f);
	close(fd);

	init_fs(&fs, true);
	ck_assert_int_eq(safefs_walk(&fs, "/deep", &ops, &s), 0);
	ck_assert_uint_eq(s.paths.n, 5001);
	ck_assert_uint_eq(s.max_depth, 5000);
	ck_assert(endswith(s.paths.v[s.paths.n - 1], "/d/bottom"));
	/* bounded descriptors: the budget plus a few, never one per level */
	ck_assert_int_lt(s.max_fds - base, 80);
	ck_assert_uint_eq(s.errors.n, 0);
	safefs_done(&fs);
	ck_assert_int_eq(tu_count_fds(), base);
	strv_free(&s.paths);
	strv_free(&s.errors);
}
END_TEST

struct swapper {
	const char *dir, *target;
	bool done;
	struct seen *seen;
};

static int swap_visit(const struct safefs_entry *e, void *ud)
{
	struct swapper *x = ud;
	if (!x->done && streq(e->path, "/swap/dir")) {
		_cleanup_free_ char *in = xasprintf("%s/inside", x->dir);
		unlink(in);
		rmdir(x->dir);
		ck_assert(symlink(x->target, x->dir) == 0);
		x->done = true;
	}
	return record(e, x->seen);
}

static void swap_error(const char *path, int err, void *ud)
{
	struct swapper *x = ud;
	record_error(path, err, x->seen);
}

START_TEST(walk_dir_replaced_by_symlink)
{
	/* a directory swapped for a symlink between stat and open is reported, not followed */
	struct safefs fs;
	struct seen s = {0};
	struct safefs_walk_ops ops = {.visit = record, .error = record_error};
	_cleanup_free_ char *d = tu_path(root, "swap/dir");
	_cleanup_free_ char *canary = tu_path(sandbox, "canary");

	tu_mkdir(root, "swap/dir", 0755);
	tu_write(root, "swap/dir/inside", "x", 0644);
	init_fs(&fs, true);
	/* do the swap inside the visit callback of the directory itself */
	struct swapper sw = {d, canary, false, &s};
	ops.visit = swap_visit;
	ops.error = swap_error;
	ck_assert_int_eq(safefs_walk(&fs, "/swap", &ops, &sw), 0);
	ck_assert(sw.done);
	ck_assert(!seen_has(&s, "/swap/dir/secret"));
	ck_assert_uint_eq(s.errors.n, 1);
	safefs_done(&fs);
	strv_free(&s.paths);
	strv_free(&s.errors);
}
END_TEST

START_TEST(walk_excludes_and_depth)
{
	struct safefs fs;
	struct seen s = {0};
	struct strv ex = {0};
	struct safefs_walk_ops ops = {.visit = record, .error = record_error, .exclude = &ex, .max_depth = 2};

	strv_push(&ex, "/etc/*");
	tu_write(root, "a/b/c/d", "x", 0644);
	init_fs(&fs, true);
	ck_assert_int_eq(safefs_walk(&fs, "/", &ops, &s), 0);
	ck_assert(!seen_has(&s, "/etc/passwd"));
	ck_assert(seen_has(&s, "/a/b"));
	ck_assert(!seen_has(&s, "/a/b/c"));
	safefs_done(&fs);
	strv_free(&ex);
	strv_free(&s.paths);
	strv_free(&s.errors);
}
END_TEST

START_TEST(open_entry_checks_identity)
{
	struct safefs fs;
	struct stat st;
	_cleanup_free_ char *p = tu_path(root, "etc/hostname");
	_cleanup_free_ char *q = tu_path(root, "etc/other");

	init_fs(&fs, true);
	int dfd = safefs_open_dir(&fs, "/etc");
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(fstatat(dfd, "hostname", &st, AT_SYMLINK_NOFOLLOW), 0);
	struct safefs_entry e = {.dirfd = dfd, .name = "hostname", .path = "/etc/hostname", .st = &st};
	int fd = safefs_open_entry(&e);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* replaced by another file after the stat: refused */
	tu_write(root, "etc/other", "y", 0644);
	ck_assert(rename(q, p) == 0);
	ck_assert_int_eq(safefs_open_entry(&e), -SAFEFS_EMOVED);
	close(dfd);
	safefs_done(&fs);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("safefs");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, resolution_openat2);
	tcase_add_test(tc, resolution_fallback);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, walk_hostile);
	tcase_add_test(tc, walk_deep_chain);
	tcase_add_test(tc, walk_dir_replaced_by_symlink);
	tcase_add_test(tc, walk_excludes_and_depth);
	tcase_add_test(tc, open_entry_checks_identity);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
