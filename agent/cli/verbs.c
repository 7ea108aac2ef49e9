/* SPDX-License-Identifier: Apache-2.0 */
/* The verb table: every verb, its options and its function. --help and docs read it. */
#include "cmds.h"

#define OPTS(...) ((const enum cli_opt[]){__VA_ARGS__, OPT_COUNT})
#define SELECTION OPT_ROOT, OPT_CONFIG, OPT_PROFILE, OPT_ONLY, OPT_SKIP, OPT_FAIL_ON, OPT_FORMAT, OPT_OUTPUT

const struct cli_verb cli_verbs[] = {
	{"scan", "judge the image and report what must not be captured; changes nothing", NULL,
	 OPTS(SELECTION, OPT_HELP), cmd_scan},
	{"fix", "plan the fixes for what a scan finds, apply them safely, scan again", NULL,
	 OPTS(SELECTION, OPT_DRY_RUN, OPT_PHASE, OPT_FORCE, OPT_MANIFEST, OPT_CROSS_MOUNTS, OPT_HELP), cmd_fix},
	{"run", "the whole gate for Packer's last step: scan, fix (with --remediate), scan again, report", NULL,
	 OPTS(SELECTION, OPT_REMEDIATE, OPT_DRY_RUN, OPT_PHASE, OPT_FORCE, OPT_MANIFEST, OPT_CROSS_MOUNTS, OPT_SIGNAL, OPT_HELP), cmd_run},
	{"checks", "list the check catalog: severity, what fix does with it (fix, guarded, refused, report-only), title", NULL, OPTS(OPT_CATALOG_FORMAT, OPT_HELP), cmd_checks},
	{"explain", "describe one check: what it finds, why, references, remediation", "ID",
	 OPTS(OPT_HELP), cmd_explain},
	{"daemon", "serve the HTTP API (runs, readiness) for provisioners; sd_notify, journal", NULL,
	 OPTS(OPT_LISTEN, OPT_ROOT, OPT_CONFIG, OPT_RUNTIME_DIR, OPT_HELP), cmd_daemon},
	{"wait", "ask the daemon whether the image is ready; exit 0 ready, 1 blocked, 3 error or timeout", NULL,
	 OPTS(OPT_URL, OPT_ALLOW_REMOTE, OPT_TIMEOUT, OPT_TRIGGER, OPT_REMEDIATE, OPT_PROFILE, OPT_ONLY, OPT_RUNTIME_DIR, OPT_FORMAT, OPT_OUTPUT, OPT_HELP), cmd_wait},
	{"signal", "POST a JSON report (stdin) to the callback URL, signed, with retries", NULL,
	 OPTS(OPT_CALLBACK_URL, OPT_CONFIG, OPT_RUN_ID, OPT_HELP), cmd_signal},
	{"version", "print the version", NULL, OPTS(OPT_HELP), cmd_version},
	{NULL, NULL, NULL, NULL, NULL},
};
