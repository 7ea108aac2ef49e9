/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs: one <verb> function each, listed in main.c's table. */
#pragma once
#include "cli.h"

int cmd_scan(const struct cli_verb *verb, int argc, char **argv);
int cmd_fix(const struct cli_verb *verb, int argc, char **argv);
int cmd_run(const struct cli_verb *verb, int argc, char **argv);
int cmd_checks(const struct cli_verb *verb, int argc, char **argv);
int cmd_explain(const struct cli_verb *verb, int argc, char **argv);
int cmd_daemon(const struct cli_verb *verb, int argc, char **argv);
int cmd_signal(const struct cli_verb *verb, int argc, char **argv);
int cmd_wait(const struct cli_verb *verb, int argc, char **argv);
int cmd_version(const struct cli_verb *verb, int argc, char **argv);

/* Shared by scan, fix and run: validate options, load config, open the image. */
int cmd_scan_prepare(const struct cli_verb *verb, const struct cli_args *a, struct cg_config *cfg,
		     struct cg_ctx *ctx, struct cg_selection *sel);
