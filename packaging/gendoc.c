/* SPDX-License-Identifier: Apache-2.0 */
/* capgate-gendoc: writes capgate(8), capgate.json(5), the bash completion and docs/checks.md from the
 * verb, option, format, profile, config-key and check tables at build time, so the docs cannot drift
 * from the code (tests/scenarios/docs_generated.sh compares the committed docs/checks.md). */
#include <ctype.h>
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "registry.h"
#include "remediate.h"
#include "report.h"
#include "scan.h"

/* Prose for config keys; a key of the schema table without a row here is still documented (by its
 * type), and the docs test names the keys that lack prose (tests/scenarios/docs_generated.sh). */
static const struct {
	const char *path, *text;
} key_text[] = {
	{"profile", "the check bundle to run when no --profile is given (default baseline)"},
	{"fail_on", "the lowest severity that blocks the image (default medium)"},
	{"scan", "what the scan walks and how much it keeps"},
	{"scan.exclude", "globs over paths inside the image that no check reads"},
	{"scan.max_file_size", "files larger than this are not read for content (default 64M)"},
	{"scan.one_file_system", "do not descend into other mounted file systems (default false)"},
	{"scan.max_findings", "findings kept per check; beyond it only a count (default 1000)"},
	{"scan.workers", "threads for content scanning (default: the number of CPUs)"},
	{"checks", "per-check settings; the key is a check id or a glob such as \"secrets.*\"; an exact id wins over a glob"},
	{"checks.*.enabled", "false turns the check off"},
	{"checks.*.severity", "overrides the check's severity (and so whether it blocks)"},
	{"checks.*.paths", "extra paths inside the image the check reads"},
	{"checks.*.exclude", "globs over paths inside the image whose findings are dropped"},
	{"profiles", "named bundles of checks, used with --profile NAME"},
	{"profiles.*.only", "globs over check ids the profile runs"},
	{"profiles.*.skip", "globs over check ids the profile leaves out"},
	{"profiles.*.fail_on", "the fail threshold while this profile is in use"},
	{"checks.*", "the settings of the checks this id or glob names (it must name at least one)"},
	{"profiles.*", "one profile: only, skip, fail_on"},
	{"ssh", "the ssh.* checks"},
	{"ssh.permit_root_login", "PermitRootLogin values ssh.permit-root-login accepts (default [\"no\"])"},
	{"ssh.use_sshd_t", "live: overlay what sshd -T reports on the parsed configuration (default true)"},
	{"accounts", "the acct.* checks"},
	{"accounts.allowed_users", "regular accounts acct.leftover-users lets stay"},
	{"hardening", "the system hardening families"},
	{"hardening.allow_services", "unit name globs svc.unneeded-daemons accepts"},
	{"hardening.allow_listen", "\"port/proto\" globs svc.listening-sockets accepts besides 22/tcp, 68/udp, 546/udp"},
	{"hardening.allow_packages", "package names the package checks exempt"},
	{"hardening.allow_ip_forwarding", "true for routers and container hosts: net.ip-forwarding passes (default false)"},
	{"hardening.disable_modules", "more modules kernel.unused-modules wants disabled (never udf or vfat)"},
	{"base_image", "os.base-image: where the image came from, asked of Azure IMDS"},
	{"base_image.query", "auto (live, on Azure VMs only; the default), always or never"},
	{"base_image.imds_url", "the instance metadata service (default http://169.254.169.254)"},
	{"base_image.timeout", "the whole IMDS request (default 2s)"},
	{"base_image.allow", "globs over publisher:offer:sku:version or gallery image ids the image may come from"},
	{"base_image.max_age_days", "the base image version's date may be at most this old"},
	{"remediate", "capgate fix, capgate run --remediate and the daemon's runs"},
	{"remediate.enabled", "capgate run fixes without --remediate (default false)"},
	{"remediate.build_users", "the build's users whose access goes in the last phase (default packer, vagrant); never root"},
	{"remediate.allow", "check ids (globs) whose guarded fix may run"},
	{"remediate.skip", "check ids (globs) never fixed"},
	{"remediate.exclude", "paths inside the image (globs) no action touches"},
	{"daemon", "capgate daemon"},
	{"daemon.listen", "127.0.0.1:PORT, [::1]:PORT or unix:/PATH (default 127.0.0.1:7463)"},
	{"daemon.runtime_dir", "where the token and the address are written (default /run/capgate)"},
	{"daemon.run_at_start", "start a run as soon as the daemon listens (default false)"},
	{"daemon.remediate", "the default of remediate in POST /v1/runs (default false)"},
	{"daemon.max_connections", "concurrent HTTP connections (default 64)"},
	{"daemon.max_per_client", "connections one client address (or uid on a unix socket) may hold (default 32)"},
	{"daemon.timeout", "time a request has to arrive, from its first byte; bytes do not extend it (default 10s)"},
	{"daemon.run_timeout", "a run still going after this is stopped with an error (default 1h)"},
	{"daemon.stop_timeout", "on SIGTERM, how long a run gets before SIGKILL (default 10s)"},
	{"callback", "the signed report POST after each run, and capgate signal"},
	{"callback.url", "the http:// or https:// URL the final report is POSTed to"},
	{"callback.secret_file", "the file holding the HMAC secret (CAPGATE_CALLBACK_SECRET wins over it)"},
	{"callback.ca_file", "a CA bundle to verify the receiver's certificate"},
	{"callback.attempts", "deliveries tried before giving up (default 5)"},
	{"callback.backoff", "pause before the first retry, doubling up to 60 s (default 1s)"},
	{"callback.timeout", "one delivery attempt (default 10s)"},
	{"callback.unsigned", "allow a callback without a secret (default false: refused)"},
};

