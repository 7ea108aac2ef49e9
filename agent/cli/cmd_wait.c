/* SPDX-License-Identifier: Apache-2.0 */
/* capgate wait: the provisioner's side of the API — optionally start a run, poll /v1/ready until a
 * verdict or the deadline, print the summary; exit 0 ready, 1 blocked, 3 error or timeout.
 *
 * It fails closed: the token goes only to the daemon the runtime directory proves (token.c's one
 * trust rule, a living pid) or to a loopback/unix --url (another host needs --allow-remote), and
 * "ready" is believed only from content: the JSON state "ready" for the run it started (or the
 * latest run it read), and a report of that same run whose verdict is ready. */
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cmds.h"
#include "daemon.h"
#include "token.h"

#define WAIT_DEFAULT_TIMEOUT_MS (10ULL * 60 * 1000)
#define WAIT_MAX_BODY (64u << 20)

struct wait {
	const char *url_flag;
	bool allow_remote;
	const char *runtime_dir;
	char run_id[33];    /* the run we wait for: the one we started, or the latest one we read */
	char *base;         /* http://host:port, or http://localhost with unix_path */
	char *unix_path;
	char token[TOKEN_HEX + 1];
	bool have_token;
	CURL *curl;
	struct strbuf body;
	bool body_too_big;
	unsigned long long deadline;
	const char *last_problem; /* for the timeout message */
	char problem_buf[256];
};

static size_t wait_collect(char *p, size_t s, size_t n, void *ud)
{
	struct wait *w = ud;
	if (w->body.len + s * n > WAIT_MAX_BODY) {
		w->body_too_big = true;
		return 0;
	}
	strbuf_append(&w->body, p, s * n);
	return s * n;
}

static void wait_set_base(struct wait *w, const char *u)
{
	free(w->base);
	free(w->unix_path);
	w->unix_path = NULL;
	if (startswith(u, "unix:")) {
		w->unix_path = xstrdup(u + 5);
		w->base = xstrdup("http://localhost");
	} else {
		size_t l = strlen(u);
		while (l && u[l - 1] == '/')
			l--;
		w->base = xstrndup(u, l);
	}
}

static void wait_problem(struct wait *w, const char *fmt, ...) _printf_(2, 3);
static void wait_problem(struct wait *w, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *safe = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	safe = util_escape(msg ? msg : "?");
	/* a diagnostic: when it does not fit, its head is enough */
	if (snprintf(w->problem_buf, sizeof w->problem_buf, "%s", safe) < 0)
		w->problem_buf[0] = '\0';
	w->last_problem = w->problem_buf;
}

/* Whom to ask, with which token. With --url: that address (checked local unless --allow-remote)
 * and the token of the runtime directory. Without: only what a living daemon wrote in a runtime
 * directory that passes the daemon's own rule (token_trust_runtime), and an address on this
 * machine. Nothing is sent until this holds: a stale url or a borrowed directory gets no token. */
static void wait_load_token(struct wait *w)
{
	_cleanup_free_ char *why = NULL;
	char url[512];
	int r;

	w->have_token = false;
	if (w->url_flag) {
		r = token_read(w->runtime_dir, w->token);
		if (r < 0) {
			wait_problem(w, "no token in '%s/token': %s", w->runtime_dir,
				     r == -EBADMSG ? "not a capgate token"
				     : r == -EPERM ? "the runtime directory or token file is not ours (0700 dir, 0600 file, our or root's)"
						   : strerror(-r));
			return;
		}
		wait_set_base(w, w->url_flag);
		w->have_token = true;
		return;
	}
	r = token_trust_runtime(w->runtime_dir, url, sizeof url, w->token, &why);
	if (r < 0) {
		wait_problem(w, "not trusted: %s", why);
		return;
	}
	if (!util_url_is_local(url) || startswith(url, "https://")) {
		token_wipe(w->token, sizeof w->token);
		wait_problem(w, "'%s/url' names '%s', not an address on this machine", w->runtime_dir, url);
		return;
	}
	if (startswith(url, "unix:")) {
		/* the socket file is the daemon's: its owner is the directory's owner */
		struct stat st, dst;
		if (lstat(w->runtime_dir, &dst) < 0 || lstat(url + 5, &st) < 0 || !S_ISSOCK(st.st_mode) ||
		    st.st_uid != dst.st_uid) {
			token_wipe(w->token, sizeof w->token);
			wait_problem(w, "socket '%s': missing, or not owned by the runtime directory's owner", url + 5);
			return;
		}
	}
	wait_set_base(w, url);
	w->have_token = true;
}

