/* SPDX-License-Identifier: Apache-2.0 */
/* gen.logs, network, cloud-init and agent state, caches, crash data, seeds, snakeoil, swap:
 * per-machine state a build leaves behind; paths from research/deprovision.md §1-§3. */
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "gen_checks.h"
#include "imgfile.h"

#define SMALL_FILE (1 << 20)

/* ---- shared helpers ---- */

struct tally {
	unsigned long long files, bytes;
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

static struct tally tree_tally(struct cg_ctx *ctx, const char *path)
{
	struct tally t = {0};
	struct safefs_walk_ops ops = {.visit = tally_visit, .one_file_system = true};
	safefs_walk(&ctx->fs, path, &ops, &t);
	return t;
}

typedef void (*entry_fn)(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			 const struct stat *st, const char *what, void *ud);

/* Call FN for each entry of directory DIR (not recursive), handing it WHAT (a description for
 * findings) and UD (the caller's state). Missing DIR is fine. */
static void each_entry(struct cg_ctx *ctx, struct cg_result *r, const char *dir, entry_fn fn, const char *what,
		       void *ud)
{
	_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, dir);
	DIR *d;
	struct dirent *de;

	if (dfd == -ENOENT || dfd == -ENOTDIR)
		return;
	if (dfd < 0) {
		result_add_error(r, dir, dfd, "cannot open");
		return;
	}
	if (safefs_fd_is_pseudo(dfd))
		return;
	d = util_fdopendir(&dfd);
	if (!d) {
		result_add_error(r, dir, -errno, "cannot read");
		return;
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		_cleanup_free_ char *p = xasprintf("%s%s%s", dir, endswith(dir, "/") ? "" : "/", de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) /* gone since the listing: nothing to judge */
				result_add_error(r, p, -errno, "cannot stat");
			continue;
		}
		fn(ctx, r, p, de->d_name, &st, what, ud);
	}
	if (errno)
		result_add_error(r, dir, -errno, "cannot read");
	closedir(d);
}

/* Report a non-empty entry as state to remove: files by size, directories by what they hold. */
static void report_state(struct cg_ctx *ctx, struct cg_result *r, const char *path, const struct stat *st,
			 const char *what)
{
	if (S_ISDIR(st->st_mode)) {
		struct tally t = tree_tally(ctx, path);
		if (t.files == 0)
			return; /* empty skeleton directories are part of the package */
		result_add_finding(r, path, 0, NULL, NULL, "%s: directory with %llu files, %llu bytes", what, t.files, t.bytes);
	} else if (S_ISREG(st->st_mode))
		result_add_finding(r, path, 0, NULL, NULL, "%s: %lld bytes", what, (long long)st->st_size);
	else if (S_ISLNK(st->st_mode))
		result_add_finding(r, path, 0, NULL, NULL, "%s: symbolic link (removed, never followed)", what);
	else
		result_add_finding(r, path, 0, NULL, NULL, "%s: special file", what);
}

/* Like report_state, but an empty directory is reported too. */
static void report_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const struct stat *st,
			 const char *what)
{
	if (S_ISDIR(st->st_mode) && tree_tally(ctx, path).files == 0)
		result_add_finding(r, path, 0, NULL, NULL, "%s: empty directory", what);
	else
		report_state(ctx, r, path, st, what);
}

static void any_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
		      const struct stat *st, const char *what, void *ud)
{
	report_entry(ctx, r, path, st, what);
}

static void any_state(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
		      const struct stat *st, const char *what, void *ud)
{
	report_state(ctx, r, path, st, what);
}

static void file_if_nonempty(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *what)
{
	struct stat st;
	int e = safefs_lstat(&ctx->fs, path, &st);

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0)
		result_add_error(r, path, e, "cannot stat");
	else if (!S_ISREG(st.st_mode) || st.st_size > 0)
		report_state(ctx, r, path, &st, what);
}

/* ---- gen.logs ---- */

