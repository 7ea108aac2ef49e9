/* SPDX-License-Identifier: Apache-2.0 */
/* Option parsing and help text, generated from the verb and option tables. */
#include "cli.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#include "remediate.h"

const struct cli_option cli_options[OPT_COUNT] = {
	[OPT_ROOT] = {"root", 'r', "DIR", "judge the image tree mounted at DIR (offline mode); default /"},
	[OPT_CONFIG] = {"config", 'c', "FILE", "read FILE after /etc/capgate/capgate.json and conf.d/*.json"},
	[OPT_PROFILE] = {"profile", 'p', "NAME", "check bundle: baseline (default), azure, cis-l1, full, or one from config"},
	[OPT_ONLY] = {"only", 0, "IDS", "run only these checks (comma-separated ids, globs or families, e.g. 'secrets.*' or ssh)"},
	[OPT_SKIP] = {"skip", 0, "IDS", "do not run these checks (ids, globs or families)"},
	[OPT_FAIL_ON] = {"fail-on", 0, "SEVERITY", "block at or above info|low|medium|high|critical (default medium)"},
	[OPT_FORMAT] = {"format", 'f', "FORMAT", "report format: text, json (capgate.report/v1), sarif (SARIF 2.1.0) or junit (JUnit XML); repeatable, paired in order with --output"},
	[OPT_OUTPUT] = {"output", 'o', "FILE", "write the report to FILE (atomically) instead of stdout; repeatable"},
	[OPT_HELP] = {"help", 'h', NULL, "show this help"},
	[OPT_DRY_RUN] = {"dry-run", 'n', NULL, "print the plan and change nothing"},
	[OPT_PHASE] = {"phase", 0, "PHASE", "fix up to phase any|late|last (default: last offline, late live)"},
	[OPT_FORCE] = {"force", 0, NULL, "apply fixes a safety rule refuses (host keys without a regenerator, guarded fixes)"},
	[OPT_MANIFEST] = {"manifest", 'm', "FILE", "record every change (path, size, mode, owner, SHA-256 before) in FILE"},
	[OPT_REMEDIATE] = {"remediate", 0, NULL, "fix what has a safe fix (phases any and late), then scan again"},
	[OPT_LISTEN] = {"listen", 'l', "ADDR", "API address: 127.0.0.1:PORT, [::1]:PORT or unix:/PATH (default 127.0.0.1:7463)"},
	[OPT_RUNTIME_DIR] = {"runtime-dir", 0, "DIR", "where the API token lives (default /run/capgate; env CAPGATE_RUNTIME_DIR)"},
	[OPT_URL] = {"url", 'u', "URL", "the daemon: http://127.0.0.1:PORT or unix:/PATH (default: what the daemon wrote in the runtime dir)"},
	[OPT_TIMEOUT] = {"timeout", 't', "DURATION", "give up after DURATION, e.g. 90s or 10m (default 10m); exit 3"},
	[OPT_TRIGGER] = {"trigger", 0, NULL, "start a run first (waits for a run in progress to end)"},
	[OPT_SIGNAL] = {"signal", 0, "URL", "POST the final report to URL, signed (X-Capgate-Signature)"},
	[OPT_RUN_ID] = {"run-id", 0, "ID", "the run the report belongs to (sent as X-Capgate-Run)"},
	[OPT_CATALOG_FORMAT] = {"format", 'f', "FORMAT", "catalog format: text (default) or json"},
	[OPT_CALLBACK_URL] = {"url", 'u', "URL", "the callback receiver (default: callback.url from the config)"},
	[OPT_ALLOW_REMOTE] = {"allow-remote", 0, NULL, "let --url name a host off this machine (the token is sent to it)"},
	[OPT_CROSS_MOUNTS] = {"cross-mounts", 0, NULL, "also change files on mounts under the root that are not the image (bind mounts, tmpfs, host directories)"},
};

void cli_usage(const struct cli_verb *verb, FILE *out)
{
	fprintf(out, "usage: capgate %s%s%s%s\n\n%s\n", verb->name, verb->opts[0] != OPT_COUNT ? " [options]" : "",
		verb->args ? " " : "", verb->args ? verb->args : "", verb->summary);
	if (verb->opts[0] == OPT_COUNT)
		return;
	fputs("\noptions:\n", out);
	for (const enum cli_opt *o = verb->opts; *o != OPT_COUNT; o++) {
		const struct cli_option *co = &cli_options[*o];
		char left[64];
		int n = co->shortname ? snprintf(left, sizeof left, "-%c, --%s", co->shortname, co->name)
				      : snprintf(left, sizeof left, "    --%s", co->name);
		if (co->arg && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, " %s", co->arg);
		fprintf(out, "  %-28s %s\n", left, co->help);
	}
}

void cli_usage_all(FILE *out)
{
	fputs("usage: capgate VERB [options]\n\n"
	      "capgate judges a Linux VM image before capture: credentials, build leftovers, weak\n"
	      "hardening. Exit codes: 0 ready, 1 blocked, 2 usage or configuration error, 3 error.\n\nverbs:\n", out);
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		fprintf(out, "  %-10s %s\n", v->name, v->summary);
	fputs("\n'capgate VERB --help' shows a verb's options.\n", out);
}

