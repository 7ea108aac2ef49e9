/* SPDX-License-Identifier: Apache-2.0 */
/* A capgate.report/v1 document read back into a report, so `capgate wait` writes the daemon's run
 * in every format with the same writers as `capgate run`. */
#include "report.h"

#include "registry.h"

static char *dup_or_null(json_t *j)
{
	return json_is_string(j) ? xstrdup(json_string_value(j)) : NULL;
}

static int status_from(const char *s, enum cg_status *out)
{
	static const char *const names[] = {[CG_PASS] = "pass", [CG_FAIL] = "fail", [CG_ERROR] = "error", [CG_SKIP] = "skip"};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (s && streq(s, names[i])) {
			*out = (enum cg_status)i;
			return 0;
		}
	return -EINVAL;
}

static int verdict_from(const char *s, enum cg_verdict *out)
{
	for (int v = CG_READY; v <= CG_VERDICT_ERROR; v++)
		if (s && streq(s, scan_verdict_name((enum cg_verdict)v))) {
			*out = (enum cg_verdict)v;
			return 0;
		}
	return -EINVAL;
}

static time_t time_from(const char *s)
{
	struct tm tm = {0};
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;

	return end && !*end ? timegm(&tm) : 0;
}

static int load_check(json_t *jc, struct cg_result *r, char **err)
{
	const char *id = json_string_value(json_object_get(jc, "id"));
	const struct cg_check *c = id ? registry_find(id) : NULL;
	enum cg_severity sev;
	size_t i;
	json_t *f;

	if (!c) {
		*err = xasprintf("the report names a check this capgate does not know: '%s'", id ? id : "(no id)");
		return -EINVAL;
	}
	if (severity_from_string(json_string_value(json_object_get(jc, "severity")) ?: "", &sev) < 0) {
		*err = xasprintf("check '%s': no valid severity", id);
		return -EINVAL;
	}
	result_init(r, c, sev);
	if (status_from(json_string_value(json_object_get(jc, "status")), &r->status) < 0) {
		*err = xasprintf("check '%s': no valid status", id);
		return -EINVAL;
	}
	r->skip_reason = dup_or_null(json_object_get(jc, "reason"));
	json_array_foreach(json_object_get(jc, "findings"), i, f) {
		json_t *line = json_object_get(f, "line");
		r->findings = xreallocarray(r->findings, r->nfindings + 1, sizeof *r->findings);
		r->findings[r->nfindings++] = (struct cg_finding){
			.path = xstrdup(json_string_value(json_object_get(f, "path")) ?: ""),
			.line = json_is_integer(line) && json_integer_value(line) > 0 ? (unsigned)json_integer_value(line) : 0,
			.rule = dup_or_null(json_object_get(f, "rule")),
			.evidence = dup_or_null(json_object_get(f, "evidence")),
			.message = xstrdup(json_string_value(json_object_get(f, "message")) ?: ""),
		};
	}
	json_array_foreach(json_object_get(jc, "errors"), i, f) {
		r->errors = xreallocarray(r->errors, r->nerrors + 1, sizeof *r->errors);
		r->errors[r->nerrors++] = (struct cg_error){
			.path = xstrdup(json_string_value(json_object_get(f, "path")) ?: ""),
			.message = xstrdup(json_string_value(json_object_get(f, "message")) ?: ""),
		};
	}
	if (json_is_integer(json_object_get(jc, "findings_omitted")) && json_integer_value(json_object_get(jc, "findings_omitted")) > 0)
		r->omitted = (size_t)json_integer_value(json_object_get(jc, "findings_omitted"));
	if (json_is_integer(json_object_get(jc, "duration_ms")) && json_integer_value(json_object_get(jc, "duration_ms")) > 0)
		r->duration_ms = (unsigned long long)json_integer_value(json_object_get(jc, "duration_ms"));
	return 0;
}

int report_from_json(json_t *doc, struct cg_report *rep, char **err)
{
	json_t *checks = json_object_get(doc, "checks"), *jc, *dur = json_object_get(doc, "duration_ms");
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	enum cg_severity fail_on;
	size_t i;

	*rep = (struct cg_report){0};
	*err = NULL;
	if (!schema || !streq(schema, REPORT_SCHEMA) || !json_is_array(checks)) {
		*err = xstrdup("not a " REPORT_SCHEMA " document");
		return -EINVAL;
	}
	if (verdict_from(json_string_value(json_object_get(doc, "verdict")), &rep->verdict) < 0 ||
	    severity_from_string(json_string_value(json_object_get(doc, "fail_on")) ?: "", &fail_on) < 0) {
		*err = xstrdup("the report has no valid verdict or fail_on");
		return -EINVAL;
	}
	rep->fail_on = fail_on;
	rep->root = xstrdup(json_string_value(json_object_get(doc, "root")) ?: "/");
	rep->mode = streq(json_string_value(json_object_get(doc, "mode")) ?: "", "offline") ? "offline" : "live";
	rep->profile = xstrdup(json_string_value(json_object_get(doc, "profile")) ?: "baseline");
	if (json_is_string(json_object_get(doc, "run_id")))
		rep->run_id = xstrdup(json_string_value(json_object_get(doc, "run_id")));
	rep->started_at = time_from(json_string_value(json_object_get(doc, "started_at")));
	rep->duration_ms = json_is_integer(dur) && json_integer_value(dur) > 0 ? (unsigned long long)json_integer_value(dur) : 0;
	rep->results = xcalloc(json_array_size(checks) ? json_array_size(checks) : 1, sizeof *rep->results);
	json_array_foreach(checks, i, jc) {
		if (load_check(jc, &rep->results[rep->n], err) < 0) {
			if (rep->results[rep->n].check)
				rep->n++; /* initialised: freed with the rest */
			scan_report_free(rep);
			return -EINVAL;
		}
		rep->n++;
	}
	if (json_is_array(json_object_get(doc, "actions")))
		rep->actions = json_incref(json_object_get(doc, "actions"));
	return 0;
}