/* One request. Returns the HTTP status, or 0 with last_problem set when there was no answer. */
static long wait_request(struct wait *w, const char *method, const char *path, const char *body, unsigned *retry_after)
{
	_cleanup_free_ char *url = NULL, *auth = NULL;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	unsigned long long now = util_now_ms();
	long budget = w->deadline > now ? (long)(w->deadline - now) : 1;
	CURLcode cc;

	url = xasprintf("%s%s", w->base, path);
	strbuf_truncate(&w->body, 0);
	w->body_too_big = false;
	curl_easy_reset(w->curl);
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (w->unix_path)
		curl_easy_setopt(w->curl, CURLOPT_UNIX_SOCKET_PATH, w->unix_path);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_NOPROXY, "*"); /* the daemon is local; a proxy must not see the token */
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, budget < 15000 ? budget : 15000L);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, wait_collect);
	curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, errbuf);
	if (w->have_token) {
		auth = xasprintf("Authorization: Bearer %s", w->token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	(void)method;
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, hdrs);
	cc = curl_easy_perform(w->curl);
	if (cc == CURLE_OK) {
		curl_off_t ra = 0;
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
		if (retry_after && curl_easy_getinfo(w->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK)
			*retry_after = ra > 0 && ra < 3600 ? (unsigned)ra : 0;
	} else {
		wait_problem(w, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
	}
	if (auth)
		explicit_bzero(auth, strlen(auth));
	curl_slist_free_all(hdrs);
	return status;
}

static void wait_pause(struct wait *w, unsigned long long ms)
{
	unsigned long long now = util_now_ms();
	if (now >= w->deadline)
		return;
	if (ms > w->deadline - now)
		ms = w->deadline - now;
	usleep((useconds_t)(ms * 1000));
}

static json_t *wait_body_json(struct wait *w)
{
	return w->body.len ? json_loadb(w->body.buf, w->body.len, 0, NULL) : NULL;
}

static const char *error_message(json_t *doc)
{
	json_t *e = json_object_get(doc, "error");
	if (json_is_string(e))
		return json_string_value(e);
	return json_string_value(json_object_get(e, "message"));
}

/* Print text from the network with control characters escaped (a server's "\ncapgate: ready"
 * or terminal escapes stay visible as such). */
static void put_safe(FILE *out, const char *s)
{
	_cleanup_free_ char *e = util_escape(s ? s : "?");
	fputs(e, out);
}

/* What the run's remediation did: the changes made, then what it tried and could not do, or
 * refused, with the reason (the part the log reader acts on). */
static void wait_print_actions(json_t *report, FILE *out)
{
	size_t i, done = 0;
	json_t *a;

	json_array_foreach(json_object_get(report, "actions"), i, a) {
		const char *res = json_string_value(json_object_get(a, "result"));
		if (!res || !(streq(res, "done") || streq(res, "failed") || streq(res, "refused")))
			continue;
		done += streq(res, "done");
		fprintf(out, "%s %s: %s ", streq(res, "done") ? "fixed" : res,
			json_string_value(json_object_get(a, "check")) ?: "?",
			json_string_value(json_object_get(a, "action")) ?: "?");
		put_safe(out, json_string_value(json_object_get(a, "path")));
		if (!streq(res, "done") && json_is_string(json_object_get(a, "reason"))) {
			fputs(": ", out);
			put_safe(out, json_string_value(json_object_get(a, "reason")));
		}
		fputc('\n', out);
	}
	if (json_array_size(json_object_get(report, "actions")))
		fprintf(out, "capgate: %zu fixed by this run\n", done);
}

/* The summary a provisioner log shows: what was fixed, the failing checks with their findings
 * (what is left), then one verdict line. */
static void wait_print_report(json_t *report, const char *verdict, const char *error, FILE *out)
{
	json_t *sum = json_object_get(report, "summary"), *c, *f;
	size_t i, k;

	wait_print_actions(report, out);
	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		if (!st || !(streq(st, "fail") || streq(st, "error")))
			continue;
		put_safe(out, st);
		fputc(' ', out);
		put_safe(out, json_string_value(json_object_get(c, "id")));
		fputs(" [", out);
		put_safe(out, json_string_value(json_object_get(c, "severity")));
		fputs("]: ", out);
		put_safe(out, json_string_value(json_object_get(c, "title")));
		fputc('\n', out);
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			json_t *line = json_object_get(f, "line");
			fputs("    ", out);
			put_safe(out, json_string_value(json_object_get(f, "path")));
			if (json_is_integer(line))
				fprintf(out, ":%lld", (long long)json_integer_value(line));
			fputs(": ", out);
			put_safe(out, json_string_value(json_object_get(f, "message")));
			if (json_is_string(json_object_get(f, "evidence"))) {
				fputs(" [", out);
				put_safe(out, json_string_value(json_object_get(f, "evidence")));
				fputc(']', out);
			}
			fputc('\n', out);
		}
		json_array_foreach(json_object_get(c, "errors"), k, f) {
			fputs("    error ", out);
			put_safe(out, json_string_value(json_object_get(f, "path")));
			fputs(": ", out);
			put_safe(out, json_string_value(json_object_get(f, "message")));
			fputc('\n', out);
		}
	}
	fputs("capgate: ", out);
	put_safe(out, verdict);
	if (sum) {
		fprintf(out, ": %lld checks, %lld failed (left), %lld errors, %lld skipped (fail on ",
			json_integer_value(json_object_get(sum, "checks")), json_integer_value(json_object_get(sum, "fail")),
			json_integer_value(json_object_get(sum, "error")), json_integer_value(json_object_get(sum, "skip")));
		put_safe(out, json_string_value(json_object_get(report, "fail_on")) ?: "medium");
		fputc(')', out);
	}
	fputc('\n', out);
	if (error) {
		fputs("capgate: ", out);
		put_safe(out, error);
		fputc('\n', out);
	}
	fflush(out);
}

