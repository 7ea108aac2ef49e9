/* SPDX-License-Identifier: Apache-2.0 */
/* perm.*: ownership and modes of the files that guard accounts, scheduling, boot and logs, and
 * image-wide walks for world-writable, unowned and set-id files (research/hardening.md §5.5). */
#include <ctype.h>
#include <strings.h>

#include "acctdb.h"
#include "ctx.h"
#include "families.h"
#include "imgdir.h"
#include "imgfile.h"
#include "osrelease.h"
#include "perm.h"
#include "replay.h"

/* One expectation on a file: owner uid 0, group among GIDS, no mode bit outside MAXMODE. */
struct expect {
	const char *path;
	mode_t maxmode;
	const char *safe;
};

/* imgdir_glob, with a listing that fails recorded as the check's error. */
static void glob_into(struct cg_ctx *ctx, struct cg_result *r, const char *pattern, struct strv *out)
{
	_cleanup_free_ char *where = NULL;
	int e = imgdir_glob(&ctx->fs, pattern, out, &where);
	if (e < 0)
		result_add_error(r, where, e, "cannot list");
}

static const char *type_word(mode_t m)
{
	return S_ISLNK(m) ? "a symbolic link" : S_ISDIR(m) ? "a directory" : "not a regular file";
}

/* Judge PATH; GID_OK(-1 terminated) lists acceptable groups. Missing files are fine. */
static void judge_file(struct cg_ctx *ctx, struct cg_result *r, const struct expect *x, const gid_t *gid_ok,
		       bool want_dir)
{
	struct stat st;
	int e = safefs_lstat(&ctx->fs, x->path, &st);
	bool gid_good = false;

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(r, x->path, e, "cannot stat");
		return;
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		result_add_finding(r, x->path, 0, "type", NULL, "is %s; safe: %s", type_word(st.st_mode), x->safe);
		return;
	}
	for (const gid_t *g = gid_ok; *g != (gid_t)-1; g++)
		gid_good |= st.st_gid == *g;
	if (st.st_uid != 0 || !gid_good || (st.st_mode & 07777 & ~x->maxmode)) {
		_cleanup_free_ char *ev = xasprintf("%04o %u:%u", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
						    (unsigned)st.st_gid);
		result_add_finding(r, x->path, 0, NULL, ev, "is mode %04o owned by %u:%u; safe: %s",
				   (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid, x->safe);
	}
}

/* The gid of group NAME in the image, or -1 (a read error is the check's error). */
static gid_t image_gid(struct cg_ctx *ctx, struct cg_result *r, const char *name)
{
	_cleanup_free_ char *buf = NULL;
	struct acctdb db = {0};
	gid_t gid = (gid_t)-1;
	int e = safefs_read_file(&ctx->fs, "/etc/group", 16 << 20, &buf, NULL);

	if (e < 0 && e != -ENOENT)
		result_add_error(r, "/etc/group", e, "cannot read");
	if (e == 0) {
		acctdb_parse_group(&db, buf);
		const struct group_ent *g = acctdb_group(&db, name);
		if (g)
			gid = g->gid;
	}
	acctdb_free(&db);
	return gid;
}

static int perm_shadow_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const files[] = {"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-"};
	const gid_t gids[] = {0, image_gid(ctx, r, "shadow"), (gid_t)-1};

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		struct expect x = {files[i], 0640, "0640 root:shadow or stricter (0400 root:root per ASB)"};
		judge_file(ctx, r, &x, gids, false);
	}
	return 0;
}

static int perm_passwd_group(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const files[] = {"/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-"};
	static const gid_t gids[] = {0, (gid_t)-1};

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		struct expect x = {files[i], 0644, "0644 root:root"};
		judge_file(ctx, r, &x, gids, false);
	}
	return 0;
}

static bool exists(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	struct stat st;
	int e = safefs_lstat(&ctx->fs, path, &st);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot stat");
	return e == 0;
}

