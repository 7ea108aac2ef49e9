/* SPDX-License-Identifier: Apache-2.0 */
/* The SARIF 2.1.0 writer: GitHub code scanning and Azure DevOps's SARIF viewer read it as is. */
#include "report.h"

#include "redact.h"
#include "registry.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_ROOT_BASE "IMAGEROOT"

/* SARIF has three result levels. "error" is what blocks this image (at or above --fail-on), so code
 * scanning and the gate agree; below it, medium and high warn and the rest are notes. */
static const char *sarif_level(enum cg_severity s, enum cg_severity fail_on)
{
	return s >= fail_on ? "error" : s >= CG_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub ranks security alerts by this 0.0–10.0 score (CVSS bands). */
static const char *sarif_security_severity(enum cg_severity s)
{
	static const char *const score[CG_SEV_COUNT] = {"0.0", "2.0", "5.5", "8.0", "9.5"};
	return score[s];
}

/* A path inside the image as a URI reference relative to the image root: "/etc/a b" -> "etc/a%20b".
 * Everything but RFC 3986 unreserved characters and '/' is percent-encoded, so any byte is safe. */
static char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = {0};

	while (*path == '/')
		path++;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			strbuf_append(&sb, (const char *)p, 1);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			strbuf_append(&sb, esc, 3);
		}
	}
	if (!sb.buf)
		strbuf_puts(&sb, ".");
	return sb.buf;
}

static json_t *sarif_text(const char *s)
{
	return json_pack("{s:o}", "text", report_json_bytes(s && *s ? s : "-"));
}

static json_t *sarif_location(const char *path, unsigned line)
{
	_cleanup_free_ char *uri = sarif_uri(path ? path : "/");
	json_t *phys = json_pack("{s:{s:s, s:s}}", "artifactLocation", "uri", uri, "uriBaseId", SARIF_ROOT_BASE);

	if (line)
		json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", (json_int_t)line));
	return json_pack("{s:o}", "physicalLocation", phys);
}

static json_t *sarif_rule(const struct cg_check *c, enum cg_severity fail_on)
{
	json_t *tags = json_array(), *rule;

	json_array_append_new(tags, json_string("security"));
	for (const char *const *ref = c->refs; ref && *ref; ref++)
		json_array_append_new(tags, json_string(*ref));
	rule = json_pack("{s:s, s:s, s:o, s:o, s:{s:s}, s:{s:s, s:o, s:s}}",
		"id", c->id, "name", c->id,
		"shortDescription", sarif_text(c->title),
		"fullDescription", sarif_text(c->description ? c->description : c->title),
		"defaultConfiguration", "level", sarif_level(c->severity, fail_on),
		"properties", "security-severity", sarif_security_severity(c->severity), "tags", tags,
		"capgate-severity", severity_name(c->severity));
	if (c->remediation)
		json_object_set_new(rule, "help", json_pack("{s:s+}", "text", "capgate fix applies the action ", c->remediation));
	return rule;
}

/* A stable identity for GitHub's alert tracking: check, path, line and sub-rule, not the message. */
static json_t *sarif_fingerprint(const struct cg_check *c, const struct cg_finding *f)
{
	_cleanup_free_ char *key = xasprintf("%s\n%s\n%u\n%s", c->id, f->path ? f->path : "", f->line, f->rule ? f->rule : "");
	char fp[13];

	redact_fingerprint(key, strlen(key), fp);
	return json_pack("{s:s}", "capgateFinding/v1", fp);
}

static json_t *sarif_result(const struct cg_result *r, size_t rule_index, const struct cg_finding *f,
			    enum cg_severity fail_on)
{
	struct strbuf msg = {0};
	json_t *res;

	strbuf_puts(&msg, f->message ? f->message : r->check->title);
	if (f->evidence)
		strbuf_printf(&msg, " [%s]", f->evidence);
	res = json_pack("{s:s, s:I, s:s, s:o, s:[o], s:o}",
		"ruleId", r->check->id, "ruleIndex", (json_int_t)rule_index, "level", sarif_level(r->severity, fail_on),
		"message", sarif_text(msg.buf),
		"locations", sarif_location(f->path, f->line),
		"partialFingerprints", sarif_fingerprint(r->check, f));
	strbuf_free(&msg);
	if (f->rule)
		json_object_set_new(res, "properties", json_pack("{s:o}", "rule", report_json_bytes(f->rule)));
	return res;
}

/* What kept a check from completing: a tool execution notification, so the run is not "clean". */
static json_t *sarif_notification(const struct cg_result *r, size_t rule_index, const struct cg_error *e)
{
	return json_pack("{s:s, s:o, s:[o], s:{s:s, s:I}}",
		"level", "error", "message", sarif_text(e->message),
		"locations", sarif_location(e->path, 0),
		"associatedRule", "id", r->check->id, "index", (json_int_t)rule_index);
}

json_t *report_sarif_json(const struct cg_report *rep)
{
	json_t *rules = json_array(), *results = json_array(), *notes = json_array();
	char started[32];

	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];

		json_array_append_new(rules, sarif_rule(r->check, rep->fail_on));
		if (r->status == CG_FAIL || r->status == CG_ERROR)
			for (size_t k = 0; k < r->nfindings; k++)
				json_array_append_new(results, sarif_result(r, i, &r->findings[k], rep->fail_on));
		for (size_t k = 0; k < r->nerrors; k++)
			json_array_append_new(notes, sarif_notification(r, i, &r->errors[k]));
	}
	util_rfc3339(rep->started_at, started);
	return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:{s:{s:s, s:o}}, s:[{s:b, s:s, s:o}], s:o, s:{s:s, s:s, s:s, s:s}}]}",
		"$schema", SARIF_SCHEMA, "version", "2.1.0",
		"runs",
		"tool", "driver", "name", "capgate", "version", CAPGATE_VERSION, "semanticVersion", CAPGATE_VERSION,
		"rules", rules,
		"originalUriBaseIds", SARIF_ROOT_BASE, "uri", "file:///",
		"description", sarif_text("the root of the judged image; paths are as seen inside the image"),
		"invocations", "executionSuccessful", rep->verdict != CG_VERDICT_ERROR, "startTimeUtc", started,
		"toolExecutionNotifications", notes,
		"results", results,
		"properties", "verdict", scan_verdict_name(rep->verdict), "failOn", severity_name(rep->fail_on),
		"mode", rep->mode ? rep->mode : "offline", "profile", rep->profile ? rep->profile : "baseline");
}

int report_write_sarif(const struct cg_report *rep, FILE *out, bool colour)
{
	json_t *doc = report_sarif_json(rep);
	int r;

	if (!doc)
		return -ENOMEM;
	r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0 ? -EIO : 0;
	fputc('\n', out);
	json_decref(doc);
	return r < 0 || ferror(out) ? -EIO : 0;
}
