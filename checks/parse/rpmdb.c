/* SPDX-License-Identifier: Apache-2.0 */
/* rpm database reader: librpm does the format (sqlite or Berkeley DB headers), capgate does the
 * access. librpm opens paths by name, so the database file is first copied from the image through
 * the safe-fs door into a private folder under /dev/shm (never the image, never the host's
 * /var/lib/rpm); librpm then reads that copy read-only with the host's macros overridden. SUSE's
 * ndb (Packages.db), which Debian's librpm is built without, is read through the door into memory;
 * rpmndb.c takes the header blobs out of it and librpm's headerImport() decodes them. */
#include "rpmdb.h"

#include "imgfile.h"
#include "rpmndb.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfiles.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

struct rpmdb_priv {
	char *tmpdir;
	char *dbfile; /* the copy inside tmpdir */
	rpmts ts;
	Header *hdrs; /* ndb: every package's header, imported from the file's blobs */
	size_t nhdrs;
};

/* librpm's configuration and macro tables are process globals */
static pthread_mutex_t rpm_lock = PTHREAD_MUTEX_INITIALIZER;
static bool rpm_ready;

static int quiet_log(rpmlogRec rec, rpmlogCallbackData data)
{
	return 0; /* the caller reports what failed; librpm's own lines would only repeat it */
}

static int rpm_setup(void)
{
	if (rpm_ready)
		return 0;
	rpmlogSetCallback(quiet_log, NULL);
	if (rpmReadConfigFiles(NULL, NULL) != 0)
		return -ENOPKG;
	rpm_ready = true;
	return 0;
}

/* Copy image file SRC (already resolved) to DST with the descriptor the door gave. */
static int copy_out(const struct safefs *fs, const char *src, const char *dst)
{
	struct stat st;
	_cleanup_close_ int in = safefs_open_regular(fs, src, &st);
	_cleanup_close_ int out = -1;
	off_t off = 0;

	if (in < 0)
		return in;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return -errno;
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
	}
	return 0;
}

/* Whether the copy at PATH begins with sqlite's 16-byte header string. */
static bool is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[sizeof magic];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	return fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head && memcmp(head, magic, sizeof magic) == 0;
}

static char *tmp_folder(void)
{
	static const char *const bases[] = {"/dev/shm", NULL};
	const char *t = getenv("TMPDIR");

	for (size_t i = 0; i < ELEMENTSOF(bases); i++) {
		const char *b = bases[i] ? bases[i] : (t && *t ? t : "/tmp");
		char *d = xasprintf("%s/capgate-rpmdb.XXXXXX", b);
		if (mkdtemp(d))
			return d;
		free(d);
	}
	return NULL;
}

static void rm_tmp(struct rpmdb_priv *p)
{
	struct strv names = {0};
	DIR *d;

	if (!p->tmpdir)
		return;
	/* the folder holds only what librpm made beside the copy (sqlite's -shm, rpm's lock) */
	if ((d = opendir(p->tmpdir))) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
				strv_push(&names, de->d_name);
		closedir(d);
	}
	int dfd = open(p->tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	for (size_t i = 0; dfd >= 0 && i < names.n; i++)
		unlinkat(dfd, names.v[i], 0);
	if (dfd >= 0)
		close(dfd);
	rmdir(p->tmpdir);
	strv_free(&names);
	free(p->tmpdir);
	p->tmpdir = NULL;
}

static char *hstr(Header h, rpmTagVal tag)
{
	const char *s = headerGetString(h, tag);
	return s ? xstrdup(s) : NULL;
}

