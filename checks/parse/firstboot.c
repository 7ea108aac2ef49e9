/* SPDX-License-Identifier: Apache-2.0 */
/* What the image does at its first boot, read from its files: plain facts for the checks that judge
 * them and the remediation that relies on them (host keys may go only where something remakes them). */
#include "firstboot.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "imgfile.h"

#define SMALL_FILE (1 << 20)

/* A probe of the image that remembers the first file it could not read: absent files (ENOENT,
 * ENOTDIR) answer "no", anything else makes the whole answer unknown. */
struct probe {
	struct safefs *fs;
	int err;
	char *err_path;
};

static bool probe_fail(struct probe *pr, const char *path, int err)
{
	if (!pr->err) {
		pr->err = err;
		pr->err_path = xstrdup(path);
	}
	return false;
}

static bool exists(struct probe *pr, const char *path)
{
	int e = imgfile_exists(pr->fs, path);
	return e < 0 ? probe_fail(pr, path, e) : e > 0;
}

/* Lines of a config file (symlinks followed inside the image) with leading blanks removed,
 * comments skipped. */
static bool file_has_line(struct probe *pr, const char *path, bool (*pred)(const char *line, void *ud), void *ud)
{
	_cleanup_free_ char *buf = NULL, *real = NULL;
	char *save = NULL;
	size_t len;
	int e = imgfile_resolve(pr->fs, path, &real);

	if (e < 0)
		return probe_fail(pr, path, e);
	e = safefs_read_file(pr->fs, real, SMALL_FILE, &buf, &len);
	if (e == -ENOENT || e == -ENOTDIR)
		return false;
	if (e < 0)
		return probe_fail(pr, real, e);
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

/* The names in DIR ending in SUFFIX (none when DIR is absent). */
static void list_dir(struct probe *pr, const char *dir, const char *suffix, struct strv *out)
{
	struct strv names = {0};
	int e = imgfile_list_dir(pr->fs, dir, &names);

	if (e < 0)
		probe_fail(pr, dir, e);
	for (size_t i = 0; i < names.n; i++)
		if (endswith(names.v[i], suffix))
			strv_push(out, names.v[i]);
	strv_free(&names);
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

static bool cloud_init_cfg_any(struct probe *pr, bool (*pred)(const char *, void *))
{
	struct strv names = {0};
	bool hit = file_has_line(pr, "/etc/cloud/cloud.cfg", pred, NULL);

	if (!hit)
		list_dir(pr, "/etc/cloud/cloud.cfg.d", ".cfg", &names);
	for (size_t i = 0; !hit && i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf("/etc/cloud/cloud.cfg.d/%s", names.v[i]);
		hit = file_has_line(pr, p, pred, NULL);
	}
	strv_free(&names);
	return hit;
}

static char *hostkey_regenerator(struct probe *pr)
{
	/* cloud-init's ssh module creates missing keys of ssh_genkeytypes on first boot */
	if ((exists(pr, "/usr/bin/cloud-init") || exists(pr, "/bin/cloud-init")) &&
	    !exists(pr, "/etc/cloud/cloud-init.disabled") && cloud_init_cfg_any(pr, line_is_ssh_module) &&
	    !cloud_init_cfg_any(pr, line_no_genkeys))
		return xstrdup("cloud-init ssh module");
	if ((exists(pr, "/usr/sbin/waagent") || exists(pr, "/usr/bin/waagent")) &&
	    file_has_line(pr, "/etc/waagent.conf", line_waagent_regen, NULL) &&
	    !file_has_line(pr, "/etc/waagent.conf", line_waagent_off, NULL))
		return xstrdup("waagent Provisioning.RegenerateSshHostKeyPair=y");
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		static const char *const keygen[] = {"sshd-keygen@.service", "sshd-keygen.service", "sshd-keygen.target"};
		for (size_t k = 0; k < ELEMENTSOF(keygen); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], keygen[k]);
			if (exists(pr, p))
				return xasprintf("%s unit", keygen[k]);
		}
	}
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		static const char *const ssh_units[] = {"ssh.service", "sshd.service"};
		for (size_t k = 0; k < ELEMENTSOF(ssh_units); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], ssh_units[k]);
			_cleanup_free_ char *dir = xasprintf("%s/%s.d", unit_dirs[i], ssh_units[k]);
			struct strv names = {0};
			char *found = NULL;

			if (file_has_line(pr, p, line_keygen_a, NULL))
				return xasprintf("ssh-keygen -A in %s", ssh_units[k]);
			list_dir(pr, dir, ".conf", &names);
			for (size_t j = 0; !found && j < names.n; j++) {
				_cleanup_free_ char *dp = xasprintf("%s/%s", dir, names.v[j]);
				if (file_has_line(pr, dp, line_keygen_a, NULL))
					found = xasprintf("ssh-keygen -A in %s drop-in %s", ssh_units[k], names.v[j]);
			}
			strv_free(&names);
			if (found)
				return found;
		}
	}
	return NULL;
}

int firstboot_hostkey_regenerator(struct safefs *fs, char **regen, char **err_path)
{
	struct probe pr = {.fs = fs};

	*regen = hostkey_regenerator(&pr);
	if (!pr.err) {
		free(pr.err_path);
		return 0;
	}
	/* a file on the way could not be read: whatever was found, the answer is not known */
	free(*regen);
	*regen = NULL;
	if (err_path)
		*err_path = pr.err_path;
	else
		free(pr.err_path);
	return pr.err;
}
