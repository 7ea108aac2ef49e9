/* SPDX-License-Identifier: Apache-2.0 */
/* gen.*: per-machine state and build leftovers that every VM made from the image would inherit.
 * Paths and semantics follow research/deprovision.md (waagent, cloud-init clean, virt-sysprep). */
#include <ctype.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "ctx.h"
#include "families.h"
#include "gen_checks.h"
#include "redact.h"

#define SMALL_FILE (64 << 10)

static bool id_is_unset(const char *s)
{
	/* systemd treats an empty file and "uninitialized" as "generate at first boot" */
	while (isspace((unsigned char)*s))
		s++;
	return !*s || startswith(s, "uninitialized");
}

/* Per-machine ids the package tools keep beside systemd's, each regenerated when missing: zypp's
 * AnonymousUniqueId (sent to SUSE's servers), yum's uuid (virt-sysprep yum-uuid), Red Hat Insights'
 * machine-id (Inventory's insights_id). Rule "identity": the fix removes the file. */
static const struct {
	const char *path, *what;
} identity_files[] = {
	{"/var/lib/zypp/AnonymousUniqueId", "zypp's anonymous machine id (sent with every repository request)"},
	{"/var/lib/yum/uuid", "yum's machine uuid"},
	{"/etc/insights-client/machine-id", "Red Hat Insights machine id (Inventory's insights_id)"},
};

static int gen_machine_id(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len;
	int e;

	for (size_t i = 0; i < ELEMENTSOF(identity_files); i++) {
		_cleanup_free_ char *id = NULL;
		e = safefs_read_file(&ctx->fs, identity_files[i].path, SMALL_FILE, &id, &len);
		if (e < 0 && e != -ENOENT && e != -ENOTDIR)
			result_add_error(r, identity_files[i].path, e, "cannot read");
		else if (e == 0 && len > 0) {
			_cleanup_free_ char *ev = redact_secret(id, strcspn(id, "\r\n"));
			result_add_finding(r, identity_files[i].path, 1, "identity", ev,
					   "%s: every VM from this image would share it; remove the file (regenerated "
					   "when missing)", identity_files[i].what);
		}
	}

	e = safefs_read_file(&ctx->fs, "/etc/machine-id", SMALL_FILE, &buf, &len);
	if (e < 0 && e != -ENOENT)
		result_add_error(r, "/etc/machine-id", e, "cannot read");
	else if (e == 0 && !id_is_unset(buf)) {
		size_t n = strcspn(buf, "\r\n");
		_cleanup_free_ char *ev = redact_secret(buf, n);
		result_add_finding(r, "/etc/machine-id", 1, NULL, ev,
				   "holds a machine id that every VM made from this image would share; "
				   "empty the file so systemd generates one at first boot");
	}

	/* D-Bus keeps its own copy; it must be a link to /etc/machine-id or absent */
	e = safefs_lstat(&ctx->fs, "/var/lib/dbus/machine-id", &st);
	if (e == -ENOENT || e == -ENOTDIR)
		return 0;
	if (e < 0) {
		result_add_error(r, "/var/lib/dbus/machine-id", e, "cannot stat");
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		result_add_finding(r, "/var/lib/dbus/machine-id", 0, NULL, NULL,
				   "is neither a file nor a link; replace it with a link to /etc/machine-id");
		return 0;
	}
	free(buf);
	buf = NULL;
	e = safefs_read_file(&ctx->fs, "/var/lib/dbus/machine-id", SMALL_FILE, &buf, &len);
	if (e < 0)
		result_add_error(r, "/var/lib/dbus/machine-id", e, "cannot read");
	else if (!id_is_unset(buf)) {
		_cleanup_free_ char *ev = redact_secret(buf, strcspn(buf, "\r\n"));
		result_add_finding(r, "/var/lib/dbus/machine-id", 1, NULL, ev,
				   "is a copy of a machine id instead of a link to /etc/machine-id");
	}
	return 0;
}

/* Shell and tool histories: what the build typed, often with secrets on the command line. */
static const char *const history_files[] = {
	".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history", ".ash_history",
	".python_history", ".psql_history", ".mysql_history", ".sqlite_history", ".node_repl_history",
	".rediscli_history", ".lesshst", ".viminfo", ".local/share/fish/fish_history",
};

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	default: return "unknown file type";
	}
}

