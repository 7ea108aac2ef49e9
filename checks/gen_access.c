/* gen.ssh-host-keys, gen.build-user-access, gen.root-password: identity and access a build
 * leaves behind (research/deprovision.md §1, §4: #4040, #353, aks-engine#2740). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "config.h"
#include "gen_checks.h"
#include "redact.h"
#include "sudoedit.h"

#define SMALL_FILE (1 << 20)

static bool exists(struct cg_ctx *ctx, const char *path)
{
	struct stat st;
	return safefs_lstat(&ctx->fs, path, &st) == 0;
}

/* Lines of a config file with leading blanks removed, comments skipped. */
static bool file_has_line(struct cg_ctx *ctx, const char *path, bool (*pred)(const char *line, void *ud), void *ud)
{
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;

	if (safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, NULL) < 0)
		return false;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (isspace((unsigned char)*l))
			l++;
		if (*l == '#' || !*l)
			continue;
		if (pred(l, ud))
			return true;
	}
	return false;
}

static bool line_is_ssh_module(const char *l, void *ud)
{
	/* "- ssh" or "- [ssh, always]" in a cloud_*_modules list */
	if (*l != '-')
		return false;
	l++;
	while (*l == ' ' || *l == '\t' || *l == '[' || *l == '"' || *l == '\'')
		l++;
	return startswith(l, "ssh") && !isalnum((unsigned char)l[3]) && l[3] != '_';
}

static bool line_no_genkeys(const char *l, void *ud)
{
	return startswith(l, "ssh_genkeytypes:") && strstr(l, "[]");
}

static bool line_waagent_regen(const char *l, void *ud)
{
	return startswith(l, "Provisioning.RegenerateSshHostKeyPair=y");
}

static bool line_waagent_off(const char *l, void *ud)
{
	return startswith(l, "Provisioning.Enabled=n") || startswith(l, "Provisioning.Agent=cloud-init") ||
	       startswith(l, "Provisioning.Agent=disabled");
}

static bool line_keygen_a(const char *l, void *ud)
{
	return startswith(l, "ExecStart") && strstr(l, "ssh-keygen") && strstr(l, " -A");
}

static const char *const unit_dirs[] = {"/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"};

static bool cloud_init_cfg_any(struct cg_ctx *ctx, bool (*pred)(const char *, void *))
{
	_cleanup_close_ int dfd = -1;
	DIR *d;
	struct dirent *de;
	bool hit = file_has_line(ctx, "/etc/cloud/cloud.cfg", pred, NULL);

	dfd = safefs_open_dir(&ctx->fs, "/etc/cloud/cloud.cfg.d");
	if (dfd < 0 || hit)
		return hit;
	d = util_fdopendir(&dfd);
	if (!d)
		return hit;
	while (!hit && (de = readdir(d))) {
		if (!endswith(de->d_name, ".cfg"))
			continue;
		_cleanup_free_ char *p = xasprintf("/etc/cloud/cloud.cfg.d/%s", de->d_name);
		hit = file_has_line(ctx, p, pred, NULL);
	}
	closedir(d);
	return hit;
}

char *gen_access_hostkey_regenerator(struct cg_ctx *ctx)
{
	/* cloud-init's ssh module creates missing keys of ssh_genkeytypes on first boot */
	if ((exists(ctx, "/usr/bin/cloud-init") || exists(ctx, "/bin/cloud-init")) &&
	    !exists(ctx, "/etc/cloud/cloud-init.disabled") && cloud_init_cfg_any(ctx, line_is_ssh_module) &&
	    !cloud_init_cfg_any(ctx, line_no_genkeys))
		return xstrdup("cloud-init ssh module");
	if ((exists(ctx, "/usr/sbin/waagent") || exists(ctx, "/usr/bin/waagent")) &&
	    file_has_line(ctx, "/etc/waagent.conf", line_waagent_regen, NULL) &&
	    !file_has_line(ctx, "/etc/waagent.conf", line_waagent_off, NULL))
		return xstrdup("waagent Provisioning.RegenerateSshHostKeyPair=y");
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		static const char *const keygen[] = {"sshd-keygen@.service", "sshd-keygen.service", "sshd-keygen.target"};
		for (size_t k = 0; k < ELEMENTSOF(keygen); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], keygen[k]);
			if (exists(ctx, p))
				return xasprintf("%s unit", keygen[k]);
		}
	}
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		static const char *const ssh_units[] = {"ssh.service", "sshd.service"};
		for (size_t k = 0; k < ELEMENTSOF(ssh_units); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], ssh_units[k]);
			_cleanup_free_ char *dir = xasprintf("%s/%s.d", unit_dirs[i], ssh_units[k]);
			_cleanup_close_ int dfd = -1;
			DIR *d;
			struct dirent *de;

			if (file_has_line(ctx, p, line_keygen_a, NULL))
				return xasprintf("ssh-keygen -A in %s", ssh_units[k]);
			dfd = safefs_open_dir(&ctx->fs, dir);
			if (dfd < 0 || !(d = util_fdopendir(&dfd)))
				continue;
			char *found = NULL;
			while (!found && (de = readdir(d))) {
				if (!endswith(de->d_name, ".conf"))
					continue;
				_cleanup_free_ char *dp = xasprintf("%s/%s", dir, de->d_name);
				if (file_has_line(ctx, dp, line_keygen_a, NULL))
					found = xasprintf("ssh-keygen -A in %s drop-in %s", ssh_units[k], de->d_name);
			}
			closedir(d);
			if (found)
				return found;
		}
	}
	return NULL;
}

