/* SPDX-License-Identifier: Apache-2.0 */
/* Unit actions: live over sd-bus (DisableUnitFiles, MaskUnitFiles, StopUnit), offline by the
 * symlink changes `systemctl --root` makes (tests compare against the real one). */
#include "remediate.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <systemd/sd-bus.h>

#define UNIT_MAX_BYTES (1 << 20)

static void bus_unrefp(sd_bus **b) { sd_bus_flush_close_unref(*b); }
static void msg_unrefp(sd_bus_message **m) { sd_bus_message_unref(*m); }

/* Call a Manager method that takes (as files, b runtime[, b force]) and reload afterwards. */
static int bus_unit_files(struct rem_item *it, const char *method, bool with_force)
{
	__attribute__((cleanup(bus_unrefp))) sd_bus *bus = NULL;
	__attribute__((cleanup(msg_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	char *files[] = {it->arg, NULL};
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", method);
	if (r >= 0)
		r = sd_bus_message_append_strv(m, files);
	if (r >= 0)
		r = sd_bus_message_append(m, "b", 0);
	if (r >= 0 && with_force)
		r = sd_bus_message_append(m, "b", 1);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &err, &reply);
	if (r >= 0)
		r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "Reload", &err, NULL, "");
	if (r < 0 && sd_bus_error_is_set(&err))
		it->reason = xasprintf("%s: %s", method, err.message);
	sd_bus_error_free(&err);
	return r < 0 ? r : 0; /* sd-bus answers 1 for a reply */
}

static int bus_stop(struct rem_item *it)
{
	__attribute__((cleanup(bus_unrefp))) sd_bus *bus = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	int r = sd_bus_open_system(&bus);

	if (r >= 0)
		r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "StopUnit", &err, NULL, "ss", it->arg, "replace");
	/* a unit that is not loaded is already stopped */
	if (r < 0 && sd_bus_error_has_name(&err, "org.freedesktop.systemd1.NoSuchUnit"))
		r = 0;
	if (r < 0 && sd_bus_error_is_set(&err))
		it->reason = xasprintf("StopUnit: %s", err.message);
	sd_bus_error_free(&err);
	return r < 0 ? r : 0;
}

/* ---- offline ---- */

static const char *const unit_paths[] = {"/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"};

/* The unit file and the names it installs under: Alias= and the units of Also=. */
static void unit_names(struct cg_ctx *ctx, const char *unit, struct strv *names, struct strv *also)
{
	strv_push(names, unit);
	for (size_t i = 0; i < ELEMENTSOF(unit_paths); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", unit_paths[i], unit);
		_cleanup_free_ char *buf = NULL;
		char *save = NULL;
		if (safefs_read_file(&ctx->fs, p, UNIT_MAX_BYTES, &buf, NULL) < 0)
			continue;
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			bool alias = startswith(l, "Alias="), al = startswith(l, "Also=");
			if (!alias && !al)
				continue;
			char *v = strchr(l, '=') + 1, *s2 = NULL;
			for (char *w = strtok_r(v, " \t", &s2); w; w = strtok_r(NULL, " \t", &s2))
				strv_push(alias ? names : also, w);
		}
		break;
	}
}

static bool in(const struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i], s))
			return true;
	return false;
}

/* Remove the links in DIR (inside /etc/systemd/system) that point at one of NAMES. */
static int disable_in(struct cg_ctx *ctx, const char *dir, const struct strv *names, struct rem_item *it, bool *emptied)
{
	_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, dir);
	DIR *d;
	struct dirent *de;
	size_t left = 0;
	int first = 0;

	*emptied = false;
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	d = util_fdopendir(&dfd);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;
		char target[4096];
		ssize_t n;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		left++;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
			continue;
		n = readlinkat(dirfd(d), de->d_name, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (streq(target, "/dev/null")) /* a mask: disable leaves it */
			continue;
		const char *base = strrchr(target, '/');
		base = base ? base + 1 : target;
		if (!in(names, base) && !(in(names, de->d_name) && !strchr(target, '/')))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		int r = safefs_unlink(&ctx->fs, p, &st);
		if (r < 0 && !first)
			first = r;
		if (r == 0) {
			it->files++;
			left--;
		}
	}
	closedir(d);
	*emptied = left == 0;
	return first;
}

static int disable_offline(struct cg_ctx *ctx, struct rem_item *it, const char *unit, unsigned depth)
{
	static const char *const top = "/etc/systemd/system";
	struct strv names = {0}, also = {0};
	_cleanup_close_ int dfd = safefs_open_dir(&ctx->fs, top);
	DIR *d;
	struct dirent *de;
	bool emptied;
	int first;

	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	unit_names(ctx, unit, &names, &also);
	first = disable_in(ctx, top, &names, it, &emptied);
	d = util_fdopendir(&dfd);
	if (!d) {
		strv_free(&names);
		strv_free(&also);
		return -errno;
	}
	/* the .wants/.requires/.upholds directories; systemctl removes the ones it empties */
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!endswith(de->d_name, ".wants") && !endswith(de->d_name, ".requires") && !endswith(de->d_name, ".upholds"))
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", top, de->d_name);
		size_t before = it->files;
		int r = disable_in(ctx, sub, &names, it, &emptied);
		if (r < 0 && !first)
			first = r;
		if (emptied && it->files > before)
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	for (size_t i = 0; depth < 4 && i < also.n; i++)
		if (!in(&names, also.v[i])) {
			int r = disable_offline(ctx, it, also.v[i], depth + 1);
			if (r < 0 && !first)
				first = r;
		}
	strv_free(&names);
	strv_free(&also);
	return first;
}

int units_disable(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	if (ctx->mode == CG_MODE_LIVE)
		return bus_unit_files(it, "DisableUnitFiles", false);
	return disable_offline(ctx, it, it->arg, 0);
}

int units_mask(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	_cleanup_free_ char *path = xasprintf("/etc/systemd/system/%s", it->arg);
	_cleanup_free_ char *target = NULL;
	struct stat st;
	int r;

	if (ctx->mode == CG_MODE_LIVE) {
		r = bus_unit_files(it, "MaskUnitFiles", true);
		return r < 0 ? r : bus_stop(it);
	}
	r = safefs_lstat(&ctx->fs, path, &st);
	if (r == 0) {
		/* like systemctl: an existing link to /dev/null is done; anything else is not ours */
		if (S_ISLNK(st.st_mode) && safefs_readlink(&ctx->fs, path, &target) == 0 && streq(target, "/dev/null"))
			return 0;
		it->reason = xstrdup("a unit file or link of that name exists in /etc/systemd/system");
		return -EEXIST;
	}
	if (r != -ENOENT)
		return r;
	r = safefs_mkdir_p(&ctx->fs, "/etc/systemd/system", 0755);
	if (r < 0)
		return r;
	r = safefs_symlink_atomic(&ctx->fs, "/dev/null", path, NULL);
	if (r == 0)
		it->files = 1;
	return r;
}

int units_stop(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	if (ctx->mode == CG_MODE_LIVE)
		return bus_stop(it);
	return 0; /* offline nothing runs */
}