/* cron.allow/at.allow present, deny files absent: only listed users may schedule jobs. */
static void judge_allow_deny(struct cg_ctx *ctx, struct cg_result *r, const char *tool, const char *allow,
			     const char *deny)
{
	static const gid_t gids[] = {0, (gid_t)-1};

	if (!exists(ctx, r, allow))
		result_add_finding(r, allow, 0, "allow", NULL,
				   "is missing, so every user may use %s; safe: create it (0640 root, listing "
				   "allowed users) and remove %s", tool, deny);
	else {
		struct expect x = {allow, 0640, "0640 root:root or stricter"};
		judge_file(ctx, r, &x, gids, false);
	}
	if (exists(ctx, r, deny))
		result_add_finding(r, deny, 0, "deny", NULL, "a deny list lets any user not named use %s; safe: "
				   "remove it and keep %s", tool, allow);
}

static int perm_cron_at(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
					   "/etc/cron.monthly"};
	static const gid_t gids[] = {0, (gid_t)-1};
	bool cron = exists(ctx, r, "/usr/sbin/cron") || exists(ctx, r, "/usr/sbin/crond") || exists(ctx, r, "/etc/crontab");
	bool at = exists(ctx, r, "/usr/bin/at");

	if (!cron && !at) {
		result_skip(r, "neither cron nor at is installed");
		return 0;
	}
	if (cron) {
		struct expect tab = {"/etc/crontab", 0600, "0600 root:root"};
		judge_file(ctx, r, &tab, gids, false);
		for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
			struct expect x = {dirs[i], 0700, "0700 root:root"};
			judge_file(ctx, r, &x, gids, true);
		}
		judge_allow_deny(ctx, r, "cron", "/etc/cron.allow", "/etc/cron.deny");
	}
	if (at)
		judge_allow_deny(ctx, r, "at", "/etc/at.allow", "/etc/at.deny");
	return 0;
}

static int perm_bootloader_cfg(struct cg_ctx *ctx, struct cg_result *r)
{
	static const gid_t gids[] = {0, (gid_t)-1};
	struct strv files = {0};

	strv_push(&files, "/boot/grub/grub.cfg");
	strv_push(&files, "/boot/grub/user.cfg");
	strv_push(&files, "/boot/grub2/grub.cfg");
	strv_push(&files, "/boot/grub2/user.cfg");
	glob_into(ctx, r, "/boot/efi/EFI/*/grub.cfg", &files);
	for (size_t i = 0; i < files.n; i++) {
		/* update-grub writes 0444; CIS wants 0400/0600 so the menu's password hash stays private */
		struct expect x = {files.v[i], 0600, "0600 root:root or stricter (re-check after update-grub)"};
		judge_file(ctx, r, &x, gids, false);
	}
	strv_free(&files);
	return 0;
}

/* The distribution's names from os-release: ID and the first word of PRETTY_NAME. */
static void os_names(struct cg_ctx *ctx, struct cg_result *r, struct strv *names)
{
	struct osrelease o = {0};
	int e = osrelease_load(&ctx->fs, &o);

	if (e < 0 && e != -ENOENT)
		result_add_error(r, "/etc/os-release", e, "cannot read");
	if (e == 0) {
		if (o.id && strlen(o.id) >= 3)
			strv_push(names, o.id);
		if (o.pretty_name) {
			size_t n = strcspn(o.pretty_name, " ");
			if (n >= 3) {
				_cleanup_free_ char *w = xstrndup(o.pretty_name, n);
				strv_push(names, w);
			}
		}
	}
	osrelease_free(&o);
}