int gen_access_ssh_host_keys(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, "/etc/ssh");
	_cleanup_free_ char *regen = NULL;
	struct dirent *de;
	DIR *d;

	if (dfd == -ENOENT || dfd == -ENOTDIR)
		return 0;
	if (dfd < 0) {
		result_add_error(r, "/etc/ssh", dfd, "cannot open");
		return 0;
	}
	d = util_fdopendir(&dfd);
	if (!d)
		return -errno;
	regen = gen_access_hostkey_regenerator(ctx);
	while ((de = readdir(d))) {
		struct stat st;
		/* waagent's glob, ssh_host_*key*; a dangling symlink counts too (waagent misses it) */
		if (fnmatch("ssh_host_*key*", de->d_name, 0) != 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;
		_cleanup_free_ char *p = xasprintf("/etc/ssh/%s", de->d_name);
		if (regen)
			result_add_finding(r, p, 0, NULL, NULL,
					   "SSH host key every VM would share; %s regenerates keys at first boot, so it can go",
					   regen);
		else
			result_add_finding(r, p, 0, "no-regenerator", NULL,
					   "SSH host key every VM would share, and nothing regenerates keys at first boot "
					   "(no cloud-init ssh module, no waagent RegenerateSshHostKeyPair=y, no sshd-keygen "
					   "unit, no ssh-keygen -A in the ssh unit): removing it would leave SSH dead");
	}
	closedir(d);
	return 0;
}

/* ---- build users ---- */

static void push_unique(struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i], s))
			return;
	strv_push(l, s);
}

static void ovf_user(struct cg_ctx *ctx, struct strv *out)
{
	_cleanup_free_ char *buf = NULL;
	const char *p, *q;

	if (safefs_read_file(&ctx->fs, "/var/lib/waagent/ovf-env.xml", SMALL_FILE, &buf, NULL) < 0)
		return;
	/* <ns1:UserName>packer</ns1:UserName>: the tag may carry a namespace prefix */
	p = strstr(buf, "UserName>");
	if (!p)
		return;
	p += strlen("UserName>");
	q = strchr(p, '<');
	if (!q || q == p || q - p > 64)
		return;
	_cleanup_free_ char *name = xstrndup(p, (size_t)(q - p));
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return;
	push_unique(out, name);
}

void gen_access_build_users(struct cg_ctx *ctx, struct strv *out)
{
	json_t *list = ctx->cfg ? config_get(ctx->cfg, "remediate.build_users") : NULL;
	static const char *const granted_by_provisioning[] = {"/etc/sudoers.d/90-cloud-init-users", "/etc/sudoers.d/waagent"};
	size_t i;
	json_t *it;

	if (list)
		json_array_foreach(list, i, it)
			push_unique(out, json_string_value(it));
	else {
		push_unique(out, "packer");
		push_unique(out, "vagrant");
	}
	ovf_user(ctx, out);
	for (size_t k = 0; k < ELEMENTSOF(granted_by_provisioning); k++) {
		_cleanup_free_ char *buf = NULL;
		struct strv users = {0};
		if (safefs_read_file(&ctx->fs, granted_by_provisioning[k], SMALL_FILE, &buf, NULL) < 0)
			continue;
		sudoedit_users(buf, &users);
		for (size_t u = 0; u < users.n; u++)
			push_unique(out, users.v[u]);
		strv_free(&users);
	}
	/* root is never a build user, whatever a file says */
	for (size_t k = 0; k < out->n; k++)
		if (streq(out->v[k], "root")) {
			free(out->v[k]);
			memmove(&out->v[k], &out->v[k + 1], (out->n - k) * sizeof *out->v);
			out->n--;
			k--;
		}
}

