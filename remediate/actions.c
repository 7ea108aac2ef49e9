/* SPDX-License-Identifier: Apache-2.0 */
/* The action table: every remediation step capgate can take, how findings map onto it, and how
 * it changes the image (only through safefs; research/deprovision.md for the why of each). */
#include "remediate.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "firstboot.h"
#include "sudoedit.h"

#define SHADOW_MAX (16 << 20)

extern char **environ;

static bool image_has(struct cg_ctx *ctx, const char *path)
{
	struct stat st;
	return safefs_lstat(&ctx->fs, path, &st) == 0;
}

static const struct stat *expect(const struct rem_item *it)
{
	return it->have_st ? &it->st : NULL;
}

/* ---- plain file actions ---- */

static int apply_remove_file(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	/* a check that names a directory (Packer's upload dir, Ansible's remote tmp) means all of it */
	if (it->have_st && S_ISDIR(it->st.st_mode))
		return safefs_remove_tree(&ctx->fs, it->path, expect(it), false, &it->files, &it->bytes);
	int r = safefs_unlink(&ctx->fs, it->path, expect(it));
	if (r == 0)
		it->files = 1;
	return r;
}

static int apply_remove_tree(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	return safefs_remove_tree(&ctx->fs, it->path, expect(it), false, &it->files, &it->bytes);
}

static int apply_empty_dir(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	return safefs_remove_tree(&ctx->fs, it->path, expect(it), true, &it->files, &it->bytes);
}

static int apply_truncate(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	return safefs_truncate(&ctx->fs, it->path, expect(it));
}

/* apt-get clean: the downloaded packages, not the lock, not the directories */
static int apply_apt_clean(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	static const char *const dirs[] = {"/var/cache/apt/archives", "/var/cache/apt/archives/partial"};
	int first = 0;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, dirs[i]);
		DIR *d;
		struct dirent *de;
		if (dfd < 0)
			continue;
		/* a host package cache bound at /var/cache/apt/archives is not the image's */
		int m = safefs_check_mount(&ctx->fs, dfd);
		if (m < 0)
			return m;
		d = util_fdopendir(&dfd);
		if (!d)
			return -errno;
		while ((de = readdir(d))) {
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
			    streq(de->d_name, "lock"))
				continue;
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs[i], de->d_name);
			int r = safefs_unlink(&ctx->fs, p, &st);
			if (r < 0 && !first)
				first = r;
			if (r == 0) {
				it->files++;
				it->bytes += (unsigned long long)st.st_size;
			}
		}
		closedir(d);
	}
	return first;
}

/* ---- machine id ---- */

static int apply_reset_machine_id(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	/* systemd: an empty file means "generate at boot", no first-boot preset run (machine-id(5));
	 * without systemd, dbus-uuidgen --ensure creates a missing file */
	if (image_has(ctx, "/usr/lib/systemd/systemd") || image_has(ctx, "/lib/systemd/systemd"))
		return safefs_write_atomic(&ctx->fs, it->path, "", 0, 0444, 0, 0, expect(it));
	return safefs_unlink(&ctx->fs, it->path, expect(it));
}

static int apply_link_dbus_machine_id(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	/* a copy re-seeds the old id (uyuni sumaform#179); Debian's dbus makes it a link */
	return safefs_symlink_atomic(&ctx->fs, "/etc/machine-id", it->path, expect(it));
}

static void plan_machine_id(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && streq(f->rule, "identity"))
		rem_plan_add(p, "remove-file", f->path, NULL);
	else if (streq(f->path, "/var/lib/dbus/machine-id"))
		rem_plan_add(p, "link-dbus-machine-id", f->path, NULL);
	else
		rem_plan_add(p, "reset-machine-id", f->path, NULL);
}

/* ---- rewrites that keep every other byte: /etc/shadow, sudoers ---- */

int rem_read_for_rewrite(struct cg_ctx *ctx, struct rem_item *it, struct stat *st, size_t max, char **buf, size_t *len)
{
	_cleanup_close_ int fd = safefs_open_regular(&ctx->fs, it->path, st);

	if (fd < 0)
		return fd;
	if (it->have_st && (st->st_ino != it->st.st_ino || st->st_dev != it->st.st_dev))
		return -SAFEFS_EMOVED;
	if (st->st_nlink > 1)
		return -SAFEFS_ENLINK;
	return safefs_read_fd(fd, max, buf, len);
}