static int perm_banner_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const files[] = {"/etc/issue", "/etc/issue.net", "/etc/motd"};
	static const gid_t gids[] = {0, (gid_t)-1};
	struct strv names = {0};

	os_names(ctx, r, &names);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *buf = NULL;
		struct expect x = {files[i], 0644, "0644 root:root"};
		judge_file(ctx, r, &x, gids, false);
		int e = imgfile_read(&ctx->fs, files[i], 1 << 16, &buf, NULL);
		if (e < 0 && e != -ENOENT && e != -ENOTDIR && e != -SAFEFS_ENOTREG && e != -EFBIG && e != -ELOOP)
			result_add_error(r, files[i], e, "cannot read");
		if (e < 0)
			continue;
		/* agetty expands \m \r \s \v to machine, release, system name and version */
		const char *esc = NULL;
		for (const char *p = buf; *p && !esc; p++)
			if (p[0] == '\\' && p[1] && strchr("mrsv", p[1]))
				esc = p;
		if (esc)
			result_add_finding(r, files[i], 0, "disclosure", NULL,
					   "shows the OS release through '\\%c'; safe: a neutral warning banner without "
					   "\\m, \\r, \\s, \\v or the OS name", esc[1]);
		else
			for (size_t k = 0; k < names.n; k++)
				if (strcasestr(buf, names.v[k])) {
					result_add_finding(r, files[i], 0, "disclosure", names.v[k],
							   "names the OS ('%s'); safe: a neutral warning banner without the "
							   "OS name or version", names.v[k]);
					break;
				}
	}
	strv_free(&names);
	return 0;
}

/* ---- image-wide walks ---- */

struct walkctx {
	struct cg_ctx *ctx;
	struct cg_result *r;
	/* unowned-files: known ids, sorted */
	uid_t *uids;
	size_t nuids;
	gid_t *gids;
	size_t ngids;
	bool have_group; /* without /etc/group only uids are judged */
	/* suid-sgid-inventory: paths dpkg installed, sorted */
	struct strv owned;
	bool have_dpkg;
};

static void walk_error(const char *path, int err, void *ud)
{
	struct walkctx *w = ud;
	result_add_error(w->r, path, err, "cannot read");
}

/* /tmp and /var/tmp are gen.tmp-files' business: sticky world-writable by design */
static bool tmp_dir(const char *path)
{
	return streq(path, "/tmp") || streq(path, "/var/tmp");
}

static int ww_visit(const struct safefs_entry *e, void *ud)
{
	struct walkctx *w = ud;
	mode_t m = e->st->st_mode;

	if (S_ISDIR(m) && tmp_dir(e->path)) {
		if (!(m & S_ISVTX) && (m & S_IWOTH))
			result_add_finding(w->r, e->path, 0, "sticky", NULL,
					   "world-writable directory without the sticky bit; safe: mode 1777");
		return SAFEFS_WALK_SKIP;
	}
	if (S_ISREG(m) && (m & S_IWOTH))
		result_add_finding(w->r, e->path, 0, "file", NULL,
				   "world-writable file (mode %04o): any user can change it; safe: chmod o-w",
				   (unsigned)(m & 07777));
	else if (S_ISDIR(m) && (m & S_IWOTH) && !(m & S_ISVTX))
		result_add_finding(w->r, e->path, 0, "sticky", NULL,
				   "world-writable directory without the sticky bit (mode %04o): any user can delete "
				   "others' files; safe: chmod o-w, or +t", (unsigned)(m & 07777));
	return SAFEFS_WALK_CONTINUE;
}


static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;
	return x < y ? -1 : x > y;
}

static int unowned_visit(const struct safefs_entry *e, void *ud)
{
	struct walkctx *w = ud;
	uid_t uid = e->st->st_uid;
	gid_t gid = e->st->st_gid;
	bool u_ok = bsearch(&uid, w->uids, w->nuids, sizeof *w->uids, cmp_uid) != NULL;
	bool g_ok = !w->have_group || bsearch(&gid, w->gids, w->ngids, sizeof *w->gids, cmp_uid) != NULL;

	if (tmp_dir(e->path))
		return SAFEFS_WALK_SKIP;
	if (!u_ok || !g_ok)
		result_add_finding(w->r, e->path, 0, !u_ok ? "uid" : "gid", NULL,
				   "owned by %s %u, which the image's %s does not define (a build leftover; a user "
				   "created later with that id would own it); safe: chown to a known account or remove it",
				   !u_ok ? "uid" : "gid", !u_ok ? (unsigned)uid : (unsigned)gid, !u_ok ? "passwd" : "group");
	return SAFEFS_WALK_CONTINUE;
}

