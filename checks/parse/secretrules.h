/* SPDX-License-Identifier: Apache-2.0 */
/* The content rules of the secrets.* family: patterns, who owns them, and how a match is judged. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The check of the family a rule reports to (index into the family table). */
enum secret_owner {
	SO_PRIVATE_KEYS,
	SO_CLOUD,
	SO_TOOL,
	SO_PROVISIONING,
	SO_TOKENS,
	SO_COUNT,
	SO_HELPER = SO_COUNT, /* a pattern other rules require; never a finding itself */
};

/* One match as the judge sees it: the text block holding it and the match span in that block. */
struct secret_cand {
	const char *buf;
	size_t len;
	size_t from, to;
	int fd;                       /* the file, for judges that read on (PEM bodies) */
	unsigned long long abs_from;  /* offset of buf[from] in the file */
	/* set by the judge when it keeps the match */
	const char *secret;           /* what the evidence is made of */
	size_t secret_len;
	char *message;                /* malloc'd, or NULL for the rule's message */
	const char *rule;             /* sub-rule override, or NULL for the rule's id */
	char *owned;                  /* storage behind SECRET when the judge had to build it */
};

/* Pointers first, then the ints, then the flags: no padding between them (the table is built
 * with designated initializers, so the order is free). */
struct secret_rule {
	const char *id;           /* rule name in findings */
	const char *pattern;      /* Vectorscan and ripgrep syntax; never matches across a newline */
	/* Return true to keep the match as a finding (and fill SECRET); false for allow-listed. */
	bool (*judge)(const struct secret_rule *rule, struct secret_cand *c);
	const char *message;
	enum secret_owner owner;
	int requires;             /* index of a rule that must also hit in the file, or -1 */
	bool caseless;
	bool extend;              /* the pattern fixes a minimum length; the token runs on */
	bool context;             /* a heuristic rule: not applied inside vendored third-party trees */
};

extern const struct secret_rule secret_rules[];
extern const size_t secret_nrules;

/* A set of rules (by index into secret_rules). */
#define SECRET_MAX_RULES 256
struct secret_mask {
	uint64_t w[SECRET_MAX_RULES / 64];
};

static inline void secret_mask_set(struct secret_mask *m, size_t i)
{
	m->w[i / 64] |= UINT64_C(1) << (i % 64);
}

static inline void secret_mask_clear(struct secret_mask *m, size_t i)
{
	m->w[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static inline bool secret_mask_has(const struct secret_mask *m, size_t i)
{
	return (m->w[i / 64] >> (i % 64)) & 1;
}

static inline bool secret_mask_any(const struct secret_mask *m)
{
	for (size_t i = 0; i < SECRET_MAX_RULES / 64; i++)
		if (m->w[i])
			return true;
	return false;
}

/* The index of the rule named ID, or -1. */
int secret_rule_index(const char *id);

/* Third-party trees (node_modules, site-packages, docs, tests, examples) where heuristic rules
 * meet documentation and code far more often than credentials (gitleaks' global allow-list). */
bool secret_path_is_vendored(const char *path);

/* Shannon entropy in bits per byte. */
double secret_entropy(const char *s, size_t n);
/* Example values, template references, masks and other values that are not credentials. */
bool secret_is_placeholder(const char *s, size_t n);
/* A value worth reporting after a "password = " style key: long, mixed and random enough. */
bool secret_value_is_credential(const char *s, size_t n);
/* Cut the value out of "key = 'value'" style text starting at P (after the key). */
void secret_cut_value(const char *p, const char *end, const char **v, size_t *n);

/* GitHub and npm tokens: do the last 6 of the 36 characters after the prefix hold the base62
 * CRC-32 of the first 30? */
bool secret_base62_crc_ok(const char *body, size_t n);

/* The keyword-assignment engine (secretassign.c). How much the name of KEY says "credential":
 * 0 not at all (password_file, token_type, public_key), 1 weakly (auth, pass), 2 plainly
 * (DB_PASSWORD, genericToken, some_api_token_123, client_secret). */
int secret_key_score(const char *key, size_t n);
/* Is V a literal credential under a key of SCORE (no placeholder, reference, hash or code)? */
bool secret_assigned_value_ok(const char *v, size_t n, int score, bool password_key);
bool secret_judge_assignment(const struct secret_rule *rule, struct secret_cand *c);
/* Credentials on command lines (secretassign.c). */
bool secret_judge_cli_user(const struct secret_rule *rule, struct secret_cand *c);
bool secret_judge_cli_smb(const struct secret_rule *rule, struct secret_cand *c);
bool secret_judge_cli_password_option(const struct secret_rule *rule, struct secret_cand *c);
bool secret_judge_cli_short_p(const struct secret_rule *rule, struct secret_cand *c);
bool secret_judge_cli_htpasswd(const struct secret_rule *rule, struct secret_cand *c);
bool secret_judge_cli_env(const struct secret_rule *rule, struct secret_cand *c);

/* Private-key confirmation (secretkeys.c). Read the PEM block (or PuTTY file) at C->abs_from
 * of C->fd and judge it with OpenSSL; always keeps the match, the message says how sure. */
bool secretkeys_judge_pem(const struct secret_rule *rule, struct secret_cand *c);
bool secretkeys_judge_putty(const struct secret_rule *rule, struct secret_cand *c);
/* A PKCS#12 (.p12, .pfx) file: parse with OpenSSL; *MSG (malloc'd) says what it holds. */
void secretkeys_judge_pkcs12(int fd, char **msg, const char **rule);
/* Judge a PEM text block (BEGIN ... END) held in memory; *MSG malloc'd. Returns true when
 * OpenSSL (or the OpenSSH/PuTTY format parser) confirmed it. */
bool secretkeys_confirm_pem(const char *pem, size_t len, char **msg);
