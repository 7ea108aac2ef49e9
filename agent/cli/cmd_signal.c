/* SPDX-License-Identifier: Apache-2.0 */
/* capgate signal: POST a report (JSON on stdin) to the callback URL, signed, with retries.
 * The daemon runs it after each run; it also serves pipelines: capgate scan --format json | capgate signal */
#include "callback.h"
#include "cmds.h"
#include "journal.h"
#include "safefs.h"

#define SIGNAL_MAX_REPORT (256u << 20)

int cmd_signal(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	_cleanup_free_ char *buf = NULL, *err = NULL;
	json_error_t jerr;
	json_t *report;
	size_t len;
	int r;

	r = cli_parse_options_only(verb, argc, argv, &a);
	if (r)
		return r < 0 ? 0 : r;
	r = cli_load_config(&a, &cfg);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	journal_init(false);
	r = safefs_read_fd(STDIN_FILENO, SIGNAL_MAX_REPORT, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "capgate signal: cannot read the report from stdin: %s\n", strerror(-r));
		r = EXIT_ERROR;
		goto out;
	}
	report = json_loadb(buf ? buf : "", len, 0, &jerr);
	if (!json_is_object(report) || !json_is_string(json_object_get(report, "verdict"))) {
		fprintf(stderr, "capgate signal: stdin: not a capgate report (line %d: %s)\n", jerr.line,
			report ? "no verdict" : jerr.text);
		json_decref(report);
		r = EXIT_USAGE;
		goto out;
	}
	r = callback_send_report(&cfg, a.url, a.run_id, report, &err);
	json_decref(report);
	if (r == -ENOENT || r == -EINVAL || (r < 0 && err)) {
		fprintf(stderr, "capgate signal: %s\n", err ? err : strerror(-r));
		r = r == -ENOENT || r == -EINVAL ? EXIT_USAGE : EXIT_ERROR;
	} else
		r = r < 0 ? EXIT_ERROR : 0;
out:
	config_free(&cfg);
	cli_args_free(&a);
	return r;
}
