/* SPDX-License-Identifier: Apache-2.0 */
/* capgate scan: judge the image and report; changes nothing. */
#include "cmds.h"
#include "progress.h"

int cmd_scan_prepare(const struct cli_verb *verb, const struct cli_args *a, struct cg_config *cfg,
		     struct cg_ctx *ctx, struct cg_selection *sel)
{
	_cleanup_free_ char *err = NULL;
	const char *root = a->root ? a->root : "/";
	int r;

	if (a->nrest > 0) {
		fprintf(stderr, "capgate %s: unexpected argument '%s'\n", verb->name, a->rest[0]);
		return EXIT_USAGE;
	}
	r = cli_check_reports(verb, a);
	if (r)
		return r;
	r = cli_load_config(a, cfg);
	if (r)
		return r;
	cli_selection(a, sel);
	if (scan_validate_selection(cfg, sel, &err) < 0) {
		fprintf(stderr, "capgate %s: %s\n", verb->name, err);
		return EXIT_USAGE;
	}
	r = ctx_init(ctx, root, cfg);
	if (r < 0) {
		fprintf(stderr, "capgate %s: cannot open image root '%s': %s\n", verb->name, root, strerror(-r));
		return r == -ENOENT || r == -ENOTDIR ? EXIT_USAGE : EXIT_ERROR;
	}
	/* mounts under an offline root that are not the image: said, and not written across */
	ctx->fs.cross_mounts = a->cross_mounts;
	if (ctx->mode == CG_MODE_OFFLINE)
		safefs_note_mounts(&ctx->fs, verb->name, stderr);
	return 0;
}

int cmd_scan(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	struct cg_ctx ctx = {.fs.root_fd = -1};
	struct cg_selection sel;
	struct cg_report rep = {0};
	int r;

	r = cli_parse(verb, argc, argv, &a);
	if (r)
		return r;
	if (a.help) {
		cli_usage(verb, stdout);
		cli_args_free(&a);
		return 0;
	}
	r = cmd_scan_prepare(verb, &a, &cfg, &ctx, &sel);
	if (r == 0) {
		struct progress pg;
		progress_start(&pg, "scanning");
		scan_run(&ctx, &sel, &rep);
		progress_stop(&pg);
		r = cli_write_reports(&a, &rep);
		if (r == 0)
			r = scan_exit_code(&rep);
		scan_report_free(&rep);
	}
	ctx_done(&ctx);
	config_free(&cfg);
	cli_args_free(&a);
	return r;
}