/* The ids the image's passwd and group define, sorted; false (with the check's skip or error
 * recorded) when they cannot be read. */
static bool unowned_prepare(struct cg_ctx *ctx, struct walkctx *w)
{
	struct acctdb db = {0};
	const char *failed = NULL;
	int e = acctdb_load(&ctx->fs, &db, &failed);

	if (e < 0) {
		if (e == -ENOENT && streq(failed, "/etc/passwd"))
			result_skip(w->r, "the image has no /etc/passwd");
		else
			result_add_error(w->r, failed, e, "cannot read");
		acctdb_free(&db);
		return false;
	}
	w->uids = xcalloc(db.passwd.n + 1, sizeof *w->uids);
	for (size_t i = 0; i < db.passwd.n; i++)
		w->uids[w->nuids++] = db.passwd.v[i].uid;
	w->have_group = db.has_group;
	w->gids = xcalloc(db.ngroup + 1, sizeof *w->gids);
	for (size_t i = 0; i < db.ngroup; i++)
		w->gids[w->ngids++] = db.group[i].gid;
	qsort(w->uids, w->nuids, sizeof *w->uids, cmp_uid);
	qsort(w->gids, w->ngids, sizeof *w->gids, cmp_uid);
	acctdb_free(&db);
	return true;
}

/* Programs that hand out a shell or arbitrary file access when set-id (GTFOBins). */
static const char *const suid_denylist[] = {
	"bash", "sh", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "busybox", "python", "python2", "python3",
	"perl", "ruby", "lua", "php", "node", "awk", "gawk", "mawk", "find", "vi", "vim", "vim.basic", "vim.tiny",
	"nano", "less", "more", "cp", "mv", "dd", "tar", "zip", "env", "nmap", "tee", "chmod", "chown", "rsync",
	"socat", "nc", "netcat", "gdb", "strace", "docker", "systemctl", "tcpdump", "wget", "curl", "git",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every path dpkg installed, with the /usr-merged spelling of /bin, /sbin and /lib* added. */
static void dpkg_owned(struct cg_ctx *ctx, struct walkctx *w)
{
	struct strv names = {0};
	int e;

	if (!exists(ctx, w->r, "/var/lib/dpkg/info"))
		return;
	e = imgfile_list_dir(&ctx->fs, "/var/lib/dpkg/info", &names);
	if (e < 0) {
		result_add_error(w->r, "/var/lib/dpkg/info", e, "cannot list");
		return;
	}
	w->have_dpkg = true;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = NULL, *buf = NULL;
		if (!endswith(names.v[i], ".list"))
			continue;
		p = xasprintf("/var/lib/dpkg/info/%s", names.v[i]);
		e = safefs_read_file(&ctx->fs, p, 64 << 20, &buf, NULL);
		if (e < 0) {
			result_add_error(w->r, p, e, "cannot read");
			continue;
		}
		for (char *l = buf, *nl; l && *l; l = nl) {
			nl = strchr(l, '\n');
			if (nl)
				*nl++ = '\0';
			strv_push(&w->owned, l);
			if (startswith(l, "/bin/") || startswith(l, "/sbin/") || startswith(l, "/lib")) {
				_cleanup_free_ char *u = xasprintf("/usr%s", l);
				strv_push(&w->owned, u);
			}
		}
	}
	strv_free(&names);
	if (w->owned.n)
		qsort(w->owned.v, w->owned.n, sizeof *w->owned.v, cmp_str);
}

