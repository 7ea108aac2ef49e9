/* SPDX-License-Identifier: Apache-2.0 */
/* The JUnit XML writer: one testcase per check, for Azure DevOps PublishTestResults and CI test tabs. */
#include "report.h"

#include "registry.h"

/* A check fails its testcase only when it blocks the gate; a finding below --fail-on is logged in
 * <system-out>, so the pipeline's test tab agrees with the exit code. */
static bool junit_blocks(const struct cg_report *rep, const struct cg_result *r)
{
	return (r->status == CG_FAIL || r->status == CG_ERROR) && r->nfindings + r->omitted > 0 &&
	       r->severity >= rep->fail_on;
}

/* Length of the valid UTF-8 sequence at P (1-4), or 0 when it is not valid (XML 1.0 wants UTF-8). */
static size_t junit_utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, and U+FFFE/U+FFFF are not XML characters */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* Untrusted text (paths, messages) as XML character data or an attribute value: markup escaped,
 * and bytes XML 1.0 cannot carry (controls, broken UTF-8) written as the visible text \xNN. */
static void junit_put(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n = junit_utf8_len(p);
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		default:
			if (n == 0 || (*p < 0x20) || *p == 0x7f) {
				fprintf(out, "\\x%02x", *p);
				n = 1;
			} else {
				fwrite(p, 1, n, out);
			}
		}
		p += n ? n : 1;
	}
}

static void junit_put_finding(FILE *out, const struct cg_finding *f)
{
	junit_put(out, f->path);
	if (f->line)
		fprintf(out, ":%u", f->line);
	fputs(": ", out);
	junit_put(out, f->message);
	if (f->evidence) {
		fputs(" [", out);
		junit_put(out, f->evidence);
		fputc(']', out);
	}
	fputs("&#10;", out);
}

static void junit_testcase(FILE *out, const struct cg_report *rep, const struct cg_result *r, const char *suite)
{
	const struct cg_check *c = r->check;
	size_t total = r->nfindings + r->omitted;

	/* the name is the check id, stable across releases and titles, so CI tracks a test's history;
	 * the title, severity and what fix does with it are properties */
	fprintf(out, "    <testcase classname=\"%s\" name=\"", suite);
	junit_put(out, c->id);
	fprintf(out, "\" time=\"%.3f\">\n", (double)r->duration_ms / 1000.0);
	fputs("      <properties>\n        <property name=\"title\" value=\"", out);
	junit_put(out, c->title);
	fprintf(out, "\"/>\n        <property name=\"severity\" value=\"%s\"/>\n", severity_name(r->severity));
	if (rep->fix_label)
		fprintf(out, "        <property name=\"fix\" value=\"%s\"/>\n", rep->fix_label(c));
	fputs("      </properties>\n", out);
	if (r->status == CG_SKIP) {
		fputs("      <skipped message=\"", out);
		junit_put(out, r->skip_reason ? r->skip_reason : "not applicable");
		fputs("\"/>\n", out);
	}
	if (junit_blocks(rep, r)) {
		fprintf(out, "      <failure type=\"%s\" message=\"%zu finding%s (severity %s; fix: %s)\">",
			severity_name(r->severity), total, total == 1 ? "" : "s", severity_name(r->severity),
			rep->fix_label ? rep->fix_label(c) : c->remediation ? "see capgate explain" : "report-only");
		for (size_t k = 0; k < r->nfindings; k++)
			junit_put_finding(out, &r->findings[k]);
		if (r->omitted)
			fprintf(out, "... and %zu more&#10;", r->omitted);
		fputs("</failure>\n", out);
	}
	if (r->status == CG_ERROR) {
		fprintf(out, "      <error type=\"error\" message=\"%zu path%s could not be judged\">", r->nerrors,
			r->nerrors == 1 ? "" : "s");
		for (size_t k = 0; k < r->nerrors; k++) {
			junit_put(out, r->errors[k].path);
			fputs(": ", out);
			junit_put(out, r->errors[k].message);
			fputs("&#10;", out);
		}
		fputs("</error>\n", out);
	}
	if (!junit_blocks(rep, r) && r->nfindings) {
		/* below the threshold: visible in the log, not a failure */
		if (r->status == CG_SKIP) /* deferred to the last phase: kept, not judged by this run */
			fprintf(out, "      <system-out>%zu finding%s not judged by this run:&#10;", total, total == 1 ? "" : "s");
		else
			fprintf(out, "      <system-out>%zu finding%s below --fail-on %s:&#10;", total, total == 1 ? "" : "s",
				severity_name(rep->fail_on));
		for (size_t k = 0; k < r->nfindings; k++)
			junit_put_finding(out, &r->findings[k]);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

struct junit_counts {
	size_t tests, failures, errors, skipped;
	unsigned long long ms;
};

static struct junit_counts junit_count(const struct cg_report *rep, const struct cg_family *fam)
{
	struct junit_counts n = {0};

	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];
		if (fam && !(r->check >= fam->checks && r->check < fam->checks + fam->n))
			continue;
		n.tests++;
		n.failures += junit_blocks(rep, r);
		n.errors += r->status == CG_ERROR;
		n.skipped += r->status == CG_SKIP;
		n.ms += r->duration_ms;
	}
	return n;
}