/* "RSA/SHA256, Mon 01 Jan 2026, Key ID 0123456789abcdef" -> "89abcdef" */
static char *sig_keyid(Header h)
{
	static const char fmt[] =
		"%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:"
		"{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|";
	_cleanup_free_ char *s = headerFormat(h, fmt, NULL);
	const char *k = s ? strstr(s, "Key ID ") : NULL;
	size_t n;

	if (!k)
		return NULL;
	k += 7;
	n = strspn(k, "0123456789abcdefABCDEF");
	if (n < 8)
		return NULL;
	char *id = xstrndup(k + n - 8, 8);
	for (char *c = id; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return id;
}

static int by_name(const void *a, const void *b)
{
	const struct rpm_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : -rpmdb_vercmp(x->evr, y->evr); /* newest first */
}

/* One header's package into DB's list (unsorted); a header without a name is no package. */
static void add_package(struct rpmdb *db, Header h, size_t *cap)
{
	struct rpm_pkg p = {0};

	p.name = hstr(h, RPMTAG_NAME);
	if (!p.name)
		return;
	p.version = hstr(h, RPMTAG_VERSION);
	p.release = hstr(h, RPMTAG_RELEASE);
	p.arch = hstr(h, RPMTAG_ARCH);
	p.vendor = hstr(h, RPMTAG_VENDOR);
	p.evr = headerGetAsString(h, RPMTAG_EVR);
	p.sigkey = sig_keyid(h);
	if (db->n == *cap)
		db->v = xreallocarray(db->v, *cap = *cap ? *cap * 2 : 64, sizeof *db->v);
	db->v[db->n++] = p;
}

static int read_headers(struct rpmdb *db)
{
	rpmdbMatchIterator mi = rpmtsInitIterator(db->priv->ts, RPMDBI_PACKAGES, NULL, 0);
	size_t cap = 0;
	Header h;

	if (!mi)
		return -EIO;
	while ((h = rpmdbNextIterator(mi)))
		add_package(db, h, &cap);
	rpmdbFreeIterator(mi);
	if (db->n > 1)
		qsort(db->v, db->n, sizeof *db->v, by_name);
	return 0;
}

/* SUSE's ndb: the container by rpmndb.c, each blob through headerImport() as librpm's own ndb
 * backend hands it on. Called with rpm_lock held. */
static int read_ndb(struct rpmdb *db, const uint8_t *buf, size_t len)
{
	struct rpmndb ndb;
	struct rpmndb_err err;
	size_t cap = 0;
	int e = rpmndb_parse(buf, len, &ndb, &err);

	if (e < 0) {
		db->error = xasprintf("offset %" PRIu64 ": %s", err.off, err.reason);
		return e;
	}
	db->priv->hdrs = xcalloc(ndb.n ? ndb.n : 1, sizeof(Header));
	for (size_t i = 0; i < ndb.n && e == 0; i++) {
		/* HEADERIMPORT_COPY: librpm checks the blob (hdrblobInit) on its own copy, never writes ours;
		 * the cast only drops the const its prototype lacks */
		Header h = headerImport((void *)(uintptr_t)ndb.v[i].data, // NOLINT(performance-no-int-to-ptr)
					ndb.v[i].len, HEADERIMPORT_COPY);
		if (!h) {
			db->error = xasprintf("offset %" PRIu64 ": the header of package %u is not one librpm accepts",
					      ndb.v[i].off + 16, ndb.v[i].pkgidx);
			e = -EBADMSG;
			break;
		}
		db->priv->hdrs[db->priv->nhdrs++] = h;
	}
	/* all or nothing: a damaged file lists no package */
	for (size_t i = 0; i < db->priv->nhdrs && e == 0; i++)
		add_package(db, db->priv->hdrs[i], &cap);
	rpmndb_free(&ndb);
	if (db->n > 1)
		qsort(db->v, db->n, sizeof *db->v, by_name);
	return e;
}

int rpmdb_load(const struct safefs *fs, struct rpmdb *db)
{
	static const char *const dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
	static const struct {
		const char *file, *backend;
	} formats[] = {{"rpmdb.sqlite", "sqlite"}, {"Packages", "bdb_ro"}, {"Packages.db", "ndb"}};
	_cleanup_free_ char *found = NULL;
	const char *backend = NULL, *file = NULL;
	int e;

	*db = (struct rpmdb){0};
	for (size_t i = 0; i < ELEMENTSOF(dirs) && !found; i++)
		for (size_t k = 0; k < ELEMENTSOF(formats) && !found; k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs[i], formats[k].file), *res = NULL;
			struct stat st;
			int r = imgfile_resolve(fs, p, &res);
			if (r >= 0)
				r = safefs_lstat(fs, res, &st);
			if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
				db->path = xstrdup(p); /* there, and unreadable: an error, not "no database" */
				return r;
			}
			if (r < 0 || !S_ISREG(st.st_mode))
				continue;
			found = xstrdup(res);
			db->path = xstrdup(p);
			backend = formats[k].backend;
			file = formats[k].file;
		}
	if (!found)
		return -ENOENT;
	db->backend = xstrdup(backend);
	db->priv = xcalloc(1, sizeof *db->priv);
	/* ndb: Debian's librpm is built without it; the file is read whole, through the door */
	if (streq(backend, "ndb")) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		e = safefs_read_file(fs, found, RPMNDB_MAX_FILE, &buf, &len);
		if (e == -EFBIG)
			db->error = xasprintf("larger than the limit of %u bytes", RPMNDB_MAX_FILE);
		if (e < 0)
			return e;
		pthread_mutex_lock(&rpm_lock);
		e = rpm_setup();
		if (e == 0)
			e = read_ndb(db, (const uint8_t *)buf, len);
		pthread_mutex_unlock(&rpm_lock);
		return e;
	}
	db->priv->tmpdir = tmp_folder();
	if (!db->priv->tmpdir)
		return -errno ? -errno : -EIO;
	db->priv->dbfile = xasprintf("%s/%s", db->priv->tmpdir, file);
	e = copy_out(fs, found, db->priv->dbfile);
	if (e < 0)
		return e;
	/* librpm 4.18 leaks its sqlite connection (about 100 KiB) when the open fails: a file that is
	 * not a sqlite database never reaches it */
	if (streq(backend, "sqlite") && !is_sqlite(db->priv->dbfile))
		return -EBADMSG;
	/* Berkeley DB keeps the file index apart (Basenames); the copy takes it when present */
	if (streq(backend, "bdb_ro")) {
		_cleanup_free_ char *dir = xstrdup(found);
		*strrchr(dir, '/') = 0;
		static const char *const idx[] = {"Basenames", "Name"};
		for (size_t i = 0; i < ELEMENTSOF(idx); i++) {
			_cleanup_free_ char *src = xasprintf("%s/%s", dir, idx[i]);
			_cleanup_free_ char *dst = xasprintf("%s/%s", db->priv->tmpdir, idx[i]);
			struct stat st;
			if (safefs_lstat(fs, src, &st) == 0 && S_ISREG(st.st_mode) && (e = copy_out(fs, src, dst)) < 0)
				return e;
		}
	}
	/* the sqlite write-ahead log may hold the newest transactions */
	if (streq(backend, "sqlite")) {
		_cleanup_free_ char *wal = xasprintf("%s-wal", found), *walcopy = xasprintf("%s-wal", db->priv->dbfile);
		struct stat st;
		if (safefs_lstat(fs, wal, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    (e = copy_out(fs, wal, walcopy)) < 0)
			return e;
	}
	pthread_mutex_lock(&rpm_lock);
	e = rpm_setup();
	if (e == 0) {
		rpmPushMacro(NULL, "_dbpath", NULL, db->priv->tmpdir, RMIL_CMDLINE);
		rpmPushMacro(NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);
		db->priv->ts = rpmtsCreate();
		rpmtsSetRootDir(db->priv->ts, "/");
		rpmtsSetVSFlags(db->priv->ts, _RPMVSF_NOSIGNATURES | _RPMVSF_NODIGESTS);
		e = rpmtsOpenDB(db->priv->ts, O_RDONLY) == 0 ? read_headers(db) : -EBADMSG;
		rpmPopMacro(NULL, "_db_backend");
		rpmPopMacro(NULL, "_dbpath");
	}
	pthread_mutex_unlock(&rpm_lock);
	return e;
}

