/* SPDX-License-Identifier: Apache-2.0 */
/* api.c and runner.c in-process: authentication, every status code of the contract, the state
 * machine, one run at a time, stopping a run. Runs are the real capgate binary on fixture trees;
 * a script in its place holds a run open where a test needs "while running". */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "api.h"
#include "runlock.h"
#include "testutil.h"
#include "token.h"

static char *root;
static struct runner rn;
static struct api api;
static char token[TOKEN_HEX + 1];

/* A stand-in for the capgate binary: a shell script, for the cases the real one cannot show
 * on demand (a run held open, a crash, a build without remediation). */
static char *script(const char *name, const char *body)
{
	_cleanup_free_ char *text = xasprintf("#!/bin/sh\n%s\n", body);
	tu_write(root, name, text, 0755);
	return tu_path(root, name);
}

static void setup(void)
{
	FILE *f;
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "", 0444);
	tu_mkdir(root, "tmp", 01777);
	/* the runs read no configuration of this host */
	_cleanup_free_ char *noconf = tu_path(root, "noconf");
	setenv("CAPGATE_CONFDIR", noconf, 1);
	runner_init(&rn, tu_capgate());
	strv_push(&rn.base_args, "--root");
	strv_push(&rn.base_args, root);
	strv_push(&rn.profiles, "baseline");
	f = fopen("/dev/urandom", "re");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < TOKEN_HEX; i++)
		token[i] = "0123456789abcdef"[fgetc(f) & 15];
	token[TOKEN_HEX] = '\0';
	fclose(f);
	api = (struct api){.runner = &rn, .token = token};
}

static void teardown(void)
{
	ck_assert_int_eq(runner_stop(&rn, 10000), 0);
	runner_done(&rn);
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
	_cleanup_free_ char *fifo = tu_path(root, "gate.fifo");
	_cleanup_free_ char *body = xasprintf("read x < '%s'; exec '%s' \"$@\"", fifo, tu_capgate());
	_cleanup_free_ char *gated = script("gated.sh", body);
	struct api_response rs;
	int fd;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	rn.capgate = gated;
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
	/* no report while the run goes on: 503 like ready, naming the run */
	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 503);
	ck_assert_str_eq(str(rs.body, "state"), "running");
	api_response_free(&rs);

	fd = open(fifo, O_WRONLY | O_CLOEXEC); /* waits for the script to read */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "go\n", 3), 3);
	close(fd);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
	ck_assert_int_eq(runner_stop(&rn, 10000), 0);
	/* and a new run is accepted again */
	rn.capgate = tu_capgate();
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"only\":[\"gen.*\"]}", &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
}
END_TEST

START_TEST(remediation_unavailable_is_an_error_state)
{
	_cleanup_free_ char *auth = bearer();
	/* what capgate answers when it has no run verb (a build before remediation) */
	_cleanup_free_ char *fake = script("norun.sh", "echo \"capgate: unknown verb '$1'\" >&2; exit 2");
	struct api_response rs;

	rn.capgate = fake;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"remediate\":true}", &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 500);
	ck_assert_msg(strstr(str(rs.body, "error"), "remediation is not available") != NULL, "%s", str(rs.body, "error"));
	api_response_free(&rs);
	ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "state"), "error");
	api_response_free(&rs);
}
END_TEST

START_TEST(run_arguments)
{
	struct run_request req = {.remediate = true, .profile = xstrdup("azure"), .fail_on = CG_SEV_HIGH};
	struct strv argv = {0};
	struct strbuf sb = {0};

	strv_push(&req.only, "gen.*");
	strv_push(&req.only, "secrets.*");
	strv_push(&req.skip, "gen.tmp-files");
	runner_run_argv(&rn, &req, &argv);
	for (size_t i = 1; i < argv.n; i++)
		strbuf_printf(&sb, "%s%s", i > 1 ? " " : "", argv.v[i]);
	_cleanup_free_ char *want = xasprintf("run --remediate --format json --root %s --profile azure --only gen.*,secrets.* "
					      "--skip gen.tmp-files --fail-on high", root);
	ck_assert_str_eq(sb.buf, want);
	strbuf_free(&sb);
	strv_free(&argv);
	run_request_free(&req);
}
END_TEST

