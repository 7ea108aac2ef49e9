/* api.c and runner.c in-process: authentication, every status code of the contract, the state
 * machine, one run at a time, cancellation. The real pipeline runs on fixture trees; a gated
 * wrapper around it holds a run open where a test needs "while running". */
#include <fcntl.h>
#include <pthread.h>

#include "api.h"
#include "config.h"
#include "testutil.h"
#include "token.h"

static char *root;
static struct cg_config cfg;
static struct runner rn;
static struct api api;
static char token[TOKEN_HEX + 1];
static int gate[2] = {-1, -1}; /* a gated run waits for a byte here */
static int gated_rc;           /* what a gated run returns after the real pipeline */

static int gated_pipeline(struct cg_ctx *ctx, const struct cg_selection *sel, const struct pipeline_opts *o,
			  struct cg_report *rep)
{
	char c;
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
	if (gated_rc < 0) {
		*rep = (struct cg_report){0};
		return gated_rc;
	}
	return pipeline_run(ctx, sel, o, rep);
}

/* A run that waits for cancellation, as a long scan would between two checks. */
static int cancellable_pipeline(struct cg_ctx *ctx, const struct cg_selection *sel, const struct pipeline_opts *o,
				struct cg_report *rep)
{
	(void)ctx, (void)sel;
	*rep = (struct cg_report){0};
	while (!*o->cancel)
		usleep(1000);
	return 0;
}

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "", 0444);
	tu_mkdir(root, "tmp", 01777);
	config_init(&cfg);
	runner_init(&rn, root, &cfg);
	ck_assert_int_eq(token_generate(token), 0);
	api = (struct api){.runner = &rn, .token = token};
	ck_assert_int_eq(pipe2(gate, O_CLOEXEC), 0);
	gated_rc = 0;
}

static void teardown(void)
{
	if (gate[1] >= 0)
		close(gate[1]); /* frees a gated run still waiting */
	ck_assert_int_eq(runner_stop(&rn, 10000), 0);
	runner_done(&rn);
	close(gate[0]);
	gate[0] = gate[1] = -1;
	config_free(&cfg);
	tu_rm_rf(root);
	free(root);
}

static unsigned call(const char *method, const char *path, const char *auth, const char *body, struct api_response *rs)
{
	struct api_request rq = {.method = method, .path = path, .authorization = auth, .body = body,
				 .body_len = body ? strlen(body) : 0};
	api_handle(&api, &rq, rs);
	ck_assert_ptr_nonnull(rs->body);
	ck_assert(json_is_object(rs->body));
	return rs->status;
}

static char *bearer(void)
{
	return xasprintf("Bearer %s", token);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static enum runner_state wait_final(void)
{
	enum runner_state st;
	char id[33];
	for (int i = 0; i < 10000; i++) {
		runner_snapshot(&rn, &st, id, NULL, NULL);
		if (st != RUNNER_RUNNING) {
			/* the worker may still be finishing its report hook; a stop waits for it */
			return st;
		}
		usleep(1000);
	}
	ck_abort_msg("the run did not finish in 10 s");
	return RUNNER_ERROR;
}

START_TEST(health_needs_no_token)
{
	struct api_response rs;
	ck_assert_uint_eq(call("GET", "/v1/health", NULL, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "status"), "ok");
	ck_assert_str_eq(str(rs.body, "version"), CAPGATE_VERSION);
	api_response_free(&rs);
}
END_TEST

START_TEST(every_other_endpoint_needs_the_token)
{
	static const char *const eps[][2] = {
		{"GET", "/v1/status"}, {"POST", "/v1/runs"}, {"GET", "/v1/report"}, {"GET", "/v1/ready"},
	};
	_cleanup_free_ char *wrong = xstrdup(token);
	_cleanup_free_ char *wrong_hdr = NULL;
	_cleanup_free_ char *short_hdr = xasprintf("Bearer %.*s", TOKEN_HEX - 1, token);
	_cleanup_free_ char *basic = xasprintf("Basic %s", token);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	wrong_hdr = xasprintf("Bearer %s", wrong);

	for (size_t i = 0; i < ELEMENTSOF(eps); i++) {
		const char *bad[] = {NULL, wrong_hdr, short_hdr, basic, "Bearer ", ""};
		for (size_t k = 0; k < ELEMENTSOF(bad); k++) {
			struct api_response rs;
			ck_assert_msg(call(eps[i][0], eps[i][1], bad[k], "{}", &rs) == 401, "%s %s with '%s'", eps[i][0],
				      eps[i][1], bad[k] ? bad[k] : "(none)");
			ck_assert(rs.authenticate);
			ck_assert_ptr_nonnull(json_object_get(json_object_get(rs.body, "error"), "message"));
			api_response_free(&rs);
		}
	}
	/* nothing ran */
	enum runner_state st;
	char id[33];
	runner_snapshot(&rn, &st, id, NULL, NULL);
	ck_assert_int_eq(st, RUNNER_IDLE);
}
END_TEST

START_TEST(before_the_first_run)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;

	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 404);
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 503);
	ck_assert_uint_eq(rs.retry_after, 1);
	ck_assert_str_eq(str(rs.body, "state"), "idle");
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "idle");
	ck_assert(json_is_null(json_object_get(rs.body, "run_id")));
	api_response_free(&rs);
}
END_TEST

START_TEST(routing_errors)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;

	ck_assert_uint_eq(call("GET", "/v1/nope", auth, NULL, &rs), 404);
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/runs", auth, NULL, &rs), 405);
	ck_assert_str_eq(rs.allow, "POST");
	api_response_free(&rs);
	ck_assert_uint_eq(call("DELETE", "/v1/ready", auth, NULL, &rs), 405);
	ck_assert_str_eq(rs.allow, "GET, HEAD");
	api_response_free(&rs);
	/* HEAD is GET without a body: same status */
	ck_assert_uint_eq(call("HEAD", "/v1/ready", auth, NULL, &rs), 503);
	api_response_free(&rs);
}
END_TEST