static int read_for_rewrite(struct cg_ctx *ctx, struct rem_item *it, struct stat *st, char **buf, size_t *len)
{
	return rem_read_for_rewrite(ctx, it, st, SHADOW_MAX, buf, len);
}

/* Lock the accounts named in IT->arg (comma-separated): their password field becomes '*' for
 * root (what Debian ships) and '!' for others; every other byte of the file stays. */
static int apply_lock(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, found = 0;
	struct strbuf out = {0};
	struct strv users = {0};
	int r = read_for_rewrite(ctx, it, &st, &buf, &len);

	if (r < 0)
		return r;
	strv_split_commas(&users, it->arg ? it->arg : "root");
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;
		const char *colon = memchr(buf + pos, ':', end - pos);
		const char *user = NULL;
		for (size_t u = 0; colon && u < users.n; u++)
			if ((size_t)(colon - (buf + pos)) == strlen(users.v[u]) &&
			    memcmp(buf + pos, users.v[u], strlen(users.v[u])) == 0)
				user = users.v[u];
		if (user) {
			const char *f = colon + 1;
			const char *fe = memchr(f, ':', (size_t)(buf + end - f));
			if (!fe)
				fe = buf + end - (nl ? 1 : 0);
			strbuf_append(&out, buf + pos, (size_t)(f - (buf + pos)));
			strbuf_puts(&out, streq(user, "root") ? "*" : "!");
			strbuf_append(&out, fe, (size_t)(buf + end - fe));
			found++;
		} else
			strbuf_append(&out, buf + pos, end - pos);
		pos = end;
	}
	if (!found) {
		it->reason = xasprintf("no line for '%s' in the file", it->arg ? it->arg : "root");
		r = -ENOENT;
	} else
		r = safefs_write_atomic(&ctx->fs, it->path, out.buf, out.len, st.st_mode, st.st_uid, st.st_gid, expect(it));
	explicit_bzero(buf, len);
	if (out.buf)
		explicit_bzero(out.buf, out.len);
	free(buf);
	strbuf_free(&out);
	strv_free(&users);
	return r;
}

/* One rewrite per file: add USER to the comma list of an existing item for ACTION on PATH. */
static void plan_merged(struct rem_planner *p, const char *action, const char *path, const char *user)
{
	for (size_t i = 0; i < p->plan->n; i++) {
		struct rem_item *it = &p->plan->v[i];
		if (it->action && streq(it->action->id, action) && streq(it->path, path) && it->state == REM_PLANNED) {
			struct strv have = {0};
			bool dup = false;
			strv_split_commas(&have, it->arg);
			for (size_t k = 0; k < have.n; k++)
				dup |= streq(have.v[k], user);
			strv_free(&have);
			if (!dup) {
				char *n = xasprintf("%s,%s", it->arg, user);
				free(it->arg);
				it->arg = n;
			}
			return;
		}
	}
	rem_plan_add(p, action, path, user);
}

static bool plain_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.' || *s == '$'))
			return false;
	return true;
}

static void plan_lock_account(struct rem_planner *p, const struct cg_finding *f)
{
	if (!plain_name(f->rule))
		rem_plan_refuse(p, "lock-account", f->path, "the finding names no account");
	else
		plan_merged(p, "lock-account", f->path, f->rule);
}

static void plan_lock_root(struct rem_planner *p, const struct cg_finding *f)
{
	if (streq(f->path, "/etc/shadow"))
		plan_merged(p, "lock-account", f->path, "root");
	else
		rem_plan_add(p, "remove-file", f->path, NULL); /* the backup: shadow- keeps the old hash */
}

static int apply_sudoers(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	struct strbuf out = {0};
	int r = read_for_rewrite(ctx, it, &st, &buf, &len);

	if (r < 0)
		return r;
	struct strv users = {0};
	size_t changed = 0;
	strv_split_commas(&users, it->arg);
	for (size_t i = 0; i < users.n; i++) {
		struct strbuf next = {0};
		changed += sudoedit_remove_user(buf, len, users.v[i], &next);
		free(buf);
		len = next.len;
		buf = next.buf;
	}
	if (changed > 0)
		r = safefs_write_atomic(&ctx->fs, it->path, buf, len, st.st_mode, st.st_uid, st.st_gid, expect(it));
	strv_free(&users);
	free(buf);
	strbuf_free(&out);
	return r;
}

