/* SPDX-License-Identifier: Apache-2.0 */
/* The context every check is handed: the image, the mode, the configuration, shared facts. */
#pragma once
#include <stdbool.h>

#include "config.h"
#include "safefs.h"
#include "users.h"

enum cg_mode { CG_MODE_LIVE, CG_MODE_OFFLINE };

struct cg_ctx {
	struct safefs fs;
	char *root;                  /* as given on the command line */
	enum cg_mode mode;           /* live when the root is this system's / */
	const struct cg_config *cfg;
	unsigned workers;            /* worker threads a check may use */
	/* facts loaded once, on first use */
	struct users users;
	int users_err;
	bool users_loaded;
	/* results one check computes and the other checks of its family reuse within one scan
	 * (secrets.*: one content pass serves three checks); scan_run clears it */
	struct ctx_memo *memo;
};

int ctx_init(struct cg_ctx *ctx, const char *root, const struct cg_config *cfg);
void ctx_done(struct cg_ctx *ctx);
/* The image's accounts; NULL with *ERR set when /etc/passwd cannot be read. */
const struct users *ctx_users(struct cg_ctx *ctx, int *err);
const char *ctx_mode_name(const struct cg_ctx *ctx);

/* The per-scan memo: NULL when KEY was not stored since the last ctx_memo_clear(). */
void *ctx_memo_get(const struct cg_ctx *ctx, const char *key);
/* Store DATA under KEY (which must not be stored yet); FREE_FN releases it on clear. */
void ctx_memo_put(struct cg_ctx *ctx, const char *key, void *data, void (*free_fn)(void *));
void ctx_memo_clear(struct cg_ctx *ctx);
/* Fill the walker options every walking check must honour: scan.exclude, scan.one_file_system. */
void ctx_walk_defaults(const struct cg_ctx *ctx, struct safefs_walk_ops *ops);
