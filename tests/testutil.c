/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture trees, snapshots and process helpers for the Check tests. */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/wait.h>

char *tu_scratch(void)
{
	const char *base = getenv("TMPDIR");
	char *p = xasprintf("%s/capgate-test.XXXXXX", base && *base ? base : "/var/tmp");
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp %s: %s", p, strerror(errno));
	return p;
}

char *tu_path(const char *root, const char *rel)
{
	while (*rel == '/')
		rel++;
	return xasprintf("%s/%s", root, rel);
}

static void mkparents(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			ck_abort_msg("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
}

void tu_write(const char *root, const char *rel, const char *content, mode_t mode)
{
	_cleanup_free_ char *p = tu_path(root, rel);
	int fd;
	size_t n = strlen(content);

	mkparents(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	ck_assert_msg(fd >= 0, "open %s: %s", p, strerror(errno));
	ck_assert_int_eq(write(fd, content, n), (ssize_t)n);
	fchmod(fd, mode);
	close(fd);
}

void tu_mkdir(const char *root, const char *rel, mode_t mode)
{
	_cleanup_free_ char *p = tu_path(root, rel);
	mkparents(p);
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		ck_abort_msg("mkdir %s: %s", p, strerror(errno));
	chmod(p, mode);
}

void tu_symlink(const char *root, const char *rel, const char *target)
{
	_cleanup_free_ char *p = tu_path(root, rel);
	mkparents(p);
	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p, strerror(errno));
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)f;
	if (type == FTW_DP || type == FTW_D)
		chmod(path, 0700), rmdir(path);
	else
		unlink(path);
	return 0;
}

void tu_rm_rf(const char *path)
{
	/* deep fixtures exceed PATH_MAX; fall back to rm(1), which copes */
	if (nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS) != 0 || access(path, F_OK) == 0) {
		const char *argv[] = {"rm", "-rf", "--one-file-system", path, NULL};
		tu_run(argv, NULL, NULL);
	}
}

void tu_age_atime(const char *root, const char *rel)
{
	_cleanup_free_ char *p = tu_path(root, rel);
	struct timespec ts[2] = {{.tv_sec = 946684800}, {.tv_nsec = UTIME_OMIT}};
	ck_assert_msg(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) == 0, "utimensat %s", p);
}