static void plan_build_user(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && startswith(f->rule, "sudoers:"))
		plan_merged(p, "remove-sudoers-lines", f->path, f->rule + strlen("sudoers:"));
	else if (f->rule && startswith(f->rule, "authorized_keys:"))
		rem_plan_add(p, "remove-file", f->path, NULL);
	else
		rem_plan_refuse(p, "remove-file", f->path, "unknown finding kind");
}

/* ---- identity: host keys only where first boot regenerates them ---- */

static void plan_host_keys(struct rem_planner *p, const struct cg_finding *f)
{
	_cleanup_free_ char *regen = NULL, *where = NULL;
	int e = firstboot_hostkey_regenerator(&p->ctx->fs, &regen, &where);

	if (e < 0)
		rem_plan_refuse(p, "remove-file", f->path,
				"cannot tell whether anything regenerates SSH host keys at first boot: '%s': %s", where,
				safefs_strerror(e));
	else if (!regen && !p->opts->force)
		rem_plan_refuse(p, "remove-file", f->path,
				"nothing regenerates SSH host keys at first boot (no cloud-init ssh module, no waagent "
				"RegenerateSshHostKeyPair=y, no sshd-keygen unit, no ssh-keygen -A in the ssh unit); "
				"--force removes them anyway");
	else
		rem_plan_add(p, "remove-file", f->path, NULL);
}

/* ---- logs and the journal ---- */

static int run_cmd(char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -errno ? -errno : -ENOEXEC;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int apply_vacuum_journal(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	if (ctx->mode == CG_MODE_LIVE) {
		/* live: journald owns the files; rotate, then drop every archived file */
		char prog[] = "/usr/bin/journalctl", rot[] = "--rotate", vac[] = "--vacuum-time=1s";
		char *rotate[] = {prog, rot, NULL};
		char *vacuum[] = {prog, vac, NULL};
		int r = run_cmd(rotate);
		if (r == 0)
			r = run_cmd(vacuum);
		if (r < 0)
			it->reason = xstrdup("journalctl --rotate/--vacuum-time failed");
		return r;
	}
	return safefs_unlink(&ctx->fs, it->path, expect(it));
}

static void plan_logs(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule ? f->rule : "";

	if (streq(rule, "journal")) {
		struct rem_item *it = p->ctx->mode == CG_MODE_LIVE ? rem_plan_add(p, "vacuum-journal", "/var/log/journal", NULL)
								      : rem_plan_add(p, "vacuum-journal", f->path, NULL);
		it->order = 2;
	} else if (streq(rule, "rotated"))
		rem_plan_add(p, "remove-file", f->path, NULL);
	else if (streq(rule, "log"))
		rem_plan_add(p, "truncate-file", f->path, NULL);
	else
		rem_plan_refuse(p, "truncate-file", f->path, "%s", f->message);
}

/* A MAC binding lives on one line of a file that carries the rest of the network setup: removing
 * the file would leave the VM without network, so the line is for the user to delete. */
static void plan_network(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && streq(f->rule, "mac-binding"))
		rem_plan_refuse(p, "remove-tree", f->path, "delete line %u (the MAC address); the file holds the rest "
				"of the network configuration and stays", f->line);
	else
		rem_plan_add(p, "remove-tree", f->path, NULL);
}

static void plan_caches(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && streq(f->rule, "apt-archives"))
		rem_plan_add(p, "apt-clean", f->path, NULL);
	else
		rem_plan_add(p, "remove-tree", f->path, NULL);
}

/* ---- the Azure agent: stopped before its state goes ---- */

static void plan_agent_state(struct rem_planner *p, const struct cg_finding *f)
{
	static const char *const units[] = {"walinuxagent.service", "waagent.service"};

	if (p->ctx->mode == CG_MODE_LIVE)
		for (size_t i = 0; i < ELEMENTSOF(units); i++) {
			_cleanup_free_ char *a = xasprintf("/lib/systemd/system/%s", units[i]);
			_cleanup_free_ char *b = xasprintf("/usr/lib/systemd/system/%s", units[i]);
			if (image_has(p->ctx, a) || image_has(p->ctx, b)) {
				_cleanup_free_ char *path = xasprintf("/etc/systemd/system/%s", units[i]);
				rem_plan_add(p, "stop-unit", path, units[i])->order = 0;
				break;
			}
		}
	rem_plan_add(p, "remove-tree", f->path, NULL);
}

