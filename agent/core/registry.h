/* SPDX-License-Identifier: Apache-2.0 */
/* The check model: a check is a row of a const table; a family is one table in checks/. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "severity.h"

struct cg_ctx;

/* Where a check can run. */
enum {
	CG_LIVE = 1 << 0,    /* inside the running build VM */
	CG_OFFLINE = 1 << 1, /* against a mounted image (--root) */
	CG_ANYWHERE = CG_LIVE | CG_OFFLINE,
};

struct cg_check {
	const char *id;          /* family.name, stable */
	const char *title;
	enum cg_severity severity;
	unsigned modes;
	const char *const *refs; /* NULL-terminated: CIS, Azure baseline, Lynis, SSG ids */
	const char *remediation; /* action id, or NULL when report-only */
	const char *description; /* what it finds and why it matters, for `capgate explain` */
	/* Return 0, or -errno when the check could not complete. */
	int (*run)(struct cg_ctx *ctx, struct cg_result *r);
};

struct cg_family {
	const char *name;
	const char *title;
	const struct cg_check *checks;
	size_t n;
	/* For families only some images want (azure): whether this image evidently wants it. A
	 * profile that lists the family in `when_evident` selects it only then; NULL: always. */
	bool (*evident)(struct cg_ctx *ctx);
};

#define CG_REFS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define CG_FAMILY(var, fname, ftitle, table) \
	const struct cg_family var = {.name = (fname), .title = (ftitle), .checks = (table), .n = ELEMENTSOF(table)}

/* NULL-terminated list of families, in report order. */
extern const struct cg_family *const registry_families[];

const struct cg_check *registry_find(const char *id);
size_t registry_count(void);
/* Call FN for every check in catalog order. */
void registry_foreach(void (*fn)(const struct cg_check *c, void *ud), void *ud);