static bool is_rotated(const char *name)
{
	static const char *const suffixes[] = {".gz", ".xz", ".bz2", ".zst", ".lz4", ".old", "-old"};
	size_t n = strlen(name);

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (endswith(name, suffixes[i]))
			return true;
	/* name.1, name.log.2, name-20251130 */
	size_t k = n;
	while (k > 0 && isdigit((unsigned char)name[k - 1]))
		k--;
	if (k < n && k > 0 && name[k - 1] == '.')
		return true;
	return k < n && n - k == 8 && k > 0 && name[k - 1] == '-';
}

struct logscan {
	struct cg_ctx *ctx;
	struct cg_result *r;
};

static bool is_active_journal(const char *name)
{
	return streq(name, "system.journal") || (startswith(name, "user-") && endswith(name, ".journal") &&
						 !strchr(name, '@'));
}

static int logs_visit(const struct safefs_entry *e, void *ud)
{
	struct logscan *ls = ud;
	struct cg_result *r = ls->r;
	const struct stat *st = e->st;

	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(e->dirfd, e->name, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		/* systemd's README pointer and /dev/null links are harmless */
		if (n > 0 && (strstr(target, "/usr/share/doc/") || streq(target, "/dev/null")))
			return SAFEFS_WALK_CONTINUE;
		result_add_finding(r, e->path, 0, "symlink", NULL,
				   "log path is a symbolic link; not followed and not emptied (check where it points by hand)");
		return SAFEFS_WALK_CONTINUE;
	}
	if (!S_ISREG(st->st_mode) || st->st_size == 0)
		return SAFEFS_WALK_CONTINUE;
	if (startswith(e->path, "/var/log/journal/") && (endswith(e->name, ".journal") || endswith(e->name, ".journal~"))) {
		/* live, journald owns the active files (system.journal, user-UID.journal): rotation
		 * archives them and vacuuming removes the archives; the active ones are never empty */
		if (ls->ctx->mode == CG_MODE_LIVE && is_active_journal(e->name))
			return SAFEFS_WALK_CONTINUE;
		result_add_finding(r, e->path, 0, "journal", NULL, "journal file, %lld bytes", (long long)st->st_size);
		return SAFEFS_WALK_CONTINUE;
	}
	if (st->st_nlink > 1 && !is_rotated(e->name)) {
		result_add_finding(r, e->path, 0, "hardlink", NULL,
				   "%lld bytes of log, and the file has %lu hard links: truncating it would empty the "
				   "other names too (not touched)", (long long)st->st_size, (unsigned long)st->st_nlink);
		return SAFEFS_WALK_CONTINUE;
	}
	if (is_rotated(e->name))
		result_add_finding(r, e->path, 0, "rotated", NULL, "rotated log, %lld bytes; remove it", (long long)st->st_size);
	else
		result_add_finding(r, e->path, 0, "log", NULL, "%lld bytes of build-time log; truncate it", (long long)st->st_size);
	return SAFEFS_WALK_CONTINUE;
}

static void logs_error(const char *path, int err, void *ud)
{
	struct logscan *ls = ud;
	result_add_error(ls->r, path, err, "cannot read");
}

int gen_state_logs(struct cg_ctx *ctx, struct cg_result *r)
{
	struct safefs_walk_ops ops = {.visit = logs_visit, .error = logs_error, .one_file_system = true};
	struct stat st;
	int e = safefs_lstat(&ctx->fs, "/var/log", &st);

	if (e == -ENOENT)
		return 0;
	if (e == 0 && S_ISLNK(st.st_mode)) {
		result_add_finding(r, "/var/log", 0, "symlink", NULL,
				   "/var/log is a symbolic link; not followed and not emptied");
		return 0;
	}
	struct logscan ls = {.ctx = ctx, .r = r};
	e = safefs_walk(&ctx->fs, "/var/log", &ops, &ls);
	if (e < 0 && e != -ENOENT)
		result_add_error(r, "/var/log", e, "cannot walk");
	return 0;
}

/* ---- gen.network-state ---- */

