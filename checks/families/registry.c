/* SPDX-License-Identifier: Apache-2.0 */
/* The check registry: the list of families, in report order.
 *
 * To add a check:
 *   1. Write `static int <family>_<name>(struct cg_ctx *ctx, struct cg_result *r)` in
 *      checks/<family>.c. It reads the image only through ctx->fs (safefs_*), records what it
 *      finds with result_add_finding() (evidence redacted with redact_secret()), records what it
 *      could not read with result_add_error(), and returns 0 or -errno.
 *   2. Add a row to that file's const table: id "<family>.<name>", title, severity, modes
 *      (CG_LIVE, CG_OFFLINE), refs, remediation action id (or NULL), description.
 *   3. New family only: declare its table in checks/families.h and list it below.
 *   4. Add tests to tests/test_<family>.c over a fixture tree built at test time.
 * `capgate checks`, `capgate explain`, the reports and the docs all read the tables.
 */
#include "families.h"
#include "util.h"

const struct cg_family *const registry_families[] = {
	&family_secrets,
	&family_gen,
	&family_ssh,
	&family_acct,
	&family_perm,
	&family_svc,
	&family_kernel,
	&family_net,
	&family_fw,
	&family_log,
	&family_audit,
	&family_agent,
	&family_pkg,
	&family_os,
	&family_azure,
	NULL,
};

const struct cg_check *registry_find(const char *id)
{
	for (const struct cg_family *const *f = registry_families; *f; f++)
		for (size_t i = 0; i < (*f)->n; i++)
			if (streq((*f)->checks[i].id, id))
				return &(*f)->checks[i];
	return NULL;
}

size_t registry_count(void)
{
	size_t n = 0;
	for (const struct cg_family *const *f = registry_families; *f; f++)
		n += (*f)->n;
	return n;
}

void registry_foreach(void (*fn)(const struct cg_check *c, void *ud), void *ud)
{
	for (const struct cg_family *const *f = registry_families; *f; f++)
		for (size_t i = 0; i < (*f)->n; i++)
			fn(&(*f)->checks[i], ud);
}