struct sudo_hit {
	struct cg_result *r;
	const char *path, *user;
};

static void sudo_found(unsigned line, void *ud)
{
	struct sudo_hit *h = ud;
	_cleanup_free_ char *rule = xasprintf("sudoers:%s", h->user);
	result_add_finding(h->r, h->path, line, rule, NULL,
			   "sudoers line for build user '%s'; remove it before capture", h->user);
}

static void sudoers_scan(struct cg_ctx *ctx, struct cg_result *r, const char *path, const struct strv *users)
{
	_cleanup_free_ char *buf = NULL;
	int e = safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, NULL);

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	for (size_t i = 0; i < users->n; i++) {
		struct sudo_hit h = {.r = r, .path = path, .user = users->v[i]};
		sudoedit_find(buf, users->v[i], sudo_found, &h);
	}
}

int gen_access_build_user(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv users = {0};
	const struct users *pw;
	_cleanup_close_ int dfd = -1;
	int e = 0;

	gen_access_build_users(ctx, &users);
	pw = ctx_users(ctx, &e);
	for (size_t i = 0; pw && i < users.n; i++) {
		const struct user *u = users_find(pw, users.v[i]);
		static const char *const keyfiles[] = {".ssh/authorized_keys", ".ssh/authorized_keys2"};
		if (!u || !u->home || streq(u->home, "/") || u->uid == 0)
			continue;
		for (size_t k = 0; k < ELEMENTSOF(keyfiles); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", u->home, keyfiles[k]);
			_cleanup_free_ char *rule = xasprintf("authorized_keys:%s", u->name);
			struct stat st;
			int s = safefs_lstat(&ctx->fs, p, &st);
			if (s == -ENOENT || s == -ENOTDIR)
				continue;
			if (s < 0)
				result_add_error(r, p, s, "cannot stat");
			else if (!S_ISREG(st.st_mode) || st.st_size > 0)
				result_add_finding(r, p, 0, rule, NULL,
						   "build user '%s' can still log in with these keys; remove them last", u->name);
		}
	}
	sudoers_scan(ctx, r, "/etc/sudoers", &users);
	dfd = safefs_open_dir(&ctx->fs, "/etc/sudoers.d");
	if (dfd >= 0) {
		DIR *d = util_fdopendir(&dfd);
		struct dirent *de;
		if (d) {
			while ((de = readdir(d))) {
				/* sudo skips names with a '.' or ending in '~'; so do we */
				if (de->d_name[0] == '.' || strchr(de->d_name, '.') || endswith(de->d_name, "~"))
					continue;
				_cleanup_free_ char *p = xasprintf("/etc/sudoers.d/%s", de->d_name);
				sudoers_scan(ctx, r, p, &users);
			}
			closedir(d);
		}
	} else if (dfd != -ENOENT)
		result_add_error(r, "/etc/sudoers.d", dfd, "cannot open");
	strv_free(&users);
	return 0;
}

bool gen_access_hash_usable(const char *field, size_t len)
{
	/* '!' and '*' lock; anything else, an empty field too, lets a password in */
	return len == 0 || (field[0] != '!' && field[0] != '*');
}

static void root_line(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int e = safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, &len);
	unsigned line = 0;

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	/* BUF is NUL-terminated on success, possibly empty */
	for (char *l = buf; *l;) {
		char *nl = strchr(l, '\n');
		line++;
		if (startswith(l, "root:")) {
			char *f = l + 5;
			size_t n = strcspn(f, ":\n");
			if (gen_access_hash_usable(f, n)) {
				_cleanup_free_ char *ev = n ? redact_secret(f, n) : NULL;
				explicit_bzero(f, n);
				result_add_finding(r, path, line, NULL, ev,
						   n ? "root has a usable password hash that every VM would share; lock it"
						     : "root has an empty password; lock it");
			}
			break;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	/* every byte, past an embedded NUL too: shadow holds the hashes of all users */
	explicit_bzero(buf, len);
}

int gen_access_root_password(struct cg_ctx *ctx, struct cg_result *r)
{
	root_line(ctx, r, "/etc/shadow");
	root_line(ctx, r, "/etc/shadow-"); /* the backup keeps the old hash (virt-sysprep passwd-backups) */
	return 0;
}
