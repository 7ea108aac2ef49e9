/* SPDX-License-Identifier: Apache-2.0 */
/* sshd's effective configuration as OpenSSH computes it, read from the image without running sshd. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

#define SSHCFG_MAIN "/etc/ssh/sshd_config"
/* The vendor default of the /usr/etc layout (openSUSE Tumbleweed, SLE 16): sshd reads it only
 * when SSHCFG_MAIN does not exist, and an admin's /etc file replaces it whole. */
#define SSHCFG_VENDOR_MAIN "/usr/etc/ssh/sshd_config"

/* One keyword's value: from a file (FILE:LINE), from the compiled-in defaults (FILE NULL), or
 * from `sshd -T` (live cross-check). */
struct sshcfg_opt {
	char *kw;     /* canonical lowercase keyword (aliases folded) */
	char *value;  /* arguments joined by one space; algorithm lists already resolved */
	char *file;
	unsigned line;
	char *match;  /* the Match criteria this value is scoped to, NULL for the global config */
	bool from_sshd_t;
	bool from_cmdline; /* on sshd's command line: the crypto policy's -o options (RHEL 8), which
			    * FILE:LINE set; sshd reads them before any file, so they win */
};

/* Something sshd would reject or warn about, with where it is. */
struct sshcfg_diag {
	char *file;
	unsigned line;
	char *msg;
	bool fatal; /* sshd refuses to start */
};

#define SSHCFG_MAX_DIAGS 1000

struct sshcfg {
	unsigned version;       /* major*100+minor, e.g. 902; 0 when unknown */
	char *version_source;   /* where the version was read */
	struct sshcfg_opt *opts; /* global values, first occurrence of a keyword first */
	size_t nopts, capopts;
	struct sshcfg_opt *scoped; /* values set inside Match blocks (not applied to the global result) */
	size_t nscoped, capscoped;
	struct sshcfg_diag *diags; /* at most SSHCFG_MAX_DIAGS; the last then says more were dropped */
	size_t ndiags, capdiags;
	struct strv files;      /* every file read, in reading order */
	const char *main;       /* the file sshd reads first: SSHCFG_MAIN or SSHCFG_VENDOR_MAIN */
	char *crypto_policy;    /* the system crypto policy (/etc/crypto-policies/config), NULL if none */
	int io_err;             /* the first I/O error (not a missing file), -errno; 0 if none */
	char *io_path;          /* where it happened */
};

/* Parse "1:9.2p1-2+deb12u10" or "OpenSSH_9.2p1" into 902; -EINVAL when no version is there. */
int sshcfg_parse_version(const char *s, unsigned *ver);
/* Find the installed OpenSSH version: dpkg status of openssh-server, else the sshd binary.
 * -ENOENT when neither tells; another -errno (with *ERR_PATH set) when one could not be read. */
int sshcfg_detect_version(const struct safefs *fs, unsigned *ver, char **source, const char **err_path);

/* The file sshd reads first (SSHCFG_MAIN, or SSHCFG_VENDOR_MAIN where that is absent) in *PATH;
 * -ENOENT when the image has neither, another -errno when that cannot be told. */
int sshcfg_main(const struct safefs *fs, const char **path);
/* The whole evaluation: version, the system crypto policy's command-line options (RHEL 8),
 * sshcfg_main()'s file with its Includes, compiled-in defaults.
 * -ENOENT when the image has no sshd_config; other read errors land in diags. */
int sshcfg_load(const struct safefs *fs, struct sshcfg *c);
/* Parse TEXT as if it were the file PATH (Includes are resolved through FS; may be NULL). */
void sshcfg_parse_text(struct sshcfg *c, const struct safefs *fs, const char *path, const char *text);
/* Fill in the defaults of c->version (9.2 when unknown) for keywords not set; resolve +/-/^
 * algorithm lists. Call once after parsing. */
void sshcfg_finish(struct sshcfg *c);
/* Overlay the output of `sshd -T`: where it differs, its value wins and is marked. Returns how
 * many global values changed. */
size_t sshcfg_apply_dump(struct sshcfg *c, const char *dump);

/* The effective global value of KW (lowercase), or NULL. */
const struct sshcfg_opt *sshcfg_find(const struct sshcfg *c, const char *kw);
const char *sshcfg_get(const struct sshcfg *c, const char *kw);
/* Parse a time value as sshd does ("90", "1m30s", "2h"); -EINVAL on garbage. */
int sshcfg_parse_time(const char *s, long *seconds);
void sshcfg_free(struct sshcfg *c);
