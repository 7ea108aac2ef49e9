/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line tables: verbs and options. --help, man pages and completion are generated here. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "ctx.h"
#include "report.h"
#include "scan.h"

enum cli_opt {
	OPT_ROOT,
	OPT_CONFIG,
	OPT_PROFILE,
	OPT_ONLY,
	OPT_SKIP,
	OPT_FAIL_ON,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_HELP,
	OPT_DRY_RUN,
	OPT_PHASE,
	OPT_FORCE,
	OPT_MANIFEST,
	OPT_REMEDIATE,
	OPT_LISTEN,
	OPT_RUNTIME_DIR,
	OPT_URL,
	OPT_TIMEOUT,
	OPT_TRIGGER,
	OPT_SIGNAL,
	OPT_RUN_ID,
	OPT_CATALOG_FORMAT, /* checks --format: the catalog's formats, not the report's */
	OPT_CALLBACK_URL,   /* signal --url: the receiver, not the daemon */
	OPT_ALLOW_REMOTE,
	OPT_CROSS_MOUNTS,
	OPT_COUNT,
};

struct cli_option {
	const char *name;
	char shortname; /* 0: none */
	const char *arg; /* NULL: a flag */
	const char *help;
};

extern const struct cli_option cli_options[OPT_COUNT];

struct cli_verb {
	const char *name;
	const char *summary;
	const char *args;          /* positional arguments, for usage */
	const enum cli_opt *opts;  /* terminated by OPT_COUNT */
	int (*main)(const struct cli_verb *verb, int argc, char **argv);
};

extern const struct cli_verb cli_verbs[];

/* --format/--output pairs one run may write (run and wait: text for the log, files for the pipeline). */
#define CLI_MAX_REPORTS 8

/* Parsed options; fields are set only for options the verb accepts. */
struct cli_args {
	const char *root, *config, *profile;
	const char *format, *output; /* the first --format and --output, for verbs that take one */
	const char *formats[CLI_MAX_REPORTS], *outputs[CLI_MAX_REPORTS]; /* every one, in order */
	size_t nformats, noutputs;
	struct strv only, skip;
	int fail_on; /* -1: not given */
	bool help;
	bool dry_run, force, remediate, cross_mounts; /* fix, run */
	const char *phase, *manifest;
	const char *listen, *runtime_dir, *url, *timeout, *signal, *run_id; /* daemon, wait, run --signal, signal */
	bool trigger;
	bool allow_remote; /* wait: --url may name a host off this machine */
	char **rest;
	int nrest;
};

/* Exit codes of the contract. */
enum { EXIT_READY = 0, EXIT_BLOCKED = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

/* Parse ARGV for VERB. Returns 0, or EXIT_USAGE after printing the reason. */
int cli_parse(const struct cli_verb *verb, int argc, char **argv, struct cli_args *a);
void cli_args_free(struct cli_args *a);
/* cli_parse for a verb without positional arguments that answers --help itself. Returns 0 to go
 * on, or the exit code (0 after --help) with A already freed. */
int cli_parse_options_only(const struct cli_verb *verb, int argc, char **argv, struct cli_args *a);
void cli_usage(const struct cli_verb *verb, FILE *out);
void cli_usage_all(FILE *out);

/* Load the configuration: CAPGATE_CONFDIR (default /etc/capgate), then --config.
 * Prints "capgate: file:line:col: reason" and returns EXIT_USAGE on error. */
int cli_load_config(const struct cli_args *a, struct cg_config *cfg);
/* Selection from options (profile, only, skip, fail-on). */
void cli_selection(const struct cli_args *a, struct cg_selection *sel);
/* The reports asked for: the i-th --format goes to the i-th --output; a --format without its
 * --output goes to stdout (one at most), an --output without a --format gets text (one at most).
 * Prints the reason and returns EXIT_USAGE when the pairs do not work out, else 0. */
int cli_check_reports(const struct cli_verb *verb, const struct cli_args *a);
/* Whether one of the reports goes to stdout in a format other than text (then the rest of the
 * output, plans and summaries, belongs on stderr). */
bool cli_report_on_stdout(const struct cli_args *a);
/* Write REP once per --format/--output pair: a file by a temp name beside it (O_EXCL, O_NOFOLLOW),
 * fsync and rename; a device or FIFO in place; no --output: stdout. Every pair is tried; returns 0,
 * or EXIT_ERROR when one could not be written. */
int cli_write_reports(const struct cli_args *a, const struct cg_report *rep);