static const char *gendoc_key_text(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(key_text); i++)
		if (streq(key_text[i].path, path))
			return key_text[i].text;
	return NULL;
}

/* roff: a backslash and a leading dot or quote must not be read as requests or escapes. */
static void roff_put(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void roff_option(FILE *out, const struct cli_option *o)
{
	fputs(".TP\n", out);
	if (o->shortname)
		fprintf(out, "\\fB\\-%c\\fR, ", o->shortname);
	fputs("\\fB\\-\\-", out);
	roff_put(out, o->name);
	fputs("\\fR", out);
	if (o->arg)
		fprintf(out, " \\fI%s\\fR", o->arg);
	fputc('\n', out);
	roff_put(out, o->help);
	fputs("\n", out);
}

static void gendoc_check_row(const struct cg_check *c, void *ud)
{
	FILE *out = ud;
	fputs(".TP\n\\fB", out);
	roff_put(out, c->id);
	const char *note;
	enum rem_kind k = remediate_kind(c, &note);
	fprintf(out, "\\fR (%s, %s)\n", severity_name(c->severity), remediate_kind_name(k));
	roff_put(out, c->title);
	if (note) {
		fputs(". Fix: ", out);
		roff_put(out, note);
	}
	fputc('\n', out);
}

static void gendoc_man8(FILE *out)
{
	fprintf(out, ".TH CAPGATE 8 \"\" \"capgate %s\" \"System Administration\"\n", CAPGATE_VERSION);
	fputs(".\\\" generated by capgate-gendoc from the verb, option and check tables; do not edit\n"
	      ".SH NAME\ncapgate \\- the last gate a Linux VM image passes before capture\n.SH SYNOPSIS\n", out);
	for (const struct cli_verb *v = cli_verbs; v->name; v++) {
		fprintf(out, ".B capgate %s\n", v->name);
		for (const enum cli_opt *o = v->opts; *o != OPT_COUNT; o++) {
			const struct cli_option *co = &cli_options[*o];
			if (*o == OPT_HELP)
				continue;
			fprintf(out, "[\\fB\\-\\-%s\\fR%s%s%s]\n", co->name, co->arg ? " \\fI" : "", co->arg ? co->arg : "",
				co->arg ? "\\fR" : "");
		}
		if (v->args)
			fprintf(out, "\\fI%s\\fR\n", v->args);
		fputs(".br\n", out);
	}
	fputs(".SH DESCRIPTION\n"
	      "\\fBcapgate\\fR judges a Linux VM image before it is captured as a golden image: it finds\n"
	      "credentials, build leftovers and weak hardening, can remove or fix them, verifies again, and\n"
	      "tells the image pipeline (Packer, an administrator, systemd) whether the image is ready.\n"
	      "Inside the build VM it judges \\fI/\\fR (live mode); with \\fB\\-\\-root\\fR it judges a mounted\n"
	      "image tree (offline mode) and never writes into it unless asked to fix. Paths in reports are\n"
	      "always as seen inside the image. Secrets are never printed in full: evidence keeps at most four\n"
	      "characters and a SHA\\-256 fingerprint.\n"
	      ".SH VERBS\n", out);
	for (const struct cli_verb *v = cli_verbs; v->name; v++) {
		fprintf(out, ".SS %s%s%s\n", v->name, v->args ? " " : "", v->args ? v->args : "");
		roff_put(out, v->summary);
		fputs(".\n", out);
		if (v->opts[0] != OPT_COUNT) {
			fputs(".RS\n", out);
			for (const enum cli_opt *o = v->opts; *o != OPT_COUNT; o++)
				roff_option(out, &cli_options[*o]);
			fputs(".RE\n", out);
		}
	}
	fputs(".SH OPTIONS\nEvery option, with the verbs that take it.\n", out);
	for (int i = 0; i < OPT_COUNT; i++) {
		roff_option(out, &cli_options[i]);
		fputs(".br\nVerbs:", out);
		for (const struct cli_verb *v = cli_verbs; v->name; v++)
			for (const enum cli_opt *o = v->opts; *o != OPT_COUNT; o++)
				if ((int)*o == i)
					fprintf(out, " %s", v->name);
		fputs(".\n", out);
	}
	fputs(".SH REPORT FORMATS\n", out);
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		static const char *const what[REPORT_FORMAT_COUNT] = {
			[REPORT_TEXT] = "for people; coloured on a terminal unless NO_COLOR is set",
			[REPORT_JSON] = "the capgate.report/v1 document: verdict, summary, every check with its findings, actions",
			[REPORT_SARIF] = "SARIF 2.1.0: one rule per check run, one result per finding located at its path inside the "
					 "image (uriBaseId IMAGEROOT); levels error (critical, high), warning (medium), note (low, info); "
					 "for GitHub code scanning and the Azure DevOps SARIF viewer",
			[REPORT_JUNIT] = "JUnit XML: one testsuite per check family, one testcase per check; a check that blocks "
					 "the image is a <failure> listing its findings, one that could not complete an <error>; "
					 "for Azure DevOps PublishTestResults and other CI test tabs",
		};
		fprintf(out, ".TP\n\\fB%s\\fR\n", report_format_name((enum report_format)f));
		roff_put(out, what[f] ? what[f] : "");
		fputc('\n', out);
	}
	fputs(".SH PROFILES\n", out);
	for (const struct cg_profile *p = scan_profiles; p->name; p++) {
		fprintf(out, ".TP\n\\fB%s\\fR\n", p->name);
		roff_put(out, p->description);
		fputc('\n', out);
	}
	fputs(".SH CHECKS\nThe catalog (\\fBcapgate checks\\fR lists it, \\fBcapgate explain\\fR \\fIID\\fR describes one). "
	      "Each check says what \\fBcapgate fix\\fR does with it: \\fBfix\\fR (fixed in its phase), "
	      "\\fBguarded\\fR (fixed only when remediate.allow names the check, or with \\fB\\-\\-force\\fR), "
	      "\\fBrefused\\fR (never fixed: fix says why and leaves it to the build), "
	      "\\fBreport-only\\fR (no action):\n", out);
	registry_foreach(gendoc_check_row, out);
	fputs(".SH EXIT STATUS\n"
	      ".TP\n\\fB0\\fR\nready: no failing check at or above the fail threshold\n"
	      ".TP\n\\fB1\\fR\nblocked: findings at or above \\fB\\-\\-fail\\-on\\fR\n"
	      ".TP\n\\fB2\\fR\nusage or configuration error; the message names the file, line and reason\n"
	      ".TP\n\\fB3\\fR\nthe run could not complete (I/O error, permission, a check that failed to run); never 0 when a check errored\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\n\\fBCAPGATE_CONFDIR\\fR\nread the configuration from this folder instead of \\fI/etc/capgate\\fR\n"
	      ".TP\n\\fBNO_COLOR\\fR\nplain text reports on a terminal\n"
	      ".SH FILES\n"
	      ".TP\n\\fI/etc/capgate/capgate.json\\fR\nthe configuration, see \\fBcapgate.json\\fR(5)\n"
	      ".TP\n\\fI/etc/capgate/conf.d/*.json\\fR\nread after it, in lexical order\n"
	      ".TP\n\\fBcapgate.service\\fR, \\fBcapgate.socket\\fR\nthe daemon provisioners ask (\\fBcapgate wait\\fR); not enabled on install\n"
	      ".TP\n\\fBcapgate\\-final.service\\fR\nthe read-only final check before capture (\\fBsystemctl start capgate\\-final.service\\fR)\n"
	      ".SH SEE ALSO\n\\fBcapgate.json\\fR(5), \\fBsystemd.service\\fR(5), \\fBpacker\\fR(1)\n", out);
}