START_TEST(crash_and_stop)
{
	_cleanup_free_ char *auth = bearer();
	_cleanup_free_ char *crash = script("crash.sh", "kill -SEGV $$");
	_cleanup_free_ char *slow = script("slow.sh", "exec sleep 30");
	struct api_response rs;
	unsigned long long t0;
	enum runner_state st;
	char id[33];
	char *error = NULL;

	/* a crashing run is an error of that run; the daemon goes on */
	rn.capgate = crash;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	runner_snapshot(&rn, &st, id, NULL, &error);
	ck_assert_msg(strstr(error, "crashed (SEGV)") != NULL, "%s", error);
	free(error);
	ck_assert_int_eq(runner_stop(&rn, 10000), 0);

	/* stopping the daemon stops the run's process at once */
	rn.capgate = slow;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	usleep(200000);
	/* at once: well inside the 30 s a stop would wait for a run that ignored it (a loaded machine
	 * under valgrind takes seconds, not 30) */
	t0 = util_now_ms();
	ck_assert_int_eq(runner_stop(&rn, 30000), 0);
	ck_assert(util_now_ms() - t0 < 15000);
	runner_snapshot(&rn, &st, id, NULL, &error);
	ck_assert_int_eq(st, RUNNER_ERROR);
	ck_assert_msg(strstr(error, "stopped") != NULL, "%s", error);
	free(error);
}
END_TEST

/* The whole of a small file, or -errno. */
static int tu_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char buf[8192];
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	*out = xstrdup(buf);
	*len = n;
	return 0;
}

/* A run that ends without a report after a ready one: report and ready answer for the new run
 * (500 with its error), never with the old verdict; every report names its run. */
START_TEST(failed_run_never_serves_the_previous_report)
{
	_cleanup_free_ char *auth = bearer();
	_cleanup_free_ char *dies = script("dies.sh", "echo 'capgate: cannot read the image' >&2; exit 3");
	_cleanup_free_ char *killed = script("killed.sh", "kill -9 $$");
	struct api_response rs;
	char first[33], second[33];

	ck_assert_uint_eq(call("POST", "/v1/runs", auth, "{\"only\":[\"gen.*\"]}", &rs), 202);
	memcpy(first, str(rs.body, "run_id"), 33);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_READY);
	ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 200);
	ck_assert_str_eq(str(rs.body, "run_id"), first);
	ck_assert_str_eq(str(rs.body, "verdict"), "ready");
	api_response_free(&rs);

	for (int k = 0; k < 2; k++) {
		rn.capgate = k == 0 ? dies : killed;
		ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
		memcpy(second, str(rs.body, "run_id"), 33);
		api_response_free(&rs);
		ck_assert_int_eq(wait_final(), RUNNER_ERROR);
		ck_assert_uint_eq(call("GET", "/v1/report", auth, NULL, &rs), 500);
		ck_assert_str_eq(str(rs.body, "run_id"), second);
		_cleanup_free_ char *text = json_dumps(rs.body, 0);
		ck_assert_msg(strstr(text, k == 0 ? "cannot read the image" : "crashed (KILL)") != NULL, "%s", text);
		ck_assert_msg(strstr(text, "\"ready\"") == NULL, "%s", text);
		api_response_free(&rs);
		ck_assert_uint_eq(call("GET", "/v1/ready", auth, NULL, &rs), 500);
		ck_assert_str_eq(str(rs.body, "run_id"), second);
		ck_assert_ptr_null(json_object_get(rs.body, "summary"));
		api_response_free(&rs);
		ck_assert_uint_eq(call("GET", "/v1/status", auth, NULL, &rs), 200);
		ck_assert(json_is_null(json_object_get(rs.body, "summary")));
		api_response_free(&rs);
	}
}
END_TEST