/* --format/--output: the daemon's report of this run, in every format asked, through the same
 * writers as `capgate run`. RC is the exit code the verdict gave; a report that is missing, not
 * readable or of another verdict makes the answer an error, so files and exit code never disagree. */
static int wait_write_reports(const struct cli_args *a, json_t *report, int rc)
{
	struct cg_report rep;
	_cleanup_free_ char *err = NULL;
	int w;

	if (!a->nformats && !a->noutputs)
		return rc;
	if (!report) {
		fprintf(stderr, "capgate wait: the daemon gave no report; no report file written\n");
		return EXIT_ERROR;
	}
	if (report_from_json(report, &rep, &err) < 0) {
		fprintf(stderr, "capgate wait: the daemon's report cannot be read: %s\n", err);
		return EXIT_ERROR;
	}
	if (scan_exit_code(&rep) != rc) {
		fprintf(stderr, "capgate wait: the report says '%s' but the daemon's answer was exit %d; reports not written\n",
			scan_verdict_name(rep.verdict), rc);
		scan_report_free(&rep);
		return EXIT_ERROR;
	}
	w = cli_write_reports(a, &rep);
	scan_report_free(&rep);
	return w ? EXIT_ERROR : rc;
}

/* A run id as the daemon makes them: 32 lowercase hex digits. */
static bool run_id_ok(const char *id)
{
	if (!id || strlen(id) != 32)
		return false;
	for (const char *p = id; *p; p++)
		if (!strchr("0123456789abcdef", *p))
			return false;
	return true;
}

/* POST /v1/runs until the daemon takes it; the run id it answers is the one we wait for.
 * Returns 0, or an exit code. */
static int wait_trigger(struct wait *w, const struct cli_args *a)
{
	json_t *req = json_pack("{s:b}", "remediate", a->remediate);
	_cleanup_free_ char *body = NULL;

	if (a->profile)
		json_object_set_new(req, "profile", json_string(a->profile));
	if (a->only.n) {
		json_t *only = json_array();
		for (size_t i = 0; i < a->only.n; i++)
			json_array_append_new(only, json_string(a->only.v[i]));
		json_object_set_new(req, "only", only);
	}
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);

	while (util_now_ms() < w->deadline) {
		long st;
		json_t *doc;

		if (!w->have_token)
			wait_load_token(w);
		if (!w->have_token) {
			wait_pause(w, 250);
			continue;
		}
		st = wait_request(w, "POST", "/v1/runs", body, NULL);
		doc = wait_body_json(w);
		if (st == 202) {
			const char *id = json_string_value(json_object_get(doc, "run_id"));
			if (!run_id_ok(id)) {
				_cleanup_free_ char *e = util_escape(id ? id : "none");
				fprintf(stderr, "capgate wait: the daemon accepted the run but named no run id (got '%s'); "
						"cannot tell its answer from another run's\n", e);
				json_decref(doc);
				return EXIT_ERROR;
			}
			memcpy(w->run_id, id, 33);
			fprintf(stderr, "capgate: run %s started%s\n", w->run_id, a->remediate ? " (with remediation)" : "");
			json_decref(doc);
			return 0;
		}
		if (st == 400) {
			_cleanup_free_ char *e = util_escape(error_message(doc) ?: "bad request");
			fprintf(stderr, "capgate wait: the daemon refused the run: %s\n", e);
			json_decref(doc);
			return EXIT_USAGE;
		}
		if (st == 401)
			w->have_token = false; /* restarted daemon, new token: read it again */
		if (st)
			wait_problem(w, "POST /v1/runs: HTTP %ld: %s", st, error_message(doc) ?: "no message");
		json_decref(doc);
		wait_pause(w, st == 409 ? 1000 : 250);
	}
	return EXIT_ERROR;
}

