/* SPDX-License-Identifier: Apache-2.0 */
/* Severities, ordered: a check fails the gate when its severity is at or above --fail-on. */
#pragma once

enum cg_severity {
	CG_SEV_INFO,
	CG_SEV_LOW,
	CG_SEV_MEDIUM,
	CG_SEV_HIGH,
	CG_SEV_CRITICAL,
	CG_SEV_COUNT,
};

const char *severity_name(enum cg_severity s);
/* -EINVAL for anything but info|low|medium|high|critical. */
int severity_from_string(const char *s, enum cg_severity *out);