static void lease_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			const struct stat *st, const char *what, void *ud)
{
	if (S_ISDIR(st->st_mode) || (S_ISREG(st->st_mode) && st->st_size == 0))
		return;
	report_state(ctx, r, path, st, what);
}

static void nm_state(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
		     const struct stat *st, const char *what, void *ud)
{
	/* leases, and the per-machine secret NetworkManager derives stable addresses from */
	if (fnmatch("*.lease", name, 0) == 0 || fnmatch("dhclient-*", name, 0) == 0 || streq(name, "secret_key") ||
	    streq(name, "timestamps") || streq(name, "seen-bssids"))
		lease_entry(ctx, r, path, name, st, "NetworkManager per-machine state", NULL);
}

static void nm_connection(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			  const struct stat *st, const char *what, void *ud)
{
	_cleanup_free_ char *buf = NULL;
	int e;

	if (!S_ISREG(st->st_mode))
		return;
	e = safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, NULL);
	if (e == -ENOENT) /* gone since the listing */
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	for (char *l = buf; l && *l;) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (startswith(l, "mac-address=") && l[12] != '\n' && l[12] != '\0') {
			result_add_finding(r, path, 0, NULL, NULL,
					   "NetworkManager connection bound to the build VM's MAC address");
			break;
		}
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
}

/* A line of a network configuration that binds it to one MAC address: ifcfg HWADDR=/MACADDR=
 * (RHEL; virt-sysprep net-hwaddr), ifcfg LLADDR= (SUSE), netplan "macaddress:" under match,
 * networkd [Match] MACAddress= / PermanentMACAddress=. The file stays (it carries the rest of the
 * network setup): the finding names the line to delete, with rule "mac-binding". */
static void mac_lines(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
		      const struct stat *st, const char *what, void *ud)
{
	const char *const *keys = ud;
	_cleanup_free_ char *buf = NULL;
	unsigned n = 0;
	char *cur, *l;
	int e;

	if (!S_ISREG(st->st_mode))
		return;
	e = safefs_read_file(&ctx->fs, path, SMALL_FILE, &buf, NULL);
	if (e == -ENOENT)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	bool ini = keys[0] && streq(keys[0], "MACAddress="), in_match = false;
	cur = buf;
	while ((l = imgfile_next_line(&cur))) {
		n++;
		l = imgfile_strip(l);
		if (ini && *l == '[')
			in_match = startswith(l, "[Match]");
		if (ini && !in_match)
			continue; /* MACAddress= of [Link] or [NetDev] sets an address, it does not match one */
		for (size_t k = 0; keys[k]; k++) {
			const char *v = l + strlen(keys[k]);
			if (!startswith(l, keys[k]))
				continue;
			v += strspn(v, " \t\"'");
			if (*v && *v != '#' && !startswith(v, "\"\"") && strlen(v) >= 11)
				result_add_finding(r, path, n, "mac-binding", NULL,
						   "%s binds the network configuration to the build VM's MAC address; delete "
						   "this line (a VM from the image has another MAC and would get no network)", what);
		}
	}
}

