/* SPDX-License-Identifier: Apache-2.0 */
/* Severity names, one table for parsing and printing. */
#include "severity.h"

#include "util.h"

static const char *const names[CG_SEV_COUNT] = {
	[CG_SEV_INFO] = "info", [CG_SEV_LOW] = "low", [CG_SEV_MEDIUM] = "medium",
	[CG_SEV_HIGH] = "high", [CG_SEV_CRITICAL] = "critical",
};

const char *severity_name(enum cg_severity s)
{
	return s < CG_SEV_COUNT ? names[s] : "unknown";
}

int severity_from_string(const char *s, enum cg_severity *out)
{
	for (int i = 0; i < CG_SEV_COUNT; i++)
		if (s && streq(s, names[i])) {
			*out = (enum cg_severity)i;
			return 0;
		}
	return -EINVAL;
}