static int suid_visit(const struct safefs_entry *e, void *ud)
{
	struct walkctx *w = ud;
	mode_t m = e->st->st_mode;
	const char *what = (m & S_ISUID) && (m & S_ISGID) ? "set-uid and set-gid" : (m & S_ISUID) ? "set-uid" : "set-gid";

	/* snaps are squashfs images with their own package database, not dpkg's */
	if (S_ISDIR(m) && streq(e->path, "/snap"))
		return SAFEFS_WALK_SKIP;
	if (!S_ISREG(m) || !(m & (S_ISUID | S_ISGID)))
		return SAFEFS_WALK_CONTINUE;
	for (size_t i = 0; i < ELEMENTSOF(suid_denylist); i++)
		if (streq(e->name, suid_denylist[i])) {
			result_add_finding(w->r, e->path, 0, "denylist", NULL,
					   "%s '%s' (owner uid %u) hands out a root shell or root file access; safe: "
					   "chmod u-s,g-s", what, e->name, (unsigned)e->st->st_uid);
			return SAFEFS_WALK_CONTINUE;
		}
	const char *key = e->path;
	if (w->have_dpkg && !(w->owned.n && bsearch(&key, w->owned.v, w->owned.n, sizeof *w->owned.v, cmp_str)))
		result_add_finding(w->r, e->path, 0, "unpackaged", NULL,
				   "%s program (owner uid %u) that no package installed; safe: remove it or clear "
				   "the bits", what, (unsigned)e->st->st_uid);
	return SAFEFS_WALK_CONTINUE;
}

/* ---- one image-wide walk for world-writable, unowned-files and suid-sgid-inventory ----
 * A walk costs a getdents and an lstat per entry (~20 ms on a stock rootfs) and these three checks
 * judge only a few entries of it. So one walk records the entries any of them could react to (and
 * every unreadable entry), in walk order, and each check runs its visitor over that record with
 * its own skipped subtrees. The walk is the secrets content scan's when it walks the whole image
 * (perm_tap_begin), or perm's own. */

#define PERMWALK_MEMO "perm.walk"

struct walkev {
	char *path;
	size_t name;    /* offset of the last component in PATH */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int err;        /* <0: an entry the walk could not read */
};

struct perm_tap {
	struct walkctx ids;  /* the image's uids and gids, to keep entries with unknown owners */
	bool have_ids;
	struct cg_result ids_rec; /* why the ids could not be loaded (when !have_ids) */
	struct walkev *ev;
	size_t n, cap;
	int rc;              /* the walk stopped with this -errno; 0: complete */
};

static void tap_push(struct perm_tap *t, const char *path, size_t name, const struct stat *st, int err)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->ev = xreallocarray(t->ev, t->cap, sizeof *t->ev);
	}
	t->ev[t->n++] = (struct walkev){.path = xstrdup(path), .name = name, .err = err,
					 .mode = st ? st->st_mode : 0, .uid = st ? st->st_uid : 0,
					 .gid = st ? st->st_gid : 0};
}

/* Could ww_visit, unowned_visit or suid_visit react to E (a finding, or a skipped subtree)? */
static int tap_visit(const struct safefs_entry *e, void *ud)
{
	struct perm_tap *t = ud;
	mode_t m = e->st->st_mode;
	uid_t uid = e->st->st_uid;
	gid_t gid = e->st->st_gid;
	bool keep = ((S_ISREG(m) || S_ISDIR(m)) && (m & S_IWOTH)) ||   /* world-writable */
		    (S_ISREG(m) && (m & (S_ISUID | S_ISGID))) ||         /* set-id */
		    tmp_dir(e->path) || streq(e->path, "/snap");           /* skipped subtrees */

	if (!keep && t->have_ids)
		keep = !bsearch(&uid, t->ids.uids, t->ids.nuids, sizeof uid, cmp_uid) ||
		       (t->ids.have_group && !bsearch(&gid, t->ids.gids, t->ids.ngids, sizeof gid, cmp_uid));
	if (keep)
		tap_push(t, e->path, strlen(e->path) - strlen(e->name), e->st, 0); /* NAME is the dirent's */
	return SAFEFS_WALK_CONTINUE;
}

static void tap_error(const char *path, int err, void *ud)
{
	tap_push(ud, path, 0, NULL, err < 0 ? err : -EIO);
}

static void tap_free(void *p)
{
	struct perm_tap *t = p;

	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->ev[i].path);
	free(t->ev);
	free(t->ids.uids);
	free(t->ids.gids);
	result_free(&t->ids_rec);
	free(t);
}

struct perm_tap *perm_tap_begin(struct cg_ctx *ctx, struct safefs_walk_ops *ops)
{
	struct perm_tap *t;