/* ---- snakeoil: removed, and regenerated at first boot by make-ssl-cert ---- */

static const char snakeoil_unit[] =
	"# Installed by capgate: the image's snakeoil key was removed before capture.\n"
	"[Unit]\n"
	"Description=Generate this machine's snakeoil TLS key pair\n"
	"ConditionPathExists=!/etc/ssl/private/ssl-cert-snakeoil.key\n"
	"Before=apache2.service nginx.service postfix.service exim4.service dovecot.service\n"
	"\n[Service]\nType=oneshot\nExecStart=/usr/sbin/make-ssl-cert generate-default-snakeoil\n"
	"\n[Install]\nWantedBy=multi-user.target\n";

#define SNAKEOIL_UNIT "/etc/systemd/system/capgate-snakeoil.service"
#define SNAKEOIL_WANTS "/etc/systemd/system/multi-user.target.wants/capgate-snakeoil.service"

static int apply_snakeoil_hook(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	return safefs_write_atomic(&ctx->fs, it->path, snakeoil_unit, sizeof snakeoil_unit - 1, 0644, 0, 0, NULL);
}

/* what `systemctl --root enable` does for a unit with WantedBy=multi-user.target */
static int apply_snakeoil_enable(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	int r = safefs_mkdir_p(&ctx->fs, "/etc/systemd/system/multi-user.target.wants", 0755);
	return r < 0 ? r : safefs_symlink_atomic(&ctx->fs, SNAKEOIL_UNIT, it->path, NULL);
}

static void plan_snakeoil(struct rem_planner *p, const struct cg_finding *f)
{
	rem_plan_add(p, "remove-file", f->path, NULL);
	if (image_has(p->ctx, "/usr/sbin/make-ssl-cert")) {
		rem_plan_add(p, "install-snakeoil-hook", SNAKEOIL_UNIT, NULL)->order = 2;
		rem_plan_add(p, "enable-snakeoil-hook", SNAKEOIL_WANTS, NULL)->order = 2;
	}
}

/* ---- units: the name comes from the check's action argument, the finding's rule or path ---- */

static bool looks_like_unit(const char *s)
{
	static const char *const suffixes[] = {".service", ".socket", ".timer", ".path", ".mount", ".target"};
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (endswith(s, suffixes[i]) && !strchr(s, '/'))
			return true;
	return false;
}

static void plan_unit(struct rem_planner *p, const struct cg_finding *f, const char *action)
{
	const char *unit = NULL, *slash = strrchr(f->path, '/');

	if (p->action_arg && looks_like_unit(p->action_arg))
		unit = p->action_arg;
	else if (f->rule && looks_like_unit(f->rule))
		unit = f->rule;
	else if (slash && looks_like_unit(slash + 1))
		unit = slash + 1;
	if (!unit) {
		rem_plan_refuse(p, action, f->path, "the finding names no unit (rule or path ending in .service, .socket, ...)");
		return;
	}
	_cleanup_free_ char *path = xasprintf("/etc/systemd/system/%s", unit);
	rem_plan_add(p, action, path, unit);
}

static void plan_disable(struct rem_planner *p, const struct cg_finding *f) { plan_unit(p, f, "disable-unit"); }
static void plan_mask(struct rem_planner *p, const struct cg_finding *f) { plan_unit(p, f, "mask-unit"); }
static void plan_stop(struct rem_planner *p, const struct cg_finding *f)
{
	plan_unit(p, f, "stop-unit");
}


/* ---- permissions: tighten only (new mode = old & mask), owner untouched ---- */

static const struct {
	const char *check, *rule; /* rule NULL: any */
	mode_t file_mask, dir_mask;
} perm_masks[] = {
	{"perm.shadow-files", NULL, 0640, 0},
	{"perm.passwd-group", NULL, 0644, 0},
	{"perm.cron-at", NULL, 0600, 0700},
	{"perm.bootloader-cfg", NULL, 0600, 0},
	{"perm.log-files", NULL, 0640, 0},
	{"perm.world-writable", "file", 07775, 0},
	{"ssh.config-perms", NULL, 0600, 0},
	{"ssh.host-key-perms", "private", 0600, 0},
	{"ssh.host-key-perms", NULL, 0644, 0},
	{"acct.home-dirs", NULL, 07755, 0750},
};

