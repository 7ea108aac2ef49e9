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

/* Parsed options; fields are set only for options the verb accepts. */
struct cli_args {
	const char *root, *config, *profile, *format, *output;
	struct strv only, skip;
	int fail_on; /* -1: not given */
	bool help;
	bool dry_run, force, remediate, cross_mounts; /* fix, run */
	const char *phase, *manifest;
	const char *listen, *runtime_dir, *url, *timeout, *signal, *run_id; /* daemon, wait, run --signal, signal */
	bool trigger;
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
/* Write a report to --output (atomically) or stdout. Returns 0 or EXIT_ERROR. */
int cli_write_report(const struct cli_args *a, const struct cg_report *rep);
