/* SPDX-License-Identifier: Apache-2.0 */
/* Remediation: a plan built from a scan, applied through safefs only, recorded as a manifest. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "scan.h"

/* Phases (CHECKS.md): when a fix is safe while Packer still drives the VM over SSH. */
enum {
	REM_PHASE_ANY = 1 << 0,  /* session-neutral: caches, credentials, cloud-init state */
	REM_PHASE_LATE = 1 << 1, /* logs (after journald rotation), tmp, machine-id, leases */
	REM_PHASE_LAST = 1 << 2, /* host keys, the build user's keys and sudoers lines */
	REM_PHASES_RUN = REM_PHASE_ANY | REM_PHASE_LATE,
	REM_PHASES_ALL = REM_PHASE_ANY | REM_PHASE_LATE | REM_PHASE_LAST,
};

/* "any" -> any; "late" -> any+late; "last" -> all: a phase includes the ones before it. */
int remediate_phase_parse(const char *s, unsigned *mask);
const char *remediate_phase_name(unsigned phase);

enum rem_state { REM_PLANNED, REM_REFUSED, REM_DONE, REM_FAILED };

struct rem_action;

/* One secret for redact-value (inplace.c): LEN bytes at byte COL of LINE (from 1). */
struct rem_span {
	unsigned line, col, len;
};

struct rem_item {
	const struct rem_action *action;
	const char *check_id; /* static, from the registry */
	char *path;           /* inside the image */
	char *arg;            /* user name, "Key value" lines, unit name; or NULL */
	unsigned phase;
	int order;            /* within a phase: stop agents first, vacuum the journal last */
	bool have_st;
	struct stat st;       /* the entry as planned; apply refuses another inode */
	enum rem_state state;
	char *reason;         /* why refused, failed or not selected */
	bool selected;        /* its phase is being applied */
	bool deprovision;     /* left to the deprovision step after the last phase (waagent
			       * -deprovision+user, userdel); never applied by capgate */
	/* the entry before the change, for the manifest (never its content) */
	bool have_meta, have_sha;
	long long size;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char sha256[65];             /* the content, or for a sparse file its data extents */
	unsigned long long *extents; /* a sparse file's data extents (offset, length pairs), or NULL */
	size_t nextents;
	unsigned long long files, bytes; /* what a tree removal or a unit change removed */
	/* redact-value: where the secrets are, and the content they were found in (SHA-256, kept in
	 * memory only: apply rewrites nothing else) */
	struct rem_span *spans;
	size_t nspans;
	char planned_sha[65];
	bool have_after;
	char sha256_after[65]; /* a rewrite: the content it left, for the manifest */
};

struct rem_plan {
	struct rem_item *v;
	size_t n;
	unsigned phases;
	unsigned long long manifest_at; /* when the manifest was last rewritten (ms) */
};

struct rem_opts {
	unsigned phases;       /* 0: REM_PHASES_ALL offline, REM_PHASES_RUN live */
	bool force;            /* override identity-safety refusals and guards */
	volatile int *cancel;
	const char *manifest;  /* rewritten atomically after every action, or NULL */
};

/* Build the plan for every failing check that names an action. */
int remediate_plan(struct cg_ctx *ctx, const struct cg_report *rep, const struct rem_opts *o, struct rem_plan *plan);
/* The plan as people read it; `--dry-run` prints exactly this and a real run prints it first. */
void remediate_plan_print(const struct rem_plan *plan, FILE *out);
/* Apply the selected items in phase order; one failure does not stop the others. Returns the
 * number of failed items. */
size_t remediate_apply(struct cg_ctx *ctx, struct rem_plan *plan, const struct rem_opts *o);
/* The report's "actions" array (DESIGN.md); DRY_RUN marks planned items "planned". */
json_t *remediate_actions_json(const struct rem_plan *plan, bool dry_run);
/* The manifest document (capgate.manifest/v1), written atomically to FILE on the host; DURABLE
 * adds the fsync (the final write; the one after each action only needs to survive a kill). */
int remediate_manifest_write(const struct cg_ctx *ctx, const struct rem_plan *plan, const char *file, bool durable);
void remediate_plan_free(struct rem_plan *plan);

