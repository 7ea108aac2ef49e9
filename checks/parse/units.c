/* SPDX-License-Identifier: Apache-2.0 */
/* Offline unit enablement after systemd 252's install.c: the first unit directory holding a name
 * wins, /dev/null links mask, .wants/.requires/.upholds links and Alias links enable. */
#include "units.h"

#include <systemd/sd-bus.h>

#include "imgfile.h"

#define UNIT_MAX_FILE (1 << 20)

/* systemd's system lookup paths (src/basic/path-lookup.c) that can exist in an image */
static const char *const unit_dirs[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
	"/etc/systemd/system", "/etc/systemd/system.attached", "/run/systemd/system",
	"/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
};

/* Return R after naming PATH in *ERR_PATH (when asked) as the entry that could not be read. */
static int failed_at(char **err_path, const char *path, int r)
{
	if (err_path && !*err_path)
		*err_path = xstrdup(path);
	return r;
}

static bool is_link_dir(const char *name)
{
	return endswith(name, ".wants") || endswith(name, ".requires") || endswith(name, ".upholds");
}

/* Index DIR/SUB/NAME when it is a link (any entry of a .wants dir, a symlink at the top). */
static int add_link(struct units *u, const struct safefs *fs, const char *dir, const char *sub, const char *name,
		    char **err_path)
{
	_cleanup_free_ char *p = sub[0] ? xasprintf("%s/%s/%s", dir, sub, name) : xasprintf("%s/%s", dir, name);
	char *target = NULL;
	int r = safefs_readlink(fs, p, &target);

	if (r == -EINVAL || r == -ENOENT)
		target = NULL; /* not a link, or gone since the listing */
	else if (r < 0)
		return failed_at(err_path, p, r);
	if (!target && !sub[0])
		return 0; /* a regular unit file: not a link */
	u->links = xreallocarray(u->links, u->nlinks + 1, sizeof *u->links);
	u->links[u->nlinks++] = (struct unit_link){xstrdup(dir), xstrdup(sub), xstrdup(name),
						   target ? target : xstrdup("")};
	return 0;
}

/* Index the entries of DIR/NAME, a .wants/.requires/.upholds directory. */
static int add_link_dir(struct units *u, const struct safefs *fs, const char *dir, const char *name, char **err_path)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	struct strv sub = {0};
	int r = imgfile_list_dir(fs, p, &sub);

	if (r < 0)
		failed_at(err_path, p, r);
	for (size_t j = 0; j < sub.n && r >= 0; j++)
		r = add_link(u, fs, dir, name, sub.v[j], err_path);
	strv_free(&sub);
	return r;
}

int units_load(const struct safefs *fs, struct units *u, char **err_path)
{
	struct stat seen[ELEMENTSOF(unit_dirs)] = {0};
	size_t nseen = 0;

	*u = (struct units){0};
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		struct strv names = {0};
		struct stat st;
		bool dup = false;
		int r;

		r = safefs_lstat(fs, unit_dirs[i], &st);
		if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
			units_free(u);
			return failed_at(err_path, unit_dirs[i], r);
		}
		if (r < 0 || !S_ISDIR(st.st_mode))
			continue;
		/* /lib/systemd/system is /usr/lib/systemd/system on merged-/usr images: index it once */
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
		if (dup)
			continue;
		seen[nseen++] = st;
		strv_push(&u->dirs, unit_dirs[i]);
		r = imgfile_list_dir(fs, unit_dirs[i], &names);
		if (r < 0) {
			strv_free(&names);
			units_free(u);
			return failed_at(err_path, unit_dirs[i], r);
		}
		for (size_t k = 0; k < names.n && r >= 0; k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], names.v[k]);
			if (!is_link_dir(names.v[k])) {
				r = add_link(u, fs, unit_dirs[i], "", names.v[k], err_path);
				continue;
			}
			r = safefs_lstat(fs, p, &st);
			if (r == -ENOENT)
				r = 0; /* gone since the listing */
			else if (r < 0)
				failed_at(err_path, p, r);
			else if (S_ISDIR(st.st_mode))
				r = add_link_dir(u, fs, unit_dirs[i], names.v[k], err_path);
			else
				r = add_link(u, fs, unit_dirs[i], "", names.v[k], err_path);
		}
		strv_free(&names);
		if (r < 0) {
			units_free(u);
			return r;
		}
	}
	return 0;
}

