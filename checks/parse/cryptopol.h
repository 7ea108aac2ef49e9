/* SPDX-License-Identifier: Apache-2.0 */
/* The system-wide crypto policy of RHEL 8 and later (and its clones, Fedora, Azure Linux's
 * packages): the policy named in /etc/crypto-policies/config, and what reaches sshd from it.
 * RHEL 8's sshd.service passes the policy on sshd's command line ($CRYPTO_POLICY, from the
 * opensshserver.config back-end, overridable in /etc/sysconfig/sshd); RHEL 9 and later include
 * the back-end from sshd_config.d, which sshcfg.c follows as any Include. */
#pragma once
#include <stdbool.h>

#include "safefs.h"
#include "util.h"

#define CRYPTOPOL_CONFIG "/etc/crypto-policies/config"
#define CRYPTOPOL_SSHD_BACKEND "/etc/crypto-policies/back-ends/opensshserver.config"
#define CRYPTOPOL_SSHD_SYSCONFIG "/etc/sysconfig/sshd"

struct cryptopol {
	char *policy;          /* "DEFAULT", "LEGACY", "DEFAULT:NO-SHA1"; NULL: no crypto-policies */
	unsigned policy_line;  /* its line in CRYPTOPOL_CONFIG; 0 when the file has none (DEFAULT) */
	bool sshd_backend;     /* CRYPTOPOL_SSHD_BACKEND is there */
	bool sshd_backend_env; /* ... in RHEL 8's command-line form (CRYPTO_POLICY=...) */
	/* sshd's command-line options from the policy (RHEL 8), "Ciphers=aes256-ctr,..." each; empty
	 * when the policy does not reach sshd on its command line */
	struct strv sshd_opts;
	char *sshd_opts_file;  /* where CRYPTO_POLICY was set: the back-end or /etc/sysconfig/sshd */
	unsigned sshd_opts_line;
	bool overridden;       /* /etc/sysconfig/sshd sets CRYPTO_POLICY itself */
};

/* Read the policy and what sshd gets from it. 0, with cp->policy NULL when the image has no
 * crypto-policies; -errno when a file that is there cannot be read (*ERR_PATH names it). */
int cryptopol_load(const struct safefs *fs, struct cryptopol *cp, const char **err_path);
void cryptopol_free(struct cryptopol *cp);

/* The last assignment of KEY in TEXT, an environment file as systemd reads it (KEY=VALUE lines,
 * '#' and ';' comments, single or double quotes, backslash escapes inside double quotes): its
 * value in *VALUE (malloc'd) and its line in *LINE. -ENOENT when KEY is not assigned. */
int cryptopol_env_get(const char *text, const char *key, char **value, unsigned *line);
/* The sshd options of a CRYPTO_POLICY value ("-oCiphers=a,b -o MACs=c"), split as systemd
 * splits an unquoted $VAR: each "Keyword=value" pushed to OUT. */
void cryptopol_split_opts(const char *value, struct strv *out);
