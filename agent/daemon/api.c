/* SPDX-License-Identifier: Apache-2.0 */
/* API handlers: health, status, runs, report, ready — routing, authentication and JSON. */
#include "api.h"

#include "severity.h"
#include "token.h"

void api_error(struct api_response *rs, unsigned status, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_decref(rs->body);
	rs->status = status;
	rs->body = json_pack("{s:{s:i, s:s}}", "error", "status", (int)status, "message", msg ? msg : "error");
}

void api_response_free(struct api_response *rs)
{
	json_decref(rs->body);
	*rs = (struct api_response){0};
}

static int strlist(json_t *v, const char *key, struct strv *out, char **err)
{
	size_t i;
	json_t *it;

	if (!json_is_array(v)) {
		*err = xasprintf("'%s' must be a list of check ids or globs", key);
		return -EINVAL;
	}
	json_array_foreach(v, i, it) {
		if (!json_is_string(it) || !*json_string_value(it)) {
			*err = xasprintf("'%s' must be a list of check ids or globs", key);
			return -EINVAL;
		}
		strv_push(out, json_string_value(it));
	}
	return 0;
}

int api_parse_run_request(const char *body, size_t len, bool remediate_default, struct run_request *req, char **err)
{
	json_error_t jerr;
	json_t *doc, *v;
	const char *key;
	int r = 0;

	*req = (struct run_request){.remediate = remediate_default, .fail_on = -1};
	/* an empty body asks for the defaults */
	while (len && (body[len - 1] == ' ' || body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == '\t'))
		len--;
	if (!body || len == 0)
		return 0;
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		*err = xasprintf("request body: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		*err = xstrdup("request body must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach(doc, key, v) {
		if (streq(key, "remediate")) {
			if (!json_is_boolean(v)) {
				*err = xstrdup("'remediate' must be true or false");
				r = -EINVAL;
			} else
				req->remediate = json_is_true(v);
		} else if (streq(key, "profile")) {
			if (!json_is_string(v) || !*json_string_value(v)) {
				*err = xstrdup("'profile' must be a profile name");
				r = -EINVAL;
			} else {
				free(req->profile);
				req->profile = xstrdup(json_string_value(v));
			}
		} else if (streq(key, "only"))
			r = strlist(v, key, &req->only, err);
		else if (streq(key, "skip"))
			r = strlist(v, key, &req->skip, err);
		else if (streq(key, "fail_on")) {
			enum cg_severity s;
			if (!json_is_string(v) || severity_from_string(json_string_value(v), &s) < 0) {
				*err = xstrdup("'fail_on' must be one of info, low, medium, high, critical");
				r = -EINVAL;
			} else
				req->fail_on = (int)s;
		} else {
			*err = xasprintf("unknown key '%s' (expected remediate, profile, only, skip, fail_on)", key);
			r = -EINVAL;
		}
		if (r < 0)
			break;
	}
	json_decref(doc);
	if (r < 0)
		run_request_free(req);
	return r;
}

/* The summary part of a report, with the verdict, for status and ready answers. */
static json_t *summary_of(json_t *report)
{
	json_t *sum = json_object_get(report, "summary");
	return sum ? json_deep_copy(sum) : json_null();
}

/* Failing checks by id: what a provisioner prints when the gate blocks. */
static json_t *failed_of(json_t *report)
{
	json_t *out = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		if (st && (streq(st, "fail") || streq(st, "error")))
			json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:i}",
				"id", json_object_get(c, "id"), "severity", json_object_get(c, "severity"),
				"status", json_object_get(c, "status"),
				"findings", (int)json_array_size(json_object_get(c, "findings"))));
	}
	return out;
}

static json_t *run_id_json(enum runner_state st, const char *run_id)
{
	return st == RUNNER_IDLE || !run_id[0] ? json_null() : json_string(run_id);
}

static void handle_status(const struct api *api, struct api_response *rs)
{
	enum runner_state st;
	char run_id[33];
	json_t *report;
	char *error;

	runner_snapshot(api->runner, &st, run_id, &report, &error);
	rs->status = 200;
	rs->body = json_pack("{s:s, s:o, s:o}", "state", runner_state_name(st), "run_id", run_id_json(st, run_id),
			     "summary", st == RUNNER_RUNNING ? json_null() : summary_of(report));
	if (error && st == RUNNER_ERROR)
		json_object_set_new(rs->body, "error", json_string(error));
	json_decref(report);
	free(error);
}

static void handle_ready(const struct api *api, struct api_response *rs)
{
	enum runner_state st;
	char run_id[33];
	json_t *report;
	char *error;

	runner_snapshot(api->runner, &st, run_id, &report, &error);
	rs->body = json_pack("{s:s, s:o}", "state", runner_state_name(st), "run_id", run_id_json(st, run_id));
	switch (st) {
	case RUNNER_IDLE:
	case RUNNER_RUNNING:
		/* 503 is what curl --retry retries, and Retry-After paces it */
		rs->status = 503;
		rs->retry_after = 1;
		json_object_set_new(rs->body, "message", json_string(st == RUNNER_IDLE ? "no run yet: POST /v1/runs starts one"
										       : "the run is in progress"));
		break;
	case RUNNER_READY:
		rs->status = 200;
		json_object_set_new(rs->body, "summary", summary_of(report));
		break;
	case RUNNER_BLOCKED:
		/* 412: a plain 4xx that curl does not retry, so a blocked image fails at once */
		rs->status = 412;
		json_object_set_new(rs->body, "summary", summary_of(report));
		json_object_set_new(rs->body, "failed", failed_of(report));
		break;
	case RUNNER_ERROR:
		rs->status = 500;
		json_object_set_new(rs->body, "error", json_string(error ? error : "the run could not complete"));
		if (report) {
			json_object_set_new(rs->body, "summary", summary_of(report));
			json_object_set_new(rs->body, "failed", failed_of(report));
		}
		break;
	}
	json_decref(report);
	free(error);
}