	if (ctx_memo_get(ctx, PERMWALK_MEMO))
		return NULL;
	t = xcalloc(1, sizeof *t);
	/* without readable passwd/group the record lacks unknown owners: perm.unowned-files reports
	 * why (the read error kept here) if its own load then succeeds */
	result_init(&t->ids_rec, NULL, CG_SEV_INFO);
	t->ids = (struct walkctx){.ctx = ctx, .r = &t->ids_rec};
	t->have_ids = unowned_prepare(ctx, &t->ids);
	t->ids.r = NULL;
	*ops = (struct safefs_walk_ops){.visit = tap_visit, .error = tap_error};
	ctx_walk_defaults(ctx, ops);
	return t;
}

void perm_tap_end(struct cg_ctx *ctx, struct perm_tap *tap, bool walked, int rc)
{
	if (!tap)
		return;
	if (!walked) {
		tap_free(tap);
		return;
	}
	tap->rc = rc;
	ctx_memo_put(ctx, PERMWALK_MEMO, tap, tap_free);
}

/* Run VISIT over the recorded walk as the walker would have: directories it skips hide what is
 * below them (entries come in preorder, so the first path outside ends the skip). */
static void permwalk_replay(struct cg_ctx *ctx, struct walkctx *w, int (*visit)(const struct safefs_entry *e, void *ud))
{
	const struct perm_tap *t = ctx_memo_get(ctx, PERMWALK_MEMO);
	const char *skip = NULL;
	size_t skip_len = 0;

	if (!t) {
		struct safefs_walk_ops ops;
		struct perm_tap *own = perm_tap_begin(ctx, &ops);
		perm_tap_end(ctx, own, true, safefs_walk(&ctx->fs, "/", &ops, own));
		t = own;
	}
	if (visit == unowned_visit && !t->have_ids) {
		/* the walk was recorded without the ids: entries with unknown owners are not in it */
		if (t->ids_rec.nerrors)
			replay_into(&t->ids_rec, w->r);
		else
			result_add_error(w->r, "/etc/passwd", -SAFEFS_EMOVED, "cannot judge owners: the accounts changed during the scan");
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct walkev *ev = &t->ev[i];
		if (skip && strncmp(ev->path, skip, skip_len) == 0 && (ev->path[skip_len] == '\0' || ev->path[skip_len] == '/'))
			continue;
		skip = NULL;
		if (ev->err < 0) {
			walk_error(ev->path, ev->err, w);
			continue;
		}
		struct stat st = {.st_mode = ev->mode, .st_uid = ev->uid, .st_gid = ev->gid};
		struct safefs_entry e = {.dirfd = -1, .name = ev->path + ev->name, .path = ev->path, .st = &st};
		if (visit(&e, w) == SAFEFS_WALK_SKIP && S_ISDIR(ev->mode)) {
			skip = ev->path;
			skip_len = strlen(skip);
		}
	}
	if (t->rc < 0)
		result_add_error(w->r, "/", t->rc, "cannot walk");
}

static int perm_world_writable(struct cg_ctx *ctx, struct cg_result *r)
{
	struct walkctx w = {.ctx = ctx, .r = r};

	permwalk_replay(ctx, &w, ww_visit);
	return 0;
}

static int perm_unowned_files(struct cg_ctx *ctx, struct cg_result *r)
{
	struct walkctx w = {.ctx = ctx, .r = r};

	if (unowned_prepare(ctx, &w))
		permwalk_replay(ctx, &w, unowned_visit);
	free(w.uids);
	free(w.gids);
	return 0;
}

static int perm_suid_sgid_inventory(struct cg_ctx *ctx, struct cg_result *r)
{
	struct walkctx w = {.ctx = ctx, .r = r};

	dpkg_owned(ctx, &w);
	permwalk_replay(ctx, &w, suid_visit);
	strv_free(&w.owned);
	return 0;
}

