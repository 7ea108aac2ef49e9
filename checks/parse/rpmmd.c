/* SPDX-License-Identifier: Apache-2.0 */
/* rpm-md metadata reader: libsolv parses repomd.xml and updateinfo.xml (the engine under dnf and
 * zypper, so an advisory means here what it means to them), libsolvext decompresses; capgate does
 * the access: every file is opened through the door and handed over as an open descriptor or
 * buffer, and what decompression yields is counted and cut at a bound. zstd alone is unpacked by
 * libarchive (see zst_open). */
#include "rpmmd.h"

#include "imgfile.h"
#include "util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <solv/dataiterator.h>
#include <solv/evr.h>
#include <solv/knownid.h>
#include <solv/pool.h>
#include <solv/repo.h>
#include <solv/repo_repomdxml.h>
#include <solv/repo_updateinfoxml.h>
#include <solv/solv_xfopen.h>

/* Where each tool keeps its cache, and how deep the repository folders sit below it. */
static const struct {
	const char *base;
	unsigned depth; /* folder levels below BASE: yum keys by arch and release */
	const char *sub;
} caches[] = {
	{"/var/cache/dnf", 1, "/repodata"},      /* dnf 4: <repoid>-<hash>/repodata */
	{"/var/cache/libdnf5", 1, "/repodata"},  /* dnf 5 */
	{"/var/cache/yum", 3, ""},               /* yum 3: <arch>/<releasever>/<repoid> */
	{"/var/cache/zypp/raw", 1, "/repodata"}, /* zypper: raw/<alias>/repodata */
	{"/var/cache/tdnf", 1, "/repodata"},     /* tdnf (Azure Linux) */
};

/* A pool that compares versions as rpm does; NULL when this libsolv was built for one other
 * distribution type only (Debian's defaults to Debian's order but has them all). */
static Pool *new_pool(void)
{
	Pool *p = pool_create();
	if (pool_setdisttype(p, DISTTYPE_RPM) < 0) {
		pool_free(p);
		return NULL;
	}
	return p;
}

int rpmmd_updates_init(struct rpmmd_updates *u)
{
	*u = (struct rpmmd_updates){.pool = new_pool()};
	return u->pool ? 0 : -EPROTONOSUPPORT;
}

void rpmmd_updates_free(struct rpmmd_updates *u)
{
	for (size_t i = 0; i < u->n; i++) {
		struct rpmmd_fix *f = &u->v[i];
		free(f->advisory), free(f->type), free(f->severity), free(f->name), free(f->evr), free(f->arch);
	}
	free(u->v);
	free(u->err);
	if (u->pool)
		pool_free(u->pool);
	*u = (struct rpmmd_updates){0};
}