static void history_judge(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	struct stat st;
	int e = safefs_lstat(&ctx->fs, path, &st);

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot stat");
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		_cleanup_free_ char *target = NULL;
		e = safefs_readlink(&ctx->fs, path, &target);
		if (e == -ENOENT)
			return; /* gone since the stat */
		if (e < 0) {
			result_add_error(r, path, e, "cannot read the link");
			return;
		}
		if (streq(target, "/dev/null"))
			return; /* the usual way to switch a history off */
		result_add_finding(r, path, 0, "symlink", NULL,
				   "is a symbolic link (not followed); remove the link");
		return;
	}
	if (S_ISREG(st.st_mode)) {
		if (st.st_size == 0)
			return;
		if (st.st_nlink > 1)
			result_add_finding(r, path, 0, NULL, NULL,
					   "%lld bytes of history, and the file has %lu hard links (unlink it, do not truncate)",
					   (long long)st.st_size, (unsigned long)st.st_nlink);
		else
			result_add_finding(r, path, 0, NULL, NULL, "%lld bytes of history; remove the file",
					   (long long)st.st_size);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		result_add_finding(r, path, 0, NULL, NULL, "is a %s where a history file belongs", type_name(st.st_mode));
}

static int gen_shell_history(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv all = {0};
	const struct users *u;
	int e = 0;

	u = ctx_users(ctx, &e);
	if (!u) {
		if (e != -ENOENT)
			result_add_error(r, "/etc/passwd", e, "cannot read");
		/* without passwd, still look where root's history lives */
		history_judge(ctx, r, "/root/.bash_history");
		return 0;
	}
	/* passwd homes, /root, and the homes of removed accounts (userdel without -r) */
	secrets_all_homes(ctx, r, &all);
	for (size_t i = 0; i < all.n; i++)
		for (size_t k = 0; k < ELEMENTSOF(history_files); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", all.v[i], history_files[k]);
			history_judge(ctx, r, p);
		}
	strv_free(&all);
	return 0;
}

/* ---- gen.tmp-files ---- */

/* Directories X11 and friends create in /tmp; they are expected, their contents are not. */
static const char *const tmp_standard_dirs[] = {".X11-unix", ".ICE-unix", ".font-unix", ".XIM-unix", ".Test-unix"};

struct tally {
	unsigned long long files, bytes;
	struct cg_result *r;
};

static int tally_visit(const struct safefs_entry *e, void *ud)
{
	struct tally *t = ud;
	if (!S_ISDIR(e->st->st_mode)) {
		t->files++;
		if (S_ISREG(e->st->st_mode))
			t->bytes += (unsigned long long)e->st->st_size;
	}
	return SAFEFS_WALK_CONTINUE;
}

static void tally_error(const char *path, int err, void *ud)
{
	struct tally *t = ud;
	result_add_error(t->r, path, err, "cannot read");
}

struct tmpscan {
	struct cg_ctx *ctx;
	struct cg_result *r;
	bool inside_standard;
};

static void tmp_report_entry(struct tmpscan *ts, const struct safefs_entry *e)
{
	if (S_ISDIR(e->st->st_mode)) {
		struct tally t = {.r = ts->r};
		struct safefs_walk_ops ops = {.visit = tally_visit, .error = tally_error};
		ctx_walk_defaults(ts->ctx, &ops);
		int rc = safefs_walk(&ts->ctx->fs, e->path, &ops, &t);
		if (rc < 0)
			result_add_error(ts->r, e->path, rc, "cannot walk");
		result_add_finding(ts->r, e->path, 0, NULL, NULL,
				   "build leftover: directory with %llu files, %llu bytes", t.files, t.bytes);
	} else if (S_ISREG(e->st->st_mode))
		result_add_finding(ts->r, e->path, 0, NULL, NULL, "build leftover: regular file, %lld bytes",
				   (long long)e->st->st_size);
	else
		result_add_finding(ts->r, e->path, 0, NULL, NULL, "build leftover: %s", type_name(e->st->st_mode));
}

static void tmp_error(const char *path, int err, void *ud)
{
	struct tmpscan *ts = ud;
	result_add_error(ts->r, path, err, "cannot read");
}

static int tmp_visit(const struct safefs_entry *e, void *ud)
{
	struct tmpscan *ts = ud;

	if (ts->inside_standard) {
		tmp_report_entry(ts, e);
		return SAFEFS_WALK_SKIP;
	}
	if (S_ISDIR(e->st->st_mode)) {
		for (size_t i = 0; i < ELEMENTSOF(tmp_standard_dirs); i++)
			if (streq(e->name, tmp_standard_dirs[i])) {
				struct tmpscan inner = {.ctx = ts->ctx, .r = ts->r, .inside_standard = true};
				struct safefs_walk_ops ops = {.visit = tmp_visit, .error = tmp_error, .max_depth = 1};
				int rc = safefs_walk(&ts->ctx->fs, e->path, &ops, &inner);
				if (rc < 0)
					result_add_error(ts->r, e->path, rc, "cannot walk");
				return SAFEFS_WALK_SKIP;
			}
		/* a running service's private /tmp is not a build leftover */
		if (ts->ctx->mode == CG_MODE_LIVE && startswith(e->name, "systemd-private-"))
			return SAFEFS_WALK_SKIP;
	}
	tmp_report_entry(ts, e);
	return SAFEFS_WALK_SKIP;
}

