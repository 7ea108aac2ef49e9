/* SPDX-License-Identifier: Apache-2.0 */
/* Work shared by several checks within one scan: done once into a recording result, replayed into
 * each check's own result as if the check had reported it directly. */
#pragma once
#include "ctx.h"
#include "result.h"

/* Start REC the way the scan starts CHECK_ID's result (its exclude globs, scan.exclude and
 * scan.max_findings), so that REC keeps exactly what that check would keep. CHECK_ID may be NULL
 * for work that reports only errors and skips. */
void replay_init(struct cg_result *rec, const struct cg_ctx *ctx, const char *check_id);
/* Report REC's findings, errors, skip reason and omitted count into R. */
void replay_into(const struct cg_result *rec, struct cg_result *r);
