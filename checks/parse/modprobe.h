/* SPDX-License-Identifier: Apache-2.0 */
/* modprobe.d as kmod reads it: install commands (first wins), blacklists; kernel module presence. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

struct modprobe_rule {
	char *module; /* normalised: '-' becomes '_' */
	char *command; /* install: the command; NULL for blacklist */
	char *path;
	unsigned line;
};

struct modprobe_conf {
	struct modprobe_rule *install, *blacklist;
	size_t ninstall, nblacklist;
	struct strv files;
};

char *modprobe_normalize(const char *name);
void modprobe_parse(struct modprobe_conf *conf, const char *path, char *text);
/* Read the drop-ins of /etc, /run, /usr/local/lib, /lib and /usr/lib modprobe.d, merged by name.
 * A file or directory that cannot be read (anything but absent) gives -errno, an empty CONF and
 * *ERR_PATH (malloc'd, when not NULL) naming it. */
int modprobe_load(const struct safefs *fs, struct modprobe_conf *conf, char **err_path);
void modprobe_free(struct modprobe_conf *conf);

/* The install rule kmod would run for MODULE (the first in file order), or NULL. */
const struct modprobe_rule *modprobe_install(const struct modprobe_conf *conf, const char *module);
const struct modprobe_rule *modprobe_blacklisted(const struct modprobe_conf *conf, const char *module);
/* True when an install command stops the module loading (/bin/true, /bin/false and the like). */
bool modprobe_command_disables(const char *command);

/* Kernel modules the image can load: from every /lib/modules/<version>/modules.dep and
 * modules.builtin. NKERNELS is how many kernel trees were found. */
struct modprobe_modules {
	struct strv names; /* sorted, normalised */
	size_t nkernels;
};
/* The modules of every kernel in /lib/modules (modules.dep, modules.builtin); errors as modprobe_load. */
int modprobe_modules_load(const struct safefs *fs, struct modprobe_modules *m, char **err_path);
bool modprobe_modules_has(const struct modprobe_modules *m, const char *module);
void modprobe_modules_free(struct modprobe_modules *m);