/* wtmp, btmp and lastlog are group utmp writable by design (login records). */
static bool utmp_log(const char *name)
{
	static const char *const v[] = {"wtmp", "btmp", "lastlog"};
	for (size_t i = 0; i < ELEMENTSOF(v); i++)
		if (startswith(name, v[i]) && (!name[strlen(v[i])] || name[strlen(v[i])] == '.'))
			return true;
	return false;
}

static int log_visit(const struct safefs_entry *e, void *ud)
{
	struct walkctx *w = ud;
	mode_t m = e->st->st_mode & 07777;

	if (!S_ISREG(e->st->st_mode))
		return SAFEFS_WALK_CONTINUE;
	if (utmp_log(e->name) ? (m & ~0664u) : (m & ~0640u))
		result_add_finding(w->r, e->path, 0, "log", NULL,
				   "log file is mode %04o: logs carry user names, addresses and command lines; "
				   "safe: 0640 or stricter (wtmp/btmp/lastlog 0664)", (unsigned)m);
	return SAFEFS_WALK_CONTINUE;
}

static int perm_log_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const gid_t gids_any[] = {0, (gid_t)-1};
	struct walkctx w = {.ctx = ctx, .r = r};
	struct safefs_walk_ops ops = {.visit = log_visit, .error = walk_error};
	struct strv confs = {0};

	int e = safefs_walk(&ctx->fs, "/var/log", &ops, &w);
	if (e < 0 && e != -ENOENT)
		result_add_error(r, "/var/log", e, "cannot walk");
	strv_push(&confs, "/etc/rsyslog.conf");
	glob_into(ctx, r, "/etc/rsyslog.d/*.conf", &confs);
	strv_push(&confs, "/etc/systemd/journald.conf");
	glob_into(ctx, r, "/etc/systemd/journald.conf.d/*.conf", &confs);
	for (size_t i = 0; i < confs.n; i++) {
		struct expect x = {confs.v[i], 0644, "0644 root:root or stricter (logger configuration)"};
		judge_file(ctx, r, &x, gids_any, false);
	}
	strv_free(&confs);
	return 0;
}

