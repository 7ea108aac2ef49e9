/* SPDX-License-Identifier: Apache-2.0 */
/* sysctl settings as systemd-sysctl applies them at boot, plus the running kernel's values. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

struct sysctl_entry {
	char *key;   /* normalised with '.' separators: net.ipv4.ip_forward */
	char *value; /* blanks collapsed; NULL for "-key" (exempt from globs) */
	char *path;  /* file inside the image that set it */
	unsigned line;
	bool glob;   /* key holds a glob (net.ipv4.conf.*.rp_filter) */
	bool ignore_failure; /* written with a leading '-' */
};

struct sysctl_problem {
	char *path;
	unsigned line;
	char *message;
};

struct sysctl_conf {
	struct sysctl_entry *v; /* in application order: a later entry overrides an earlier one */
	size_t n;
	struct strv files;      /* files read, in order */
	struct sysctl_problem *problems; /* lines systemd-sysctl would ignore with a warning */
	size_t nproblems;
};

/* Normalise a key to '.'-separated form the way systemd's sysctl_normalize() treats '/' keys. */
char *sysctl_normalize(const char *key);
/* Parse one file's text into CONF (PATH names it in entries and problems). */
void sysctl_parse(struct sysctl_conf *conf, const char *path, char *text);
/* Load the image's configuration: the sysctl.d drop-ins of /etc, /run, /usr/local/lib, /usr/lib
 * and /lib merged by file name and read in name order, then /etc/sysctl.conf unless a drop-in
 * already is that file (Debian's 99-sysctl.conf link). A file or directory that cannot be read
 * (anything but absent) gives -errno, an empty CONF and *ERR_PATH (malloc'd, when not NULL). */
int sysctl_load(const struct safefs *fs, struct sysctl_conf *conf, char **err_path);
void sysctl_free(struct sysctl_conf *conf);

/* The entry that decides KEY: the last explicit entry, else the last glob entry that matches
 * (systemd applies a glob only to keys no explicit entry names). NULL when nothing sets KEY. */
const struct sysctl_entry *sysctl_lookup(const struct sysctl_conf *conf, const char *key);

/* Live only: read the running kernel's value of KEY from /proc/sys; *VALUE is malloc'd. */
int sysctl_runtime(const char *key, char **value);
