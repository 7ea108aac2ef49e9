/* SPDX-License-Identifier: Apache-2.0 */
/* systemd unit enablement read from the unit directories (offline), and unit state over sd-bus. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

/* The subset of `systemctl is-enabled` answers a gate needs. */
enum unit_state {
	UNIT_NOT_FOUND,
	UNIT_MASKED,   /* linked to /dev/null */
	UNIT_ENABLED,  /* a .wants/.requires/.upholds link or Alias link names it */
	UNIT_STATIC,   /* no [Install] section and nothing links it */
	UNIT_DISABLED, /* has an [Install] section, nothing links it */
};

struct unit_link {
	char *dir;    /* search directory: /etc/systemd/system */
	char *sub;    /* "multi-user.target.wants", or "" for a top-level alias link */
	char *name;   /* link name */
	char *target; /* link target (raw) */
};

struct units {
	struct unit_link *links;
	size_t nlinks;
	struct strv dirs; /* search directories that exist, highest priority first */
};

struct unit_info {
	enum unit_state state;
	char *fragment;   /* path of the unit file inside the image, NULL when not found */
	char *real_name;  /* name of the file the query resolved to (differs for aliases) */
	char *enabled_by; /* the link that enables it: "/etc/systemd/system/multi-user.target.wants/x" */
	bool vendor_only; /* enabled only by links below /usr or /lib (systemctl calls that static) */
};

/* Index the links of the image's unit directories. A unit directory or link that cannot be read
 * (anything but absent) fails the load with -errno and *ERR_PATH (malloc'd, when not NULL) naming it. */
int units_load(const struct safefs *fs, struct units *u, char **err_path);
void units_free(struct units *u);
/* Judge NAME ("avahi-daemon.service"; instances "getty@tty1.service" use their template). A unit
 * file or link that cannot be read (anything but absent, a dangling link, a loop or a non-file)
 * gives -errno and *ERR_PATH (malloc'd, when not NULL) naming it; *INFO is then empty. */
int units_query(const struct safefs *fs, const struct units *u, const char *name, struct unit_info *info,
		char **err_path);
void unit_info_free(struct unit_info *info);
const char *units_state_name(enum unit_state s);
/* True when the unit would be started at boot: enabled (by any link) and not masked. */
static inline bool units_starts_at_boot(const struct unit_info *i) { return i->state == UNIT_ENABLED; }

/* Live: the unit's ActiveState ("active", "inactive", ...) from systemd over sd-bus.
 * -ENOENT when systemd does not know the unit; other -errno when the bus is not reachable. */
int units_live_active(const char *name, char **active);