int gen_state_network(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *ifcfg_keys[] = {"HWADDR=", "MACADDR=", "LLADDR=", NULL};
	static const char *netplan_keys[] = {"macaddress:", NULL};
	static const char *networkd_keys[] = {"MACAddress=", "PermanentMACAddress=", NULL};
	static const char *const lease_dirs[] = {"/var/lib/dhcp", "/var/lib/dhclient", "/var/lib/dhcpcd", "/var/lib/dhcpcd5"};

	for (size_t i = 0; i < ELEMENTSOF(lease_dirs); i++)
		each_entry(ctx, r, lease_dirs[i], lease_entry, "DHCP lease or client state", NULL);
	each_entry(ctx, r, "/var/lib/NetworkManager", nm_state, NULL, NULL);
	each_entry(ctx, r, "/etc/NetworkManager/system-connections", nm_connection, NULL, NULL);
	file_if_nonempty(ctx, r, "/etc/udev/rules.d/70-persistent-net.rules", "persistent NIC names of the build VM");
	/* cloud-init's sysconfig renderer and SUSE's */
	file_if_nonempty(ctx, r, "/etc/udev/rules.d/85-persistent-net-cloud-init.rules",
			 "persistent NIC names cloud-init wrote for the build VM");
	each_entry(ctx, r, "/etc/sysconfig/network-scripts", mac_lines, "ifcfg", (void *)ifcfg_keys);
	each_entry(ctx, r, "/etc/sysconfig/network", mac_lines, "ifcfg", (void *)ifcfg_keys);
	each_entry(ctx, r, "/etc/netplan", mac_lines, "netplan match", (void *)netplan_keys);
	each_entry(ctx, r, "/etc/systemd/network", mac_lines, "systemd-networkd [Match]", (void *)networkd_keys);
	/* wicked (SUSE): duid.xml and iaid.xml are this machine's DHCP client identity, beside leases */
	each_entry(ctx, r, "/var/lib/wicked", lease_entry, "wicked DHCP identity (DUID/IAID) or lease", NULL);
	return 0;
}

/* ---- gen.cloud-init-state, gen.agent-state ---- */

static void cloud_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			const struct stat *st, const char *what, void *ud)
{
	if (streq(name, "seed")) /* cloud-init clean keeps it too */
		return;
	/* scripts/ may come with the package as empty skeleton directories; everything else is
	 * runtime state even when empty (a half-removed instance tree must still go) */
	if (streq(name, "scripts") && S_ISDIR(st->st_mode) && tree_tally(ctx, path).files == 0)
		return;
	report_entry(ctx, r, path, st, "cloud-init instance state");
}

int gen_state_cloud_init(struct cg_ctx *ctx, struct cg_result *r)
{
	each_entry(ctx, r, "/var/lib/cloud", cloud_entry, NULL, NULL);
	return 0;
}

int gen_state_agent(struct cg_ctx *ctx, struct cg_result *r)
{
	each_entry(ctx, r, "/var/lib/waagent", any_entry, "waagent goal state, certificates or extension state", NULL);
	return 0;
}

/* ---- gen.package-caches ---- */

/* history.sqlite (dnf 4, tdnf's history.db), transaction_history.sqlite (dnf5), with their
 * write-ahead log and shared-memory files; the rest of those folders (modules, groups) stays */
static void history_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			  const struct stat *st, const char *what, void *ud)
{
	if (!S_ISREG(st->st_mode) || st->st_size == 0)
		return;
	if (fnmatch("history.sqlite*", name, 0) == 0 || fnmatch("transaction_history.sqlite*", name, 0) == 0 ||
	    fnmatch("history.db*", name, 0) == 0)
		report_state(ctx, r, path, st, what);
}

struct apt_tally {
	unsigned long long files, bytes;
};

static void apt_archive(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
			const struct stat *st, const char *what, void *ud)
{
	struct apt_tally *t = ud;
	if (S_ISREG(st->st_mode) && st->st_size > 0 && !streq(name, "lock")) {
		t->files++;
		t->bytes += (unsigned long long)st->st_size;
	}
}

/* The image's accounts, or NULL: a passwd that is absent leaves only /root to look at, one that
 * cannot be read is the check's error. */
static const struct users *users_or_error(struct cg_ctx *ctx, struct cg_result *r)
{
	int e = 0;
	const struct users *u = ctx_users(ctx, &e);

	if (!u && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, "/etc/passwd", e, "cannot read the accounts");
	return u;
}