/* DELETE /v1/runs/ID stops the whole process group of the run; the time limit does the same. */
START_TEST(cancel_and_time_limit)
{
	_cleanup_free_ char *auth = bearer();
	_cleanup_free_ char *pidfile = tu_path(root, "grandchild.pid");
	_cleanup_free_ char *body = xasprintf("sleep 300 & echo $! > '%s'; wait", pidfile);
	_cleanup_free_ char *slow = script("slowgroup.sh", body);
	struct api_response rs;
	char id[33], *error = NULL;
	_cleanup_free_ char *path = NULL;
	enum runner_state st;
	pid_t gc = 0;

	rn.capgate = slow;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	memcpy(id, str(rs.body, "run_id"), 33);
	api_response_free(&rs);
	for (int i = 0; i < 1000 && gc <= 0; i++) {
		_cleanup_free_ char *t = NULL;
		size_t len;
		if (tu_read_file(pidfile, &t, &len) == 0 && len > 1)
			gc = (pid_t)atoi(t);
		else
			usleep(10000);
	}
	ck_assert_int_gt(gc, 0);
	ck_assert_uint_eq(call("DELETE", "/v1/runs/0123456789abcdef0123456789abcdef", auth, NULL, &rs), 404);
	api_response_free(&rs);
	ck_assert_uint_eq(call("DELETE", "/v1/runs/x", NULL, NULL, &rs), 401);
	api_response_free(&rs);
	path = xasprintf("/v1/runs/%s", id);
	ck_assert_uint_eq(call("GET", path, auth, NULL, &rs), 405);
	api_response_free(&rs);
	ck_assert_uint_eq(call("DELETE", path, auth, NULL, &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	runner_snapshot(&rn, &st, id, NULL, &error);
	ck_assert_msg(strstr(error, "cancelled") != NULL, "%s", error);
	free(error);
	/* the sleep the run started went with it (its own process group got the signal) */
	for (int i = 0; i < 500 && kill(gc, 0) == 0; i++)
		usleep(10000);
	ck_assert_int_eq(kill(gc, 0), -1);
	ck_assert_uint_eq(call("DELETE", path, auth, NULL, &rs), 409);
	api_response_free(&rs);

	/* the time limit */
	unlink(pidfile);
	rn.run_timeout_ms = 300;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	runner_snapshot(&rn, &st, id, NULL, &error);
	ck_assert_msg(strstr(error, "time limit") != NULL && strstr(error, "daemon.run_timeout") != NULL, "%s", error);
	free(error);
}
END_TEST

/* The per-root lock: a run is refused (409, naming the holder) while another process holds the
 * image root; the run's process keeps the lock open across exec (CAPGATE_ROOTLOCK_FD). */
START_TEST(one_run_per_root)
{
	_cleanup_free_ char *auth = bearer();
	_cleanup_free_ char *lockdir = tu_path(root, "rt");
	_cleanup_free_ char *seen = tu_path(root, "seen");
	_cleanup_free_ char *body = xasprintf("echo \"$CAPGATE_ROOTLOCK_FD\" > '%s'; ls -l /proc/$$/fd/ >> '%s'", seen, seen);
	_cleanup_free_ char *probe = script("probe.sh", body);
	struct api_response rs;
	pid_t holder;
	int fd;

	tu_mkdir(root, "rt", 0700);
	rn.lock_dir = lockdir;
	rn.root = root;
	fd = runlock_acquire(lockdir, root, &holder);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 409);
	_cleanup_free_ char *pid = xasprintf("pid %d", (int)getpid());
	_cleanup_free_ char *answer = json_dumps(rs.body, 0);
	ck_assert_msg(strstr(answer, pid) != NULL, "names the holder: %s", answer);
	api_response_free(&rs);
	runlock_release(fd);

	rn.capgate = probe;
	ck_assert_uint_eq(call("POST", "/v1/runs", auth, NULL, &rs), 202);
	api_response_free(&rs);
	ck_assert_int_eq(wait_final(), RUNNER_ERROR);
	_cleanup_free_ char *t = NULL;
	size_t len;
	_cleanup_free_ char *lockpath = runlock_path(lockdir, root);
	ck_assert_int_eq(tu_read_file(seen, &t, &len), 0);
	ck_assert_msg(atoi(t) >= 3 && strstr(t, lockpath) != NULL, "the run holds the lock open: %s", t);
	/* released when the run is over */
	fd = runlock_acquire(lockdir, root, &holder);
	ck_assert_int_ge(fd, 0);
	runlock_release(fd);
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
	/* RFC 7235 2.1: credentials = auth-scheme [ 1*SP token68 ]: any number of spaces, nothing else */
	_cleanup_free_ char *spaces = xasprintf("Bearer     %s", token);
	ck_assert(token_check_header(token, spaces));
	_cleanup_free_ char *tab = xasprintf("Bearer\t%s", token);
	ck_assert(!token_check_header(token, tab));
	_cleanup_free_ char *none = xasprintf("Bearer%s", token);
	ck_assert(!token_check_header(token, none));
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
	tcase_add_test(tc, run_arguments);
	tcase_add_test(tc, crash_and_stop);
	tcase_add_test(tc, token_compare);
	tcase_add_test(tc, failed_run_never_serves_the_previous_report);
	tcase_add_test(tc, cancel_and_time_limit);
	tcase_add_test(tc, one_run_per_root);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(api_suite());
}
