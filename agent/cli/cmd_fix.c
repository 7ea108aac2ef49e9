/* SPDX-License-Identifier: Apache-2.0 */
/* capgate fix and capgate run: scan, plan, apply through safefs, rescan, report. */
#include "callback.h"
#include "cmds.h"
#include "pipeline.h"
#include "journal.h"
#include "progress.h"
#include "remediate.h"
#include "rootlock.h"

/* What was done, after the plan: one line per change, failures with their reason. */
static void print_results(const json_t *actions, FILE *out)
{
	size_t i, done = 0, failed = 0;
	json_t *a;

	json_array_foreach(actions, i, a) {
		const char *res = json_string_value(json_object_get(a, "result"));
		if (!streq(res, "done") && !streq(res, "failed"))
			continue;
		done += streq(res, "done");
		failed += streq(res, "failed");
		/* names escaped as the plan prints them: a newline in a name cannot forge a line */
		fprintf(out, "  %-6s %-20s ", res, json_string_value(json_object_get(a, "action")));
		util_fput_escaped(out, json_string_value(json_object_get(a, "path")));
		if (streq(res, "failed")) {
			fputs(": ", out);
			util_fput_escaped(out, json_string_value(json_object_get(a, "reason")));
		}
		fputc('\n', out);
	}
	fprintf(out, "applied: %zu done, %zu failed\n", done, failed);
}

static void lock_waiting(pid_t holder, void *userdata)
{
	const char *verb = *(const char *const *)userdata;

	if (holder > 0)
		fprintf(stderr, "capgate %s: another fix holds this root (pid %ld); waiting\n", verb, (long)holder);
	else
		fprintf(stderr, "capgate %s: another fix holds this root; waiting\n", verb);
}

static int fix_or_run(const struct cli_verb *verb, int argc, char **argv, bool is_run)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	struct cg_ctx ctx = {.fs.root_fd = -1};
	struct cg_selection sel;
	struct cg_report rep = {0};
	struct pipeline_opts po = {0};
	unsigned phases = 0;
	int r;

	r = cli_parse(verb, argc, argv, &a);
	if (r)
		return r;
	if (a.help) {
		cli_usage(verb, stdout);
		cli_args_free(&a);
		return 0;
	}
	if (a.phase && remediate_phase_parse(a.phase, &phases) < 0) {
		fprintf(stderr, "capgate %s: --phase '%s': expected any, late or last\n", verb->name, a.phase);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	/* run signals readiness; the last phase (host keys, the build user's access) comes after
	 * that, from `capgate fix --phase last` or waagent, so a reconnect is never needed */
	if (is_run && (phases & REM_PHASE_LAST)) {
		fprintf(stderr, "capgate run: the last phase runs after the gate has signalled; use 'capgate fix --phase last'\n");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	r = cmd_scan_prepare(verb, &a, &cfg, &ctx, &sel);
	if (r == 0) {
		json_t *en = config_get(&cfg, "remediate.enabled");
		po = (struct pipeline_opts){
			.remediate = !is_run || a.remediate || json_is_true(en),
			.dry_run = a.dry_run, .force = a.force, .manifest = a.manifest,
			.phases = phases ? phases : is_run ? REM_PHASES_RUN : 0,
			.plan_out = cli_report_on_stdout(&a) ? stderr : stdout,
		};
		/* one fix at a time per root: a second one waits, and says for whom */
		struct rootlock lock = {.fd = -1};
		if (po.remediate && !a.dry_run) {
			const char *name = verb->name;
			int l = rootlock_acquire(&lock, ctx.fs.root_fd, NULL, -1, lock_waiting, &name, NULL);
			if (l < 0)
				fprintf(stderr, "capgate %s: cannot take the lock of this root in '%s': %s (going on without)\n",
					verb->name, rootlock_runtime_dir(NULL), strerror(-l));
		}
		struct progress pg;
		progress_start(&pg, "scanning");
		r = pipeline_run(&ctx, &sel, &po, &rep);
		progress_stop(&pg);
		rootlock_release(&lock);
		if (r < 0)
			fprintf(stderr, "capgate %s: cannot write manifest '%s': %s\n", verb->name, a.manifest, strerror(-r));
		if (po.remediate && !a.dry_run && rep.actions)
			print_results(rep.actions, po.plan_out);
		int w = cli_write_reports(&a, &rep);
		/* the gate's log: with every report in a file, run still says on stdout what it found */
		if (is_run && a.noutputs && a.noutputs >= a.nformats && w == 0) {
			struct cli_args text = {0};
			w = cli_write_reports(&text, &rep);
		}
		r = r < 0 || w ? EXIT_ERROR : scan_exit_code(&rep);
		/* run --signal URL: the signed POST of the final report (agent/callback.c) */
		if (is_run && a.signal) {
			json_t *doc = report_to_json(&rep);
			_cleanup_free_ char *err = NULL;
			journal_init(false);
			if (callback_send_report(&cfg, a.signal, NULL, doc, &err) < 0) {
				fprintf(stderr, "capgate run: the report was not delivered to '%s'%s%s\n", a.signal,
					err ? ": " : "", err ? err : "");
				r = EXIT_ERROR;
			}
			json_decref(doc);
		}
		scan_report_free(&rep);
	}
	ctx_done(&ctx);
	config_free(&cfg);
	cli_args_free(&a);
	return r;
}

int cmd_fix(const struct cli_verb *verb, int argc, char **argv)
{
	return fix_or_run(verb, argc, argv, false);
}

int cmd_run(const struct cli_verb *verb, int argc, char **argv)
{
	return fix_or_run(verb, argc, argv, true);
}