int gen_state_package_caches(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ const char **homes = NULL;
	const struct users *u = users_or_error(ctx, r);
	static const char *const home_caches[] = {".cache/pip", ".npm/_cacache", ".cache/yarn", ".cache/go-build"};
	size_t n;
	bool root_seen = false;

	struct apt_tally t = {0};

	/* one finding for the archive: a build downloads hundreds of packages */
	each_entry(ctx, r, "/var/cache/apt/archives", apt_archive, NULL, &t);
	each_entry(ctx, r, "/var/cache/apt/archives/partial", apt_archive, NULL, &t);
	if (t.files)
		result_add_finding(r, "/var/cache/apt/archives", 0, "apt-archives", NULL,
				   "%llu downloaded packages, %llu bytes (apt-get clean)", t.files, t.bytes);
	file_if_nonempty(ctx, r, "/var/cache/apt/pkgcache.bin", "apt package cache");
	file_if_nonempty(ctx, r, "/var/cache/apt/srcpkgcache.bin", "apt package cache");
	/* the rpm families: what dnf clean all, yum clean all, tdnf clean all and zypper clean --all
	 * clear (metadata, solv files, downloaded packages); each tool rebuilds them on first use */
	each_entry(ctx, r, "/var/cache/dnf", any_state, "dnf cache (dnf clean all)", NULL);
	each_entry(ctx, r, "/var/cache/yum", any_state, "yum cache (yum clean all)", NULL);
	each_entry(ctx, r, "/var/cache/tdnf", any_state, "tdnf cache (tdnf clean all)", NULL);
	each_entry(ctx, r, "/var/cache/zypp", any_state, "zypp cache (zypper clean --all)", NULL);
	/* their transaction histories: the command line of every install the build made (options,
	 * proxies, sometimes a password); each tool starts a new one when it is missing. zypper's
	 * history is a log under /var/log (gen.logs). */
	each_entry(ctx, r, "/var/lib/dnf", history_entry, "dnf transaction history (every command line of the build)",
		   NULL);
	each_entry(ctx, r, "/usr/lib/sysimage/libdnf5", history_entry,
		   "dnf5 transaction history (every command line of the build)", NULL);
	each_entry(ctx, r, "/var/lib/yum/history", any_state, "yum transaction history (every command line of the build)",
		   NULL);
	each_entry(ctx, r, "/usr/lib/sysimage/tdnf", history_entry,
		   "tdnf transaction history (every command line of the build)", NULL);
	n = u ? users_homes(u, &homes) : 0;
	for (size_t i = 0; i <= n; i++) {
		const char *home = i < n ? homes[i] : "/root";
		if (i == n && root_seen)
			break;
		root_seen |= streq(home, "/root");
		for (size_t k = 0; k < ELEMENTSOF(home_caches); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", home, home_caches[k]);
			file_if_nonempty(ctx, r, p, "package manager cache");
		}
	}
	return 0;
}

/* ---- gen.crash-data ---- */

/* An ELF core file: a memory image of a crashed process. A file that cannot be read is R's error. */
static bool is_core_file(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	_cleanup_close_ int fd = safefs_open_regular(&ctx->fs, path, NULL);
	Elf64_Ehdr eh;
	ssize_t n;

	if (fd == -ENOENT) /* gone since the listing */
		return false;
	if (fd < 0) {
		result_add_error(r, path, fd, "cannot open");
		return false;
	}
	n = pread(fd, &eh, sizeof eh, 0);
	if (n < 0) {
		result_add_error(r, path, -errno, "cannot read");
		return false;
	}
	if (n != (ssize_t)sizeof eh)
		return false; /* too short for an ELF header */
	return memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_type == ET_CORE;
}

static void core_entry(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *name,
		       const struct stat *st, const char *what, void *ud)
{
	if (!S_ISREG(st->st_mode) || (!streq(name, "core") && fnmatch("core.[0-9]*", name, 0) != 0))
		return;
	if (is_core_file(ctx, r, path))
		result_add_finding(r, path, 0, NULL, NULL, "core dump, %lld bytes: process memory of the build", (long long)st->st_size);
}