static void plan_fix_perms(struct rem_planner *p, const struct cg_finding *f)
{
	const char *id = p->result->check->id, *rule = f->rule ? f->rule : "";
	const char *base = strrchr(f->path, '/');
	struct stat st;
	char arg[32];

	if (streq(id, "perm.world-writable") && streq(rule, "sticky")) {
		rem_plan_add(p, "fix-perms", f->path, "+t");
		return;
	}
	if (safefs_lstat(&p->ctx->fs, f->path, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		rem_plan_refuse(p, "fix-perms", f->path, "not a regular file or directory; left as it is");
		return;
	}
	/* the mode belongs to the inode: a log that is a hard link to /etc/passwd must not make
	 * passwd unreadable */
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		rem_plan_refuse(p, "fix-perms", f->path, "has %lu hard links: its mode is theirs too (not changed)",
				(unsigned long)st.st_nlink);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(perm_masks); i++) {
		if (!streq(perm_masks[i].check, id) || (perm_masks[i].rule && !streq(perm_masks[i].rule, rule)))
			continue;
		mode_t mask = S_ISDIR(st.st_mode) ? perm_masks[i].dir_mask : perm_masks[i].file_mask;
		/* the login records are group-writable for utmp by design */
		if (streq(id, "perm.log-files") && base && (startswith(base + 1, "wtmp") || startswith(base + 1, "btmp") ||
							    startswith(base + 1, "lastlog")))
			mask = 0664;
		if (!mask)
			break;
		/* a mode the mask leaves as it is (a home owned by root, mode 0750): chmod would change
		 * nothing, and a second fix must be a no-op */
		if ((st.st_mode & 07777 & mask) == (st.st_mode & 07777)) {
			rem_plan_refuse(p, "fix-perms", f->path,
					"mode %04o is already within %04o: the finding is not about the mode (owner?); "
					"left to people", (unsigned)(st.st_mode & 07777), (unsigned)mask);
			return;
		}
		snprintf(arg, sizeof arg, "&%04o", (unsigned)mask);
		rem_plan_add(p, "fix-perms", f->path, arg);
		return;
	}
	rem_plan_refuse(p, "fix-perms", f->path, "no safe mode known for '%s' (%s)", id, rule);
}

static int apply_fix_perms(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	/* a directory opens with O_DIRECTORY; anything else only once known to be a regular file */
	_cleanup_close_ int fd = it->have_st && S_ISDIR(it->st.st_mode) ? safefs_open(&ctx->fs, it->path, O_RDONLY | O_DIRECTORY)
									  : safefs_open_regular(&ctx->fs, it->path, NULL);
	struct stat st;
	mode_t m;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (it->have_st && (st.st_ino != it->st.st_ino || st.st_dev != it->st.st_dev))
		return -SAFEFS_EMOVED;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -SAFEFS_ENOTREG;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1)
		return -SAFEFS_ENLINK;
	if (safefs_fd_is_pseudo(fd))
		return -SAFEFS_EPSEUDO;
	/* /home as a tmpfs or a host directory bound in: not the image's to chmod */
	int r = safefs_check_mount(&ctx->fs, fd);
	if (r < 0)
		return r;
	if (streq(it->arg, "+t"))
		m = (st.st_mode & 07777) | S_ISVTX;
	else
		m = st.st_mode & 07777 & (mode_t)strtoul(it->arg + 1, NULL, 8);
	if (m == (st.st_mode & 07777))
		return REM_ALREADY;
	return fchmod(fd, m) < 0 ? -errno : 0;
}

/* ---- sudoers rules the accounts family flags ---- */

static void plan_sudoers_rule(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule ? f->rule : "";

	/* a grant to a name nobody has is a leftover: safe to drop; a NOPASSWD grant to a real
	 * user may be what automation needs, so that stays a decision for people */
	if (streq(rule, "missing-user") && plain_name(f->evidence))
		plan_merged(p, "remove-sudoers-lines", f->path, f->evidence);
	else if (startswith(rule, "nopasswd") || streq(rule, "no-authenticate"))
		rem_plan_refuse(p, "remove-sudoers-lines", f->path,
				"dropping NOPASSWD can break automation: remove the grant by hand, or name the build "
				"user in remediate.build_users so gen.build-user-access removes its lines last");
	else
		rem_plan_refuse(p, "remove-sudoers-lines", f->path, "a sudoers syntax error needs a person");
}

/* ---- fixes capgate leaves to people or to the package manager, with the reason ---- */

