/* SPDX-License-Identifier: Apache-2.0 */
/* capgate checks / explain: the catalog, printed from the check tables. */
#include "cmds.h"

#include "registry.h"
#include "remediate.h"

static void refs_text(const char *const *refs, FILE *out)
{
	for (size_t i = 0; refs && refs[i]; i++)
		fprintf(out, "%s%s", i ? ", " : "", refs[i]);
}

static json_t *check_json(const struct cg_check *c)
{
	json_t *refs = json_array();
	const char *note;
	enum rem_kind k = remediate_kind(c, &note);

	for (const char *const *r = c->refs; r && *r; r++)
		json_array_append_new(refs, json_string(*r));
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:s, s:o, s:s}",
		"id", c->id, "title", c->title, "severity", severity_name(c->severity),
		"live", (c->modes & CG_LIVE) != 0, "offline", (c->modes & CG_OFFLINE) != 0,
		"refs", refs, "remediation", c->remediation ? json_string(c->remediation) : json_null(),
		"fix", remediate_kind_name(k), "fix_note", note ? json_string(note) : json_null(),
		"description", c->description ? c->description : "");
}

int cmd_checks(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	enum report_format fmt = REPORT_TEXT;
	int r = cli_parse(verb, argc, argv, &a);

	if (r)
		return r;
	if (a.help) {
		cli_usage(verb, stdout);
		cli_args_free(&a);
		return 0;
	}
	if ((a.format && (report_format_from_string(a.format, &fmt) < 0 || fmt > REPORT_JSON)) || a.nrest) {
		fprintf(stderr, "capgate checks: expected '--format text' or '--format json' and no arguments\n");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	if (fmt == REPORT_JSON) {
		json_t *arr = json_array();
		for (const struct cg_family *const *f = registry_families; *f; f++)
			for (size_t i = 0; i < (*f)->n; i++)
				json_array_append_new(arr, check_json(&(*f)->checks[i]));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	} else {
		/* the fix column says what `capgate fix` does: fix, guarded (remediate.allow or --force),
		 * refused (always, with the reason), report-only (no action) */
		for (const struct cg_family *const *f = registry_families; *f; f++) {
			printf("%s — %s\n", (*f)->name, (*f)->title);
			for (size_t i = 0; i < (*f)->n; i++) {
				const struct cg_check *c = &(*f)->checks[i];
				const char *note;
				enum rem_kind k = remediate_kind(c, &note);
				printf("  %-32s %-8s %-12s %s\n", c->id, severity_name(c->severity),
				       note ? "fix (some)" : remediate_kind_name(k), c->title);
			}
		}
		printf("\nfix: fixed by 'capgate fix' in its phase; fix (some): some findings are refused (see explain);\n"
		       "guarded: only when remediate.allow names the check, or --force; refused: 'capgate fix' says\n"
		       "why and leaves it to the build; report-only: no action.\n");
	}
	cli_args_free(&a);
	return fflush(stdout) ? EXIT_ERROR : 0;
}

int cmd_explain(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	const struct cg_check *c;
	int r = cli_parse(verb, argc, argv, &a);

	if (r)
		return r;
	if (a.help) {
		cli_usage(verb, stdout);
		cli_args_free(&a);
		return 0;
	}
	if (a.nrest != 1) {
		fprintf(stderr, "capgate explain: expected one check id\n");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	c = registry_find(a.rest[0]);
	if (!c) {
		fprintf(stderr, "capgate explain: no check '%s' (see 'capgate checks')\n", a.rest[0]);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	const char *note;
	enum rem_kind k = remediate_kind(c, &note);
	printf("%s — %s\n\nseverity:    %s\nruns:        %s%s%s\nremediation: %s\nfix:         %s%s%s\nreferences:  ",
	       c->id, c->title, severity_name(c->severity), (c->modes & CG_LIVE) ? "live" : "",
	       c->modes == CG_ANYWHERE ? ", " : "", (c->modes & CG_OFFLINE) ? "offline" : "",
	       c->remediation ? c->remediation : "none (report only)", remediate_kind_name(k),
	       note ? "; " : "", note ? note : "");
	refs_text(c->refs, stdout);
	printf("\n\n%s\n", c->description ? c->description : "");
	cli_args_free(&a);
	return fflush(stdout) ? EXIT_ERROR : 0;
}

int cmd_version(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	int r = cli_parse(verb, argc, argv, &a);

	if (r)
		return r;
	if (a.help)
		cli_usage(verb, stdout);
	else
		printf("capgate %s\n", CAPGATE_VERSION);
	cli_args_free(&a);
	return 0;
}