static const struct cg_check perm_checks[] = {
	{
		.id = "perm.shadow-files", .title = "shadow files are private",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 6.1.3", "CIS 6.1.4", "CIS 6.1.7", "CIS 6.1.9", "ASB PermissionsOnEtcShadow",
				"ASB PermissionsOnEtcShadowDash", "ASB PermissionsOnEtcGShadow", "ASB PermissionsOnEtcGShadowDash",
				"Lynis AUTH-9216", "Lynis FILE-7524", "SSG file_permissions_etc_shadow",
				"SSG file_permissions_etc_gshadow", "SSG file_permissions_backup_etc_shadow", "dev-sec os-02"),
		.description = "/etc/shadow, /etc/gshadow and their '-' backups are regular files owned by root, "
			       "group root or shadow, mode 0640 or stricter: they hold every password hash.",
		.run = perm_shadow_files,
	},
	{
		.id = "perm.passwd-group", .title = "passwd and group are root's",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 6.1.2", "CIS 6.1.5", "CIS 6.1.6", "CIS 6.1.8", "ASB PermissionsOnEtcPasswd",
				"ASB PermissionsOnEtcPasswdDash", "ASB PermissionsOnEtcGroup", "ASB PermissionsOnEtcGroupDash",
				"Lynis FILE-7524", "SSG file_permissions_etc_passwd", "SSG file_permissions_etc_group",
				"dev-sec os-03"),
		.description = "/etc/passwd, /etc/group and their '-' backups are root:root, mode 0644 or stricter.",
		.run = perm_passwd_group,
	},
	{
		.id = "perm.cron-at", .title = "cron and at are restricted",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 5.1.2", "CIS 5.1.3", "CIS 5.1.4", "CIS 5.1.5", "CIS 5.1.6", "CIS 5.1.7", "CIS 5.1.8",
				"CIS 5.1.9", "ASB PermissionsOnEtcCrontab", "ASB PermissionsOnEtcCronDaily",
				"ASB AtCronIsRestrictedToAuthorizedUsers", "Lynis SCHD-7704", "Lynis FILE-7524",
				"SSG file_permissions_crontab", "SSG file_permissions_cron_d", "SSG file_permissions_cron_allow",
				"dev-sec os-13"),
		.description = "When cron is installed: /etc/crontab 0600 and cron.{d,hourly,daily,weekly,monthly} "
			       "0700, root's; cron.allow present and cron.deny absent. The same allow/deny rule "
			       "for at. Skipped when neither is installed.",
		.run = perm_cron_at,
	},
	{
		.id = "perm.bootloader-cfg", .title = "the boot loader configuration is private",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 1.5.2", "ASB PermissionsOnBootloaderConfig", "Lynis BOOT-5184", "Lynis FILE-7524",
				"SSG file_permissions_grub2_cfg"),
		.description = "grub.cfg and user.cfg (BIOS and EFI) owned by root, 0600 or stricter. update-grub "
			       "writes 0444, so this fails again after every kernel update.",
		.run = perm_bootloader_cfg,
	},
	{
		.id = "perm.banner-files", .title = "login banners are root's and neutral",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "banner-files",
		.refs = CG_REFS("CIS 1.8.1.1", "CIS 1.8.1.2", "CIS 1.8.1.3", "CIS 1.8.1.4", "CIS 1.8.1.5",
				"ASB PermissionsOnEtcIssue", "ASB PermissionsOnEtcIssueNet", "ASB PermissionsOnEtcMotd",
				"ASB LocalLoginWarningBannerIsConfigured", "ASB RemoteLoginWarningBannerIsConfigured",
				"Lynis BANN-7124", "Lynis BANN-7126", "Lynis BANN-7130", "SSG file_permissions_etc_issue",
				"SSG file_permissions_etc_motd"),
		.description = "/etc/issue, /etc/issue.net and /etc/motd are root:root 0644 and do not disclose "
			       "the OS (agetty's \\m \\r \\s \\v escapes, or the os-release name).",
		.run = perm_banner_files,
	},
	{
		.id = "perm.world-writable", .title = "no world-writable files; world-writable directories are sticky",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 6.1.10", "CIS 1.1.22", "Lynis FILE-6362", "Lynis FILE-6363",
				"SSG file_permissions_unauthorized_world_writable", "SSG dir_perms_world_writable_sticky_bits"),
		.description = "Walks the whole image (no pseudo file systems, no symlinks followed, scan.exclude "
			       "honoured). The contents of /tmp and /var/tmp are gen.tmp-files' business; the "
			       "directories themselves must be sticky. The fix (chmod o-w) is guarded.",
		.run = perm_world_writable,
	},
	{
		.id = "perm.unowned-files", .title = "every file has a known owner",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("CIS 6.1.11", "CIS 6.1.12", "SSG no_files_unowned_by_user"),
		.description = "Files whose uid is not in the image's passwd or gid not in its group: typically "
			       "left by a build user that was deleted, or unpacked from an archive.",
		.run = perm_unowned_files,
	},
	{
		.id = "perm.suid-sgid-inventory", .title = "set-id programs are packaged and expected",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("dev-sec os-06"),
		.description = "Set-uid/set-gid regular files that no dpkg package installed (read from "
			       "/var/lib/dpkg/info/*.list, /usr-merge aware), and any set-id shell, interpreter, "
			       "editor or file tool (GTFOBins). Images without dpkg get the denylist only.",
		.run = perm_suid_sgid_inventory,
	},
	{
		.id = "perm.log-files", .title = "log files are not world-readable",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 4.2.1.4", "ASB FilePermissionsForAllRsyslogLogFiles",
				"ASB LoggerConfigurationFilesAreRestricted", "SSG rsyslog_files_permissions", "dev-sec os-11"),
		.description = "Regular files under /var/log 0640 or stricter (wtmp, btmp, lastlog 0664); rsyslog "
			       "and journald configuration root's and not group/world-writable. Debian's dpkg and "
			       "apt logs are 0644 and fail.",
		.run = perm_log_files,
	},
};

CG_FAMILY(family_perm, "perm", "file ownership and permissions", perm_checks);
