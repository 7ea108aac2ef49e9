/* SPDX-License-Identifier: Apache-2.0 */
/* The gen.* checks that live outside gen.c, and the facts remediation shares with them. */
#pragma once
#include "ctx.h"
#include "result.h"

/* gen_access.c: identity and access the build leaves behind */
int gen_access_ssh_host_keys(struct cg_ctx *ctx, struct cg_result *r);
int gen_access_build_user(struct cg_ctx *ctx, struct cg_result *r);
int gen_access_root_password(struct cg_ctx *ctx, struct cg_result *r);
/* Build users: config remediate.build_users (default packer, vagrant), the user in waagent's
 * ovf-env.xml, users granted by /etc/sudoers.d/90-cloud-init-users and /etc/sudoers.d/waagent.
 * A file among those that cannot be read (anything but absent) is an error on R. */
void gen_access_build_users(struct cg_ctx *ctx, struct cg_result *r, struct strv *out);
/* Whether a shadow password field allows a password login. */
bool gen_access_hash_usable(const char *field, size_t len);

/* gen_state.c: per-machine state and caches */
int gen_state_logs(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_network(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_cloud_init(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_agent(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_package_caches(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_crash_data(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_random_seed(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_tls_snakeoil(struct cg_ctx *ctx, struct cg_result *r);
int gen_state_swap_files(struct cg_ctx *ctx, struct cg_result *r);