int rpmmd_evrcmp(const struct rpmmd_updates *u, const char *a, const char *b)
{
	return pool_evrcmp_str(u->pool, a, b, EVRCMP_COMPARE);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

int rpmmd_repomd_updateinfo(const char *text, size_t len, char **href)
{
	Pool *pool = new_pool();
	Dataiterator di;
	int ret = 0;

	*href = NULL;
	if (!pool)
		return -EPROTONOSUPPORT;
	Repo *repo = repo_create(pool, "repomd");
	/* fmemopen wants a writable buffer even to read; repomd.xml is small (RPMMD_REPOMD_MAX) */
	_cleanup_free_ char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	FILE *f = fmemopen(copy, len ? len : 1, "r");
	if (!f) {
		pool_free(pool);
		return -errno;
	}
	if (len == 0 || repo_add_repomdxml(repo, f, 0) != 0) {
		fclose(f);
		pool_free(pool);
		return -EBADMSG;
	}
	fclose(f);
	/* the <data type="updateinfo"> entry of the repository's meta data */
	dataiterator_init(&di, pool, repo, SOLVID_META, REPOSITORY_REPOMD_TYPE, "updateinfo", SEARCH_STRING);
	dataiterator_prepend_keyname(&di, REPOSITORY_REPOMD);
	if (dataiterator_step(&di)) {
		dataiterator_setpos_parent(&di);
		const char *loc = pool_lookup_str(pool, SOLVID_POS, REPOSITORY_REPOMD_LOCATION);
		if (loc && *loc) {
			*href = xstrdup(loc);
			ret = 1;
		}
	}
	dataiterator_free(&di);
	pool_free(pool);
	return ret;
}

int rpmmd_updateinfo_read(FILE *f, struct rpmmd_updates *u)
{
	if (!u->pool && rpmmd_updates_init(u) < 0)
		return -EPROTONOSUPPORT;
	Pool *pool = u->pool;
	Repo *repo = repo_create(pool, "updateinfo");
	Dataiterator di;
	Solvable *s;
	Id p;

	if (repo_add_updateinfoxml(repo, f, 0) != 0) {
		free(u->err);
		u->err = xstrdup(pool_errstr(pool));
		return -EBADMSG;
	}
	FOR_REPO_SOLVABLES(repo, p, s) {
		const char *id = pool_id2str(pool, s->name);
		if (startswith(id, "patch:"))
			id += 6;
		u->advisories++;
		/* every package of every <collection>, as dnf's advisory package list */
		dataiterator_init(&di, pool, repo, p, UPDATE_COLLECTION, 0, 0);
		while (dataiterator_step(&di)) {
			dataiterator_setpos(&di);
			Id name = pool_lookup_id(pool, SOLVID_POS, UPDATE_COLLECTION_NAME);
			Id evr = pool_lookup_id(pool, SOLVID_POS, UPDATE_COLLECTION_EVR);
			Id arch = pool_lookup_id(pool, SOLVID_POS, UPDATE_COLLECTION_ARCH);
			if (!name || !evr)
				continue; /* a package entry without name or version fixes nothing nameable */
			u->v = xreallocarray(u->v, u->n + 1, sizeof(*u->v));
			u->v[u->n++] = (struct rpmmd_fix){
				.advisory = xstrdup(id),
				.type = dup_or_null(solvable_lookup_str(s, SOLVABLE_PATCHCATEGORY)),
				.severity = dup_or_null(solvable_lookup_str(s, UPDATE_SEVERITY)),
				.name = xstrdup(pool_id2str(pool, name)),
				.evr = xstrdup(pool_id2str(pool, evr)),
				.arch = xstrdup(arch ? pool_id2str(pool, arch) : "noarch"),
			};
		}
		dataiterator_free(&di);
	}
	return 0;
}

/* A read-only stream over another that fails once more than MAX bytes came out of it: the bound
 * on what a small compressed file may expand to. */
struct capped {
	FILE *in;
	size_t left;
	bool over;
};

static ssize_t capped_read(void *cookie, char *buf, size_t size)
{
	struct capped *c = cookie;
	size_t n = fread(buf, 1, size, c->in);
	if (n == 0 && ferror(c->in))
		return -1;
	if (n > c->left) {
		c->over = true;
		errno = EFBIG;
		return -1;
	}
	c->left -= n;
	return (ssize_t)n;
}

static ssize_t zst_read(void *cookie, char *buf, size_t size)
{
	la_ssize_t n = archive_read_data(cookie, buf, size);
	return n < 0 ? -1 : (ssize_t)n;
}

static int zst_close(void *cookie)
{
	archive_read_free(cookie);
	return 0;
}

/* zstd through libarchive's filter, not libsolvext's: libsolvext 0.7.23 spins forever on a zstd
 * frame header cut short (a 1..6-byte .zst file; found by fuzz_rpmmd, tests/fuzz/regress/rpmmd),
 * and an image must not be able to hang the scan. FD stays the caller's. */
static FILE *zst_open(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;

	archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, fd, 64 << 10) != ARCHIVE_OK || archive_read_next_header(a, &entry) != ARCHIVE_OK ||
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_ZSTD) {
		archive_read_free(a);
		return NULL;
	}
	FILE *f = fopencookie(a, "r", (cookie_io_functions_t){.read = zst_read, .close = zst_close});
	if (!f)
		archive_read_free(a);
	return f;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && streq(s + n - k, suffix);
}