static void hash_fd(int fd, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int n = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	ssize_t k;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((k = read(fd, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(c, buf, (size_t)k);
	EVP_DigestFinal_ex(c, md, &n);
	EVP_MD_CTX_free(c);
	for (unsigned i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* Descriptor-based walk with O_NOATIME, so taking a snapshot does not move the atimes it
 * records, and paths deeper than PATH_MAX work. */
static void snap_dir(struct strbuf *sb, int dfd, const char *rel, unsigned flags)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct strv names = {0};

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&names, de->d_name);
	/* sorted, so two snapshots of the same tree compare equal */
	for (size_t i = 1; i < names.n; i++)
		for (size_t j = i; j > 0 && strcmp(names.v[j - 1], names.v[j]) > 0; j--) {
			char *t = names.v[j];
			names.v[j] = names.v[j - 1];
			names.v[j - 1] = t;
		}
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		_cleanup_free_ char *path = xasprintf("%s/%s", rel, names.v[i]);
		if (fstatat(dirfd(d), names.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		strbuf_printf(sb, "%s %o %u:%u %lld m%lld.%09ld c%lld.%09ld", path, st.st_mode, st.st_uid,
			      st.st_gid, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			      (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		if (flags & TU_SNAP_ATIME)
			strbuf_printf(sb, " a%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
		if (S_ISREG(st.st_mode)) {
			char h[65] = "unreadable";
			int fd = openat(dirfd(d), names.v[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
			if (fd >= 0) {
				hash_fd(fd, h);
				close(fd);
			}
			strbuf_printf(sb, " %s", h);
		} else if (S_ISLNK(st.st_mode)) {
			char t[4096];
			ssize_t n = readlinkat(dirfd(d), names.v[i], t, sizeof t - 1);
			t[n < 0 ? 0 : n] = '\0';
			strbuf_printf(sb, " -> %s", t);
		}
		strbuf_puts(sb, "\n");
		if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dirfd(d), names.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
			if (cfd >= 0)
				snap_dir(sb, cfd, path, flags);
		}
	}
	strv_free(&names);
	closedir(d);
}

char *tu_snapshot(const char *path, unsigned flags)
{
	struct strbuf sb = {0};
	struct stat st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);

	strbuf_puts(&sb, "");
	if (fd < 0)
		return sb.buf;
	fstat(fd, &st);
	strbuf_printf(&sb, ". %o %u:%u m%lld.%09ld c%lld.%09ld", st.st_mode, st.st_uid, st.st_gid,
		      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	if (flags & TU_SNAP_ATIME)
		strbuf_printf(&sb, " a%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
	strbuf_puts(&sb, "\n");
	snap_dir(&sb, fd, "", flags);
	return sb.buf;
}

static char *drain(int fd)
{
	struct strbuf sb = {0};
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_append(&sb, buf, (size_t)n);
	strbuf_puts(&sb, "");
	return sb.buf;
}

int tu_run(const char *const *argv, char **out, char **err)
{
	int ofd, efd, status;
	pid_t pid;

	/* temp files rather than pipes: no deadlock on large outputs */
	ofd = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	efd = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	ck_assert(ofd >= 0 && efd >= 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	if (out)
		*out = drain(ofd);
	if (err)
		*err = drain(efd);
	close(ofd);
	close(efd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *tu_capgate(void)
{
	const char *b = getenv("CAPGATE_BIN");
	ck_assert_msg(b && *b, "CAPGATE_BIN is not set");
	return b;
}

int tu_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the DIR's own descriptor */
}

int tu_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

void tu_scan_with(struct tu_scan *t, const char *root, const char *profile, const char *json, const char *only)
{
	struct cg_selection sel = {.fail_on = -1, .profile = profile};
	char *err = NULL;

	config_init(&t->cfg);
	if (json)
		ck_assert_msg(config_load_text(&t->cfg, "test.json", json, strlen(json), &err) == 0, "%s", err);
	ck_assert_int_eq(config_settle(&t->cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&t->ctx, root, &t->cfg), 0);
	if (only)
		strv_split_commas(&sel.only, only);
	ck_assert_int_eq(scan_run(&t->ctx, &sel, &t->rep), 0);
	strv_free(&sel.only);
}

void tu_scan(struct tu_scan *t, const char *root, const char *only)
{
	tu_scan_with(t, root, NULL, NULL, only);
}

void tu_scan_free(struct tu_scan *t)
{
	scan_report_free(&t->rep);
	ctx_done(&t->ctx);
	config_free(&t->cfg);
}

const struct cg_result *tu_result(const struct cg_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (streq(rep->results[i].check->id, id))
			return &rep->results[i];
	return NULL;
}

bool tu_has_finding(const struct cg_result *r, const char *path)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		if (streq(r->findings[i].path, path))
			return true;
	return false;
}

char *tu_rpmtrees(void)
{
	/* the source tree from the build (not __FILE__: packagers' -ffile-prefix-map rewrites it) */
	_cleanup_free_ char *script = xasprintf("%s/tests/fixtures/rpmtrees.sh", CAPGATE_SOURCE_DIR);
	const char *argv[] = {"sh", script, NULL};
	char *out = NULL;
	int rc = tu_run(argv, &out, NULL);

	ck_assert_msg(rc == 0, "tests/fixtures/rpmtrees.sh failed (%d): install rpm createrepo-c dnf zypper db5.3-util", rc);
	out[strcspn(out, "\n")] = 0;
	return out;
}
