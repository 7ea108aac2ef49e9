/* SPDX-License-Identifier: Apache-2.0 */
/* gen.ssh-host-keys, gen.build-user-access, gen.root-password: identity and access a build
 * leaves behind (research/deprovision.md §1, §4: #4040, #353, aks-engine#2740). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "config.h"
#include "firstboot.h"
#include "gen_checks.h"
#include "imgfile.h"
#include "redact.h"
#include "sudoedit.h"

#define SMALL_FILE (1 << 20)

int gen_access_ssh_host_keys(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, "/etc/ssh");
	_cleanup_free_ char *regen = NULL, *where = NULL;
	struct dirent *de;
	DIR *d;
	int e;

	if (dfd == -ENOENT || dfd == -ENOTDIR)
		return 0;
	if (dfd < 0) {
		result_add_error(r, "/etc/ssh", dfd, "cannot open");
		return 0;
	}
	d = util_fdopendir(&dfd);
	if (!d)
		return -errno;
	e = firstboot_hostkey_regenerator(&ctx->fs, &regen, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot tell whether anything regenerates SSH host keys at first boot");
		closedir(d);
		return 0;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		struct stat st;
		/* waagent's glob, ssh_host_*key*; a dangling symlink counts too (waagent misses it) */
		if (fnmatch("ssh_host_*key*", de->d_name, 0) != 0)
			continue;
		_cleanup_free_ char *p = xasprintf("/etc/ssh/%s", de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) /* gone since the listing: nothing to judge */
				result_add_error(r, p, -errno, "cannot stat");
			continue;
		}
		if (S_ISDIR(st.st_mode))
			continue;
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
	if (errno)
		result_add_error(r, "/etc/ssh", -errno, "cannot list");
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

/* Read PATH for the build-user list: absent is nothing, anything else unreadable is R's error. */
static char *read_or_error(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	char *buf = NULL;
	int e = safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, NULL);

	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot read");
	return e < 0 ? NULL : buf;
}

static void ovf_user(struct cg_ctx *ctx, struct cg_result *r, struct strv *out)
{
	_cleanup_free_ char *buf = read_or_error(ctx, r, "/var/lib/waagent/ovf-env.xml");
	const char *p, *q;

	if (!buf)
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

void gen_access_build_users(struct cg_ctx *ctx, struct cg_result *r, struct strv *out)
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
	ovf_user(ctx, r, out);
	for (size_t k = 0; k < ELEMENTSOF(granted_by_provisioning); k++) {
		_cleanup_free_ char *buf = read_or_error(ctx, r, granted_by_provisioning[k]);
		struct strv users = {0};
		if (!buf)
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
	struct strv users = {0}, names = {0};
	const struct users *pw;
	int e = 0;

	gen_access_build_users(ctx, r, &users);
	pw = ctx_users(ctx, &e);
	if (!pw && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, "/etc/passwd", e, "cannot read the accounts");
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
	e = imgfile_list_dir(&ctx->fs, "/etc/sudoers.d", &names);
	if (e < 0)
		result_add_error(r, "/etc/sudoers.d", e, "cannot list");
	for (size_t i = 0; i < names.n; i++) {
		/* sudo skips names with a '.' or ending in '~'; so do we */
		if (strchr(names.v[i], '.') || endswith(names.v[i], "~"))
			continue;
		_cleanup_free_ char *p = xasprintf("/etc/sudoers.d/%s", names.v[i]);
		sudoers_scan(ctx, r, p, &users);
	}
	strv_free(&names);
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