static void gendoc_key_row(const char *path, const char *type, void *ud)
{
	FILE *out = ud;
	const char *text = gendoc_key_text(path);

	fputs(".TP\n\\fB", out);
	roff_put(out, path);
	fputs("\\fR (", out);
	roff_put(out, type);
	fputs(")\n", out);
	roff_put(out, text ? text : "(no description yet)");
	fputc('\n', out);
}

static void gendoc_man5(FILE *out)
{
	fprintf(out, ".TH CAPGATE.JSON 5 \"\" \"capgate %s\" \"File Formats\"\n", CAPGATE_VERSION);
	fputs(".\\\" generated by capgate-gendoc from config.c's key table; do not edit\n"
	      ".SH NAME\ncapgate.json \\- configuration of capgate\n"
	      ".SH SYNOPSIS\n\\fI/etc/capgate/capgate.json\\fR, \\fI/etc/capgate/conf.d/*.json\\fR, \\fB\\-\\-config\\fR \\fIFILE\\fR\n"
	      ".SH DESCRIPTION\n"
	      "JSON documents read in this order, later values winning: \\fI/etc/capgate/capgate.json\\fR, then\n"
	      "\\fI/etc/capgate/conf.d/*.json\\fR in lexical order, then the file given with \\fB\\-\\-config\\fR.\n"
	      "Every key is checked against the table below: an unknown key, or a value of the wrong type, is an\n"
	      "error that names the file, line and column, and capgate exits with status 2.\n"
	      "Severities are \\fBinfo\\fR, \\fBlow\\fR, \\fBmedium\\fR, \\fBhigh\\fR and \\fBcritical\\fR.\n"
	      "A \\fB*\\fR in a key stands for any name.\n"
	      ".SH KEYS\n", out);
	config_foreach_key(gendoc_key_row, out);
	fputs(".SH CHECK IDS\nKeys under \\fBchecks\\fR name one of these, or a glob over them:\n.PP\n", out);
	for (const struct cg_family *const *f = registry_families; *f; f++)
		for (size_t i = 0; i < (*f)->n; i++) {
			fputs("\\fB", out);
			roff_put(out, (*f)->checks[i].id);
			fputs("\\fR\n.br\n", out);
		}
	fputs(".SH EXAMPLE\n.nf\n"
	      "{\n"
	      "  \"fail_on\": \"medium\",\n"
	      "  \"scan\": { \"exclude\": [\"/srv/data/**\"] },\n"
	      "  \"checks\": {\n"
	      "    \"gen.tmp-files\": { \"severity\": \"medium\" },\n"
	      "    \"gen.shell-history\": { \"exclude\": [\"/home/demo/*\"] }\n"
	      "  }\n"
	      "}\n.fi\n"
	      ".SH SEE ALSO\n\\fBcapgate\\fR(8)\n", out);
}

