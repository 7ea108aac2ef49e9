/* SPDX-License-Identifier: Apache-2.0 */
/* Shared steps of the system hardening families (svc, fw, kernel, net, log, audit, agent, pkg, os):
 * sysctl judgement, package and unit look-ups, config options of the "hardening" section. */
#pragma once
#include <stdbool.h>

#include "ctx.h"
#include "dpkg.h"
#include "osrelease.h"
#include "result.h"
#include "sysctl.h"
#include "units.h"

/* What a sysctl key must be. */
enum sysctl_want { WANT_EQ, WANT_GE };
struct sysctl_rule {
	const char *key;
	enum sysctl_want want;
	long value;
	long kernel_default; /* what applies when nothing sets it (Debian 12's 6.1 kernel) */
};

/* Judge RULES against the persisted configuration (and, live, the running kernel). */
void hsys_sysctl_judge(struct cg_ctx *ctx, struct cg_result *r, const struct sysctl_conf *conf,
		       const struct sysctl_rule *rules, size_t n);
/* Load sysctl configuration, recording an error on R when it cannot be read. */
int hsys_sysctl_load(struct cg_ctx *ctx, struct cg_result *r, struct sysctl_conf *conf);
/* The whole of a sysctl check: load, judge RULES, free. Returns 0. */
int hsys_sysctl_check(struct cg_ctx *ctx, struct cg_result *r, const struct sysctl_rule *rules, size_t n);

/* A systemd configuration setting ("Storage" of journald.conf): MAIN, then the .conf drop-ins of
 * DIRS merged by name, the last assignment winning. NULL when unset; *WHERE and *LINE tell where. */
char *hsys_systemd_setting(struct cg_ctx *ctx, struct cg_result *r, const char *main, const char *const *dirs,
			   size_t ndirs, const char *key, char **where, unsigned *line);
/* The unmasked files of imgfile_dropins() over DIRS (highest priority first) ending in SUFFIX,
 * appended to OUT in name order; a directory that cannot be listed is an error on R. */
void hsys_dropin_paths(struct cg_ctx *ctx, struct cg_result *r, const char *const *dirs, size_t ndirs,
		       const char *suffix, struct strv *out);
/* imgfile_list_dir() and imgfile_conf_files() that record a failure as an error on R. */
void hsys_list_dir(struct cg_ctx *ctx, struct cg_result *r, const char *dir, struct strv *names);
void hsys_conf_files(struct cg_ctx *ctx, struct cg_result *r, const char *main, const char *dir, const char *suffix,
		     struct strv *out);
/* imgfile_read() that records every failure but a missing file on R; -errno as imgfile_read. */
int hsys_read(struct cg_ctx *ctx, struct cg_result *r, const char *path, char **buf);

/* dpkg status; -ENOENT is recorded as a skip ("not a dpkg-based image", or on an rpm family
 * "does not apply to this family"). */
int hsys_dpkg_load(struct cg_ctx *ctx, struct cg_result *r, struct dpkg_db *db);

/* The distro model: the image's os-release and family, read once per scan and shared by every
 * check through the context. ERR is osrelease_load()'s result (-ENOENT: no os-release). */
struct hsys_distro {
	struct osrelease os;
	int err;
	enum distro_family family;
};
const struct hsys_distro *hsys_distro(struct cg_ctx *ctx);
/* True when a check for FAMILIES (DF_* bits) applies: the image's family is one of them, or it
 * is unknown (the check then judges what the image holds). Otherwise R is skipped with
 * "does not apply to this family (<family>: WHY)". */
bool hsys_family_applies(struct cg_ctx *ctx, struct cg_result *r, unsigned families, const char *why);

/* The installed packages, from whichever database the image's family keeps (dpkg status or the
 * rpm database), loaded once per scan. */
struct hsys_pkgs {
	const struct dpkg_db *dpkg; /* exactly one of the two is set */
	const struct rpmdb *rpm;
	const char *path;           /* the database inside the image, where findings point */
};
struct hsys_pkg {
	const char *name, *version;
	unsigned line; /* dpkg: the stanza's line; rpm: 0 */
};
/* -ENOENT (no database: skipped, "the image holds no package database") or another -errno (an error
 * on R, naming the file and, for a damaged one, the offset and the reason). */
int hsys_pkgs_load(struct cg_ctx *ctx, struct cg_result *r, struct hsys_pkgs *p);
/* The first of the NULL-terminated NAMES that is installed, into *OUT. */
bool hsys_pkg_find(const struct hsys_pkgs *p, const char *const *names, struct hsys_pkg *out);
/* hsys_pkg_find() for one name. */
bool hsys_pkg_has(const struct hsys_pkgs *p, const char *name);
int hsys_units_load(struct cg_ctx *ctx, struct cg_result *r, struct units *u);

/* Which of the unit NAMES would start at boot (offline: links; live: also ActiveState over
 * sd-bus). Returns the first such name's info in *INFO (caller frees) or false; a unit file that
 * cannot be read is an error on R. */
bool hsys_unit_starts(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *name,
		      struct unit_info *info);
/* True when unit NAME starts at boot (hsys_unit_starts without the details). */
bool hsys_unit_enabled(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *name);
/* Live only: "active"/"activating" over sd-bus; false offline or when the bus is unreachable. */
bool hsys_unit_active_live(struct cg_ctx *ctx, const char *name);

/* The "hardening" config section: a list (globs) or a boolean, with defaults. */
bool hsys_cfg_list_match(const struct cg_ctx *ctx, const char *key, const char *value);
bool hsys_cfg_bool(const struct cg_ctx *ctx, const char *key, bool dflt);
unsigned long long hsys_cfg_uint(const struct cg_ctx *ctx, const char *key, unsigned long long dflt);

/* APT's downloaded package indexes (/var/lib/apt/lists/\*_Packages). FN gets each file's path,
 * text and length. Only files whose name contains FILTER (e.g. "_dists_bookworm-security_"), or
 * every Packages file when FILTER is NULL. Returns how many files were read, or -errno. */
int hsys_lists_foreach(struct cg_ctx *ctx, struct cg_result *r, const char *filter,
		       void (*fn)(const char *path, const char *text, size_t len, void *ud), void *ud);

/* True when PATH is a file an installed package ships and its content is the package's own copy
 * (rpm: the file digest in the rpmdb; dpkg: /var/lib/dpkg/info/\*.md5sums). Such a file is in
 * every copy of the package, so a key in it is no leaked credential (the RHUI client key of Azure
 * PAYG RHEL images, a package's test or demo key). *OWNER (when not NULL) gets the package name. */
bool hsys_file_pristine(struct cg_ctx *ctx, const char *path, char **owner);