int gen_state_crash_data(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/var/crash", "/var/lib/systemd/coredump", "/var/lib/apport/coredump", "/var/log/dump"};
	_cleanup_free_ const char **homes = NULL;
	const struct users *u = users_or_error(ctx, r);
	size_t n = u ? users_homes(u, &homes) : 0;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		each_entry(ctx, r, dirs[i], any_state, "crash data", NULL);
	each_entry(ctx, r, "/", core_entry, NULL, NULL);
	each_entry(ctx, r, "/root", core_entry, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		if (!streq(homes[i], "/root"))
			each_entry(ctx, r, homes[i], core_entry, NULL, NULL);
	return 0;
}

/* ---- gen.random-seed ---- */

int gen_state_random_seed(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const seeds[] = {
		"/var/lib/systemd/random-seed", "/var/lib/urandom/random-seed",
		"/var/lib/systemd/credential.secret", /* systemd-creds host key: per machine */
	};
	for (size_t i = 0; i < ELEMENTSOF(seeds); i++)
		file_if_nonempty(ctx, r, seeds[i], "per-machine random seed or secret every VM would start from");
	return 0;
}

/* ---- gen.tls-snakeoil ---- */

int gen_state_tls_snakeoil(struct cg_ctx *ctx, struct cg_result *r)
{
	file_if_nonempty(ctx, r, "/etc/ssl/private/ssl-cert-snakeoil.key", "snakeoil TLS key generated at build, shared by every VM");
	file_if_nonempty(ctx, r, "/etc/ssl/certs/ssl-cert-snakeoil.pem", "snakeoil certificate of that key");
	return 0;
}

/* ---- gen.swap-files ---- */

/* A file that cannot be read is R's error; a short file has no signature. */
static bool has_swap_signature(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	static const off_t pages[] = {4096, 16384, 65536};
	_cleanup_close_ int fd = safefs_open_regular(&ctx->fs, path, NULL);
	char sig[10];

	if (fd == -ENOENT) /* gone since the stat */
		return false;
	if (fd < 0) {
		result_add_error(r, path, fd, "cannot open");
		return false;
	}
	for (size_t i = 0; i < ELEMENTSOF(pages); i++) {
		ssize_t n = pread(fd, sig, sizeof sig, pages[i] - 10);
		if (n < 0) {
			result_add_error(r, path, -errno, "cannot read");
			return false;
		}
		if (n == (ssize_t)sizeof sig && (memcmp(sig, "SWAPSPACE2", 10) == 0 || memcmp(sig, "SWAP-SPACE", 10) == 0))
			return true;
	}
	return false;
}

static void swap_candidate(struct cg_ctx *ctx, struct cg_result *r, const char *path, struct strv *seen)
{
	struct stat st;
	int e;

	for (size_t i = 0; i < seen->n; i++)
		if (streq(seen->v[i], path))
			return;
	strv_push(seen, path);
	e = safefs_lstat(&ctx->fs, path, &st);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot stat");
	if (e < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return;
	if (has_swap_signature(ctx, r, path))
		result_add_finding(r, path, 0, NULL, NULL,
				   "swap file of %lld bytes: it holds memory pages of the build; recreate it at first boot",
				   (long long)st.st_size);
}

int gen_state_swap_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const usual[] = {"/swapfile", "/swap.img", "/swap/swapfile", "/var/swapfile", "/mnt/swapfile"};
	_cleanup_free_ char *fstab = NULL;
	struct strv seen = {0};
	char *save = NULL;
	int e;

	for (size_t i = 0; i < ELEMENTSOF(usual); i++)
		swap_candidate(ctx, r, usual[i], &seen);
	e = safefs_read_file(&ctx->fs, "/etc/fstab", SMALL_FILE, &fstab, NULL);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, "/etc/fstab", e, "cannot read");
	if (e == 0)
		for (char *l = strtok_r(fstab, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char src[4096], mnt[4096], type[64];
			if (sscanf(l, " %4095s %4095s %63s", src, mnt, type) == 3 && src[0] == '/' &&
			    streq(type, "swap") && !startswith(src, "/dev/"))
				swap_candidate(ctx, r, src, &seen);
		}
	strv_free(&seen);
	return 0;
}