/* Not ready, and why: printed, exit 3. */
static int wait_refuse(struct wait *w, const char *fmt, ...) _printf_(2, 3);
static int wait_refuse(struct wait *w, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *safe = NULL;
	va_list ap;

	(void)w;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	safe = util_escape(msg ? msg : "?");
	printf("capgate: error\n");
	fflush(stdout);
	fprintf(stderr, "capgate wait: not ready: %s\n", safe);
	return EXIT_ERROR;
}

/* The answer's run: it must be ours. Without --trigger the first run id we read becomes ours. */
static const char *wait_check_run(struct wait *w, json_t *doc)
{
	const char *id = json_string_value(json_object_get(doc, "run_id"));

	if (!run_id_ok(id))
		return "the answer names no run id";
	if (!w->run_id[0])
		memcpy(w->run_id, id, 33);
	if (!streq(id, w->run_id))
		return "the answer is about another run";
	return NULL;
}

/* A final answer (200, 412, 500) judged by its content. Returns the exit code. */
static int wait_verdict(struct wait *w, const struct cli_args *a, long st, json_t *doc)
{
	const char *state = json_string_value(json_object_get(doc, "state"));
	const char *bad;
	json_t *report = NULL;
	int rc;

	if (!json_is_object(doc))
		return wait_refuse(w, "HTTP %ld with a body that is not a JSON object", st);
	/* a report on stdout (--format json without --output) keeps stdout for itself */
	FILE *out = cli_report_on_stdout(a) ? stderr : stdout;
	if (st == 500) {
		/* the run's own report, when it made one (a check in error): printed and written */
		_cleanup_free_ char *error = xstrdup(error_message(doc) ?: "the run could not complete");
		const char *id = json_string_value(json_object_get(doc, "run_id"));
		if (wait_request(w, "GET", "/v1/report", NULL, NULL) == 200)
			report = wait_body_json(w);
		if (report && (!id || !streq(json_string_value(json_object_get(report, "run_id")) ?: "", id))) {
			json_decref(report);
			report = NULL;
		}
		wait_print_report(report ? report : doc, "error", error, out);
		rc = wait_write_reports(a, report, EXIT_ERROR);
		json_decref(report);
		return rc;
	}
	if (!state)
		return wait_refuse(w, "HTTP %ld without a state", st);
	if ((bad = wait_check_run(w, doc)))
		return wait_refuse(w, "HTTP %ld (state '%s'): %s (waiting for run %s)", st, state, bad,
				   w->run_id[0] ? w->run_id : "?");
	if (st == 412 && streq(state, "blocked"))
		rc = EXIT_BLOCKED;
	else if (st == 200 && streq(state, "ready"))
		rc = EXIT_READY;
	else
		return wait_refuse(w, "HTTP %ld with state '%s'", st, state);

	/* the report must be this run's, with the same verdict: a stale or foreign report is not a yes */
	if (wait_request(w, "GET", "/v1/report", NULL, NULL) == 200)
		report = wait_body_json(w);
	if (rc == EXIT_READY) {
		const char *rid = json_string_value(json_object_get(report, "run_id"));
		const char *verdict = json_string_value(json_object_get(report, "verdict"));
		if (!json_is_object(report)) {
			json_decref(report);
			return wait_refuse(w, "the daemon said ready but gave no report of run %s", w->run_id);
		}
		if (!rid || !streq(rid, w->run_id) || !verdict || !streq(verdict, "ready")) {
			const char *what = !rid || !streq(rid, w->run_id) ? "of another run" : "not ready";
			json_decref(report);
			return wait_refuse(w, "the daemon said ready for run %s but its report is %s", w->run_id, what);
		}
	} else if (report && !streq(json_string_value(json_object_get(report, "run_id")) ?: "", w->run_id)) {
		json_decref(report);
		report = NULL; /* blocked either way; print only what belongs to this run */
	}
	wait_print_report(report ? report : doc, state, NULL, out);
	rc = wait_write_reports(a, report, rc);
	json_decref(report);
	return rc;
}