void units_free(struct units *u)
{
	for (size_t i = 0; i < u->nlinks; i++) {
		free(u->links[i].dir);
		free(u->links[i].sub);
		free(u->links[i].name);
		free(u->links[i].target);
	}
	free(u->links);
	strv_free(&u->dirs);
	*u = (struct units){0};
}

void unit_info_free(struct unit_info *info)
{
	free(info->fragment);
	free(info->real_name);
	free(info->enabled_by);
	*info = (struct unit_info){0};
}

const char *units_state_name(enum unit_state s)
{
	switch (s) {
	case UNIT_NOT_FOUND: return "not-found";
	case UNIT_MASKED: return "masked";
	case UNIT_ENABLED: return "enabled";
	case UNIT_STATIC: return "static";
	case UNIT_DISABLED: return "disabled";
	}
	return "unknown";
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* "getty@tty1.service" -> "getty@.service"; NULL when NAME is not an instance */
static char *template_of(const char *name)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
	if (!at || !dot || dot < at || dot == at + 1)
		return NULL;
	return xasprintf("%.*s%s", (int)(at - name + 1), name, dot);
}

/* The first search directory that has NAME: its path, and the link target if it is a link. */
static int find_fragment(const struct safefs *fs, const struct units *u, const char *name, char **path, char **target,
			 char **err_path)
{
	for (size_t i = 0; i < u->dirs.n; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", u->dirs.v[i], name);
		struct stat st;
		int r = safefs_lstat(fs, p, &st);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return failed_at(err_path, p, r);
		*target = NULL;
		if (S_ISLNK(st.st_mode)) {
			r = safefs_readlink(fs, p, target);
			if (r < 0)
				return failed_at(err_path, p, r);
		}
		*path = p;
		p = NULL;
		return 0;
	}
	return -ENOENT;
}

/* Names the [Install] section gives: Alias= values; *HAS_INSTALL when any install key is set.
 * A fragment that is gone or not a readable unit (a dangling link, a directory, too big) has no
 * [Install] section, as systemd sees it; an I/O error is returned. */
static int parse_install(const struct safefs *fs, const char *fragment, struct strv *aliases, bool *has_install)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	bool in_install = false;
	char *cur, *l;
	int r;

	*has_install = false;
	r = imgfile_read(fs, fragment, UNIT_MAX_FILE, &buf, &len);
	if (r == -ENOENT || r == -ENOTDIR || r == -ELOOP || r == -EFBIG || r == -SAFEFS_ENOTREG)
		return 0;
	if (r < 0)
		return r;
	cur = buf;
	while ((l = imgfile_next_line(&cur))) {
		l = imgfile_strip(l);
		if (*l == '[') {
			in_install = startswith(l, "[Install]");
			continue;
		}
		if (!in_install || !*l || *l == '#' || *l == ';')
			continue;
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq = 0;
		char *key = imgfile_strip(l), *val = imgfile_strip(eq + 1);
		if (!*val)
			continue;
		if (streq(key, "WantedBy") || streq(key, "RequiredBy") || streq(key, "UpheldBy") ||
		    streq(key, "Also") || streq(key, "Alias") || streq(key, "DefaultInstance"))
			*has_install = true;
		if (streq(key, "Alias"))
			{
			char *save = NULL;
			for (char *t = strtok_r(val, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
				strv_push(aliases, t);
		}
	}	return 0;
}

static bool strv_has(const struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i], s))
			return true;
	return false;
}

static bool is_vendor_dir(const char *dir)
{
	return startswith(dir, "/usr/") || startswith(dir, "/lib/");
}