static bool junit_action_failed(json_t *a)
{
	json_t *res = json_object_get(a, "result");
	return json_is_string(res) && streq(json_string_value(res), "failed");
}

/* A fix that failed makes the run an error (exit 3) with every check passing: it is an <error>
 * testcase of its own suite, so the test tab is not green when the gate said error. */
static void junit_actions(FILE *out, const struct cg_report *rep, size_t nfailed, const char *ts)
{
	size_t i;
	json_t *a;

	fprintf(out, "  <testsuite name=\"capgate.actions\" tests=\"%zu\" failures=\"0\" errors=\"%zu\" skipped=\"0\" time=\"0.000\" timestamp=\"%s\">\n",
		nfailed, nfailed, ts);
	json_array_foreach(rep->actions, i, a) {
		if (!junit_action_failed(a))
			continue;
		fputs("    <testcase classname=\"capgate.actions\" name=\"", out);
		junit_put(out, json_string_value(json_object_get(a, "check")));
		fputc(' ', out);
		junit_put(out, json_string_value(json_object_get(a, "action")));
		fputc(' ', out);
		junit_put(out, json_string_value(json_object_get(a, "path")));
		fputs("\" time=\"0.000\">\n      <error type=\"action-failed\" message=\"", out);
		junit_put(out, json_string_value(json_object_get(a, "reason")) ?: "the fix failed");
		fputs("\"/>\n    </testcase>\n", out);
	}
	fputs("  </testsuite>\n", out);
}

int report_write_junit(const struct cg_report *rep, FILE *out, bool colour)
{
	struct junit_counts all = junit_count(rep, NULL);
	size_t nfailed = 0, ia;
	json_t *a;
	char ts[32];

	json_array_foreach(rep->actions, ia, a)
		nfailed += junit_action_failed(a);
	all.tests += nfailed;
	all.errors += nfailed;

	util_rfc3339(rep->started_at, ts);
	ts[19] = '\0'; /* JUnit's timestamp is ISO 8601 without a zone */
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"capgate\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		all.tests, all.failures, all.errors, all.skipped, (double)rep->duration_ms / 1000.0);
	/* one testsuite per check family, in catalog order */
	for (const struct cg_family *const *f = registry_families; *f; f++) {
		struct junit_counts n = junit_count(rep, *f);
		_cleanup_free_ char *suite = xasprintf("capgate.%s", (*f)->name);

		if (!n.tests)
			continue;
		fprintf(out, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n",
			suite, n.tests, n.failures, n.errors, n.skipped, (double)n.ms / 1000.0, ts);
		fputs("    <properties>\n      <property name=\"root\" value=\"", out);
		junit_put(out, rep->root);
		fprintf(out, "\"/>\n      <property name=\"verdict\" value=\"%s\"/>\n      <property name=\"fail_on\" value=\"%s\"/>\n    </properties>\n",
			scan_verdict_name(rep->verdict), severity_name(rep->fail_on));
		for (size_t i = 0; i < rep->n; i++) {
			const struct cg_result *r = &rep->results[i];
			if (r->check >= (*f)->checks && r->check < (*f)->checks + (*f)->n)
				junit_testcase(out, rep, r, suite);
		}
		fputs("  </testsuite>\n", out);
	}
	if (nfailed)
		junit_actions(out, rep, nfailed, ts);
	fputs("</testsuites>\n", out);
	return ferror(out) ? -EIO : 0;
}