static int wait_poll(struct wait *w, const struct cli_args *a)
{
	while (util_now_ms() < w->deadline) {
		unsigned retry_after = 0;
		long st;
		json_t *doc;
		int rc;

		if (!w->have_token)
			wait_load_token(w);
		if (!w->have_token) {
			wait_pause(w, 250);
			continue;
		}
		st = wait_request(w, "GET", "/v1/ready", NULL, &retry_after);
		doc = wait_body_json(w);
		if (st == 200 || st == 412 || st == 500) {
			rc = wait_verdict(w, a, st, doc);
			json_decref(doc);
			return rc;
		}
		if (st == 401)
			w->have_token = false;
		if (st == 503 && json_is_string(json_object_get(doc, "run_id"))) {
			/* a run in progress: if it is not ours, ours is over and its answer is lost */
			const char *bad = wait_check_run(w, doc);
			if (bad) {
				rc = wait_refuse(w, "the daemon is busy with another run (waiting for run %s)", w->run_id);
				json_decref(doc);
				return rc;
			}
		} else if (st == 503 && w->run_id[0] && json_is_object(doc) && json_is_null(json_object_get(doc, "run_id"))) {
			/* the daemon forgot our run: it restarted */
			json_decref(doc);
			return wait_refuse(w, "the daemon no longer knows run %s (it restarted)", w->run_id);
		}
		if (st)
			wait_problem(w, "GET /v1/ready: HTTP %ld: %s", st,
				     json_string_value(json_object_get(doc, "message")) ?: error_message(doc) ?: "no message");
		json_decref(doc);
		/* Retry-After paces us while the run goes on; a daemon not up yet is tried every 250 ms */
		wait_pause(w, st == 503 ? (retry_after ? retry_after * 1000ULL : 1000ULL) : 250);
	}
	return EXIT_ERROR;
}

int cmd_wait(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	struct wait w = {0};
	unsigned long long timeout_ms = WAIT_DEFAULT_TIMEOUT_MS;
	int r;

	r = cli_parse_options_only(verb, argc, argv, &a);
	if (r)
		return r < 0 ? 0 : r;
	r = cli_check_reports(verb, &a);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	if (a.timeout && util_parse_duration_ms(a.timeout, &timeout_ms) < 0) {
		fprintf(stderr, "capgate wait: --timeout '%s': expected a duration such as 90s or 10m\n", a.timeout);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	if (a.remediate && !a.trigger) {
		fprintf(stderr, "capgate wait: --remediate needs --trigger (it describes the run to start)\n");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	if (a.url && !startswith(a.url, "http://") && !startswith(a.url, "https://") && !startswith(a.url, "unix:/")) {
		fprintf(stderr, "capgate wait: --url '%s': expected http://HOST:PORT or unix:/PATH\n", a.url);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	/* the token is the daemon's key: it leaves this machine only when the user says so */
	if (a.url && !util_url_is_local(a.url) && !a.allow_remote) {
		fprintf(stderr, "capgate wait: --url '%s' is not on this machine; the token would be sent there "
				"(add --allow-remote if that is meant)\n", a.url);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	/* the runtime directory may be configured for the daemon; read the same config */
	r = cli_load_config(&a, &cfg);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	w.url_flag = a.url;
	w.allow_remote = a.allow_remote;
	w.runtime_dir = token_runtime_dir(a.runtime_dir, json_string_value(config_get(&cfg, "daemon.runtime_dir")));
	w.deadline = util_now_ms() + timeout_ms;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	w.curl = curl_easy_init();
	if (!w.curl) {
		r = EXIT_ERROR;
		goto out;
	}
	r = a.trigger ? wait_trigger(&w, &a) : 0;
	if (r == 0)
		r = wait_poll(&w, &a);
	if (r == EXIT_ERROR && util_now_ms() >= w.deadline)
		fprintf(stderr, "capgate wait: timed out after %s%s%s\n", a.timeout ? a.timeout : "10m",
			w.last_problem ? "; last: " : "", w.last_problem ? w.last_problem : "");
out:
	if (w.curl)
		curl_easy_cleanup(w.curl);
	curl_global_cleanup();
	token_wipe(w.token, sizeof w.token);
	strbuf_free(&w.body);
	free(w.base);
	free(w.unix_path);
	config_free(&cfg);
	cli_args_free(&a);
	return r;
}