static int gen_tmp_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/tmp", "/var/tmp"};

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		struct tmpscan ts = {.ctx = ctx, .r = r};
		struct safefs_walk_ops ops = {.visit = tmp_visit, .error = tmp_error, .max_depth = 1};
		_cleanup_close_ int fd = safefs_open_dir(&ctx->fs, dirs[i]);
		struct statfs sfs;
		struct stat st;

		if (fd == -ENOENT)
			continue;
		if (fd < 0) {
			result_add_error(r, dirs[i], fd, "cannot open");
			continue;
		}
		/* live: a tmpfs mounted on /tmp is not part of the disk that gets captured */
		if (ctx->mode == CG_MODE_LIVE && fstat(fd, &st) == 0 && st.st_dev != ctx->fs.root_dev &&
		    fstatfs(fd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
			continue;
		int rc = safefs_walk(&ctx->fs, dirs[i], &ops, &ts);
		if (rc < 0)
			result_add_error(r, dirs[i], rc, "cannot walk");
	}
	return 0;
}

static const struct cg_check gen_checks[] = {
	{
		.id = "gen.machine-id",
		.title = "machine id is reset",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent deprovision", "virt-sysprep machine-id", "cloud-init clean --machine-id"),
		.remediation = "reset-machine-id",
		.description = "/etc/machine-id must be empty (or 'uninitialized') in a captured image: every VM "
			       "(and zypp's AnonymousUniqueId, yum's uuid, the Insights machine-id must be absent) "
			       "made from it would otherwise share one id, which DHCP client ids, journald and "
			       "systemd-networkd use to tell machines apart. /var/lib/dbus/machine-id must be a link "
			       "to it or absent, not a copy.",
		.run = gen_machine_id,
	},
	{
		.id = "gen.ssh-host-keys",
		.title = "no SSH host keys baked into the image",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep ssh-hostkeys", "waagent deprovision", "WALinuxAgent#353", "cloud-init#4040"),
		.remediation = "remove-host-keys",
		.description = "Every VM made from an image with /etc/ssh/ssh_host_*key* shares its host keys, so one VM can "
			       "impersonate another. They may only go where something regenerates them at first boot "
			       "(cloud-init's ssh module, waagent with RegenerateSshHostKeyPair=y, an sshd-keygen unit, "
			       "ssh-keygen -A in the ssh unit); without one the finding says so and the fix refuses "
			       "unless forced. Removed in the last phase, after the gate has signalled.",
		.run = gen_access_ssh_host_keys,
	},
	{
		.id = "gen.shell-history",
		.title = "no shell or tool histories",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep bash-history", "waagent deprovision", "Lynis HRDN-7222"),
		.remediation = "remove-file",
		.description = "Histories (bash, zsh, fish, python, psql, mysql, sqlite, node, redis-cli, less, vim) "
			       "in every home of the image's passwd, in /root and in homes of removed accounts "
			       "record what the build typed, including tokens passed on command lines. A history "
			       "linked to /dev/null is fine; any other link is reported and never followed.",
		.run = gen_shell_history,
	},
	{
		.id = "gen.build-user-access",
		.title = "the build user cannot log in or sudo",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent deprovision+user", "aks-engine#2740", "virt-sysprep ssh-userdir"),
		.remediation = "revoke-build-user",
		.description = "The build user's authorized_keys (packer, vagrant, the waagent ovf-env user, users granted by "
			       "cloud-init's or waagent's sudoers file, remediate.build_users in config) and every sudoers "
			       "line naming it by exact name, in /etc/sudoers and every sudoers.d file. waagent removes "
			       "lines containing the name as a substring, and only in its own file.",
		.run = gen_access_build_user,
	},
	{
		.id = "gen.root-password",
		.title = "root has no usable password",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent Provisioning.DeleteRootPassword", "virt-sysprep passwd-backups"),
		.remediation = "lock-root-password",
		.description = "A root password hash in /etc/shadow (or its /etc/shadow- backup) is shared by every VM and "
			       "can be cracked offline from any copy of the image. The fix replaces the hash with '*' "
			       "by an atomic rewrite that keeps every other line and field.",
		.run = gen_access_root_password,
	},
	{
		.id = "gen.logs",
		.title = "no build-time logs",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep logfiles", "cloud-init clean --logs", "waagent deprovision"),
		.remediation = "clean-logs",
		.description = "Logs under /var/log (rotated ones, journal files, wtmp/btmp/lastlog, cloud-init, waagent and "
			       "/var/log/azure) record the build: host names, addresses, user names, sometimes secrets. "
			       "Current logs are truncated (owner and mode kept), rotated ones removed, the journal vacuumed. "
			       "A symlinked log path or a log with several hard links is reported and never touched.",
		.run = gen_state_logs,
	},
	{
		.id = "gen.network-state",
		.title = "no DHCP leases or NIC bindings of the build VM",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent deprovision", "virt-sysprep dhcp-client-state", "virt-sysprep udev-persistent-net"),
		.remediation = "clean-network-state",
		.description = "DHCP leases (dhclient, dhcpcd, NetworkManager), NetworkManager's per-machine secret_key, "
			       "udev persistent-net rules and NetworkManager connections bound to the build VM's MAC.",
		.run = gen_state_network,
	},
	{
		.id = "gen.cloud-init-state",
		.title = "no cloud-init instance state",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("cloud-init clean"),
		.remediation = "remove-tree",
		.description = "/var/lib/cloud holds the build VM's instance (user-data, instance data, semaphores); without "
			       "removing it cloud-init treats a new VM as already provisioned. seed/ is kept, as cloud-init "
			       "clean keeps it.",
		.run = gen_state_cloud_init,
	},
	{
		.id = "gen.agent-state",
		.title = "no Azure agent goal state",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent deprovision", "WALinuxAgent#706"),
		.remediation = "remove-agent-state",
		.description = "/var/lib/waagent holds ovf-env.xml (the admin user, sometimes custom data), goal state, "
			       "certificates and extension state; a stale 'provisioned' marker makes the agent skip "
			       "provisioning. Live, the agent is stopped first.",
		.run = gen_state_agent,
	},
	{
		.id = "gen.tmp-files",
		.title = "no build leftovers in /tmp and /var/tmp",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep tmp-files"),
		.remediation = "remove-tree",
		.description = "Everything in /tmp and /var/tmp was left by the build: Packer's uploaded scripts, "
			       "package downloads, editor swap files. The X11 socket directories are expected; "
			       "their contents are not. Live, a tmpfs /tmp is not captured and is not judged.",
		.run = gen_tmp_files,
	},
	{
		.id = "gen.package-caches",
		.title = "no package caches",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep package-manager-cache"),
		.remediation = "clean-caches",
		.description = "Downloaded .deb files, apt's binary caches, the dnf, yum, tdnf and zypp caches (metadata, "
			       "solv files, downloaded rpms), pip/npm/yarn/go caches in every home: size, and sometimes "
			       "private packages. Also the dnf, dnf5, yum and tdnf transaction histories, which keep "
			       "the command line of every install the build made; each tool starts a new one.",
		.run = gen_state_package_caches,
	},
	{
		.id = "gen.crash-data",
		.title = "no crash dumps",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep crash-data"),
		.remediation = "remove-tree",
		.description = "/var/crash, systemd-coredump and apport storage, and ELF core files in / and the homes hold "
			       "memory of build processes, secrets included.",
		.run = gen_state_crash_data,
	},
	{
		.id = "gen.random-seed",
		.title = "no saved random seed",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("systemd-random-seed.service(8)"),
		.remediation = "remove-file",
		.description = "systemd's and urandom's saved seeds (and systemd-creds' credential.secret) would make "
			       "every VM start from the same entropy pool and share one credential key.",
		.run = gen_state_random_seed,
	},
	{
		.id = "gen.tls-snakeoil",
		.title = "no snakeoil TLS key from the build",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("ssl-cert make-ssl-cert"),
		.remediation = "remove-snakeoil",
		.description = "ssl-cert generates /etc/ssl/private/ssl-cert-snakeoil.key at install; every VM would share it. "
			       "The fix removes the pair and installs a first-boot unit that runs make-ssl-cert again.",
		.run = gen_state_tls_snakeoil,
	},
	{
		.id = "gen.swap-files",
		.title = "no swap files in the image",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS swap"),
		.remediation = "remove-swap-file",
		.description = "A swap file holds memory pages of the build. Removing it is guarded (remediate.allow or "
			       "--force): fstab may still name it; recreate it at first boot.",
		.run = gen_state_swap_files,
	},
};

CG_FAMILY(family_gen, "gen", "per-machine state and build leftovers", gen_checks);