START_TEST(bad_run_requests)
{
	_cleanup_free_ char *auth = bearer();
	static const char *const bodies[] = {
		"{", "[]", "{\"remediate\":\"yes\"}", "{\"bogus\":1}", "{\"only\":\"gen.*\"}", "{\"only\":[1]}",
		"{\"profile\":\"no-such-profile\"}", "{\"fail_on\":\"severe\"}", "{\"remediate\":true,\"remediate\":false}",
	};
	for (size_t i = 0; i < ELEMENTSOF(bodies); i++) {
		struct api_response rs;
		ck_assert_msg(call("POST", "/v1/runs", auth, bodies[i], &rs) == 400, "%s", bodies[i]);
		ck_assert_ptr_nonnull(str(json_object_get(rs.body, "error"), "message"));
		api_response_free(&rs);
	}
	enum runner_state st;
	char id[33];
	runner_snapshot(&rn, &st, id, NULL, NULL);
	ck_assert_int_eq(st, RUNNER_IDLE);
}
END_TEST

START_TEST(run_ready_then_blocked)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;
	char first[33];

	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"only\":[\"gen.*\"]}", &rs), 202);
	snprintf(first, sizeof first, "%s", str(rs.body, "run_id"));
	ck_assert_uint_eq(strlen(first), 32);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
	ck_assert_int_eq(runner_stop(&rn, 10000), 0); /* joins the worker */
	rn.cancel = 0;
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "ready");
	ck_assert_str_eq(str(rs.body, "run_id"), first);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rs.body, "summary"), "fail")), 0);
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "schema"), "capgate.report/v1");
	ck_assert_str_eq(str(rs.body, "verdict"), "ready");
	api_response_free(&rs);

	/* plant a leftover: the next run blocks, with the failing check named */
	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"only\":[\"gen.*\"]}", &rs), 202);
	ck_assert_str_ne(str(rs.body, "run_id"), first);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_BLOCKED);
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 412);
	ck_assert_uint_eq(rs.retry_after, 0);
	json_t *failed = json_object_get(rs.body, "failed");
	ck_assert_uint_eq(json_array_size(failed), 1);
	ck_assert_str_eq(str(json_array_get(failed, 0), "id"), "gen.machine-id");
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "blocked");
	api_response_free(&rs);
	/* the report never carries the id in full */
	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 200);
	_cleanup_free_ char *text = json_dumps(rs.body, 0);
	ck_assert(strstr(text, "4c4c4544004d3510804bb7c04f4e3232") == NULL);
	api_response_free(&rs);
}
END_TEST

START_TEST(one_run_at_a_time)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;

	rn.pipeline = gated_pipeline;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"only\":[\"gen.*\"]}", &rs), 202);
	api_response_free(&rs);
	/* while it runs: 409 for a second run, 503 + Retry-After for ready, running in status */
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 409);
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 503);
	ck_assert_uint_eq(rs.retry_after, 1);
	ck_assert_str_eq(str(rs.body, "state"), "running");
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "running");
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 404);
	api_response_free(&rs);

	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
	ck_assert_int_eq(runner_stop(&rn, 10000), 0);
	rn.cancel = 0;
	/* and a new run is accepted again */
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
}
END_TEST

START_TEST(remediation_unavailable_is_an_error_state)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;

	/* what pipeline_run answers in a build without remediation */
	rn.pipeline = gated_pipeline;
	gated_rc = -EOPNOTSUPP;
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"remediate\":true}", &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 500);
	ck_assert(strstr(str(rs.body, "error"), "remediation is not available") != NULL);
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "error");
	api_response_free(&rs);
}
END_TEST

START_TEST(stop_cancels_a_run)
{
	_cleanup_free_ char *auth = bearer();
	struct api_response rs;
	unsigned long long t0;
	enum runner_state st;
	char id[33];
	char *error = NULL;

	rn.pipeline = cancellable_pipeline;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	t0 = util_now_ms();
	ck_assert_int_eq(runner_stop(&rn, 5000), 0);
	ck_assert(util_now_ms() - t0 < 2000);
	runner_snapshot(&rn, &st, id, NULL, &error);
	ck_assert_int_eq(st, RUNNER_ERROR);
	ck_assert(strstr(error, "stopped") != NULL);
	free(error);
}
END_TEST

START_TEST(token_compare)
{
	_cleanup_free_ char *auth = bearer();
	ck_assert(token_check_header(token, auth));
	auth[0] = 'b'; /* "bearer": the scheme is case-insensitive */
	ck_assert(token_check_header(token, auth));
	ck_assert(!token_check_header(token, token));
	ck_assert(!token_check_header(NULL, auth));
	_cleanup_free_ char *longer = xasprintf("Bearer %s0", token);
	ck_assert(!token_check_header(token, longer));
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, health_needs_no_token);
	tcase_add_test(tc, every_other_endpoint_needs_the_token);
	tcase_add_test(tc, before_the_first_run);
	tcase_add_test(tc, routing_errors);
	tcase_add_test(tc, bad_run_requests);
	tcase_add_test(tc, run_ready_then_blocked);
	tcase_add_test(tc, one_run_at_a_time);
	tcase_add_test(tc, remediation_unavailable_is_an_error_state);
	tcase_add_test(tc, stop_cancels_a_run);
	tcase_add_test(tc, token_compare);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(api_suite());
}