static void plan_refuse_why(struct rem_planner *p, const struct cg_finding *f)
{
	static const struct {
		const char *action, *why;
	} why[] = {
		{"remove-user", "userdel is not capgate's: the account may own files and running processes "
				"(WALinuxAgent#1033); remove it in the last step with waagent -deprovision+user or userdel"},
		{"purge-package", "removing packages needs the package manager and its maintainer scripts: "
				  "apt-get purge it in the build"},
		{"set-nologin", "changing a system account's shell can break services that run as it: set it "
				"with usermod -s in the build"},
		{"login-defs", "login.defs policy is site policy: set it in the build"},
		{"pam-wheel-su", "PAM stacks are site policy: enable pam_wheel in the build"},
		{"banner-files", "banner text is site policy: write your warning banner in the build"},
		{"mta-loopback", "the mail transport's configuration is the application's: set "
				 "inet_interfaces=loopback-only in the build"},
	};
	const char *id = p->result->check->remediation;
	size_t n = strcspn(id, ":");

	for (size_t i = 0; i < ELEMENTSOF(why); i++)
		if (strlen(why[i].action) == n && strncmp(why[i].action, id, n) == 0) {
			rem_plan_refuse(p, why[i].action, f->path, "%s", why[i].why);
			return;
		}
}


/* acct.leftover-users: a build user's account goes in the deprovision step, after the last
 * phase; capgate itself deletes no account (see plan_refuse_why) */
static void plan_remove_user(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && streq(f->rule, "build-user") && f->evidence) {
		_cleanup_free_ char *why = xasprintf("the build user's account: the deprovision step after 'capgate fix "
						     "--phase last' removes it (waagent -deprovision+user, or userdel "
						     "-r %s); the final check judges it", f->evidence);
		rem_plan_deprovision(p, "remove-user", f->path, f->evidence, why);
	} else
		plan_refuse_why(p, f);
}

/* ---- the table ---- */