int cli_parse(const struct cli_verb *verb, int argc, char **argv, struct cli_args *a)
{
	struct option longopts[OPT_COUNT + 1];
	char shortopts[2 * OPT_COUNT + 2] = "+";
	size_t nl = 0, ns = 1;
	int c;

	*a = (struct cli_args){.fail_on = -1};
	for (const enum cli_opt *o = verb->opts; *o != OPT_COUNT; o++) {
		const struct cli_option *co = &cli_options[*o];
		longopts[nl++] = (struct option){co->name, co->arg ? required_argument : no_argument, NULL, 256 + (int)*o};
		if (co->shortname) {
			shortopts[ns++] = co->shortname;
			if (co->arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl] = (struct option){0};
	shortopts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id = -1;
		if (c >= 256)
			id = c - 256;
		else
			for (const enum cli_opt *o = verb->opts; *o != OPT_COUNT; o++)
				if (cli_options[*o].shortname == c)
					id = (int)*o;
		if (c == '?' || c == ':' || id < 0) {
			const char *bad = argv[optind - 1] ? argv[optind - 1] : "?";
			if (optopt && c == '?')
				fprintf(stderr, "capgate %s: unknown option '-%c'\n", verb->name, optopt);
			else
				fprintf(stderr, "capgate %s: bad option '%s' (unknown, or missing its argument)\n", verb->name, bad);
			fprintf(stderr, "try 'capgate %s --help'\n", verb->name);
			cli_args_free(a);
			return EXIT_USAGE;
		}
		switch ((enum cli_opt)id) {
		case OPT_ROOT: a->root = optarg; break;
		case OPT_CONFIG: a->config = optarg; break;
		case OPT_PROFILE: a->profile = optarg; break;
		case OPT_ONLY: strv_split_commas(&a->only, optarg); break;
		case OPT_SKIP: strv_split_commas(&a->skip, optarg); break;
		case OPT_FORMAT:
		case OPT_OUTPUT: {
			bool fmt = id == OPT_FORMAT;
			size_t *n = fmt ? &a->nformats : &a->noutputs;
			if (*n == CLI_MAX_REPORTS) {
				fprintf(stderr, "capgate %s: at most %d --%s options\n", verb->name, CLI_MAX_REPORTS,
					fmt ? "format" : "output");
				cli_args_free(a);
				return EXIT_USAGE;
			}
			(fmt ? a->formats : a->outputs)[(*n)++] = optarg;
			if (fmt && !a->format)
				a->format = optarg;
			if (!fmt && !a->output)
				a->output = optarg;
			break;
		}
		case OPT_HELP: a->help = true; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_PHASE: a->phase = optarg; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_MANIFEST: a->manifest = optarg; break;
		case OPT_REMEDIATE: a->remediate = true; break;
		case OPT_LISTEN: a->listen = optarg; break;
		case OPT_RUNTIME_DIR: a->runtime_dir = optarg; break;
		case OPT_URL:
		case OPT_CALLBACK_URL: a->url = optarg; break;
		case OPT_TIMEOUT: a->timeout = optarg; break;
		case OPT_TRIGGER: a->trigger = true; break;
		case OPT_SIGNAL: a->signal = optarg; break;
		case OPT_RUN_ID: a->run_id = optarg; break;
		case OPT_CATALOG_FORMAT: a->format = optarg; break;
		case OPT_ALLOW_REMOTE: a->allow_remote = true; break;
		case OPT_CROSS_MOUNTS: a->cross_mounts = true; break;
		case OPT_FAIL_ON: {
			enum cg_severity s;
			if (severity_from_string(optarg, &s) < 0) {
				fprintf(stderr, "capgate %s: --fail-on '%s': expected info, low, medium, high or critical\n",
					verb->name, optarg);
				cli_args_free(a);
				return EXIT_USAGE;
			}
			a->fail_on = (int)s;
			break;
		}
		case OPT_COUNT: break;
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
	return 0;
}

int cli_parse_options_only(const struct cli_verb *verb, int argc, char **argv, struct cli_args *a)
{
	int r = cli_parse(verb, argc, argv, a);

	if (r)
		return r;
	if (a->help) {
		cli_usage(verb, stdout);
		cli_args_free(a);
		return -1;
	}
	if (a->nrest > 0) {
		fprintf(stderr, "capgate %s: unexpected argument '%s'\n", verb->name, a->rest[0]);
		cli_args_free(a);
		return EXIT_USAGE;
	}
	return 0;
}

void cli_args_free(struct cli_args *a)
{
	strv_free(&a->only);
	strv_free(&a->skip);
}

int cli_load_config(const struct cli_args *a, struct cg_config *cfg)
{
	const char *dir = getenv("CAPGATE_CONFDIR");
	_cleanup_free_ char *err = NULL;
	int r;

	config_init(cfg);
	r = config_load_dir(cfg, dir && *dir ? dir : CONFIG_DEFAULT_DIR, &err);
	if (r == 0 && a->config)
		r = config_load_file(cfg, a->config, &err);
	if (r == 0)
		r = config_settle(cfg, &err);
	if (r < 0) {
		fprintf(stderr, "capgate: %s\n", err ? err : "configuration error");
		return EXIT_USAGE;
	}
	return 0;
}

void cli_selection(const struct cli_args *a, struct cg_selection *sel)
{
	*sel = (struct cg_selection){.profile = a->profile, .fail_on = a->fail_on};
	sel->only = a->only;
	sel->skip = a->skip;
}

int cli_check_reports(const struct cli_verb *verb, const struct cli_args *a)
{
	enum report_format fmt;

	for (size_t i = 0; i < a->nformats; i++)
		if (report_format_from_string(a->formats[i], &fmt) < 0) {
			fprintf(stderr, "capgate %s: --format '%s': expected %s\n", verb->name, a->formats[i], report_format_list());
			return EXIT_USAGE;
		}
	if (a->nformats > a->noutputs + 1) {
		fprintf(stderr, "capgate %s: --format '%s' has no --output: only one report can go to stdout\n",
			verb->name, a->formats[a->noutputs + 1]);
		return EXIT_USAGE;
	}
	/* an --output without its --format: only the one-report form, '--output FILE' (text) */
	if (a->noutputs > a->nformats && !(a->nformats == 0 && a->noutputs == 1)) {
		fprintf(stderr, "capgate %s: --output '%s' has no --format (give one --format per --output)\n",
			verb->name, a->outputs[a->nformats]);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < a->noutputs; i++)
		for (size_t k = 0; k < i; k++)
			if (streq(a->outputs[i], a->outputs[k]) && !streq(a->outputs[i], "/dev/null")) {
				fprintf(stderr, "capgate %s: --output '%s' is given twice\n", verb->name, a->outputs[i]);
				return EXIT_USAGE;
			}
	return 0;
}

bool cli_report_on_stdout(const struct cli_args *a)
{
	return a->nformats > a->noutputs && !streq(a->formats[a->nformats - 1], "text");
}

/* One report to FILE: a device or FIFO in place, a regular file through a temp name and rename. */
static int write_report_file(const char *file, enum report_format fmt, const struct cg_report *rep)
{
	_cleanup_free_ char *tmp = NULL;
	struct stat st;
	FILE *out;
	int r, fd;

	/* a device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place: renaming a file
	 * over it would replace the device */
	if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "capgate: cannot write '%s': is a directory\n", file);
			return EXIT_ERROR;
		}
		fd = open(file, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		out = fd < 0 ? NULL : fdopen(fd, "w");
		if (!out) {
			fprintf(stderr, "capgate: cannot write '%s': %m\n", file);
			if (fd >= 0)
				close(fd);
			return EXIT_ERROR;
		}
		r = report_write(rep, fmt, out, false);
		if (fclose(out) != 0 && r == 0)
			r = -EIO;
		if (r < 0)
			fprintf(stderr, "capgate: cannot write '%s': %s\n", file, strerror(-r));
		return r < 0 ? EXIT_ERROR : 0;
	}

	/* a regular report file: a new temp file beside it (never an existing name, never through a
	 * link someone planted), fsync, rename over the name */
	tmp = xasprintf("%s.XXXXXX", file);
	fd = mkostemp(tmp, O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		fprintf(stderr, "capgate: cannot write '%s': %m\n", file);
		return EXIT_ERROR;
	}
	fchmod(fd, 0644);
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		unlink(tmp);
		return EXIT_ERROR;
	}
	r = report_write(rep, fmt, out, false);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0)
		r = -errno; /* the real reason (ENOSPC, EDQUOT, EIO), not a generic one */
	if (fclose(out) != 0)
		r = -EIO;
	if (r == 0 && rename(tmp, file) < 0)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "capgate: cannot write '%s': %s\n", file, strerror(-r));
		unlink(tmp);
		return EXIT_ERROR;
	}
	return 0;
}

int cli_write_reports(const struct cli_args *a, const struct cg_report *report)
{
	struct cg_report labelled = *report, *rep = &labelled;
	size_t n = a->nformats > a->noutputs ? a->nformats : a->noutputs;
	int rc = 0;

	if (n == 0)
		n = 1; /* text on stdout */
	labelled.fix_label = remediate_label;
	for (size_t i = 0; i < n; i++) {
		enum report_format fmt = REPORT_TEXT;
		int r;

		if (i < a->nformats)
			report_format_from_string(a->formats[i], &fmt); /* validated before the scan */
		if (i < a->noutputs)
			r = write_report_file(a->outputs[i], fmt, rep);
		else
			r = report_write(rep, fmt, stdout, fmt == REPORT_TEXT && report_want_colour(STDOUT_FILENO)) < 0 ||
					    fflush(stdout)
				    ? EXIT_ERROR
				    : 0;
		if (r)
			rc = EXIT_ERROR;
	}
	return rc;
}