/* What `capgate fix` does with a check's findings; `capgate checks`, capgate(8) and JUnit say it. */
enum rem_kind {
	REM_KIND_REPORT_ONLY, /* no action: a person decides */
	REM_KIND_FIX,         /* fixed when its phase runs */
	REM_KIND_GUARDED,     /* fixed only when remediate.allow names the check, or with --force */
	REM_KIND_REFUSED,     /* an action that always refuses, with the reason (userdel, apt, site policy) */
};
/* The kind for check C; *NOTE (when not NULL) gets a static sentence on when a fix is refused
 * anyway, or NULL. */
enum rem_kind remediate_kind(const struct cg_check *c, const char **note);
/* "report-only", "fix", "guarded", "refused" */
const char *remediate_kind_name(enum rem_kind k);
/* remediate_kind_name(remediate_kind(c, NULL)): the report writers' fix label (cg_report.fix_label). */
const char *remediate_label(const struct cg_check *c);

/* ---- the action table (actions.c) ---- */

struct rem_planner {
	struct cg_ctx *ctx;
	struct rem_plan *plan;
	const struct rem_opts *opts;
	const struct cg_result *result;
	const char *action_arg; /* the part after ':' in the check's remediation id */
	unsigned phase;
	const char *refuse;     /* set: every item of this check is refused with this reason */
};

#define REM_ALREADY 1

struct rem_action {
	const char *id;
	const char *summary;
	/* Turn one finding into items (rem_plan_add); NULL: the item is the finding's path. */
	void (*plan)(struct rem_planner *p, const struct cg_finding *f);
	/* Change the image; 0 or -errno, with it->reason set when the errno alone does not say it;
	 * REM_ALREADY when there was nothing to change (the item is then not "done"). */
	int (*apply)(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
};

extern const struct rem_action rem_actions[];
/* Whether A never changes anything: it only refuses, with the reason. */
bool rem_action_always_refused(const struct rem_action *a);
const struct rem_action *remediate_action_find(const char *id, size_t len);
/* Add an item for ACTION on PATH; duplicates (same action, path, arg) are merged. */
struct rem_item *rem_plan_add(struct rem_planner *p, const char *action, const char *path, const char *arg);
/* Add an item that will not be applied, with the reason. */
void rem_plan_refuse(struct rem_planner *p, const char *action, const char *path, const char *fmt, ...) _printf_(4, 5);
/* Add a last-phase item that the deprovision step does, not capgate (the build user's account,
 * the ovf-env.xml that waagent reads it from): the gate and `fix --phase last` in a live VM do
 * not block on it, the final check judges it. */
void rem_plan_deprovision(struct rem_planner *p, const char *action, const char *path, const char *arg,
			  const char *why);
/* Whether item IT is the deprovision step's answer to finding F: the same check, path and (when
 * the item names one) account. */
bool remediate_item_deprovisions(const struct rem_item *it, const char *check_id, const struct cg_finding *f);

/* Read the file of IT for rewriting: the planned inode, regular, one link, at most MAX bytes. */
int rem_read_for_rewrite(struct cg_ctx *ctx, struct rem_item *it, struct stat *st, size_t max, char **buf, size_t *len);

/* inplace.c */
#define INPLACE_MARKER "CAPGATE-REDACTED"
/* BUF (LEN bytes) with each of the N spans replaced by INPLACE_MARKER, every other byte kept, appended
 * to OUT (NULL: only judge). -EINVAL with *WHY (malloc'd) and OUT as it was, for a file with NUL
 * bytes or a span that is not inside its line: nothing is guessed. */
int inplace_redact(const char *buf, size_t len, const struct rem_span *spans, size_t n, struct strbuf *out,
		   char **why);
void inplace_plan(struct rem_planner *p, const struct cg_finding *f);
int inplace_apply(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
/* units.c */
int units_disable(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
int units_mask(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
int units_stop(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
/* dropin.c */
void dropin_plan_sshd(struct rem_planner *p, const struct cg_finding *f);
void dropin_plan_sysctl(struct rem_planner *p, const struct cg_finding *f);
void dropin_plan_modprobe(struct rem_planner *p, const struct cg_finding *f);
void dropin_plan_limits(struct rem_planner *p, const struct cg_finding *f);
void dropin_plan_journald(struct rem_planner *p, const struct cg_finding *f);
int dropin_apply(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
/* azure.c */
void azure_plan_grub(struct rem_planner *p, const struct cg_finding *f);
int azure_apply_grub(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
void azure_plan_waagent(struct rem_planner *p, const struct cg_finding *f);
int azure_apply_waagent(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
void azure_plan_cloud_init(struct rem_planner *p, const struct cg_finding *f);
int azure_apply_cloud_init(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o);