const struct rem_action rem_actions[] = {
	{"remove-file", "unlink the file or link (a link's target is kept); a directory as remove-tree", NULL, apply_remove_file},
	{"remove-tree", "remove a file or a directory and everything below it, on its own file system", NULL, apply_remove_tree},
	{"empty-dir", "remove a directory's contents, keep the directory", NULL, apply_empty_dir},
	{"truncate-file", "truncate to zero bytes, keeping owner and mode; never a file with several links", NULL, apply_truncate},
	{"clean-logs", "truncate current logs, remove rotated ones, vacuum the journal", plan_logs, NULL},
	{"vacuum-journal", "live: journalctl --rotate then --vacuum-time; offline: remove the journal file", NULL, apply_vacuum_journal},
	{"clean-caches", "apt-get clean and per-user package caches", plan_caches, NULL},
	{"clean-network-state", "remove leases, persistent-net rules and MAC-bound connections; report MAC lines", plan_network, NULL},
	{"apt-clean", "remove downloaded packages from /var/cache/apt/archives", NULL, apply_apt_clean},
	{"reset-machine-id", "empty /etc/machine-id (systemd generates one at boot); link the D-Bus copy", plan_machine_id, apply_reset_machine_id},
	{"link-dbus-machine-id", "make /var/lib/dbus/machine-id a link to /etc/machine-id", NULL, apply_link_dbus_machine_id},
	{"lock-root-password", "replace root's hash with '*' by an atomic rewrite of /etc/shadow", plan_lock_root, NULL},
	{"lock-account", "lock accounts' password fields ('*' root, '!' others), every other byte kept", plan_lock_account, apply_lock},
	{"revoke-build-user", "remove the build user's authorized_keys and sudoers lines", plan_build_user, NULL},
	{"remove-sudoers-lines", "drop the lines naming a user exactly, atomically, mode and owner kept", NULL, apply_sudoers},
	{"remove-host-keys", "remove SSH host keys where first boot regenerates them", plan_host_keys, NULL},
	{"remove-agent-state", "stop the Azure agent (live), then remove its state", plan_agent_state, NULL},
	{"remove-snakeoil", "remove the snakeoil pair, install a first-boot make-ssl-cert unit", plan_snakeoil, NULL},
	{"install-snakeoil-hook", "write capgate-snakeoil.service (runs make-ssl-cert at first boot)", NULL, apply_snakeoil_hook},
	{"enable-snakeoil-hook", "link it into multi-user.target.wants, as systemctl enable does", NULL, apply_snakeoil_enable},
	{"remove-swap-file", "remove a swap file (guarded)", NULL, apply_remove_file},
	{"redact-value", "replace a secret's bytes with CAPGATE-REDACTED, every other byte, owner, mode and xattrs kept; "
			 "text files only", inplace_plan, inplace_apply},
	{"fix-perms", "tighten a file's or directory's mode (never loosen, owner kept); +t for shared dirs", plan_fix_perms, apply_fix_perms},
	{"remove-sudoers-rule", "drop grants to names nobody has; NOPASSWD grants stay a person's decision", plan_sudoers_rule, NULL},
	{"remove-user", "never applied: a build user's account is the deprovision step's, any other the build's", plan_remove_user, NULL},
	{"purge-package", "refused with the reason (the package manager's job)", plan_refuse_why, NULL},
	{"set-nologin", "refused with the reason (site policy)", plan_refuse_why, NULL},
	{"login-defs", "refused with the reason (site policy)", plan_refuse_why, NULL},
	{"pam-wheel-su", "refused with the reason (site policy)", plan_refuse_why, NULL},
	{"banner-files", "refused with the reason (site policy)", plan_refuse_why, NULL},
	{"mta-loopback", "refused with the reason (the application's configuration)", plan_refuse_why, NULL},
	{"modprobe-dropin", "install MODULE /bin/false and blacklist it in /etc/modprobe.d/00-capgate.conf", dropin_plan_modprobe, dropin_apply},
	{"limits-dropin", "'* hard core 0' in limits.d; Storage=none for systemd-coredump", dropin_plan_limits, dropin_apply},
	{"journald-dropin", "Storage=persistent in journald.conf.d", dropin_plan_journald, dropin_apply},
	{"sshd-dropin", "set sshd keywords in /etc/ssh/sshd_config.d/00-capgate.conf", dropin_plan_sshd, dropin_apply},
	{"sysctl-dropin", "set sysctl keys in /etc/sysctl.d/99-zz-capgate.conf", dropin_plan_sysctl, dropin_apply},
	{"grub-console", "write /etc/default/grub.d/99-capgate-azure.cfg with console=ttyS0 (live: then update-grub)", azure_plan_grub, azure_apply_grub},
	{"waagent-set", "set waagent.conf keys by an atomic edit, every other line, owner and mode kept", azure_plan_waagent, azure_apply_waagent},
	{"cloud-init-azure", "datasource_list: [ Azure ] in the last cloud.cfg.d drop-in; remove cloud-init.disabled", azure_plan_cloud_init, azure_apply_cloud_init},
	{"disable-unit", "live: DisableUnitFiles over D-Bus; offline: the symlinks systemctl --root disable removes", plan_disable, units_disable},
	{"mask-unit", "live: MaskUnitFiles and StopUnit; offline: link /etc/systemd/system/UNIT to /dev/null", plan_mask, units_mask},
	{"stop-unit", "live: StopUnit over D-Bus; offline: nothing runs", plan_stop, units_stop},
	{NULL, NULL, NULL, NULL},
};

bool rem_action_always_refused(const struct rem_action *a)
{
	return a->plan == plan_refuse_why && !a->apply;
}

const struct rem_action *remediate_action_find(const char *id, size_t len)
{
	for (const struct rem_action *a = rem_actions; a->id; a++)
		if (strlen(a->id) == len && memcmp(a->id, id, len) == 0)
			return a;
	return NULL;
}

/* ---- applying ---- */

static void capture_before(struct cg_ctx *ctx, struct rem_item *it)
{
	struct stat st;

	if (safefs_lstat(&ctx->fs, it->path, &st) < 0)
		return;
	it->have_meta = true;
	it->size = (long long)st.st_size;
	it->mode = st.st_mode;
	it->uid = st.st_uid;
	it->gid = st.st_gid;
	/* hash only the planned inode; never open something swapped in */
	if (S_ISREG(st.st_mode) && (!it->have_st || (st.st_ino == it->st.st_ino && st.st_dev == it->st.st_dev))) {
		struct stat fst;
		_cleanup_close_ int fd = safefs_open_regular(&ctx->fs, it->path, &fst);
		/* holes are not read: an 8 GiB sparse log is its data extents and their map */
		free(it->extents);
		it->extents = NULL;
		if (fd >= 0 && fst.st_ino == st.st_ino && safefs_sha256_sparse(fd, it->sha256, &it->extents, &it->nextents) == 0)
			it->have_sha = true;
	}
}