int units_query(const struct safefs *fs, const struct units *u, const char *name, struct unit_info *info,
		char **err_path)
{
	_cleanup_free_ char *path = NULL, *target = NULL, *tmpl = NULL;
	struct strv names = {0};
	bool has_install = false;
	int r;

	*info = (struct unit_info){.state = UNIT_NOT_FOUND};
	r = find_fragment(fs, u, name, &path, &target, err_path);
	if (r == -ENOENT && (tmpl = template_of(name)))
		r = find_fragment(fs, u, tmpl, &path, &target, err_path);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (target && (streq(target, "/dev/null") || (!target[0]))) {
		info->state = UNIT_MASKED;
		info->fragment = xstrdup(path);
		info->real_name = xstrdup(name);
		return 0;
	}
	/* follow alias links to the file itself */
	info->real_name = xstrdup(target ? base_name(target) : tmpl ? tmpl : name);
	r = imgfile_resolve(fs, path, &info->fragment);
	if (r == -ELOOP)
		info->fragment = xstrdup(path);
	else if (r < 0) {
		unit_info_free(info);
		return failed_at(err_path, path, r);
	}
	if (target && !streq(info->real_name, name) && !tmpl) {
		/* NAME is an alias: judge the unit it names */
		_cleanup_free_ char *real = xstrdup(info->real_name);
		unit_info_free(info);
		r = units_query(fs, u, real, info, err_path);
		return r;
	}

	/* every name the unit goes by: its own, its Alias= names, links that point at it */
	strv_push(&names, name);
	if (!streq(info->real_name, name))
		strv_push(&names, info->real_name);
	r = parse_install(fs, info->fragment, &names, &has_install);
	if (r < 0) {
		failed_at(err_path, info->fragment, r);
		strv_free(&names);
		unit_info_free(info);
		return r;
	}
	for (size_t i = 0; i < u->nlinks; i++) {
		const struct unit_link *l = &u->links[i];
		if (!l->sub[0] && !streq(l->name, name) && streq(base_name(l->target), info->real_name) &&
		    !strv_has(&names, l->name))
			strv_push(&names, l->name);
	}

	info->state = has_install ? UNIT_DISABLED : UNIT_STATIC;
	int best = -1;
	for (size_t i = 0; i < u->nlinks; i++) {
		const struct unit_link *l = &u->links[i];
		bool hit = false;
		if (l->sub[0])
			hit = strv_has(&names, l->name);
		else if (!streq(l->name, info->real_name) && l->target[0])
			/* Alias= links made by `systemctl enable` live in the config directories */
			hit = streq(base_name(l->target), info->real_name) && !is_vendor_dir(l->dir);
		if (!hit)
			continue;
		bool vendor = is_vendor_dir(l->dir);
		/* report the most telling link: a config dir beats /usr, a .wants link beats an alias */
		int rank = (vendor ? 0 : 2) + (l->sub[0] ? 1 : 0);
		if (info->state != UNIT_ENABLED || rank > best) {
			best = rank;
			free(info->enabled_by);
			info->enabled_by = l->sub[0] ? xasprintf("%s/%s/%s", l->dir, l->sub, l->name)
						     : xasprintf("%s/%s", l->dir, l->name);
			info->vendor_only = vendor;
		}
		info->state = UNIT_ENABLED;
	}
	strv_free(&names);
	return 0;
}

int units_live_active(const char *name, char **active)
{
	sd_bus *bus = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *obj;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return r;
	r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
			       "org.freedesktop.systemd1.Manager", "GetUnit", &err, &reply, "s", name);
	if (r < 0) {
		if (sd_bus_error_has_name(&err, "org.freedesktop.systemd1.NoSuchUnit"))
			r = -ENOENT;
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &obj);
	if (r < 0)
		goto out;
	r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", obj, "org.freedesktop.systemd1.Unit",
				       "ActiveState", &err, active);
out:
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	return r;
}
