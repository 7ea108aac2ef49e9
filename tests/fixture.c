/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture trees and tree digests for the remediation tests. */
#include "fixture.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "safefs.h"

void fixture_init(struct fixture *fx)
{
	char tmpl[] = "/tmp/capgate-fx.XXXXXX";
	char *d = mkdtemp(tmpl);

	if (!d)
		abort();
	fx->dir = xstrdup(d);
	fx->root = xasprintf("%s/root", d);
	fx->outside = xasprintf("%s/outside", d);
	mkdir(fx->root, 0755);
	mkdir(fx->outside, 0755);
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p) < 0 ? 0 : 0;
}

void fixture_done(struct fixture *fx)
{
	nftw(fx->dir, rm_cb, 64, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx->root);
	free(fx->outside);
}

char *fx_path(const struct fixture *fx, const char *path)
{
	return xasprintf("%s%s", fx->root, path);
}

static void mkparents(const char *hostpath)
{
	_cleanup_free_ char *p = xstrdup(hostpath);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
}

void fx_put(const struct fixture *fx, const char *path, const char *content, mode_t mode)
{
	_cleanup_free_ char *p = fx_path(fx, path);
	int fd;

	mkparents(p);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	fchmod(fd, mode);
	close(fd);
}

void fx_mkdir(const struct fixture *fx, const char *path)
{
	_cleanup_free_ char *p = xasprintf("%s%s/", fx->root, path);
	mkparents(p);
}

void fx_symlink(const struct fixture *fx, const char *target, const char *path)
{
	_cleanup_free_ char *p = fx_path(fx, path);
	mkparents(p);
	unlink(p);
	if (symlink(target, p) < 0)
		abort();
}

char *fx_read(const char *hostpath)
{
	int fd = open(hostpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	if (safefs_read_fd(fd, 64 << 20, &buf, NULL) < 0)
		buf = NULL;
	close(fd);
	return buf;
}

static struct strv *digest_out;
static size_t digest_base;

static int digest_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	char extra[4200] = "";

	if (S_ISREG(st->st_mode)) {
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
		if (fd >= 0) {
			safefs_sha256_fd(fd, extra);
			close(fd);
		}
	} else if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(p, extra, sizeof extra - 1);
		extra[n > 0 ? n : 0] = '\0';
	}
	_cleanup_free_ char *line = xasprintf("%s|%o|%u:%u|%lld|%s", p + digest_base, (unsigned)st->st_mode,
					      (unsigned)st->st_uid, (unsigned)st->st_gid,
					      S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size, extra);
	strv_push(digest_out, line);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void fx_digest(const char *dir, struct strv *out)
{
	digest_out = out;
	digest_base = strlen(dir);
	nftw(dir, digest_cb, 64, FTW_PHYS);
	qsort(out->v, out->n, sizeof *out->v, cmp);
}

static bool has(const struct strv *l, const char *s)
{
	return bsearch(&s, l->v, l->n, sizeof *l->v, cmp) != NULL;
}

size_t fx_diff(const struct strv *a, const struct strv *b, char **list)
{
	struct strbuf sb = {0};
	struct strv seen = {0};
	const struct strv *sides[2][2] = {{a, b}, {b, a}};

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s][0]->n; i++)
			if (!has(sides[s][1], sides[s][0]->v[i])) {
				size_t plen = strcspn(sides[s][0]->v[i], "|");
				_cleanup_free_ char *path = xstrndup(sides[s][0]->v[i], plen);
				bool dup = false;
				for (size_t k = 0; k < seen.n; k++)
					dup |= streq(seen.v[k], path);
				if (dup) /* listed from the other side */
					continue;
				if (seen.n)
					strbuf_puts(&sb, ",");
				strbuf_puts(&sb, path);
				strv_push(&seen, path);
			}
	size_t n = seen.n;
	strv_free(&seen);
	*list = sb.buf ? sb.buf : xstrdup("");
	return n;
}

int fx_run(const char *name, void (*setup)(void), void (*teardown)(void), const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	SRunner *sr;
	int nf;

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	tcase_set_timeout(tc, 120); /* the 2-core machine is shared; deep trees take a while */
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
