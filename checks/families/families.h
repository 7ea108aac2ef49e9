/* SPDX-License-Identifier: Apache-2.0 */
/* Every family table, declared once for the registry. */
#pragma once
#include "registry.h"

extern const struct cg_family family_gen;
extern const struct cg_family family_secrets;
extern const struct cg_family family_ssh;
extern const struct cg_family family_acct;
extern const struct cg_family family_perm;
extern const struct cg_family family_svc;
extern const struct cg_family family_kernel;
extern const struct cg_family family_net;
extern const struct cg_family family_fw;
extern const struct cg_family family_log;
extern const struct cg_family family_audit;
extern const struct cg_family family_agent;
extern const struct cg_family family_pkg;
extern const struct cg_family family_os;
extern const struct cg_family family_azure;

struct cg_ctx;
struct cg_result;
struct strv;
/* Every home of the image (secrets.c): passwd homes, /root, every directory under /home and the
 * homes of removed accounts; HOMES gets them, problems go to R. */
size_t secrets_all_homes(struct cg_ctx *ctx, struct cg_result *r, struct strv *homes);
