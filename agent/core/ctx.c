/* SPDX-License-Identifier: Apache-2.0 */
/* Context setup: open the image root once, decide live or offline, load shared facts lazily. */
#include "ctx.h"

#include <sys/stat.h>

int ctx_init(struct cg_ctx *ctx, const char *root, const struct cg_config *cfg)
{
	struct stat self;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int r;

	*ctx = (struct cg_ctx){.cfg = cfg};
	r = safefs_init(&ctx->fs, root);
	if (r < 0)
		return r;
	ctx->root = xstrdup(root);
	/* live means: the root is the system we run on, so runtime state (/proc, units) is its own */
	ctx->mode = (stat("/", &self) == 0 && self.st_dev == ctx->fs.root_dev && self.st_ino == ctx->fs.root_ino)
			    ? CG_MODE_LIVE : CG_MODE_OFFLINE;
	ctx->workers = cfg && cfg->workers ? cfg->workers : (unsigned)(ncpu > 0 ? ncpu : 1);
	return 0;
}

void ctx_done(struct cg_ctx *ctx)
{
	ctx_memo_clear(ctx);
	safefs_done(&ctx->fs);
	users_free(&ctx->users);
	free(ctx->root);
	*ctx = (struct cg_ctx){.fs.root_fd = -1};
}

const struct users *ctx_users(struct cg_ctx *ctx, int *err)
{
	if (!ctx->users_loaded) {
		ctx->users_err = users_load(&ctx->fs, &ctx->users);
		ctx->users_loaded = true;
	}
	if (ctx->users_err < 0) {
		if (err)
			*err = ctx->users_err;
		return NULL;
	}
	return &ctx->users;
}

const char *ctx_mode_name(const struct cg_ctx *ctx)
{
	return ctx->mode == CG_MODE_LIVE ? "live" : "offline";
}

struct ctx_memo {
	char *key;
	void *data;
	void (*free_fn)(void *);
	struct ctx_memo *next;
};

void *ctx_memo_get(const struct cg_ctx *ctx, const char *key)
{
	for (const struct ctx_memo *m = ctx->memo; m; m = m->next)
		if (streq(m->key, key))
			return m->data;
	return NULL;
}

void ctx_memo_put(struct cg_ctx *ctx, const char *key, void *data, void (*free_fn)(void *))
{
	struct ctx_memo *m = xmalloc(sizeof *m);

	*m = (struct ctx_memo){.key = xstrdup(key), .data = data, .free_fn = free_fn, .next = ctx->memo};
	ctx->memo = m;
}

void ctx_memo_clear(struct cg_ctx *ctx)
{
	while (ctx->memo) {
		struct ctx_memo *m = ctx->memo;
		ctx->memo = m->next;
		if (m->free_fn)
			m->free_fn(m->data);
		free(m->key);
		free(m);
	}
}

void ctx_walk_defaults(const struct cg_ctx *ctx, struct safefs_walk_ops *ops)
{
	if (!ctx->cfg)
		return;
	ops->exclude = &ctx->cfg->scan_exclude;
	ops->one_file_system = ctx->cfg->one_file_system;
}