static void gendoc_check_word(const struct cg_check *c, void *ud)
{
	fprintf(ud, " %s", c->id);
}

/* Values the completion offers for an option, by the argument's name in the option table. */
static const struct {
	const char *arg, *action;
} bash_values[] = {
	{"DIR", "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\"))"},
	{"FILE", "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))"},
	{"FORMAT", "COMPREPLY=($(compgen -W \"$formats\" -- \"$cur\"))"},
	{"SEVERITY", "COMPREPLY=($(compgen -W \"$severities\" -- \"$cur\"))"},
	{"NAME", "COMPREPLY=($(compgen -W \"$profiles\" -- \"$cur\"))"},
	{"IDS", "COMPREPLY=($(compgen -W \"$checks\" -- \"${cur##*,}\"))"},
};

/* Index in bash_values[] of an option's argument; -1 for an argument of no known kind. */
static int gendoc_bash_kind(const struct cli_option *o)
{
	for (size_t k = 0; k < ELEMENTSOF(bash_values); k++)
		if (streq(o->arg, bash_values[k].arg))
			return (int)k;
	return -1;
}

/* Print the case pattern ("--root|-r)") of every option with an argument of KIND; false if none. */
static bool gendoc_bash_case(FILE *out, int kind)
{
	bool any = false;
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct cli_option *o = &cli_options[i];
		if (!o->arg || gendoc_bash_kind(o) != kind)
			continue;
		fprintf(out, "%s--%s", any ? "|" : "        ", o->name);
		if (o->shortname)
			fprintf(out, "|-%c", o->shortname);
		any = true;
	}
	if (any)
		fputs(")\n", out);
	return any;
}