/* The latest run's report only: while it runs, 503; when it ended without one, 500 with its error. */
static void handle_report(const struct api *api, struct api_response *rs)
{
	enum runner_state st;
	char run_id[33];
	json_t *report;
	char *error;

	runner_snapshot(api->runner, &st, run_id, &report, &error);
	if (st == RUNNER_IDLE) {
		api_error(rs, 404, "no report yet: no run has completed");
	} else if (st == RUNNER_RUNNING) {
		json_decref(report);
		report = NULL;
		rs->status = 503;
		rs->retry_after = 1;
		rs->body = json_pack("{s:s, s:s, s:s}", "state", "running", "run_id", run_id, "message",
				     "the run is in progress; its report comes when it ends");
	} else if (!report) {
		api_error(rs, 500, "run %s produced no report: %s", run_id, error ? error : "the run could not complete");
		json_object_set_new(rs->body, "run_id", json_string(run_id));
		json_object_set_new(rs->body, "state", json_string(runner_state_name(st)));
	} else {
		rs->status = 200;
		rs->body = report;
		report = NULL;
	}
	json_decref(report);
	free(error);
}

/* DELETE /v1/runs/ID: cancel the latest run while it runs. */
static void handle_cancel(const struct api *api, const char *id, struct api_response *rs)
{
	int r = runner_cancel(api->runner, id);

	if (r == -ENOENT)
		api_error(rs, 404, "no run with that id is the latest run");
	else if (r == -EALREADY)
		api_error(rs, 409, "the run is over; nothing to cancel");
	else {
		rs->status = 202;
		rs->body = json_pack("{s:s, s:s}", "run_id", id, "state", "cancelling");
	}
}

static void handle_runs(const struct api *api, const struct api_request *rq, struct api_response *rs)
{
	struct run_request req;
	_cleanup_free_ char *err = NULL;
	char run_id[33];
	int r;

	r = api_parse_run_request(rq->body, rq->body_len, api->remediate_default, &req, &err);
	if (r < 0) {
		api_error(rs, 400, "%s", err);
		return;
	}
	r = runner_start(api->runner, &req, run_id, &err);
	run_request_free(&req);
	if (r == -EBUSY && err)
		api_error(rs, 409, "%s", err);
	else if (r == -EBUSY)
		api_error(rs, 409, "a run is in progress; wait for it (GET /v1/ready) before starting another");
	else if (r == -EINVAL)
		api_error(rs, 400, "%s", err ? err : "bad selection");
	else if (r < 0)
		api_error(rs, 500, "cannot start a run: %s", strerror(-r));
	else {
		rs->status = 202;
		rs->body = json_pack("{s:s, s:s}", "run_id", run_id, "state", "running");
	}
}

struct route {
	const char *path;
	const char *method;
	bool auth;
	void (*get)(const struct api *api, struct api_response *rs);
	void (*post)(const struct api *api, const struct api_request *rq, struct api_response *rs);
};

static void handle_health(const struct api *api, struct api_response *rs)
{
	rs->status = 200;
	rs->body = json_pack("{s:s, s:s}", "status", "ok", "version", CAPGATE_VERSION);
}

static const struct route routes[] = {
	{"/v1/health", "GET", false, handle_health, NULL},
	{"/v1/status", "GET", true, handle_status, NULL},
	{"/v1/runs", "POST", true, NULL, handle_runs},
	{"/v1/report", "GET", true, handle_report, NULL},
	{"/v1/ready", "GET", true, handle_ready, NULL},
};

void api_handle(const struct api *api, const struct api_request *rq, struct api_response *rs)
{
	const struct route *rt = NULL;

	*rs = (struct api_response){0};
	if (rq->path && startswith(rq->path, "/v1/runs/") && rq->path[9]) {
		const char *id = rq->path + 9;
		if (!rq->method || !streq(rq->method, "DELETE")) {
			api_error(rs, 405, "'/v1/runs/ID' takes DELETE");
			rs->allow = "DELETE";
			return;
		}
		if (!token_check_header(api->token, rq->authorization)) {
			api_error(rs, 401, rq->authorization ? "wrong bearer token" : "missing 'Authorization: Bearer TOKEN' (the token is in the runtime directory)");
			rs->authenticate = true;
			return;
		}
		handle_cancel(api, id, rs);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(routes); i++)
		if (rq->path && streq(routes[i].path, rq->path))
			rt = &routes[i];
	if (!rt) {
		api_error(rs, 404, "no such endpoint (try /v1/health, /v1/status, /v1/runs, /v1/report, /v1/ready)");
		return;
	}
	/* HEAD is GET without a body; the transport drops the body */
	if (!rq->method || !(streq(rq->method, rt->method) || (streq(rt->method, "GET") && streq(rq->method, "HEAD")))) {
		api_error(rs, 405, "'%s' takes %s", rt->path, rt->method);
		rs->allow = streq(rt->method, "GET") ? "GET, HEAD" : rt->method;
		return;
	}
	if (rt->auth && !token_check_header(api->token, rq->authorization)) {
		api_error(rs, 401, rq->authorization ? "wrong bearer token" : "missing 'Authorization: Bearer TOKEN' (the token is in the runtime directory)");
		rs->authenticate = true;
		return;
	}
	if (rt->get)
		rt->get(api, rs);
	else
		rt->post(api, rq, rs);
}
