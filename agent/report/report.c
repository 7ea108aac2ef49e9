/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering a scan as text or as the capgate.report/v1 JSON document; the table of every format. */
#include "report.h"

#include "registry.h"

static int write_text(const struct cg_report *rep, FILE *out, bool colour);
static int write_json(const struct cg_report *rep, FILE *out, bool colour);

/* Every report format: its --format name and its writer. */
static const struct {
	const char *name;
	int (*write)(const struct cg_report *rep, FILE *out, bool colour);
} formats[REPORT_FORMAT_COUNT] = {
	[REPORT_TEXT] = {"text", write_text},
	[REPORT_JSON] = {"json", write_json},
	[REPORT_SARIF] = {"sarif", report_write_sarif},
	[REPORT_JUNIT] = {"junit", report_write_junit},
};

int report_format_from_string(const char *s, enum report_format *out)
{
	for (int i = 0; i < REPORT_FORMAT_COUNT; i++)
		if (streq(s, formats[i].name)) {
			*out = (enum report_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *report_format_name(enum report_format f)
{
	return f < REPORT_FORMAT_COUNT ? formats[f].name : "?";
}

const char *report_format_list(void)
{
	static char list[64];
	if (!list[0]) {
		struct strbuf sb = {0};
		for (int i = 0; i < REPORT_FORMAT_COUNT; i++)
			strbuf_printf(&sb, "%s%s", i == 0 ? "" : i == REPORT_FORMAT_COUNT - 1 ? " or " : ", ", formats[i].name);
		snprintf(list, sizeof list, "%s", sb.buf);
		strbuf_free(&sb);
	}
	return list;
}

static json_t *refs_json(const char *const *refs)
{
	json_t *a = json_array();
	for (; refs && *refs; refs++)
		json_array_append_new(a, json_string(*refs));
	return a;
}

/* Jansson refuses invalid UTF-8; image paths may hold any bytes, so escape those as \xNN. */
json_t *report_json_bytes(const char *s)
{
	json_t *j;
	struct strbuf sb = {0};

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			strbuf_append(&sb, (const char *)p, 1);
		else
			strbuf_printf(&sb, "\\x%02x", *p);
	}
	j = json_string(sb.buf ? sb.buf : "");
	strbuf_free(&sb);
	return j;
}

json_t *report_to_json(const struct cg_report *rep)
{
	json_t *doc, *checks, *sev_counts;
	size_t counts[5] = {0}, pass = 0, fail = 0, err = 0, skip = 0;
	char ts[32];

	checks = json_array();
	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];
		const struct cg_check *c = r->check;
		json_t *findings = json_array(), *jc;

		switch (r->status) {
		case CG_PASS: pass++; break;
		case CG_FAIL: fail++; break;
		case CG_ERROR: err++; break;
		case CG_SKIP: skip++; break;
		}
		counts[r->severity] += r->nfindings + r->omitted;
		for (size_t k = 0; k < r->nfindings; k++) {
			const struct cg_finding *f = &r->findings[k];
			json_array_append_new(findings, json_pack("{s:o, s:o, s:o, s:o, s:o}",
				"path", report_json_bytes(f->path),
				"line", f->line ? json_integer(f->line) : json_null(),
				"rule", report_json_bytes(f->rule),
				"evidence", report_json_bytes(f->evidence),
				"message", report_json_bytes(f->message)));
		}
		jc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
			"id", c->id, "title", c->title, "severity", severity_name(r->severity),
			"status", result_status_name(r->status), "refs", refs_json(c->refs),
			"remediation", c->remediation ? json_string(c->remediation) : json_null(),
			"findings", findings);
		if (r->omitted)
			json_object_set_new(jc, "findings_omitted", json_integer((json_int_t)r->omitted));
		if (r->skip_reason && r->status == CG_SKIP)
			json_object_set_new(jc, "reason", report_json_bytes(r->skip_reason));
		if (r->nerrors) {
			json_t *errs = json_array();
			for (size_t k = 0; k < r->nerrors; k++)
				json_array_append_new(errs, json_pack("{s:o, s:o}",
					"path", report_json_bytes(r->errors[k].path),
					"message", report_json_bytes(r->errors[k].message)));
			json_object_set_new(jc, "errors", errs);
		}
		json_object_set_new(jc, "duration_ms", json_integer((json_int_t)r->duration_ms));
		json_array_append_new(checks, jc);
	}
	sev_counts = json_object();
	for (int s = CG_SEV_CRITICAL; s >= CG_SEV_INFO; s--)
		json_object_set_new(sev_counts, severity_name((enum cg_severity)s), json_integer((json_int_t)counts[s]));

	util_rfc3339(rep->started_at, ts);
	doc = json_pack("{s:s, s:{s:s, s:s}, s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:o}, s:o, s:o}",
		"schema", REPORT_SCHEMA,
		"tool", "name", "capgate", "version", CAPGATE_VERSION,
		"root", report_json_bytes(rep->root), "mode", rep->mode, "profile", rep->profile,
		"started_at", ts, "duration_ms", (json_int_t)rep->duration_ms,
		"verdict", scan_verdict_name(rep->verdict), "fail_on", severity_name(rep->fail_on),
		"summary", "checks", (json_int_t)rep->n, "pass", (json_int_t)pass, "fail", (json_int_t)fail,
		"error", (json_int_t)err, "skip", (json_int_t)skip, "findings", sev_counts,
		"checks", checks,
		"actions", rep->actions ? json_incref(rep->actions) : json_array());
	if (doc && rep->run_id)
		json_object_set_new(doc, "run_id", json_string(rep->run_id));
	return doc;
}