/* Bash completion: verbs, each verb's options, and values for options whose argument names a
 * known set (FORMAT, SEVERITY, NAME, IDS, ID) or a path (DIR, FILE). */
static void gendoc_bash(FILE *out)
{
	fputs("# bash completion for capgate; generated by capgate-gendoc from the verb and option tables\n"
	      "_capgate()\n{\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n", out);
	fputs("    local verbs='", out);
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		fprintf(out, "%s%s", v == cli_verbs ? "" : " ", v->name);
	fputs("'\n    local checks='", out);
	registry_foreach(gendoc_check_word, out);
	fputs("'\n    local formats='", out);
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
		fprintf(out, "%s%s", f ? " " : "", report_format_name((enum report_format)f));
	fputs("'\n    local profiles='", out);
	for (const struct cg_profile *p = scan_profiles; p->name; p++)
		fprintf(out, "%s%s", p == scan_profiles ? "" : " ", p->name);
	fputs("'\n    local severities='", out);
	for (int s = 0; s < CG_SEV_COUNT; s++)
		fprintf(out, "%s%s", s ? " " : "", severity_name((enum cg_severity)s));
	fputs("'\n"
	      "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "        COMPREPLY=($(compgen -W \"$verbs --help --version\" -- \"$cur\"))\n"
	      "        return\n"
	      "    fi\n"
	      "    case $prev in\n", out);
	for (int k = 0; k < (int)ELEMENTSOF(bash_values); k++)
		if (gendoc_bash_case(out, k))
			fprintf(out, "            %s\n            return ;;\n", bash_values[k].action);
	/* any other option with an argument: no suggestion, but do not offer options either */
	if (gendoc_bash_case(out, -1))
		fputs("            return ;;\n", out);
	fputs("    esac\n    case ${COMP_WORDS[1]} in\n", out);
	for (const struct cli_verb *v = cli_verbs; v->name; v++) {
		fprintf(out, "        %s)\n            COMPREPLY=($(compgen -W '", v->name);
		for (const enum cli_opt *o = v->opts; *o != OPT_COUNT; o++) {
			const struct cli_option *co = &cli_options[*o];
			fprintf(out, "%s--%s", o == v->opts ? "" : " ", co->name);
			if (co->shortname)
				fprintf(out, " -%c", co->shortname);
		}
		fputs("' -- \"$cur\"))", out);
		if (v->args && streq(v->args, "ID"))
			fputs("\n            [[ $cur == -* ]] || COMPREPLY+=($(compgen -W \"$checks\" -- \"$cur\"))", out);
		fputs(" ;;\n", out);
	}
	fputs("    esac\n}\ncomplete -F _capgate capgate\n", out);
}

/* Markdown text: characters that would start emphasis, code, a link, an HTML tag or a table cell
 * are escaped; an underscore inside a word (allow_packages) starts nothing and stays as it is. */
static void md_put(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		bool in_word = p > s && isalnum((unsigned char)p[-1]) && isalnum((unsigned char)p[1]);
		if (strchr("\\`*<>[]|", *p) || (*p == '_' && !in_word))
			fputc('\\', out);
		fputc(*p, out);
	}
}

static void md_refs(FILE *out, const char *const *refs)
{
	for (size_t i = 0; refs && refs[i]; i++) {
		fputs(i ? ", " : "", out);
		md_put(out, refs[i]);
	}
}

/* Whether P selects the family of ID only on images that evidently want it. */
static bool when_evident(const struct cg_profile *p, const char *id)
{
	size_t fam = strcspn(id, ".");
	for (const char *w = p->when_evident; w && *w; w += strcspn(w, ","), w += *w == ',') {
		size_t n = strcspn(w, ",");
		if (n == fam && strncmp(w, id, n) == 0)
			return true;
	}
	return false;
}

static void md_profiles(FILE *out, const struct cg_check *c)
{
	size_t n = 0, all = 0;
	for (const struct cg_profile *p = scan_profiles; p->name; p++, all++)
		n += scan_profile_selects(p, c->id);
	if (n == all) {
		fputs("all", out);
		return;
	}
	n = 0;
	for (const struct cg_profile *p = scan_profiles; p->name; p++)
		if (scan_profile_selects(p, c->id))
			fprintf(out, "%s%s%s", n++ ? ", " : "", p->name, when_evident(p, c->id) ? " (if evident)" : "");
}

static const char *md_runs(unsigned modes)
{
	return modes == CG_ANYWHERE ? "live, offline" : modes & CG_LIVE ? "live only" : "offline only";
}

/* docs/checks.md: the catalog, family by family, each check's row and then its description. */
static void gendoc_checks_md(FILE *out)
{
	size_t nfam = 0;

	for (const struct cg_family *const *f = registry_families; *f; f++)
		nfam++;
	fputs("<!-- generated by capgate-gendoc from the check tables (checks/); do not edit. After changing a\n"
	      "     check, regenerate: build/packaging/capgate-gendoc checks-md docs/checks.md -->\n"
	      "# Check catalog\n\n", out);
	fprintf(out, "%zu checks in %zu families. The binary prints the same catalog: `capgate checks` (or\n"
		     "`--format json`), and `capgate explain ID` describes one check.\n\n", registry_count(), nfam);
	fputs("- **severity** is the default; `checks.ID.severity` in the [configuration](configuration.md)\n"
	      "  changes it. A failing check at or above `--fail-on` (default `medium`) blocks the image.\n"
	      "- **runs**: *live* is inside the build VM (judging `/`), *offline* is against an image tree\n"
	      "  (`--root DIR`). A check asked to run where it cannot is reported as `skip` with the reason.\n"
	      "- **profiles**: the built-in profiles that select the check (*all* is every one of them);\n"
	      "  *(if evident)*: only on an image that evidently wants the family (azure.\\*: waagent\n"
	      "  installed, or Azure in cloud-init's datasource_list).\n"
	      "- **fix**: the remediation action `capgate fix` plans for a finding (see\n"
	      "  [remediation](remediation.md)); *report only* when there is none.\n\n"
	      "## Profiles\n\n| profile | selects |\n| --- | --- |\n", out);
	for (const struct cg_profile *p = scan_profiles; p->name; p++) {
		fprintf(out, "| `%s` | ", p->name);
		md_put(out, p->description);
		fputs(" |\n", out);
	}
	fputs("\n## Families\n\n| family | checks | what |\n| --- | ---: | --- |\n", out);
	for (const struct cg_family *const *f = registry_families; *f; f++) {
		fprintf(out, "| [`%s`](#%s) | %zu | ", (*f)->name, (*f)->name, (*f)->n);
		md_put(out, (*f)->title);
		fputs(" |\n", out);
	}
	for (const struct cg_family *const *f = registry_families; *f; f++) {
		fprintf(out, "\n## %s\n\n", (*f)->name);
		md_put(out, (*f)->title);
		fputs("\n\n| id | severity | runs | profiles | fix | title |\n| --- | --- | --- | --- | --- | --- |\n", out);
		for (size_t i = 0; i < (*f)->n; i++) {
			const struct cg_check *c = &(*f)->checks[i];
			fprintf(out, "| `%s` | %s | %s | ", c->id, severity_name(c->severity), md_runs(c->modes));
			md_profiles(out, c);
			fputs(" | ", out);
			if (c->remediation)
				fprintf(out, "`%s`", c->remediation);
			else
				fputs("report only", out);
			fputs(" | ", out);
			md_put(out, c->title);
			fputs(" |\n", out);
		}
		for (size_t i = 0; i < (*f)->n; i++) {
			const struct cg_check *c = &(*f)->checks[i];
			fprintf(out, "\n### `%s`\n\n", c->id);
			md_put(out, c->description && *c->description ? c->description : c->title);
			fputs("\n", out);
			if (c->refs && c->refs[0]) {
				fputs("\nReferences: ", out);
				md_refs(out, c->refs);
				fputs(".\n", out);
			}
		}
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *what;
		void (*write)(FILE *out);
	} outputs[] = {
		{"man8", gendoc_man8},
		{"man5", gendoc_man5},
		{"bash-completion", gendoc_bash},
		{"checks-md", gendoc_checks_md},
	};
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: capgate-gendoc man8|man5|bash-completion|checks-md OUTPUT\n");
		return 2;
	}
	for (size_t i = 0; i < ELEMENTSOF(outputs); i++) {
		if (!streq(argv[1], outputs[i].what))
			continue;
		out = fopen(argv[2], "we");
		if (!out) {
			fprintf(stderr, "capgate-gendoc: cannot write '%s': %m\n", argv[2]);
			return 1;
		}
		outputs[i].write(out);
		if (fclose(out) != 0) {
			fprintf(stderr, "capgate-gendoc: cannot write '%s': %m\n", argv[2]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "capgate-gendoc: unknown output '%s'\n", argv[1]);
	return 2;
}