static const char *item_why(const struct rem_item *it, int r)
{
	if (r == -SAFEFS_EMOVED)
		return "changed since the plan (another file is there now); left untouched";
	return safefs_strerror(r);
}

static int apply_one(struct cg_ctx *ctx, struct rem_plan *plan, struct rem_item *it, const struct rem_opts *o)
{
	int r;

	capture_before(ctx, it);
	r = it->action->apply ? it->action->apply(ctx, it, o) : -EOPNOTSUPP;
	if (r == REM_ALREADY) {
		/* nothing to change: the goal holds, and a second fix is a no-op */
		free(it->reason);
		it->reason = xstrdup("already as wanted");
		it->state = REM_REFUSED;
		return 0;
	}
	if (r == -ENOENT && (startswith(it->action->id, "remove-") || streq(it->action->id, "vacuum-journal"))) {
		/* gone already, e.g. inside a tree another check's action removed: the goal holds */
		free(it->reason);
		it->reason = xstrdup("already gone");
		it->state = REM_REFUSED;
		it->have_meta = it->have_sha = false;
		return 0;
	}
	if (r == -SAFEFS_ETMPDIR && !it->reason) {
		/* name the obstacle: the temp name beside the file */
		const char *slash = strrchr(it->path, '/');
		it->reason = xasprintf("'%.*s/.%s.capgate-tmp' is in the way", (int)(slash - it->path), it->path, slash + 1);
	}
	if (r < 0) {
		_cleanup_free_ char *detail = it->reason;
		it->reason = detail ? xasprintf("%s: %s", detail, item_why(it, r)) : xstrdup(item_why(it, r));
		it->state = REM_FAILED;
	} else {
		struct stat st;
		bool exists = safefs_lstat(&ctx->fs, it->path, &st) == 0;
		free(it->reason);
		it->reason = NULL;
		it->state = REM_DONE;
		/* later items on the same path (another user's sudoers lines, another drop-in key)
		 * expect the entry as we just left it */
		for (size_t j = 0; j < plan->n; j++)
			if (&plan->v[j] != it && plan->v[j].state == REM_PLANNED && streq(plan->v[j].path, it->path)) {
				plan->v[j].have_st = exists;
				if (exists)
					plan->v[j].st = st;
			}
	}
	/* keep the manifest current for a run that gets killed, at most four times a second: a
	 * rename over a file costs a data flush on ext4 (auto_da_alloc) */
	unsigned long long now = util_now_ms();
	if (o->manifest && now - plan->manifest_at >= 250) {
		int m = remediate_manifest_write(ctx, plan, o->manifest, false);
		plan->manifest_at = now;
		if (m < 0)
			fprintf(stderr, "capgate: cannot write manifest '%s': %s\n", o->manifest, strerror(-m));
	}
	return r;
}

size_t remediate_apply(struct cg_ctx *ctx, struct rem_plan *plan, const struct rem_opts *o)
{
	size_t failed = 0, *retry = xcalloc(plan->n + 1, sizeof *retry), nretry = 0;

	for (size_t i = 0; i < plan->n; i++) {
		struct rem_item *it = &plan->v[i];

		if (it->state != REM_PLANNED || !it->selected)
			continue;
		if (o->cancel && *o->cancel) {
			it->reason = xstrdup("cancelled");
			continue;
		}
		/* a rewrite refused for a second hard link gets one more try at the end: another
		 * item (a history that is a link to /etc/shadow) may remove that name */
		if (apply_one(ctx, plan, it, o) == -SAFEFS_ENLINK)
			retry[nretry++] = i;
	}
	for (size_t k = 0; k < nretry && !(o->cancel && *o->cancel); k++) {
		struct rem_item *it = &plan->v[retry[k]];
		free(it->reason);
		it->reason = NULL;
		it->have_meta = it->have_sha = false;
		apply_one(ctx, plan, it, o);
	}
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].state == REM_FAILED) {
			failed++;
			fprintf(stderr, "capgate: %s '", plan->v[i].action->id);
			util_fput_escaped(stderr, plan->v[i].path);
			fputs("' failed: ", stderr);
			util_fput_escaped(stderr, plan->v[i].reason);
			fputc('\n', stderr);
		}
	free(retry);
	return failed;
}