const char *rpmdb_private_dir(const struct rpmdb *db)
{
	return db->priv ? db->priv->tmpdir : NULL;
}

void rpmdb_free(struct rpmdb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		struct rpm_pkg *p = &db->v[i];
		free(p->name), free(p->version), free(p->release), free(p->arch), free(p->vendor);
		free(p->evr), free(p->sigkey);
	}
	free(db->v);
	if (db->priv) {
		pthread_mutex_lock(&rpm_lock);
		if (db->priv->ts) {
			rpmtsCloseDB(db->priv->ts);
			rpmtsFree(db->priv->ts);
		}
		for (size_t i = 0; i < db->priv->nhdrs; i++)
			headerFree(db->priv->hdrs[i]);
		free(db->priv->hdrs);
		pthread_mutex_unlock(&rpm_lock);
		rm_tmp(db->priv);
		free(db->priv->dbfile);
		free(db->priv);
	}
	free(db->path), free(db->backend), free(db->error);
	*db = (struct rpmdb){0};
}

const struct rpm_pkg *rpmdb_installed(const struct rpmdb *db, const char *name)
{
	size_t lo = 0, hi = db->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(db->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < db->n && streq(db->v[lo].name, name) ? &db->v[lo] : NULL;
}

bool rpmdb_has_pubkey(const struct rpmdb *db, const char *keyid)
{
	for (const struct rpm_pkg *p = rpmdb_installed(db, "gpg-pubkey"); p && p < db->v + db->n &&
	     streq(p->name, "gpg-pubkey"); p++)
		if (p->version && strcasecmp(p->version, keyid) == 0)
			return true;
	return false;
}

/* The digest of PATH in header H, or -ENOENT. */
static int header_digest(const struct rpmdb *db, Header h, const char *path, const struct rpm_pkg **owner, char **hex,
			 int *algo)
{
	rpmfiles files = rpmfilesNew(NULL, h, RPMTAG_BASENAMES, 0);
	int ix = files ? rpmfilesFindFN(files, path) : -1, e = -ENOENT;
	const unsigned char *d;
	size_t len;

	if (ix >= 0 && (d = rpmfilesFDigest(files, ix, algo, &len)) && len) {
		*hex = xmalloc(len * 2 + 1);
		for (size_t i = 0; i < len; i++)
			snprintf(*hex + 2 * i, 3, "%02x", d[i]);
		_cleanup_free_ char *name = hstr(h, RPMTAG_NAME);
		*owner = name ? rpmdb_installed(db, name) : NULL;
		e = 0;
	}
	rpmfilesFree(files);
	return e;
}

int rpmdb_file_digest(const struct rpmdb *db, const char *path, const struct rpm_pkg **owner, char **hex, int *algo)
{
	rpmdbMatchIterator mi;
	Header h;
	int e = -ENOENT;

	*hex = NULL;
	*owner = NULL;
	if (!db->priv)
		return -ENOENT;
	pthread_mutex_lock(&rpm_lock);
	/* ndb: no index is read (Index.db); the headers in memory are few enough to look through */
	for (size_t i = 0; i < db->priv->nhdrs && e == -ENOENT; i++)
		e = header_digest(db, db->priv->hdrs[i], path, owner, hex, algo);
	if (!db->priv->ts) {
		pthread_mutex_unlock(&rpm_lock);
		return e;
	}
	mi = rpmtsInitIterator(db->priv->ts, RPMDBI_INSTFILENAMES, path, 0);
	while (mi && e == -ENOENT && (h = rpmdbNextIterator(mi)))
		e = header_digest(db, h, path, owner, hex, algo);
	rpmdbFreeIterator(mi);
	/* a Berkeley DB read without its Basenames index (or with a stale one): every header */
	if (e == -ENOENT && streq(db->backend, "bdb_ro")) {
		mi = rpmtsInitIterator(db->priv->ts, RPMDBI_PACKAGES, NULL, 0);
		while (mi && e == -ENOENT && (h = rpmdbNextIterator(mi)))
			e = header_digest(db, h, path, owner, hex, algo);
		rpmdbFreeIterator(mi);
	}
	pthread_mutex_unlock(&rpm_lock);
	return e;
}

/* [epoch:]version[-release]: epoch, then version, then release, each in rpmvercmp order */
int rpmdb_vercmp(const char *a, const char *b)
{
	_cleanup_free_ char *x = xstrdup(a ? a : ""), *y = xstrdup(b ? b : "");
	char *xv = x, *yv = y, *xr, *yr, *c;
	long xe = 0, ye = 0;
	int r;

	if ((c = strchr(xv, ':'))) {
		*c = 0, xe = strtol(xv, NULL, 10), xv = c + 1;
	}
	if ((c = strchr(yv, ':'))) {
		*c = 0, ye = strtol(yv, NULL, 10), yv = c + 1;
	}
	if (xe != ye)
		return xe < ye ? -1 : 1;
	xr = strrchr(xv, '-'), yr = strrchr(yv, '-');
	if (xr)
		*xr++ = 0;
	if (yr)
		*yr++ = 0;
	if ((r = rpmvercmp(xv, yv)) != 0 || !xr || !yr)
		return r;
	return rpmvercmp(xr, yr);
}