int rpmmd_updateinfo_fd(int fd, const char *name, size_t max, struct rpmmd_updates *u)
{
	struct capped c = {.left = max};
	int own, e;

	if (has_suffix(name, ".zst")) {
		c.in = zst_open(fd);
	} else {
		/* libsolvext owns the descriptor it is given; the caller keeps FD */
		if ((own = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
			return -errno;
		c.in = solv_xfopen_fd(name, own, "r");
		if (!c.in)
			close(own);
	}
	if (!c.in)
		return -EBADMSG; /* the decompressor refused the file's first bytes */
	FILE *f = fopencookie(&c, "r", (cookie_io_functions_t){.read = capped_read});
	if (!f) {
		e = -errno;
		fclose(c.in);
		return e;
	}
	e = rpmmd_updateinfo_read(f, u);
	if (c.over)
		e = -EFBIG;
	else if (e == 0 && (ferror(f) || ferror(c.in)))
		e = -EIO;
	fclose(f);
	fclose(c.in);
	return e;
}

int rpmmd_updateinfo_load(const struct safefs *fs, const char *path, struct rpmmd_updates *u)
{
	struct stat st;
	_cleanup_close_ int fd = safefs_open_regular(fs, path, &st);

	if (fd < 0)
		return fd;
	if ((unsigned long long)st.st_size > RPMMD_FILE_MAX)
		return -EFBIG;
	return rpmmd_updateinfo_fd(fd, path, RPMMD_XML_MAX, u);
}

/* The updateinfo file of the repository whose repomd.xml is DIR/repomd.xml: the href's last
 * component in DIR (dnf and zypper keep repodata/ as it is; yum flattens it into the repo folder). */
static int repo_add(const struct safefs *fs, struct rpmmd_repos *out, const char *dir)
{
	_cleanup_free_ char *md = xasprintf("%s/repomd.xml", dir), *text = NULL, *href = NULL;
	size_t len;
	int e = imgfile_exists(fs, md);

	if (e <= 0)
		return e;
	if (out->n >= RPMMD_REPOS_MAX)
		return 0;
	e = safefs_read_file(fs, md, RPMMD_REPOMD_MAX, &text, &len);
	if (e < 0)
		return e;
	struct rpmmd_repo r = {.repomd = xstrdup(md)};
	e = rpmmd_repomd_updateinfo(text, len, &href);
	if (e > 0 && href) {
		const char *slash = strrchr(href, '/'), *base = slash ? slash + 1 : href;
		r.listed = true;
		if (*base && !streq(base, ".") && !streq(base, "..")) {
			char *p = xasprintf("%s/%s", dir, base);
			if (imgfile_exists(fs, p) > 0)
				r.updateinfo = p;
			else
				free(p);
		}
	}
	/* a repomd.xml libsolv cannot parse is a repository without advisories, as dnf would skip it */
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = r;
	return 0;
}

/* Walk DEPTH levels of folders below DIR, adding each repository folder found there. */
static int find_below(const struct safefs *fs, struct rpmmd_repos *out, const char *dir, unsigned depth,
		      const char *sub, char **err_path)
{
	struct strv names = {0};
	int e = imgfile_list_dir(fs, dir, &names);

	if (e < 0) {
		*err_path = xstrdup(dir);
		return e;
	}
	for (size_t i = 0; i < names.n && e >= 0; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
		struct stat st;
		if (safefs_lstat(fs, p, &st) < 0 || !S_ISDIR(st.st_mode))
			continue; /* solv files, cookies, expired_repos.json */
		if (depth > 1) {
			e = find_below(fs, out, p, depth - 1, sub, err_path);
			continue;
		}
		_cleanup_free_ char *d = xasprintf("%s%s", p, sub);
		e = repo_add(fs, out, d);
		if (e < 0)
			*err_path = xasprintf("%s/repomd.xml", d);
	}
	strv_free(&names);
	return e < 0 ? e : 0;
}

int rpmmd_find(const struct safefs *fs, struct rpmmd_repos *out, char **err_path)
{
	*out = (struct rpmmd_repos){0};
	*err_path = NULL;
	for (size_t i = 0; i < ELEMENTSOF(caches); i++) {
		int e = find_below(fs, out, caches[i].base, caches[i].depth, caches[i].sub, err_path);
		if (e < 0)
			return e;
	}
	return 0;
}

void rpmmd_repos_free(struct rpmmd_repos *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].repomd), free(r->v[i].updateinfo);
	free(r->v);
	*r = (struct rpmmd_repos){0};
}