/* ---- text ---- */

struct palette {
	const char *reset, *bold, *dim, *sev[CG_SEV_COUNT], *ok;
};

static const struct palette plain = {"", "", "", {"", "", "", "", ""}, ""};
static const struct palette ansi = {
	"\033[0m", "\033[1m", "\033[2m",
	{"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"}, "\033[32m",
};

bool report_want_colour(int fd)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	return isatty(fd) && !(nc && *nc) && !(term && streq(term, "dumb"));
}

/* Length of the valid UTF-8 sequence at P (1..4), or 0 when P does not start one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 && *p < 0xe0 ? 2 : 0;

	if (*p >= 0xf5)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Print untrusted text with control characters escaped, so a file name cannot drive the TTY:
 * C0 and DEL, C1 (U+0080-U+009F; terminals honour U+009B as CSI) and bytes that are not UTF-8. */
static void put_safe(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		size_t n = *p >= 0x80 ? utf8_len(p) : 1;
		if (*p < 0x20 || *p == 0x7f || n == 0) {
			fprintf(out, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] < 0xa0) {
			fprintf(out, "\\x%02x\\x%02x", p[0], p[1]);
			p++;
		} else {
			fwrite(p, 1, n, out);
			p += n - 1;
		}
	}
}

static void write_text_where(const struct cg_finding *f, FILE *out)
{
	put_safe(out, f->path);
	if (f->line)
		fprintf(out, ":%u", f->line);
}

static void write_text_evidence(const struct cg_finding *f, FILE *out)
{
	if (f->evidence) {
		fputs(" [", out);
		put_safe(out, f->evidence);
		fputc(']', out);
	}
}

/* One check's findings: a reason several findings share is printed once, as a heading, with
 * their paths below it (six host keys, one sentence); a reason of its own stays on its line. */
static void write_text_findings(const struct cg_result *r, FILE *out)
{
	_cleanup_free_ bool *done = r->nfindings ? xcalloc(r->nfindings, sizeof *done) : NULL;

	for (size_t k = 0; k < r->nfindings; k++) {
		const struct cg_finding *f = &r->findings[k];
		size_t same = 0;

		if (done[k])
			continue;
		for (size_t j = k + 1; j < r->nfindings; j++)
			same += streq(r->findings[j].message, f->message);
		fputs("    ", out);
		if (!same) {
			write_text_where(f, out);
			fputs(": ", out);
			put_safe(out, f->message);
			write_text_evidence(f, out);
			fputc('\n', out);
			continue;
		}
		put_safe(out, f->message);
		fprintf(out, " (%zu paths):\n", same + 1);
		for (size_t j = k; j < r->nfindings; j++) {
			if (done[j] || !streq(r->findings[j].message, f->message))
				continue;
			done[j] = true;
			fputs("      ", out);
			write_text_where(&r->findings[j], out);
			write_text_evidence(&r->findings[j], out);
			fputc('\n', out);
		}
	}
}

static int write_text(const struct cg_report *rep, FILE *out, bool colour)
{
	const struct palette *pl = colour ? &ansi : &plain;
	size_t nfail = 0, nerr = 0, nfind = 0;

	for (int s = CG_SEV_CRITICAL; s >= CG_SEV_INFO; s--) {
		bool header = false;
		for (size_t i = 0; i < rep->n; i++) {
			const struct cg_result *r = &rep->results[i];
			if ((int)r->severity != s || (r->status != CG_FAIL && r->status != CG_ERROR))
				continue;
			if (!header) {
				fprintf(out, "%s%s%s%s\n", pl->bold, pl->sev[s], severity_name((enum cg_severity)s), pl->reset);
				header = true;
			}
			fprintf(out, "  %s%s%s  %s%s%s\n", pl->bold, r->check->id, pl->reset, pl->dim, r->check->title, pl->reset);
			write_text_findings(r, out);
			if (r->omitted)
				fprintf(out, "    ... and %zu more\n", r->omitted);
			for (size_t k = 0; k < r->nerrors; k++) {
				fprintf(out, "    %serror%s ", pl->sev[CG_SEV_HIGH], pl->reset);
				put_safe(out, r->errors[k].path);
				fputs(": ", out);
				put_safe(out, r->errors[k].message);
				fputc('\n', out);
			}
			nfind += r->nfindings + r->omitted;
			if (r->status == CG_FAIL)
				nfail++;
			else
				nerr++;
		}
	}
	const char *vc = rep->verdict == CG_READY ? pl->ok : pl->sev[CG_SEV_CRITICAL];
	fprintf(out, "%s%s%s: %zu checks, %zu failed, %zu errors, %zu findings (fail on %s) in %llu ms\n",
		vc, scan_verdict_name(rep->verdict), pl->reset, rep->n, nfail, nerr, nfind,
		severity_name(rep->fail_on), rep->duration_ms);
	return ferror(out) ? -EIO : 0;
}

static int write_json(const struct cg_report *rep, FILE *out, bool colour)
{
	json_t *doc;
	int r;

	doc = report_to_json(rep);
	r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0 ? -EIO : 0;
	fputc('\n', out);
	json_decref(doc);
	return r < 0 || ferror(out) ? -EIO : 0;
}

int report_write(const struct cg_report *rep, enum report_format format, FILE *out, bool colour)
{
	if (format >= REPORT_FORMAT_COUNT)
		return -EINVAL;
	return formats[format].write(rep, out, colour);
}
